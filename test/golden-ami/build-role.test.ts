/**
 * The build instance's role, compared action by action with the two AWS managed policies Image
 * Builder documents for build instances, and with what each turned-on feature needs:
 * - AmazonSSMManagedInstanceCore (AWS Managed Policy Reference, v2): the SSM agent;
 * - EC2InstanceProfileForImageBuilder (EC2 Image Builder User Guide, "Use AWS managed policies for
 *   EC2 Image Builder"): components, their payloads and the build logs;
 * - S3 logs (`s3Logs`, off by default: Image Builder streams the build logs to CloudWatch Logs
 *   anyway, EC2 Image Builder User Guide, "Monitor Image Builder logs with Amazon CloudWatch Logs"):
 *   the log key through S3 for the uploads;
 * - enhanced image metadata (Image Builder User Guide, "Image Builder image metadata"): an SSM
 *   Inventory association (AWS-GatherSoftwareInventory) on the build instance, which the agent runs
 *   with the inventory subset of AmazonSSMManagedInstanceCore. An instance holds one inventory
 *   association only (aws-samples/immutable-server-pipeline#12; aws-parallelcluster turns it off).
 * Every action of the two policies is either granted, scoped, or left out for a stated reason.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { GoldenImagePipeline, GoldenImagePipelineProps } from '../../lib/golden-ami';
import { importedVpc, testStack } from '../util';

type Decision = { granted: true } | { granted: false; because: string } | { granted: 'with enhanced metadata' } | { granted: 'with S3 logs' };

const SSM_MANAGED_INSTANCE_CORE: Record<string, Decision> = {
  'ssm:DescribeAssociation': { granted: 'with enhanced metadata' },
  'ssm:GetDeployablePatchSnapshotForInstance': { granted: false, because: 'Patch Manager; update-linux patches with the package manager' },
  'ssm:GetDocument': { granted: 'with enhanced metadata' },
  'ssm:DescribeDocument': { granted: 'with enhanced metadata' },
  'ssm:GetManifest': { granted: false, because: 'Distributor packages; no component installs one' },
  'ssm:GetParameter': { granted: false, because: 'no component reads a parameter; grant it to the role for your own' },
  'ssm:GetParameters': { granted: false, because: 'no component reads a parameter; grant it to the role for your own' },
  'ssm:ListAssociations': { granted: false, because: 'the agent lists its own associations with ListInstanceAssociations' },
  'ssm:ListInstanceAssociations': { granted: true },
  'ssm:PutInventory': { granted: 'with enhanced metadata' },
  'ssm:PutComplianceItems': { granted: 'with enhanced metadata' },
  'ssm:PutConfigurePackageResult': { granted: false, because: 'Distributor packages; no component installs one' },
  'ssm:UpdateAssociationStatus': { granted: 'with enhanced metadata' },
  'ssm:UpdateInstanceAssociationStatus': { granted: true },
  'ssm:UpdateInstanceInformation': { granted: true },
  'ssmmessages:CreateControlChannel': { granted: true },
  'ssmmessages:CreateDataChannel': { granted: true },
  'ssmmessages:OpenControlChannel': { granted: true },
  'ssmmessages:OpenDataChannel': { granted: true },
  'ec2messages:AcknowledgeMessage': { granted: true },
  'ec2messages:DeleteMessage': { granted: true },
  'ec2messages:FailMessage': { granted: true },
  'ec2messages:GetEndpoint': { granted: true },
  'ec2messages:GetMessages': { granted: true },
  'ec2messages:SendReply': { granted: true },
};

const EC2_INSTANCE_PROFILE_FOR_IMAGE_BUILDER: Record<string, Decision> = {
  'imagebuilder:GetComponent': { granted: true },
  'imagebuilder:GetMarketplaceResource': { granted: false, because: 'AWS Marketplace components; the recipe takes none' },
  'kms:Decrypt': { granted: 'with S3 logs' }, // for the build log key through S3; components are not KMS-encrypted
  's3:GetObject': { granted: true },
  'logs:CreateLogGroup': { granted: false, because: 'the pipeline creates its log groups itself' },
  'logs:CreateLogStream': { granted: true },
  'logs:PutLogEvents': { granted: true },
  'ec2:CreateSnapshot': { granted: false, because: 'Image Builder creates the AMI and its snapshots with its service-linked role' },
  'ec2:CreateTags': { granted: false, because: 'Image Builder tags the AMI and its snapshots with its service-linked role' },
  'ec2:DescribeSnapshots': { granted: false, because: 'Image Builder creates the AMI and its snapshots with its service-linked role' },
  'ec2:DescribeVolumes': { granted: false, because: 'Image Builder creates the AMI and its snapshots with its service-linked role' },
};

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

function roleActions(props: Partial<GoldenImagePipelineProps> = {}): { actions: Set<string>; statements: Statement[] } {
  const stack = testStack();
  const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), ...props });
  const template = Template.fromStack(stack);
  const roleId = stack.getLogicalId(pipeline.role.node.defaultChild as never);
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } }));
  const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  const actions = new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
  return { actions, statements };
}

describe.each([
  ['AmazonSSMManagedInstanceCore', SSM_MANAGED_INSTANCE_CORE],
  ['EC2InstanceProfileForImageBuilder', EC2_INSTANCE_PROFILE_FOR_IMAGE_BUILDER],
])('the build role against %s', (_policy, decisions) => {
  const off = roleActions();
  const on = roleActions({ enhancedImageMetadata: true });
  const s3Logs = roleActions({ s3Logs: true });

  test.each(Object.entries(decisions))('%s', (action, decision) => {
    if (decision.granted === true) {
      expect(off.actions).toContain(action);
    } else if (decision.granted === 'with enhanced metadata') {
      expect(off.actions).not.toContain(action);
      expect(on.actions).toContain(action);
    } else if (decision.granted === 'with S3 logs') {
      expect(off.actions).not.toContain(action);
      expect(s3Logs.actions).toContain(action);
    } else {
      expect(decision.because.length).toBeGreaterThan(10);
      expect(on.actions).not.toContain(action);
      expect(s3Logs.actions).not.toContain(action);
    }
  });
});

describe('enhanced image metadata', () => {
  test('is off by default on the pipeline and the image built on deploy', () => {
    // GIVEN / WHEN
    const stack = testStack();
    new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), buildOnDeploy: true });
    const template = Template.fromStack(stack);
    // THEN
    template.hasResourceProperties('AWS::ImageBuilder::ImagePipeline', { EnhancedImageMetadataEnabled: false });
    template.hasResourceProperties('AWS::ImageBuilder::Image', { EnhancedImageMetadataEnabled: false });
  });

  test('when on, the inventory actions are scoped to this account\'s instances and the one AWS document', () => {
    const { statements } = roleActions({ enhancedImageMetadata: true });
    const bySid = (sid: string) => JSON.stringify(statements.find((x) => x.Sid === sid)!.Resource);
    expect(bySid('ReadInventoryDocument')).toMatch(/::document\/AWS-GatherSoftwareInventory"\]\]\}$/);
    expect(bySid('ReportInventory')).toMatch(/:instance\/\*"\]\]\}$/);
    expect(bySid('RunInventoryAssociation')).toMatch(/:association\/\*/);
    for (const s of statements.filter((x) => /Inventory/.test(x.Sid ?? ''))) expect(s.Resource).not.toEqual('*');
  });
});
