/**
 * Issue 12 items 4, 6 and 9: what happens to running instances when a new AMI appears, what happens
 * to data volumes, and which keys the Auto Scaling service-linked role may use.
 *
 * - A `{{resolve:ssm:<name>}}` dynamic reference is resolved when CloudFormation creates the resource
 *   and not re-read on later updates unless the reference text changes (CloudFormation User Guide,
 *   "Get a plaintext value from Systems Manager Parameter Store" (dynamic-references-ssm.html); AWS
 *   Knowledge Center "cloudformation-stack-update-secrets"). An `AWS::SSM::Parameter::Value<...>`
 *   template parameter is read on every deploy, and a new ImageId replaces an AWS::EC2::Instance
 *   (CloudFormation User Guide, "AWS::EC2::Instance", ImageId: "Update requires: Replacement").
 * - A new logical id makes CloudFormation create the new resource and delete the old one during
 *   UPDATE_COMPLETE_CLEANUP_IN_PROGRESS; with termination protection that delete fails and the old
 *   instance keeps running outside the stack ("Update behaviors of stack resources").
 */
import { App, CfnParameter, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LaunchTimeImage } from '../../lib/core';
import { GoldenImagePipeline, IImageSource } from '../../lib/golden-ami';
import { AutoScalingFleet, FleetImage, InstanceFleet, InstanceFleetProps } from '../../lib/launch';
import { testStack } from '../util';
import { importedVpc } from '../util';

const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
const DATA = { deviceName: '/dev/sdf', size: Size.gibibytes(10) };

function instances(props: InstanceFleetProps): Template {
  const stack = testStack();
  new InstanceFleet(stack, 'Fleet', { vpc: importedVpc(stack), ...props });
  return Template.fromStack(stack);
}

describe('images are read when an instance launches, by default', () => {
  test('FleetImage.latestAmazonLinux2023() and fromSsmParameter(name) are dynamic references on instances', () => {
    // GIVEN / WHEN
    const latest = instances({ image: FleetImage.latestAmazonLinux2023() });
    const golden = instances({ image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id') });
    // THEN no template parameter that a deploy re-reads
    latest.hasResourceProperties('AWS::EC2::Instance', { ImageId: `{{resolve:ssm:${AL2023}}}` });
    golden.hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/imagebuilder/web/ami-id}}' });
    expect(Object.keys(latest.findParameters('*', { Type: Match.stringLikeRegexp('AWS::EC2::Image::Id') }))).toEqual([]);
  });

  test('an AutoScalingFleet\'s launch template reads the parameter at every launch', () => {
    const stack = testStack();
    new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: `resolve:ssm:${AL2023}` }),
    });
  });
});

describe('a LaunchTimeImage given as machineImage', () => {
  test('instances get the dynamic reference, the group\'s launch template the launch-time form', () => {
    // GIVEN a Windows image read at launch
    const machineImage = LaunchTimeImage.fromSsmParameter('/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base',
      { os: ec2.OperatingSystemType.WINDOWS });
    const stack = testStack();
    // WHEN
    const vpc = importedVpc(stack);
    const fleet = new InstanceFleet(stack, 'Fleet', { vpc, machineImage, rootDeviceName: '/dev/sda1' });
    new AutoScalingFleet(stack, 'Group', { vpc, machineImage, rootDeviceName: '/dev/sda1' });
    // THEN
    const template = Template.fromStack(stack);
    expect(fleet.image.resolvesAtLaunch).toBe(true);
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: '{{resolve:ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base}}',
      UserData: { 'Fn::Base64': '<powershell></powershell>' },
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: 'resolve:ssm:/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' }),
    });
  });
});

describe('an image read on every deploy is refused where it would replace instances together or orphan data', () => {
  const deployTime = FleetImage.fromSsmParameter('/imagebuilder/web/ami-id', { resolveAtLaunch: false });

  test('two instances: refused, with the way out', () => {
    expect(() => instances({ image: deployTime, instanceCount: 2 }))
      .toThrow(/Fleet: image must be an image read at launch for a fleet of more than one instance.*replace all 2 instances in one deploy.*imageGenerations/);
  });

  test('one instance with a kept data volume: refused', () => {
    expect(() => instances({ image: deployTime, dataVolumes: [DATA] }))
      .toThrow(/image must be an image read at launch when dataVolumes are kept on termination/);
  });

  test('one stateless instance: accepted', () => {
    expect(() => instances({ image: deployTime, dataVolumes: [{ ...DATA, deleteOnTermination: true }] })).not.toThrow();
  });

  test('GoldenImagePipeline.machineImage-style images are read at launch instead, so a two-instance fleet passes', () => {
    const template = instances({ image: FleetImage.fromMachineImage(ec2.MachineImage.fromSsmParameter('/imagebuilder/web/ami-id')), instanceCount: 2 });
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/imagebuilder/web/ami-id}}' });
  });
});

describe('explicit replacement, one instance at a time: imageGenerations', () => {
  test('raising one instance\'s generation gives that instance, and only it, a new logical id', () => {
    // GIVEN a fleet of three WHEN instance 2 moves to generation 1
    const before = Object.keys(instances({ instanceCount: 3 }).findResources('AWS::EC2::Instance'));
    const after = Object.keys(instances({ instanceCount: 3, imageGenerations: [0, 1] }).findResources('AWS::EC2::Instance'));
    // THEN instances 1 and 3 keep their logical ids, instance 2 gets a new one (a replacement)
    expect(after.filter((id) => before.includes(id))).toHaveLength(2);
    expect(after.find((id) => !before.includes(id))).toMatch(/^FleetInstance2G1/);
  });

  test('refused while data volumes are kept on termination: they would be left detached', () => {
    expect(() => instances({ instanceCount: 2, imageGenerations: [1], dataVolumes: [DATA] }))
      .toThrow(/imageGenerations must be all 0 while dataVolumes are kept on termination.*RestoredVolume/);
    expect(() => instances({ instanceCount: 2, imageGenerations: [1], dataVolumes: [{ ...DATA, deleteOnTermination: true }] })).not.toThrow();
  });

  test('a generation known only at deploy is refused: it names the instance resource', () => {
    const stack = testStack();
    const generation = new CfnParameter(stack, 'Generation', { type: 'Number' }).valueAsNumber;
    expect(() => new InstanceFleet(stack, 'Fleet', { vpc: importedVpc(stack), imageGenerations: [generation] }))
      .toThrow(/imageGenerations\[0\] must be a number known at synth \(it names the instance resource\), got '<token>'/);
  });

  test('more entries than instances, or a negative or fractional generation, are refused', () => {
    expect(() => instances({ instanceCount: 1, imageGenerations: [0, 1] })).toThrow(/imageGenerations must be at most one entry per instance \(1\)/);
    expect(() => instances({ imageGenerations: [-1] })).toThrow(/imageGenerations\[0\] must be a whole number of at least 0, got -1/);
    expect(() => instances({ imageGenerations: [1.5] })).toThrow(/imageGenerations\[0\] must be a whole number of at least 0, got 1.5/);
  });
});

describe('data volumes on termination', () => {
  test('an InstanceFleet keeps them, an AutoScalingFleet deletes them on scale-in (issue 12 item 9)', () => {
    // Amazon EC2 User Guide, "Preserve data when an instance is terminated": DeleteOnTermination is
    // false by default for attached non-root volumes, which then outlive every scaled-in instance.
    instances({ dataVolumes: [DATA] }).hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: Match.arrayWith([Match.objectLike({ DeviceName: '/dev/sdf', Ebs: Match.objectLike({ DeleteOnTermination: false }) })]),
    });
    const stack = testStack();
    new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack), dataVolumes: [DATA] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: Match.arrayWith([Match.objectLike({ DeviceName: '/dev/sdf', Ebs: Match.objectLike({ DeleteOnTermination: true }) })]),
      }),
    });
  });
});

// Amazon EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with encrypted volumes":
// the service-linked role AWSServiceRoleForAutoScaling needs kms:Encrypt, Decrypt, ReEncrypt*,
// GenerateDataKey* and DescribeKey on the key, and kms:CreateGrant with kms:GrantIsForAWSResource,
// also when the key encrypts the AMI's snapshots rather than the template's volumes.
describe('the key of a pipeline image travels with it (issue 12 item 4)', () => {
  test('FleetImage.fromPipeline: the pipeline\'s EBS key admits the Auto Scaling service-linked role', () => {
    // GIVEN a pipeline (stand-in for GoldenImagePipeline) whose AMIs are encrypted with a customer key
    const images = new Stack(undefined, 'Images', { env: { region: 'us-east-1' } });
    const ebsEncryptionKey = new kms.Key(images, 'AmiKey');
    const pipeline: IImageSource = {
      recipeName: 'web', amiParameterName: '/imagebuilder/web/ami-id', ebsEncryptionKey,
      machineImage: LaunchTimeImage.fromSsmParameter('/imagebuilder/web/ami-id'),
    };
    const stack = new Stack(images.node.root as never, 'Fleet', { env: { region: 'us-east-1' } });
    // WHEN
    new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack), image: FleetImage.fromPipeline(pipeline) });
    // THEN
    const statements = Template.fromStack(images).findResources('AWS::KMS::Key');
    const policy = JSON.stringify(Object.values(statements)[0].Properties.KeyPolicy);
    expect(policy).toContain('AWSServiceRoleForAutoScaling');
    Template.fromStack(images).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'AllowAutoScalingServiceLinkedRole', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'] }),
        Match.objectLike({ Sid: 'AllowAutoScalingServiceLinkedRoleGrants', Action: 'kms:CreateGrant', Condition: Match.objectLike({ Bool: { 'kms:GrantIsForAWSResource': true } }) }),
      ]) },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: 'resolve:ssm:/imagebuilder/web/ami-id' }),
    });
  });
});

// IAM User Guide, "The confused deputy problem": a service principal in a resource policy should be
// limited with aws:SourceAccount (or aws:SourceArn) to requests made on behalf of this account.
describe('the notification key (issue 12 item 9)', () => {
  test('the Auto Scaling service principal may use it only on behalf of this account', () => {
    const stack = testStack();
    new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack) });
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    const statements = Object.values(keys).flatMap((k) => k.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>);
    const service = statements.filter((s) => JSON.stringify(s.Principal).includes('autoscaling.amazonaws.com'));
    expect(service).toHaveLength(1);
    expect(service[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
  });
});

// The golden AMI's parameter exists only after a build has written it: the launching stack must be
// another one, deployed after the pipeline's (issue 12 item 1), on every path to the image.
describe('pipeline.machineImage on every path (FleetImage.fromPipeline, fromMachineImage, HardenedNode)', () => {
  const pipelineApp = () => {
    const app = new App();
    const images = new Stack(app, 'Images', { env: { region: 'us-east-1' } });
    const ebsEncryptionKey = new kms.Key(images, 'AmiKey');
    const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', vpc: importedVpc(images), ebsEncryptionKey, buildOnDeploy: true });
    return { app, images, pipeline };
  };

  test.each([
    ['FleetImage.fromPipeline', (p: GoldenImagePipeline) => FleetImage.fromPipeline(p)],
    ['FleetImage.fromMachineImage', (p: GoldenImagePipeline) => FleetImage.fromMachineImage(p.machineImage)],
  ])('%s in the pipeline\'s own stack is refused, for instances and Auto Scaling groups', (_name, image) => {
    // GIVEN
    const { images, pipeline } = pipelineApp();
    // WHEN / THEN
    expect(() => new InstanceFleet(images, 'Servers', { vpc: importedVpc(images, { id: 'Vpc2' }), image: image(pipeline) }))
      .toThrow(/cannot launch from Images\/Web.machineImage in the pipeline's own stack/);
    expect(() => new AutoScalingFleet(images, 'Group', { vpc: importedVpc(images, { id: 'Vpc3' }), image: image(pipeline) }))
      .toThrow(/cannot launch from Images\/Web.machineImage in the pipeline's own stack/);
  });

  test('a stack that shares only the image deploys after the pipeline\'s, reads it at launch and carries its key', () => {
    // GIVEN
    const { app, images, pipeline } = pipelineApp();
    const servers = new Stack(app, 'Servers', { env: { region: 'us-east-1' } });
    // WHEN
    new AutoScalingFleet(servers, 'Group', { vpc: importedVpc(servers), image: FleetImage.fromMachineImage(pipeline.machineImage) });
    const fleet = new InstanceFleet(servers, 'Web', { vpc: importedVpc(servers, { id: 'Vpc2' }), image: FleetImage.fromMachineImage(pipeline.machineImage) });
    // THEN
    expect(servers.dependencies).toContain(images);
    expect(fleet.image.resolvesAtLaunch).toBe(true);
    Template.fromStack(servers).hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/imagebuilder/web/ami-id}}' });
    Template.fromStack(servers).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: 'resolve:ssm:/imagebuilder/web/ami-id' }),
    });
    expect(JSON.stringify(Template.fromStack(images).findResources('AWS::KMS::Key'))).toContain('AWSServiceRoleForAutoScaling');
  });
});
