import { CfnParameter, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HardenedNode } from '../../lib';
import { testStack } from '../util';

function setup(props: Partial<ConstructorParameters<typeof HardenedNode>[2]> = {}): { stack: Stack; node: HardenedNode } {
  const stack = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const node = new HardenedNode(stack, 'Node', { vpc, ...props });
  return { stack, node };
}

describe('HardenedNode defaults', () => {
  test('an instance requires IMDSv2 with hop limit 1, encrypts its gp3 root volume, has detailed monitoring and termination protection', () => {
    // GIVEN
    const { stack, node } = setup();
    // WHEN
    node.createInstance(stack, 'Instance');
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      Monitoring: true,
      DisableApiTermination: true,
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 20, DeleteOnTermination: true } }],
      KeyName: Match.absent(),
    });
  });

  test('the security group admits nothing by default', () => {
    const { stack, node } = setup();
    node.createInstance(stack, 'Instance');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('no ingress'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('the role has only the SSM agent permissions, in a customer-managed policy', () => {
    const { stack, node } = setup();
    node.createInstance(stack, 'Instance');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SsmAgentRegistration', Action: Match.arrayWith(['ssm:UpdateInstanceInformation']) }),
          Match.objectLike({ Sid: 'SsmAgentChannels', Resource: '*', Action: Match.arrayWith(['ssmmessages:OpenDataChannel']) }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('a launch template carries the same hardening', () => {
    const { stack, node } = setup({ httpPutResponseHopLimit: 2 });
    node.createLaunchTemplate(stack, 'Template');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
  });
});

describe('HardenedNode overrides', () => {
  test('a role, security group and key the user brings are used as given', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/mine');
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/abcd');
    const node = new HardenedNode(stack, 'Node', { vpc, role, securityGroup, ebsEncryptionKey: key, rootVolumeSize: Size.gibibytes(50), rootDeviceName: '/dev/sda1' });
    node.createInstance(stack, 'Instance');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: ['mine'] });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    template.hasResourceProperties('AWS::EC2::Instance', {
      // The group and subnet sit on an explicit primary interface without a public IP: CloudFormation
      // wants them there once NetworkInterfaces is given (Template Reference, AWS::EC2::Instance
      // NetworkInterfaces), and Control Tower CT.EC2.PR.8 refuses an instance without it
      // (AWS Control Tower User Guide, proactive controls for Amazon EC2).
      NetworkInterfaces: [Match.objectLike({ GroupSet: ['sg-12345678'], AssociatePublicIpAddress: false })],
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: Match.objectLike({ KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abcd', VolumeSize: 50 }) }],
    });
  });
});

describe('HardenedNode validation', () => {
  test.each([0, 65])('hop limit %d is rejected', (hop) => {
    expect(() => setup({ httpPutResponseHopLimit: hop })).toThrow(/httpPutResponseHopLimit must be between 1 and 64, got \d+/);
  });
  test.each([1, 64])('hop limit %d is accepted', (hop) => {
    expect(setup({ httpPutResponseHopLimit: hop }).node.httpPutResponseHopLimit).toBe(hop);
  });
  // gp3 1-65,536 GiB: EC2 API model (@aws-sdk/client-ec2 3.1169, CreateVolume Size), raised from 16,384 in 2025.
  test('root volume above 65,536 GiB is rejected and 65,536 accepted', () => {
    expect(() => setup({ rootVolumeSize: Size.gibibytes(65537) })).toThrow(/rootVolumeSize must be between 1 and 65536 GiB, got 65537/);
    expect(() => setup({ rootVolumeSize: Size.gibibytes(65536) })).not.toThrow();
  });
  test('root volume of 0 GiB is rejected', () => {
    expect(() => setup({ rootVolumeSize: Size.gibibytes(0) })).toThrow(/rootVolumeSize must be between 1 and 65536 GiB, got 0/);
  });
  test('a root device name that is not a device is rejected', () => {
    expect(() => setup({ rootDeviceName: 'xvda' })).toThrow(/rootDeviceName must be a device name such as '\/dev\/xvda'/);
  });
});

describe('HardenedNode instance profile', () => {
  test('a profile the user brings is used as given, and its role is the node role', () => {
    // GIVEN
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/managed-by-platform');
    const instanceProfile = iam.InstanceProfile.fromInstanceProfileAttributes(stack, 'Profile', {
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/platform', role,
    });
    // WHEN
    const node = new HardenedNode(stack, 'Node', { vpc, instanceProfile });
    node.createInstance(stack, 'Instance');
    node.createLaunchTemplate(stack, 'Template');
    // THEN
    expect(node.role).toBe(role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Instance', { IamInstanceProfile: 'platform' });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/platform' } }),
    });
    template.resourceCountIs('AWS::IAM::InstanceProfile', 0);
  });

  test('a role and an instance profile together are rejected', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/r');
    const instanceProfile = iam.InstanceProfile.fromInstanceProfileAttributes(stack, 'Profile', {
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/p', role,
    });
    expect(() => new HardenedNode(stack, 'Node', { vpc, role, instanceProfile }))
      .toThrow(/Node: role and instanceProfile are mutually exclusive, got both\. Give only one of them\./);
  });

  test('a profile without its role is rejected, with how to import it', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const instanceProfile = iam.InstanceProfile.fromInstanceProfileName(stack, 'Profile', 'bare');
    expect(() => new HardenedNode(stack, 'Node', { vpc, instanceProfile }))
      .toThrow(/instanceProfile must be an instance profile that carries its role, got 'Test\/Profile'\. Import it with iam\.InstanceProfile\.fromInstanceProfileAttributes/);
  });
});

describe('HardenedNode with a deploy-time hop limit', () => {
  test('the Token reaches the instance and the launch template metadata options', () => {
    // GIVEN a hop limit from a parameter
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const hop = new CfnParameter(stack, 'HopLimit', { type: 'Number' });
    // WHEN
    const node = new HardenedNode(stack, 'Node', { vpc, httpPutResponseHopLimit: hop.valueAsNumber });
    node.createInstance(stack, 'Instance');
    node.createLaunchTemplate(stack, 'Template');
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Instance', {
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: { Ref: 'HopLimit' } },
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: Match.objectLike({ HttpTokens: 'required', HttpPutResponseHopLimit: { Ref: 'HopLimit' } }) }),
    });
  });
});

// Issue 12 item 6. `ec2.MachineImage.latestAmazonLinux2023()` is an AWS::SSM::Parameter::Value<...>
// template parameter, read on every deploy, so an AL2023 release replaced every node at once. A
// `{{resolve:ssm:...}}` dynamic reference is resolved when CloudFormation creates the instance and
// not re-read on updates while its text is unchanged (CloudFormation User Guide, "Get a plaintext
// value from Systems Manager Parameter Store" (dynamic-references-ssm.html); AWS Knowledge Center
// "cloudformation-stack-update-secrets"). In a launch template, `resolve:ssm:<name>` is read by EC2
// at each launch (Amazon EC2 Auto Scaling User Guide, "Use AWS Systems Manager parameters instead
// of AMI IDs in launch templates" (using-systems-manager-parameters.html)).
describe('HardenedNode default image resolves when an instance launches', () => {
  const AL2023 = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

  test('an instance gets a dynamic reference, and the template has no SSM-typed parameter', () => {
    // GIVEN a node with no machineImage
    const { stack, node } = setup();
    // WHEN
    node.createInstance(stack, 'Instance');
    // THEN the AMI is read once, when the instance is created
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: `{{resolve:ssm:${AL2023}}}` });
    expect(JSON.stringify(template.toJSON().Parameters ?? {})).not.toMatch(/ami-amazon-linux-latest/);
  });

  test('a launch template gets the form EC2 resolves at every launch', () => {
    const { stack, node } = setup();
    node.createLaunchTemplate(stack, 'Template');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: `resolve:ssm:${AL2023}` }),
    });
  });

  test('a Graviton instance type gets the arm64 image', () => {
    const { stack, node } = setup({ instanceType: new ec2.InstanceType('t4g.small') });
    node.createInstance(stack, 'Instance');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      ImageId: '{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64}}',
    });
  });

  test('an image the user brings is used as given', () => {
    const machineImage = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' });
    const { stack, node } = setup({ machineImage });
    node.createInstance(stack, 'Instance');
    expect(node.machineImage).toBe(machineImage);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', { ImageId: Match.not(Match.stringLikeRegexp('resolve')) });
  });
});
