import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AutoScalingFleet, AutoScalingFleetProps, FleetImage } from '../../lib/launch';
import { testStack } from '../util';
import { importedVpc } from './helpers';

function build(props: AutoScalingFleetProps = {}, stack: Stack = testStack()): { stack: Stack; fleet: AutoScalingFleet; template: Template } {
  const fleet = new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack), ...props });
  return { stack, fleet, template: Template.fromStack(stack) };
}

const SLR = Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AWSServiceRoleForAutoScaling$')])] });

describe('AutoScalingFleet defaults', () => {
  let template: Template;
  let fleet: AutoScalingFleet;
  beforeAll(() => {
    // GIVEN a stack WHEN one new statement adds a group
    const stack = testStack();
    fleet = new AutoScalingFleet(stack, 'Group');
    template = Template.fromStack(stack);
  });

  test('the group states the AZs of its subnets, so Control Tower CT.AUTOSCALING.PR.1 sees it span two', () => {
    // GIVEN / WHEN a group in the private subnets of two AZs
    const { template } = build();
    // THEN (AvailabilityZones and VPCZoneIdentifier together are valid when the subnets lie in those
    // AZs: CloudFormation Template Reference, AWS::AutoScaling::AutoScalingGroup)
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      AvailabilityZones: ['us-east-1a', 'us-east-1b'],
      VPCZoneIdentifier: ['subnet-a', 'subnet-b'],
    });
  });

  test('in a VPC the stack creates, the AZs are the subnets\' own tokens, each once', () => {
    // GIVEN / WHEN a region-agnostic stack and the group's own VPC
    const stack = new Stack(undefined, 'Agnostic');
    new AutoScalingFleet(stack, 'Group', {});
    // THEN
    const [group] = Object.values(Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup'));
    const azs = group.Properties.AvailabilityZones as unknown[];
    expect(new Set(azs.map((az) => JSON.stringify(az))).size).toEqual(azs.length);
    expect(azs.length).toEqual((group.Properties.VPCZoneIdentifier as unknown[]).length);
  });

  test('the group rolls with an instance refresh that keeps every instance in service', () => {
    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: Match.objectLike({
        AutoScalingInstanceRefresh: {
          Strategy: 'Rolling',
          Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 110, InstanceWarmup: 300, SkipMatching: true },
        },
        AutoScalingRollingUpdate: Match.absent(),
      }),
    });
  });

  test('it runs one instance in its own SecureVpc with EC2 health checks and a grace period', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1', MaxSize: '1', DesiredCapacity: Match.absent(),
      HealthCheckType: 'EC2', HealthCheckGracePeriod: 300, DefaultInstanceWarmup: 300,
      LaunchTemplate: { LaunchTemplateId: Match.anyValue(), Version: { 'Fn::GetAtt': [Match.anyValue(), 'LatestVersionNumber'] } },
    });
  });

  test('the launch template carries the hardening', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) }],
        KeyName: Match.absent(),
      }),
    });
  });

  test('every launch and terminate event, and their errors, go to a KMS-encrypted topic', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: [{
        TopicARN: { Ref: Match.stringLikeRegexp('^GroupNotifications') },
        NotificationTypes: [
          'autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
          'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
        ],
      }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    expect(fleet.notificationTopic).toBeDefined();
  });

  test('the topic key lets the Auto Scaling service-linked role publish, matched by principal ARN', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([{
          Sid: 'AllowAutoScalingServiceLinkedRole', Effect: 'Allow', Principal: { AWS: '*' }, Resource: '*',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { ArnEquals: { 'aws:PrincipalArn': SLR } },
        }]) },
      }),
    });
  });
});

describe('AutoScalingFleet overrides', () => {
  test('capacity, healthy percentages and warmup are used as given', () => {
    const { template } = build({
      minCapacity: 2, maxCapacity: 6, desiredCapacity: 3, minHealthyPercentage: 50, maxHealthyPercentage: 150,
      instanceWarmup: Duration.minutes(2),
    });
    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({ MinSize: '2', MaxSize: '6', DesiredCapacity: '3', HealthCheckGracePeriod: 120 }),
      UpdatePolicy: Match.objectLike({
        AutoScalingInstanceRefresh: { Strategy: 'Rolling', Preferences: Match.objectLike({ MinHealthyPercentage: 50, MaxHealthyPercentage: 150, InstanceWarmup: 120 }) },
      }),
    });
  });

  test('an image resolved at launch writes resolve:ssm: into the launch template', () => {
    const { template, fleet } = build({ image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id', { resolveAtLaunch: true }) });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: 'resolve:ssm:/imagebuilder/web/ami-id' }),
    });
    expect(fleet.image.resolvesAtLaunch).toBe(true);
  });

  test('an AMI id list puts the region\'s literal id in the launch template (W9010 checks instances only)', () => {
    const { template } = build({ image: FleetImage.fromAmiIds([{ region: 'us-east-1', amiId: 'ami-12345678' }]) });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: 'ami-12345678' }) });
  });

  test('a new imageRevision changes the launch template data, so the group rolls', () => {
    const data = (revision: string) => Object.values(build({ imageRevision: revision }).template
      .findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData;
    const first = data('2026-11-01');
    expect(first.TagSpecifications).toEqual(expect.arrayContaining([
      { ResourceType: 'instance', Tags: expect.arrayContaining([{ Key: 'ImageRevision', Value: '2026-11-01' }]) },
    ]));
    expect(data('2026-11-02')).not.toEqual(first);
  });

  test('attached to a target group, the group switches to ELB health checks', () => {
    // GIVEN
    const stack = testStack();
    const fleet = new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack) });
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Tg', { vpc: fleet.vpc, port: 80, targetType: elbv2.TargetType.INSTANCE });
    // WHEN
    fleet.autoScalingGroup.attachToApplicationTargetGroup(targetGroup);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB', HealthCheckGracePeriod: 300, TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('^Tg') }],
    });
  });

  test('a topic the user brings is used as given and no topic or key is created', () => {
    const stack = testStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:ops');
    const { template } = build({ notificationTopic: topic }, stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: [Match.objectLike({ TopicARN: 'arn:aws:sns:us-east-1:123456789012:ops' })],
    });
  });

  test('an EBS key of the stack lets the service-linked role encrypt and attach volumes', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'EbsKey', { enableKeyRotation: true });
    const { template } = build({ ebsEncryptionKey: key, notificationTopic: sns.Topic.fromTopicArn(stack, 'T', 'arn:aws:sns:us-east-1:123456789012:t') }, stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'AllowAutoScalingServiceLinkedRole', Action: Match.arrayWith(['kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*']) }),
        Match.objectLike({
          Sid: 'AllowAutoScalingServiceLinkedRoleGrants', Action: 'kms:CreateGrant',
          Condition: { 'ArnEquals': { 'aws:PrincipalArn': SLR }, 'Bool': { 'kms:GrantIsForAWSResource': true } },
        }),
      ]) },
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ KmsKeyId: Match.anyValue() }) })] }),
    });
  });

  test('an imported EBS key is used as given (its policy is the owner\'s to manage)', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/abcd');
    const { template } = build({ ebsEncryptionKey: key }, stack);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abcd' }) })],
      }),
    });
    // only the topic key exists, and it is not the EBS key
    template.resourceCountIs('AWS::KMS::Key', 1);
  });

  test('the group is exposed for scaling policies and its security group for connections', () => {
    const stack = testStack();
    const fleet = new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack), maxCapacity: 4 });
    fleet.autoScalingGroup.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    fleet.connections.allowFrom(ec2.Peer.securityGroupId('sg-aaaa1111'), ec2.Port.tcp(80));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { PolicyType: 'TargetTrackingScaling' });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ SourceSecurityGroupId: 'sg-aaaa1111', FromPort: 80 })],
    });
  });
});
