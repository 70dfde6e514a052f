/**
 * One test per DLM limit boundary. Sources of the numbers:
 * - schedules 1-4, target tags 1-50, tags to add / variable tags at most 45, description
 *   ^[0-9A-Za-z _-]+$ up to 500: AWS::DLM::LifecyclePolicy PolicyDetails / Schedule / Description
 *   (CloudFormation resource reference) and the DLM section of docs/aws-limits.md.
 * - intervals 1, 2, 3, 4, 6, 8, 12, 24 HOURS, Times hh:mm, CronExpression cron\([^\n]{11,100}\) of
 *   17-106 characters, between 1 hour and 1 year apart: CreateRule (CloudFormation and DLM API reference).
 * - retention count 1-1000 (0 only with an ArchiveRule; >= 1 with fast restore, share or cross-region
 *   copy), interval up to 100 years = 1200 months = 5200 weeks = 36500 days: RetainRule.
 * - archive: creation at least every 28 days (CreateRule note), archived at least 90 days, count for
 *   count-based and age for age-based schedules (RetentionArchiveTier), VOLUME policies only.
 *   Monthly runs can be 28 days apart (February), so a monthly count-based archive needs 4 snapshots.
 * - cross-region copies at most 3 per schedule, retention by age only (CrossRegionCopyRetainRule).
 * - fast snapshot restore 1-10 AZs, count 1-1000 (FastRestoreRule, docs/aws-limits.md).
 * - scripts: ExecutionTimeout 10-120 s, MaximumRetryCount 0-3, INSTANCE policies only (Script).
 */
import { Lazy, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Duration } from 'aws-cdk-lib';
import {
  RestoredVolume, SnapshotPolicy, SnapshotPolicyProps, SnapshotResourceType, SnapshotRetention, SnapshotSchedule,
  SnapshotScheduleOptions, SnapshotScripts,
} from '../../lib/snapshots';
import { Template, testStack } from '../util';

type Overrides = { [K in keyof SnapshotPolicyProps]?: SnapshotPolicyProps[K] };
const TAGS = [{ key: 'Backup', value: 'yes' }];

function build(props: Overrides = {}, stack: Stack = testStack()): SnapshotPolicy {
  return new SnapshotPolicy(stack, 'P', { targetTags: TAGS, schedules: [SnapshotSchedule.daily()], ...props });
}
const ok = (props: Overrides) => expect(() => build(props)).not.toThrow();
const fails = (props: Overrides, message: RegExp) => expect(() => build(props)).toThrow(message);
/** A policy with one daily schedule carrying these options. */
const daily = (options: SnapshotScheduleOptions): Overrides => ({ schedules: [SnapshotSchedule.daily(options)] });
/** A customer-managed key in a stack of its own, for policies that share snapshots of tagged volumes. */
const key = () => new kms.Key(new Stack(), 'K');
const cmkVolume = (stack: Stack, id = 'V') => new ec2.Volume(stack, id, {
  availabilityZone: 'us-east-1a', size: Size.gibibytes(1), encrypted: true, removalPolicy: RemovalPolicy.RETAIN,
  encryptionKey: new kms.Key(stack, `${id}Key`, { enableKeyRotation: true }),
});

describe('schedules', () => {
  test('1 and 4 schedules pass, 0 and 5 fail', () => {
    const four = [SnapshotSchedule.every(1), SnapshotSchedule.daily(), SnapshotSchedule.weekly(), SnapshotSchedule.monthly()];
    ok({ schedules: four });
    fails({ schedules: [] }, /Test\/P: schedules \(count\) must be between 1 and 4 items, got 0/);
    fails({ schedules: [...four, SnapshotSchedule.cron('cron(0 5 * * ? *)')] }, /schedules \(count\) must be between 1 and 4 items, got 5/);
  });
  test('every 1, 2, 3, 4, 6, 8, 12 and 24 hours pass; 5 and 48 fail', () => {
    for (const h of [1, 2, 3, 4, 6, 8, 12, 24]) ok({ schedules: [SnapshotSchedule.every(h)] });
    fails({ schedules: [SnapshotSchedule.every(5)] }, /every\(hours\) must be one of 1, 2, 3, 4, 6, 8, 12, 24, got 5/);
    fails({ schedules: [SnapshotSchedule.every(48)] }, /got 48/);
  });
  test("start time '23:59' passes, '24:00' and '3:00' fail", () => {
    ok({ schedules: [SnapshotSchedule.every(4, { startTime: '23:59' })] });
    fails({ schedules: [SnapshotSchedule.every(4, { startTime: '24:00' })] }, /schedules\[0\]\.startTime must be a UTC time 'hh:mm'/);
    fails({ schedules: [SnapshotSchedule.every(4, { startTime: '3:00' })] }, /startTime/);
  });
  test('hour 0-23, minute 0-59 and day of month 1-28', () => {
    ok({ schedules: [SnapshotSchedule.monthly({ hour: 23, minute: 59, dayOfMonth: 28 })] });
    ok({ schedules: [SnapshotSchedule.monthly({ hour: 0, minute: 0, dayOfMonth: 1 })] });
    fails({ schedules: [SnapshotSchedule.daily({ hour: 24 })] }, /schedules\[0\]\.hour must be between 0 and 23, got 24/);
    fails({ schedules: [SnapshotSchedule.daily({ minute: 60 })] }, /minute must be between 0 and 59, got 60/);
    fails({ schedules: [SnapshotSchedule.monthly({ dayOfMonth: 29 })] }, /dayOfMonth must be between 1 and 28, got 29.*cron\(0 3 L \* \? \*\)/);
    fails({ schedules: [SnapshotSchedule.monthly({ dayOfMonth: 0 })] }, /dayOfMonth must be between 1 and 28, got 0/);
  });
  test('schedule names are unique, at most 120 characters of the allowed set', () => {
    ok({ schedules: [SnapshotSchedule.daily({ name: 'n'.repeat(120) })] });
    fails({ schedules: [SnapshotSchedule.daily({ name: 'n'.repeat(121) })] }, /schedules\[0\]\.name must be between 1 and 120 characters long/);
    fails({ schedules: [SnapshotSchedule.daily({ name: 'a:b' })] }, /name must be letters, digits, spaces/);
    fails({ schedules: [SnapshotSchedule.daily(), SnapshotSchedule.daily({ hour: 5 })] }, /schedules\[1\]\.name must be unique in the policy, got 'Daily'/);
  });
});

describe('cron expressions', () => {
  const cron = (e: string) => ({ schedules: [SnapshotSchedule.cron(e)] });
  test('17 characters pass (the shortest valid), 106 pass, 107 fail', () => {
    ok(cron('cron(0 3 * * ? *)'));
    const longest = `cron(0 3 ${'1,'.repeat(44)}10 * ? *)`;
    expect(longest).toHaveLength(106);
    ok(cron(longest));
    fails(cron(`cron(0 3 ${'1,'.repeat(45)}1 * ? *)`), /17-106 characters long, got 107/);
  });
  test('more than one run an hour fails', () => {
    fails(cron('cron(0,30 * * * ? *)'), /runs at most once an hour/);
    fails(cron('cron(*/5 * * * ? *)'), /runs at most once an hour/);
    ok(cron('cron(15 * * * ? *)'));
  });
  test('a restricted year fails (runs must repeat at least yearly)', () => {
    fails(cron('cron(0 3 1 1 ? 2027)'), /year must be '\*'/);
    ok(cron('cron(0 3 1 1 ? *)'));
  });
  test('syntax: cron(...), 6 fields, exactly one ?, values in range', () => {
    fails(cron('rate(1 hour)'), /DLM takes no rate\(\) expressions|17-106/);
    fails(cron('cron(0 3 * * * ? *)'), /6 fields expected, got 7/);
    fails(cron('cron(0 3 * * * *)'), /exactly one of day-of-month and day-of-week must be '\?'/);
    fails(cron('cron(0 25 * * ? *)'), /hours value '25' is not between 0 and 23/);
    ok(cron('cron(0 3 ? * MON-FRI *)'));
    ok(cron('cron(0 3 ? * 2#1 *)'));
  });
  test('a token expression passes without false errors', () => {
    ok({ schedules: [SnapshotSchedule.cron(Lazy.string({ produce: () => 'cron(0 3 * * ? *)' }))] });
  });
});

describe('retention', () => {
  test('count 1 and 1000 pass, 0 (without archive) and 1001 fail', () => {
    ok(daily({ retention: SnapshotRetention.count(1) }));
    ok(daily({ retention: SnapshotRetention.count(1000) }));
    fails(daily({ retention: SnapshotRetention.count(0) }), /retention\.count must be between 1 and 1000, got 0\. Retention 0 is allowed only with an archive rule/);
    fails(daily({ retention: SnapshotRetention.count(1001) }), /retention\.count must be between 1 and 1000, got 1001/);
  });
  test('ages up to 100 years in every unit', () => {
    ok(daily({ retention: SnapshotRetention.days(36500) }));
    fails(daily({ retention: SnapshotRetention.days(36501) }), /retention\.days must be between 1 and 36500, got 36501/);
    ok(daily({ retention: SnapshotRetention.weeks(5200) }));
    fails(daily({ retention: SnapshotRetention.weeks(5201) }), /retention\.weeks must be between 1 and 5200/);
    ok(daily({ retention: SnapshotRetention.months(1200) }));
    fails(daily({ retention: SnapshotRetention.months(1201) }), /retention\.months must be between 1 and 1200/);
    ok(daily({ retention: SnapshotRetention.years(100) }));
    fails(daily({ retention: SnapshotRetention.years(101) }), /retention\.years must be between 1 and 100/);
    fails(daily({ retention: SnapshotRetention.days(1.5) }), /a whole number/);
  });
  test('0 passes with an archive rule (archive at once), but not with copies, fast restore or sharing', () => {
    const monthly = (o: SnapshotScheduleOptions) => ({ schedules: [SnapshotSchedule.monthly({ retention: SnapshotRetention.count(0), archive: SnapshotRetention.count(4), ...o })] });
    ok(monthly({}));
    const why = /retention\.count must be between 1 and 1000, got 0\. Copies, fast snapshot restore and sharing/;
    fails(monthly({ fastRestore: { availabilityZones: ['us-east-1a'] } }), why);
    fails({ ...monthly({ share: { accounts: ['111122223333'] } }), sourceEncryptionKeys: [key()] }, why);
    fails(monthly({ copies: [{ region: 'us-west-2', retention: SnapshotRetention.days(7) }] }), why);
  });
});

describe('cross-region copies', () => {
  const copy = (region: string) => ({ region, retention: SnapshotRetention.days(7) });
  test('3 copies pass, 4 fail', () => {
    ok(daily({ copies: [copy('us-west-2'), copy('eu-west-1'), copy('ap-south-1')] }));
    fails(daily({ copies: [copy('us-west-2'), copy('eu-west-1'), copy('ap-south-1'), copy('eu-central-1')] }),
      /copies \(count\) must be between 0 and 3 items, got 4/);
  });
  test('the target is another, valid, distinct region', () => {
    fails(daily({ copies: [copy('us-east-1')] }), /copies\[0\]\.region must be another region than the policy's own/);
    fails(daily({ copies: [copy('West Europe')] }), /copies\[0\]\.region must be a region name/);
    fails(daily({ copies: [copy('us-west-2'), copy('us-west-2')] }), /copies\[1\]\.region must be a region not already copied to/);
  });
  test('copies are kept by age: a count fails, and a count-based schedule needs an explicit copy retention', () => {
    fails(daily({ copies: [{ region: 'us-west-2', retention: SnapshotRetention.count(3) }] }), /copies\[0\]\.retention must be an age, got '3 snapshots'/);
    fails(daily({ copies: [{ region: 'us-west-2' }] }), /copies\[0\]\.retention must be an age .*set the copy retention/);
    ok(daily({ retention: SnapshotRetention.days(7), copies: [{ region: 'us-west-2' }] }));
  });
  test('the copy key lives in the target region', () => {
    const stack = testStack();
    const east = kms.Key.fromKeyArn(stack, 'East', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => build(daily({ copies: [{ ...copy('us-west-2'), encryptionKey: east }] }), stack))
      .toThrow(/copies\[0\]\.encryptionKey must be a key in the target region us-west-2, got 'us-east-1'/);
  });
  test('volumes under a customer-managed key need a copy key, whether passed in or protected later', () => {
    const stack = testStack();
    expect(() => build({ volumes: [cmkVolume(stack)], targetTags: undefined, ...daily({ copies: [copy('us-west-2')] }) }, stack))
      .toThrow(/copies\[0\]\.encryptionKey must be a customer-managed key in the target region/);
    const later = testStack();
    const policy = build({ targetTags: undefined, ...daily({ copies: [copy('us-west-2')] }) }, later);
    expect(() => policy.protect(cmkVolume(later))).toThrow(/copies\[0\]\.encryptionKey must be a customer-managed key/);
  });
});

describe('fast snapshot restore', () => {
  const azs = (n: number) => Array.from({ length: n }, (_, i) => `us-east-1${String.fromCharCode(97 + (i % 6))}`).map((az, i) => (i < 6 ? az : `us-east-1${'ghijkl'[i - 6]}`));
  test('1 and 10 AZs pass, 0 and 11 fail', () => {
    ok(daily({ fastRestore: { availabilityZones: azs(1) } }));
    ok(daily({ fastRestore: { availabilityZones: azs(10) } }));
    fails(daily({ fastRestore: { availabilityZones: [] } }), /fastRestore\.availabilityZones \(count\) must be between 1 and 10 items, got 0/);
    fails(daily({ fastRestore: { availabilityZones: [...azs(10), 'us-east-1m'] } }), /between 1 and 10 items, got 11/);
  });
  test('AZs are names of the policy region, without duplicates', () => {
    fails(daily({ fastRestore: { availabilityZones: ['us-west-2a'] } }), /must be an Availability Zone of us-east-1/);
    fails(daily({ fastRestore: { availabilityZones: ['use1-az1'] } }), /must be an Availability Zone name such as us-east-1a/);
    fails(daily({ fastRestore: { availabilityZones: ['us-east-1a', 'us-east-1a'] } }), /unique Availability Zones/);
  });
  test('fast restore count 1-1000', () => {
    ok(daily({ fastRestore: { availabilityZones: azs(1), retention: SnapshotRetention.count(1000) } }));
    fails(daily({ fastRestore: { availabilityZones: azs(1), retention: SnapshotRetention.count(0) } }), /fastRestore\.retention\.count must be between 1 and 1000, got 0/);
    fails(daily({ fastRestore: { availabilityZones: azs(1), retention: SnapshotRetention.count(1001) } }), /got 1001/);
  });
});

describe('archive tier', () => {
  const monthly = (o: SnapshotScheduleOptions) => ({ schedules: [SnapshotSchedule.monthly(o)] });
  test('count-based monthly: 4 archived snapshots pass (runs can be 28 days apart), 3 fail', () => {
    ok(monthly({ archive: SnapshotRetention.count(4) }));
    fails(monthly({ archive: SnapshotRetention.count(3) }), /archive must be at least 4 snapshots \(3 runs of this schedule can span as little as 89 days/);
  });
  test('age-based: 90 days, 13 weeks and 4 months pass; 89 days, 12 weeks and 3 months (89 days from 1 February) fail', () => {
    ok(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.days(90) }));
    ok(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.weeks(13) }));
    ok(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.months(4) }));
    fails(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.months(3) }), /archive must be at least 90 days \(3 months can be as short as 89 days\)/);
    fails(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.days(89) }), /archive must be at least 90 days \(89 days can be as short as 89 days\), got '89 days'/);
    fails(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.weeks(12) }), /at least 90 days/);
  });
  test('the archive retention matches the schedule retention (count or age)', () => {
    fails(monthly({ archive: SnapshotRetention.days(365) }), /archive must be a count, like the schedule's retention/);
    fails(monthly({ retention: SnapshotRetention.days(40), archive: SnapshotRetention.count(12) }), /archive must be an age/);
  });
  test('schedules that can run less than 28 days apart fail', () => {
    fails(daily({ archive: SnapshotRetention.count(100) }), /archive must be on a cron schedule that runs at most every 28 days, got 'cron\(0 3 \* \* \? \*\)'/);
    fails({ schedules: [SnapshotSchedule.every(24, { archive: SnapshotRetention.days(90) })] }, /runs at most every 28 days, got 'every 24h'/);
    fails({ schedules: [SnapshotSchedule.cron('cron(0 3 1,15 * ? *)', { archive: SnapshotRetention.count(12) })] }, /at most every 28 days/);
    ok({ schedules: [SnapshotSchedule.cron('cron(0 3 L * ? *)', { archive: SnapshotRetention.count(4) })] });
    ok({ schedules: [SnapshotSchedule.cron('cron(0 3 1 */3 ? *)', { archive: SnapshotRetention.count(2) })] });
    fails({ schedules: [SnapshotSchedule.cron('cron(0 3 1 */3 ? *)', { archive: SnapshotRetention.count(1) })] }, /at least 2 snapshots/);
  });
  test('only VOLUME policies archive', () => {
    fails({ resourceType: SnapshotResourceType.INSTANCE, ...monthly({ archive: SnapshotRetention.count(4) }) }, /archive must be used on VOLUME policies only/);
  });
});

describe('sharing', () => {
  const shared = (share: SnapshotScheduleOptions['share']): Overrides => ({ ...daily({ share }), sourceEncryptionKeys: [key()] });
  test('1 account passes, none fails, account ids are 12 digits', () => {
    ok(shared({ accounts: ['111122223333'] }));
    fails(shared({ accounts: [] }), /share\.accounts \(count\) must be between 1 and 50 items, got 0/);
    fails(shared({ accounts: ['1234'] }), /share\.accounts\[0\] must be a 12-digit AWS account id/);
  });
  test('unsharing is by age', () => {
    ok(shared({ accounts: ['111122223333'], unshareAfter: SnapshotRetention.days(1) }));
    fails(shared({ accounts: ['111122223333'], unshareAfter: SnapshotRetention.count(2) }), /share\.unshareAfter must be an age/);
    fails(shared({ accounts: ['111122223333'], unshareAfter: SnapshotRetention.days(0) }), /unshareAfter\.days must be between 1/);
  });
  test('volumes under the AWS-managed key cannot be shared', () => {
    const stack = testStack();
    const plain = new ec2.Volume(stack, 'V', { availabilityZone: 'us-east-1a', size: Size.gibibytes(1), encrypted: true });
    expect(() => build({ targetTags: undefined, volumes: [plain], ...daily({ share: { accounts: ['111122223333'] } }) }, stack))
      .toThrow(/protect\(volume\) must be encrypted with a customer-managed key when snapshots are shared, got 'Test\/V'/);
  });
});

describe('tags', () => {
  const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
  test('45 tags to add pass, 46 fail; aws: keys and duplicates fail', () => {
    ok(daily({ tagsToAdd: tags(45) }));
    fails(daily({ tagsToAdd: tags(46) }), /tagsToAdd \(count\) must be between 0 and 45 items, got 46/);
    fails(daily({ tagsToAdd: [{ key: 'aws:owner', value: 'x' }] }), /a key that does not start with 'aws:'/);
    fails(daily({ tagsToAdd: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }), /unique tag keys/);
    fails(daily({ tagsToAdd: [{ key: 'k'.repeat(129), value: 'v' }] }), /key must be between 1 and 128 characters long/);
  });
  test('variable tags: INSTANCE policies only, at most 45, values $(instance-id) or $(timestamp)', () => {
    const instance = (o: SnapshotScheduleOptions) => ({ resourceType: SnapshotResourceType.INSTANCE, ...daily(o) });
    ok(instance({ variableTags: [{ key: 'id', value: '$(instance-id)' }, { key: 'at', value: '$(timestamp)' }] }));
    fails(daily({ variableTags: [{ key: 'id', value: '$(instance-id)' }] }), /variableTags must be used on INSTANCE policies only/);
    fails(instance({ variableTags: [{ key: 'id', value: '$(volume-id)' }] }), /variableTags\[id\] must be one of \$\(instance-id\), \$\(timestamp\)/);
    fails(instance({ variableTags: tags(46).map((t) => ({ ...t, value: '$(timestamp)' })) }), /variableTags \(count\) must be between 0 and 45 items, got 46/);
  });
  test('50 target tags pass, 51 fail; 50 plus the policy tag of a protected volume fail at synth', () => {
    ok({ targetTags: tags(50) });
    fails({ targetTags: tags(51) }, /targetTags \(count\) must be between 0 and 50 items, got 51/);
    const stack = testStack();
    const policy = build({ targetTags: tags(50) }, stack);
    policy.protect(new ec2.Volume(stack, 'V', { availabilityZone: 'us-east-1a', size: Size.gibibytes(1), encrypted: true }));
    expect(() => Template.fromStack(stack)).toThrow(/must target 1 to 50 tags, got 51/);
  });
  test('a policy without any target fails at synth', () => {
    const stack = testStack();
    build({ targetTags: undefined }, stack);
    expect(() => Template.fromStack(stack)).toThrow(/Test\/P: the policy must target 1 to 50 tags, got 0\. Pass volumes, instances or targetTags/);
  });
});

describe('description', () => {
  test('500 characters pass, 501 fail; only letters, digits, spaces, _ and -', () => {
    ok({ description: 'd'.repeat(500) });
    fails({ description: 'd'.repeat(501) }, /description must be between 1 and 500 characters long/);
    fails({ description: 'nightly/web' }, /description must be letters, digits, spaces, '_' and '-', got 'nightly\/web'/);
  });
});

describe('scripts', () => {
  const instance = (scripts: SnapshotScripts): Overrides => ({ resourceType: SnapshotResourceType.INSTANCE, scripts });
  test('timeout 10 and 120 seconds pass, 9 and 121 fail', () => {
    ok(instance(SnapshotScripts.freezeFilesystems(['/data'], { timeout: Duration.seconds(10) })));
    ok(instance(SnapshotScripts.freezeFilesystems(['/data'], { timeout: Duration.seconds(120) })));
    fails(instance(SnapshotScripts.freezeFilesystems(['/data'], { timeout: Duration.seconds(9) })), /scripts\.timeout must be between 10 and 120 seconds, got 9/);
    fails(instance(SnapshotScripts.freezeFilesystems(['/data'], { timeout: Duration.seconds(121) })), /got 121/);
  });
  test('retries 0 and 3 pass, 4 fails', () => {
    ok(instance(SnapshotScripts.fromDocumentName('my-doc', { retries: 0 })));
    ok(instance(SnapshotScripts.fromDocumentName('my-doc', { retries: 3 })));
    fails(instance(SnapshotScripts.fromDocumentName('my-doc', { retries: 4 })), /scripts\.retries must be between 0 and 3, got 4/);
  });
  test('scripts, boot volume and data volume exclusions are for INSTANCE policies only', () => {
    fails({ scripts: SnapshotScripts.windowsVss() }, /scripts must be used on INSTANCE policies only/);
    fails({ excludeBootVolumes: true }, /excludeBootVolumes must be used on INSTANCE policies only/);
    fails({ excludeDataVolumeTags: TAGS }, /excludeDataVolumeTags must be used on INSTANCE policies only/);
  });
  test('at least one stage; VSS takes no stages or timeout; the root filesystem is never frozen', () => {
    fails(instance(SnapshotScripts.fromDocumentName('my-doc', { preScript: false, postScript: false })), /at least one of preScript and postScript/);
    fails(instance(SnapshotScripts.windowsVss({ timeout: Duration.seconds(30) })), /left out for VSS/);
    fails(instance(SnapshotScripts.freezeFilesystems(['/'])), /mountPoints\[0\] must be a mount point whose filesystem does not hold \//);
    fails(instance(SnapshotScripts.freezeFilesystems(["/data'; rm -rf /"])), /mountPoints\[0\] must be an absolute path/);
    fails(instance(SnapshotScripts.fromDocumentName('a b')), /scripts\.documentName must be an SSM document name/);
  });
});

describe('targets', () => {
  test('imported volumes, the wrong policy type and other regions fail with what to do', () => {
    const stack = testStack();
    const imported = ec2.Volume.fromVolumeAttributes(stack, 'Imported', { volumeId: 'vol-0123456789abcdef0', availabilityZone: 'us-east-1a' });
    expect(() => build({}, stack).protect(imported)).toThrow(/protect\(volume\) must be a volume defined in this app .*tag the volume 'snapshot-policy:/);
    const instancePolicy = build({ resourceType: SnapshotResourceType.INSTANCE }, testStack());
    expect(() => instancePolicy.protect(cmkVolume(Stack.of(instancePolicy)))).toThrow(/protect\(volume\) must be used on a VOLUME policy/);
    const app = Stack.of(instancePolicy).node.root as import('aws-cdk-lib').App;
    const west = new Stack(app, 'West', { env: { region: 'us-west-2' } });
    expect(() => build({}, testStack()).protect(cmkVolume(west))).toThrow(/in the policy's account and region/);
  });
  test('volumes and instances together fail', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'],
    });
    const instance = new ec2.Instance(stack, 'I', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
    expect(() => build({ volumes: [cmkVolume(stack)], instances: [instance] }, stack)).toThrow(/volumes and instances must be only one of them/);
    expect(() => build({}, testStack()).protectInstance(instance)).toThrow(/protectInstance\(instance\) must be used on an INSTANCE policy/);
  });
});

describe('RestoredVolume', () => {
  test('snapshot ids are snap- and 8 or 17 hex digits; the AZ is a zone name', () => {
    const restore = (snapshotId: string, availabilityZone = 'us-east-1a') => () => new RestoredVolume(testStack(), 'R', { snapshotId, availabilityZone });
    expect(restore('snap-0123456789abcdef0')).not.toThrow();
    expect(restore('snap-01234567')).not.toThrow();
    expect(restore('snap-0123')).toThrow(/Test\/R: snapshotId must be 'snap-' followed by 8 or 17 lowercase hex digits/);
    expect(restore('snap-01234567', 'us-east-1')).toThrow(/availabilityZone must be an Availability Zone name/);
  });
});
