import { Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FleetImage, InstanceFleet, InstanceFleetProps } from '../../lib/launch';
import { testStack } from '../util';
import { acknowledgementsOf, importedVpc } from './helpers';

function build(props: InstanceFleetProps = {}, stack: Stack = testStack()): { stack: Stack; fleet: InstanceFleet; template: Template } {
  const fleet = new InstanceFleet(stack, 'Fleet', { vpc: importedVpc(stack), ...props });
  return { stack, fleet, template: Template.fromStack(stack) };
}

describe('InstanceFleet defaults', () => {
  test('one new statement gives one hardened instance in its own SecureVpc, protected from termination', () => {
    // GIVEN a stack
    const stack = testStack();
    // WHEN
    const fleet = new InstanceFleet(stack, 'Fleet');
    // THEN
    const template = Template.fromStack(stack);
    expect(fleet.instances).toHaveLength(1);
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::EC2::Instance', {
      DisableApiTermination: true,
      Monitoring: true,
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) }],
      KeyName: Match.absent(),
      // read when the instance is created, not on every deploy (issue 12 item 6)
      ImageId: '{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}',
    });
  });

  test('ten instances are spread round-robin over the private subnets', () => {
    // GIVEN / WHEN
    const { template, fleet } = build({ instanceCount: 10 });
    // THEN
    expect(fleet.instanceIds).toHaveLength(10);
    const subnets = Object.values(template.findResources('AWS::EC2::Instance')).map((r) => r.Properties.NetworkInterfaces[0].SubnetId);
    expect(subnets).toEqual(['subnet-a', 'subnet-b', 'subnet-a', 'subnet-b', 'subnet-a', 'subnet-b', 'subnet-a', 'subnet-b', 'subnet-a', 'subnet-b']);
    // and all share one role and one security group
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
  });

  test('a data volume is encrypted gp3 and kept when the instance terminates', () => {
    // GIVEN / WHEN
    const { template } = build({ dataVolumes: [{ deviceName: '/dev/sdf', size: Size.gibibytes(100) }] });
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [
        Match.objectLike({ DeviceName: '/dev/xvda' }),
        { DeviceName: '/dev/sdf', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 100, DeleteOnTermination: false } },
      ],
    });
  });
});

describe('InstanceFleet overrides', () => {
  test('a role, security group, key and subnets the user brings are used as given', () => {
    // GIVEN
    const stack = testStack();
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::123456789012:role/mine');
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-12345678');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/abcd');
    // WHEN
    const { template, fleet } = build({
      role, securityGroup, ebsEncryptionKey: key, instanceCount: 2,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      dataVolumes: [{ deviceName: '/dev/sdg', size: Size.gibibytes(500), volumeType: ec2.EbsDeviceVolumeType.IO2, iops: 5000, deleteOnTermination: true }],
    }, stack);
    // THEN
    expect(fleet.role).toBe(role);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: ['mine'] });
    template.hasResourceProperties('AWS::EC2::Instance', {
      NetworkInterfaces: [Match.objectLike({ SubnetId: 'subnet-iso-b', GroupSet: ['sg-12345678'], AssociatePublicIpAddress: false })],
      BlockDeviceMappings: [
        Match.objectLike({ Ebs: Match.objectLike({ KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abcd' }) }),
        { DeviceName: '/dev/sdg', Ebs: { Encrypted: true, KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abcd', VolumeType: 'io2', Iops: 5000, VolumeSize: 500, DeleteOnTermination: true } },
      ],
    });
  });

  test('termination protection can be turned off and the hop limit raised for containers', () => {
    const { template } = build({ disableApiTermination: false, httpPutResponseHopLimit: 2 });
    template.hasResourceProperties('AWS::EC2::Instance', {
      DisableApiTermination: false,
      MetadataOptions: Match.objectLike({ HttpPutResponseHopLimit: 2 }),
    });
  });

  test('user data is used as given', () => {
    const { template } = build({ userData: ec2.UserData.custom('#!/bin/bash\necho hello') });
    template.hasResourceProperties('AWS::EC2::Instance', { UserData: { 'Fn::Base64': '#!/bin/bash\necho hello' } });
  });
});

describe('InstanceFleet images', () => {
  test('AMI ids per region: the stack region\'s id, with the W9010 acknowledgement on each instance', () => {
    // GIVEN
    const image = FleetImage.fromAmiIds([
      { region: 'us-east-1', amiId: 'ami-0123456789abcdef0' },
      { region: 'eu-west-1', amiId: 'ami-12345678' },
    ]);
    // WHEN
    const { template, fleet } = build({ image, instanceCount: 2 });
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: 'ami-0123456789abcdef0' });
    for (const instance of fleet.instances) {
      expect(acknowledgementsOf(instance.node.defaultChild as ec2.CfnInstance)).toEqual(expect.objectContaining({
        'CloudFormation-Validate::W9010': expect.stringMatching(/FleetImage.fromAmiIds/),
      }));
    }
    expect(fleet.image.resolvesAtLaunch).toBe(false);
  });

  test('AMI ids in a region-agnostic stack come from a mapping', () => {
    const stack = new Stack(undefined, 'Agnostic');
    const { template } = build({ image: FleetImage.fromAmiIds([{ region: 'us-east-1', amiId: 'ami-12345678' }]) }, stack);
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: { 'Fn::FindInMap': Match.anyValue() } });
  });

  test('an SSM parameter resolved at deploy is a CloudFormation parameter, with no acknowledgement', () => {
    const { template, fleet } = build({ image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id', { resolveAtLaunch: false }) });
    template.hasParameter('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: '/imagebuilder/web/ami-id' });
    expect(Object.keys(acknowledgementsOf(fleet.instances[0].node.defaultChild as ec2.CfnInstance)).filter((id) => !id.includes('EC2InstancesInVPC'))).toEqual([]);
  });

  test('an SSM parameter resolved at launch is a dynamic reference (the template check refuses resolve:ssm: on instances)', () => {
    const { template, fleet } = build({ image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id', { resolveAtLaunch: true }) });
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/imagebuilder/web/ami-id}}' });
    expect(fleet.image.resolvesAtLaunch).toBe(true);
  });

  test('a machine image read from SSM at deploy (the golden AMI pipeline\'s) is read at launch instead, also through machineImage', () => {
    const image = ec2.MachineImage.fromSsmParameter('/golden/ami');
    const viaImage = build({ image: FleetImage.fromMachineImage(image) }).template;
    const viaProp = build({ machineImage: image }).template;
    for (const t of [viaImage, viaProp]) t.hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/golden/ami}}' });
    build({ image: FleetImage.fromMachineImage(image, { resolveAtLaunch: false }) }).template.hasParameter('*', { Default: '/golden/ami' });
  });

  test('other machine images are used as given', () => {
    const image = ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' });
    const { template, fleet } = build({ image: FleetImage.fromMachineImage(image) });
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: 'ami-12345678' });
    expect(fleet.image.resolvesAtLaunch).toBe(false);
  });

  test('Windows AMI ids get PowerShell user data', () => {
    const { template } = build({ image: FleetImage.fromAmiIds([{ region: 'us-east-1', amiId: 'ami-12345678' }], { os: ec2.OperatingSystemType.WINDOWS }) });
    template.hasResourceProperties('AWS::EC2::Instance', { UserData: { 'Fn::Base64': '<powershell></powershell>' } });
  });
});
