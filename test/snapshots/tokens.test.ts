/**
 * Values known only at deploy (CfnParameter, Fn.importValue, Lazy): every synth-time check lets
 * them through without false errors, and they reach the template as given. Numbers from
 * parameters that end up inside strings (schedule names, cron fields, script variables) must arrive
 * as references, never as the raw encoding of a number Token (-1.888...e+289).
 */
import { CfnParameter, Duration, Fn, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  RestoredVolume, SnapshotPolicy, SnapshotResourceType, SnapshotRetention, SnapshotSchedule, SnapshotScripts, SnapshotWeekDay,
} from '../../lib/snapshots';
import { testStack } from '../util';

const num = (stack: Stack, id: string): number => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
const str = (stack: Stack, id: string): string => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
const TAGS = [{ key: 'Backup', value: 'yes' }];
/** No raw number Token encoding anywhere in the template. */
const noRawNumberTokens = (template: Template) => expect(JSON.stringify(template.toJSON())).not.toMatch(/-1\.\d{10,16}e\+289/);

describe('values known only at deploy', () => {
  test('hours, minutes, days, intervals and retention of the schedules reach the policy as references', () => {
    // GIVEN schedules whose fields come from parameters
    const stack = testStack();
    // WHEN
    new SnapshotPolicy(stack, 'Policy', {
      targetTags: TAGS,
      schedules: [
        SnapshotSchedule.every(num(stack, 'Hours'), { startTime: str(stack, 'Start'), retention: SnapshotRetention.days(num(stack, 'Days')) }),
        SnapshotSchedule.daily({ hour: num(stack, 'DailyHour'), minute: num(stack, 'DailyMinute'), retention: SnapshotRetention.count(num(stack, 'Keep')) }),
        SnapshotSchedule.weekly({ hour: num(stack, 'WeeklyHour'), weekDay: SnapshotWeekDay.MONDAY }),
        SnapshotSchedule.monthly({ dayOfMonth: num(stack, 'Day'), archive: SnapshotRetention.count(num(stack, 'Archived')) }),
      ],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: Match.objectLike({
        Schedules: [
          Match.objectLike({
            Name: { 'Fn::Join': ['', ['Every ', { Ref: 'Hours' }, 'h from ', { Ref: 'Start' }, ' UTC']] },
            CreateRule: Match.objectLike({ Interval: { Ref: 'Hours' }, IntervalUnit: 'HOURS', Times: [{ Ref: 'Start' }] }),
            RetainRule: { Interval: { Ref: 'Days' }, IntervalUnit: 'DAYS' },
          }),
          Match.objectLike({
            Name: { 'Fn::Join': ['', ['Daily ', { Ref: 'DailyHour' }, 'h', { Ref: 'DailyMinute' }, 'm UTC']] },
            CreateRule: Match.objectLike({ CronExpression: { 'Fn::Join': ['', ['cron(', { Ref: 'DailyMinute' }, ' ', { Ref: 'DailyHour' }, ' * * ? *)']] } }),
            RetainRule: { Count: { Ref: 'Keep' } },
          }),
          Match.objectLike({
            CreateRule: Match.objectLike({ CronExpression: { 'Fn::Join': ['', ['cron(0 ', { Ref: 'WeeklyHour' }, ' ? * MON *)']] } }),
          }),
          Match.objectLike({
            Name: { 'Fn::Join': ['', ['Monthly day ', { Ref: 'Day' }, ' 0300 UTC']] },
            CreateRule: Match.objectLike({ CronExpression: { 'Fn::Join': ['', ['cron(0 3 ', { Ref: 'Day' }, ' * ? *)']] } }),
            ArchiveRule: { RetainRule: { RetentionArchiveTier: { Count: { Ref: 'Archived' } } } },
          }),
        ],
      }),
    });
    noRawNumberTokens(template);
  });

  test('a cron, copies, fast restore, sharing, tags and a target tag key from parameters pass, and the role drops the tag condition it cannot write', () => {
    // GIVEN deploy-time values everywhere a schedule takes strings
    const stack = testStack();
    // WHEN
    new SnapshotPolicy(stack, 'Policy', {
      description: str(stack, 'Description'),
      targetTags: [{ key: str(stack, 'TagKey'), value: str(stack, 'TagValue') }],
      schedules: [SnapshotSchedule.cron(str(stack, 'Cron'), {
        name: str(stack, 'Name'),
        retention: SnapshotRetention.days(num(stack, 'Days')),
        tagsToAdd: [{ key: 'team', value: str(stack, 'Team') }],
        copies: [{ region: str(stack, 'CopyRegion') }],
        fastRestore: { availabilityZones: [str(stack, 'Az')], retention: SnapshotRetention.count(num(stack, 'FastRestored')) },
        share: { accounts: [Fn.importValue('SharedAccount')], unshareAfter: SnapshotRetention.days(num(stack, 'UnshareDays')) },
      })],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      Description: { Ref: 'Description' },
      PolicyDetails: Match.objectLike({
        TargetTags: [{ Key: { Ref: 'TagKey' }, Value: { Ref: 'TagValue' } }],
        Schedules: [Match.objectLike({
          Name: { Ref: 'Name' },
          CreateRule: Match.objectLike({ CronExpression: { Ref: 'Cron' } }),
          TagsToAdd: [{ Key: 'team', Value: { Ref: 'Team' } }],
          CrossRegionCopyRules: [Match.objectLike({ Target: { Ref: 'CopyRegion' }, RetainRule: { Interval: { Ref: 'Days' }, IntervalUnit: 'DAYS' } })],
          FastRestoreRule: { AvailabilityZones: [{ Ref: 'Az' }], Count: { Ref: 'FastRestored' } },
          ShareRules: [{ TargetAccounts: [{ 'Fn::ImportValue': 'SharedAccount' }], UnshareInterval: { Ref: 'UnshareDays' }, UnshareIntervalUnit: 'DAYS' }],
        })],
      }),
    });
    // an IAM condition key is a map key, which cannot be a Token: the sources are bounded to the account and region instead
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'SnapshotTargets', Action: ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'] })]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('SnapshotTaggedTargets');
    noRawNumberTokens(template);
  });

  test('script timeout, retries, mount point and maximum freeze from parameters reach the policy and the SSM document', () => {
    // GIVEN application-consistent snapshots configured at deploy
    const stack = testStack();
    // WHEN
    new SnapshotPolicy(stack, 'Policy', {
      resourceType: SnapshotResourceType.INSTANCE,
      targetTags: TAGS,
      schedules: [SnapshotSchedule.daily()],
      scripts: SnapshotScripts.freezeFilesystems([str(stack, 'MountPoint')], {
        timeout: Duration.seconds(num(stack, 'Timeout')), retries: num(stack, 'Retries'), maxFreeze: Duration.seconds(num(stack, 'MaxFreeze')),
      }),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: Match.objectLike({
        Schedules: [Match.objectLike({
          CreateRule: Match.objectLike({ Scripts: [Match.objectLike({ ExecutionTimeout: { Ref: 'Timeout' }, MaximumRetryCount: { Ref: 'Retries' } })] }),
        })],
      }),
    });
    const document = JSON.stringify(Object.values(template.findResources('AWS::SSM::Document'))[0]);
    expect(document).toContain('"export MAX_FREEZE_SECONDS=\'",{"Ref":"MaxFreeze"},"\'"');
    expect(document).toContain('"export FREEZE_MOUNT_POINTS=\'",{"Ref":"MountPoint"},"\'"');
    noRawNumberTokens(template);
  });

  test('a restored volume takes its snapshot, AZ, size, IOPS and throughput from parameters', () => {
    // GIVEN a gp3 and an io2 restore configured at deploy
    const stack = testStack();
    // WHEN
    new RestoredVolume(stack, 'Gp3', {
      snapshotId: Fn.importValue('SnapshotId'), availabilityZone: str(stack, 'Az'),
      size: Size.gibibytes(num(stack, 'Size')), iops: num(stack, 'Iops'), throughputMiBps: num(stack, 'Throughput'),
    });
    new RestoredVolume(stack, 'Io2', {
      snapshotId: 'snap-12345678', availabilityZone: 'us-east-1a', volumeType: ec2.EbsDeviceVolumeType.IO2, iops: num(stack, 'Io2Iops'),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Volume', {
      SnapshotId: { 'Fn::ImportValue': 'SnapshotId' }, AvailabilityZone: { Ref: 'Az' }, Encrypted: true, VolumeType: 'gp3',
      Size: { Ref: 'Size' }, Iops: { Ref: 'Iops' }, Throughput: { Ref: 'Throughput' },
    });
    template.hasResourceProperties('AWS::EC2::Volume', { SnapshotId: 'snap-12345678', VolumeType: 'io2', Iops: { Ref: 'Io2Iops' } });
  });

  test('known values next to deploy-time ones are still checked', () => {
    // GIVEN a known hour out of range next to a deploy-time minute, and a deploy-time throughput on io2
    const stack = testStack();
    // WHEN / THEN
    expect(() => new SnapshotPolicy(stack, 'Policy', {
      targetTags: TAGS, schedules: [SnapshotSchedule.daily({ hour: 24, minute: num(stack, 'Minute') })],
    })).toThrow(/schedules\[0\].hour must be between 0 and 23, got 24/);
    expect(() => new RestoredVolume(stack, 'Io2', {
      snapshotId: 'snap-12345678', availabilityZone: 'us-east-1a', volumeType: ec2.EbsDeviceVolumeType.IO2, iops: 1000,
      throughputMiBps: Lazy.number({ produce: () => 500 }),
    })).toThrow(/Test\/Io2: throughputMiBps must be left out for io2 volumes, got '<token>'. Only gp3 volumes take a throughput/);
  });
});
