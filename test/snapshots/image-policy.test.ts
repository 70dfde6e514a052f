/**
 * EBS-backed AMI policies. Sources: EC2 User Guide, "Automate snapshot and EBS-backed AMI
 * lifecycles" (PolicyType IMAGE_MANAGEMENT, ResourceTypes INSTANCE, Parameters.NoReboot; "All
 * schedules must have the same retention type"; variable tag timestamp for snapshot policies
 * only), "Custom service roles" (permissions for managing AMI lifecycle policies),
 * AWS::DLM::LifecyclePolicy DeprecateRule ("[Custom AMI policies only]"; a count no greater than the
 * retention count, an age no longer than the retention and at most 10 years), Schedule
 * (FastRestoreRule, ArchiveRule and ShareRules are for snapshot policies only).
 */
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  InstanceImagePolicy, InstanceImagePolicyProps, SnapshotPolicy, SnapshotRetention, SnapshotSchedule,
} from '../../lib/snapshots';
import { Template, importedVpc, testStack } from '../util';

type Overrides = { [K in keyof InstanceImagePolicyProps]?: InstanceImagePolicyProps[K] };
const TAGS = [{ key: 'backup', value: 'ami' }];
const build = (props: Overrides = {}, stack = testStack()) => new InstanceImagePolicy(stack, 'Images', { targetTags: TAGS, schedules: [SnapshotSchedule.weekly()], ...props });
const fails = (props: Overrides, message: RegExp) => expect(() => build(props)).toThrow(message);

test('AMIs of the protected instance, without reboot by default, kept and deprecated by count, copied', () => {
  // GIVEN
  const stack = testStack();
  const web = new ec2.Instance(stack, 'Web', { vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
  // WHEN
  const policy = build({
    targetTags: undefined, instances: [web],
    schedules: [SnapshotSchedule.weekly({ retention: SnapshotRetention.count(8), deprecateAfter: SnapshotRetention.count(4), copies: [{ region: 'us-west-2', retention: SnapshotRetention.months(1) }] })],
  }, stack);
  // THEN
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
    PolicyDetails: {
      PolicyType: 'IMAGE_MANAGEMENT',
      PolicyLanguage: 'STANDARD',
      ResourceTypes: ['INSTANCE'],
      TargetTags: [{ Key: 'image-policy:Test-Images', Value: 'true' }],
      Parameters: { NoReboot: true },
      Schedules: [Match.objectLike({
        Name: 'Weekly',
        RetainRule: { Count: 8 },
        DeprecateRule: { Count: 4 },
        CrossRegionCopyRules: [Match.objectLike({ Target: 'us-west-2', Encrypted: true, RetainRule: { Interval: 1, IntervalUnit: 'MONTHS' } })],
      })],
    },
  });
  template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: policy.targetTagKey, Value: 'true' }]) });
  // AND the role images only tagged instances, and copies only because a schedule copies
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'ImageTaggedInstances0', Action: 'ec2:CreateImage', Condition: { StringEquals: { 'aws:ResourceTag/image-policy:Test-Images': 'true' } } }),
      Match.objectLike({ Sid: 'ManageImages', Action: Match.arrayWith(['ec2:CopyImage', 'ec2:DeregisterImage', 'ec2:EnableImageDeprecation']) }),
    ]) },
  });
});

test('reboot: true asks DLM to reboot before the AMI', () => {
  const stack = testStack();
  build({ reboot: true }, stack);
  Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', { PolicyDetails: Match.objectLike({ Parameters: { NoReboot: false } }) });
});

describe('limits', () => {
  test('fast restore, archive, sharing and $(timestamp) are for snapshot policies only', () => {
    fails({ schedules: [SnapshotSchedule.weekly({ fastRestore: { availabilityZones: ['us-east-1a'] } })] }, /schedules\[0\]\.fastRestore must be left out of an AMI policy/);
    fails({ schedules: [SnapshotSchedule.monthly({ archive: SnapshotRetention.count(4) })] }, /archive must be left out of an AMI policy/);
    fails({ schedules: [SnapshotSchedule.weekly({ share: { accounts: ['111122223333'] } })] }, /share must be left out of an AMI policy/);
    fails({ schedules: [SnapshotSchedule.weekly({ variableTags: [{ key: 'at', value: '$(timestamp)' }] })] }, /variableTags\[at\] must be '\$\(instance-id\)' in an AMI policy/);
  });
  test('deprecation: the retention kind, no more than the retention count, no longer than the retention age, at most 10 years', () => {
    fails({ schedules: [SnapshotSchedule.weekly({ deprecateAfter: SnapshotRetention.days(7) })] }, /deprecateAfter must be a count, like the schedule's retention/);
    fails({ schedules: [SnapshotSchedule.weekly({ retention: SnapshotRetention.count(4), deprecateAfter: SnapshotRetention.count(5) })] }, /deprecateAfter\.count must be between 1 and 4, got 5/);
    fails({ schedules: [SnapshotSchedule.weekly({ retention: SnapshotRetention.weeks(4), deprecateAfter: SnapshotRetention.weeks(5) })] }, /deprecateAfter must be no longer than the retention \(4 weeks\)/);
    fails({ schedules: [SnapshotSchedule.weekly({ retention: SnapshotRetention.years(20), deprecateAfter: SnapshotRetention.years(11) })] }, /deprecateAfter must be at most 10 years/);
    expect(() => build({ schedules: [SnapshotSchedule.weekly({ retention: SnapshotRetention.weeks(8), deprecateAfter: SnapshotRetention.days(28) })] })).not.toThrow();
  });
  test('one retention kind, unique names, 1-4 schedules; snapshot policies take no deprecateAfter', () => {
    fails({ schedules: [SnapshotSchedule.weekly(), SnapshotSchedule.daily({ retention: SnapshotRetention.days(3) })] }, /schedules\[1\]\.retention must be a count, like schedules\[0\]/);
    fails({ schedules: [SnapshotSchedule.weekly(), SnapshotSchedule.weekly({ hour: 5 })] }, /schedules\[1\]\.name must be unique in the policy/);
    fails({ schedules: [] }, /schedules \(count\) must be between 1 and 4 items, got 0/);
    expect(() => new SnapshotPolicy(testStack(), 'P', { targetTags: TAGS, schedules: [SnapshotSchedule.weekly({ deprecateAfter: SnapshotRetention.count(1) })] }))
      .toThrow(/deprecateAfter must be used in an InstanceImagePolicy only/);
  });
  test('a policy without targets fails at synth', () => {
    const stack = testStack();
    build({ targetTags: undefined }, stack);
    expect(() => Template.fromStack(stack)).toThrow(/Test\/Images: the policy must target 1 to 50 tags, got 0/);
  });
});
