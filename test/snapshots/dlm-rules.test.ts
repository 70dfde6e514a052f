/**
 * The DLM rules of issue 13, one block per defect, each citing the AWS page it follows. Every
 * block fails on the code before the fix (it synthesized policies DLM rejects, or roles and
 * keys that break at run time). Pages:
 * - [UG-create] DLM user guide (EC2/EBS User Guide), "Create a snapshot lifecycle policy"
 *   (snapshot-ami-policy.html): retention types, archiving, fast snapshot restore, sharing.
 * - [UG-considerations] same page, "Considerations for snapshot lifecycle policies".
 * - [UG-modify] "View, modify, and delete lifecycle policies": what orphans snapshots.
 * - [UG-encryption] "Permissions for encryption" (dlm-access-cmk.html).
 * - [UG-events] "Monitor your policies using CloudWatch Events" (DLM Policy State Change).
 * - [API-Script] DLM API reference, "Script" (ExecutionHandler of AWS-owned documents).
 * - [CFN] AWS::DLM::LifecyclePolicy (CloudFormation): FastRestoreRule, CrossRegionCopyRule.CmkArn,
 *   RetentionArchiveTier ("The count must ensure that each snapshot remains in the archive tier
 *   for at least 90 days").
 * - [EBS-encryption] EBS User Guide, "Amazon EBS encryption": kms:CreateGrant only with
 *   kms:GrantIsForAWSResource.
 */
import { App, Size, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { SnapshotsStack } from '../../bin/stacks/snapshots';
import { minSpanHours } from '../../lib/snapshots/calendar';
import {
  RestoredVolume, SnapshotPolicy, SnapshotPolicyProps, SnapshotResourceType, SnapshotRetention, SnapshotRetentionKind, SnapshotSchedule,
  SnapshotScheduleOptions, SnapshotScripts,
} from '../../lib/snapshots';
import { Template, importedVpc, testApp, testStack } from '../util';

type Overrides = { [K in keyof SnapshotPolicyProps]?: SnapshotPolicyProps[K] };
const TAGS = [{ key: 'Backup', value: 'yes' }];
const build = (props: Overrides = {}, stack: Stack = testStack()) =>
  new SnapshotPolicy(stack, 'P', { targetTags: TAGS, schedules: [SnapshotSchedule.daily()], ...props });
const ok = (props: Overrides) => expect(() => build(props)).not.toThrow();
const fails = (props: Overrides, message: RegExp) => expect(() => build(props)).toThrow(message);
const instancePolicy = (o: Overrides = {}): Overrides => ({ resourceType: SnapshotResourceType.INSTANCE, ...o });
const monthly = (o: SnapshotScheduleOptions) => ({ schedules: [SnapshotSchedule.monthly(o)] });
const DAY = 24;

function instance(stack: Stack, id = 'Web'): ec2.Instance {
  return new ec2.Instance(stack, id, {
    vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
}

describe('1. one retention kind per policy [UG-create: "All schedules must have the same retention type"]', () => {
  test('count and age schedules in one policy fail; all count or all age pass', () => {
    // WHEN / THEN
    fails({ schedules: [SnapshotSchedule.daily(), SnapshotSchedule.weekly({ retention: SnapshotRetention.weeks(8) })] },
      /schedules\[1\]\.retention must be a count, like schedules\[0\] \(7 snapshots\), got '8 weeks'/);
    ok({ schedules: [SnapshotSchedule.every(4), SnapshotSchedule.daily(), SnapshotSchedule.weekly(), SnapshotSchedule.monthly()] });
    ok({ schedules: [SnapshotSchedule.daily({ retention: SnapshotRetention.days(7) }), SnapshotSchedule.weekly({ retention: SnapshotRetention.weeks(8) })] });
  });

  test('the policy says its kind, which a change of needs a new policy [UG-modify: "You cannot change the retention schedule ... from count-based to age-based"]', () => {
    expect(build().retentionKind).toEqual(SnapshotRetentionKind.COUNT);
    expect(build({ schedules: [SnapshotSchedule.daily({ retention: SnapshotRetention.days(3) })] }).retentionKind).toEqual(SnapshotRetentionKind.AGE);
  });

  test("the reference app's Hourly policy keeps both its schedules by count", () => {
    // GIVEN the reference app's snapshots stack
    const stack = new SnapshotsStack(testApp(), 'Snapshots', { env: { region: 'us-east-1' } });
    // THEN every schedule of the Hourly policy has a Count, none an Interval
    const hourly = Template.fromStack(stack).findResources('AWS::DLM::LifecyclePolicy', { Properties: { Description: Match.stringLikeRegexp('hourly') } });
    const schedules = Object.values(hourly)[0].Properties.PolicyDetails.Schedules as Array<{ Name: string; RetainRule: object }>;
    expect(schedules.map((s) => [s.Name, s.RetainRule])).toEqual([['Hourly', { Count: 48 }], ['Monthly archive', { Count: 1 }]]);
  });
});

describe('2. archive on one schedule [UG-considerations: "an archiving rule for only one schedule for each policy"]', () => {
  test('two archiving schedules fail', () => {
    const archiving = (name: string, day: number) => SnapshotSchedule.monthly({ name, dayOfMonth: day, archive: SnapshotRetention.count(4) });
    fails({ schedules: [archiving('A', 1), archiving('B', 15)] }, /schedules\[1\]\.archive must be left out \(schedules\[0\] archives already\)/);
    ok({ schedules: [archiving('A', 1), SnapshotSchedule.monthly({ name: 'B', dayOfMonth: 15 })] });
  });
});

describe('3. fast snapshot restore follows the retention kind [UG-create], by AZ name or id [CFN FastRestoreRule]', () => {
  const az = { availabilityZones: ['us-east-1a'] };
  test('a count on an age schedule and an age on a count schedule fail; an age schedule must give the period', () => {
    fails({ schedules: [SnapshotSchedule.daily({ retention: SnapshotRetention.days(7), fastRestore: { ...az, retention: SnapshotRetention.count(1) } })] },
      /fastRestore\.retention must be an age, like the schedule's retention, got '1 snapshots'/);
    fails({ schedules: [SnapshotSchedule.daily({ fastRestore: { ...az, retention: SnapshotRetention.days(1) } })] },
      /fastRestore\.retention must be a count, like the schedule's retention/);
    fails({ schedules: [SnapshotSchedule.daily({ retention: SnapshotRetention.days(7), fastRestore: az })] }, /fastRestore\.retention must be an age/);
    ok({ schedules: [SnapshotSchedule.daily({ retention: SnapshotRetention.days(7), fastRestore: { ...az, retention: SnapshotRetention.days(1) } })] });
  });

  test('AZ ids render as AvailabilityZoneIds; names and ids together, or malformed ids, fail', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    build({ schedules: [SnapshotSchedule.daily({ fastRestore: { availabilityZoneIds: ['use1-az1', 'use1-az4'] } })] }, stack);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: { Schedules: [Match.objectLike({ FastRestoreRule: { AvailabilityZoneIds: ['use1-az1', 'use1-az4'], Count: 1 } })] },
    });
    fails({ schedules: [SnapshotSchedule.daily({ fastRestore: { availabilityZones: ['us-east-1a'], availabilityZoneIds: ['use1-az1'] } })] },
      /fastRestore must be given availabilityZones or availabilityZoneIds \(exactly one\), got 'both'/);
    fails({ schedules: [SnapshotSchedule.daily({ fastRestore: { availabilityZoneIds: ['us-east-1a'] } })] },
      /availabilityZoneIds\[0\] must be an Availability Zone id such as use1-az1/);
  });
});

describe('4. VSS takes no copy tags and no excluded data-volume tags (docs/aws-limits.md, DLM user guide on VSS backups)', () => {
  const vss = instancePolicy({ scripts: SnapshotScripts.windowsVss() });
  test('copy tags are left out of VSS schedules; asking for them, or excluding data volumes, fails', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    build(vss, stack);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: { Schedules: [Match.objectLike({ CopyTags: Match.absent() })] },
    });
    fails({ ...vss, schedules: [SnapshotSchedule.daily({ copyTags: true })] }, /schedules\[0\]\.copyTags must be left out on a policy with SnapshotScripts\.windowsVss\(\)/);
    fails({ ...vss, excludeDataVolumeTags: TAGS }, /excludeDataVolumeTags must be left out with SnapshotScripts\.windowsVss\(\)/);
  });
});

describe('5. copy keys are key ARNs [CFN CrossRegionCopyRule.CmkArn]', () => {
  test('an alias ARN or alias fails; a key ARN passes', () => {
    const stack = testStack();
    const copy = (encryptionKey: kms.IKey) => ({ schedules: [SnapshotSchedule.daily({ copies: [{ region: 'us-west-2', encryptionKey, retention: SnapshotRetention.days(7) }] })] });
    const aliasArn = kms.Key.fromKeyArn(stack, 'AliasArn', 'arn:aws:kms:us-west-2:111122223333:alias/backups');
    expect(() => build(copy(aliasArn), stack)).toThrow(/copies\[0\]\.encryptionKey must be a key ARN .*not an alias, got 'arn:aws:kms:us-west-2:111122223333:alias\/backups'/);
    const west = new Stack(testApp(), 'West', { env: { region: 'us-west-2' } });
    const alias = new kms.Alias(west, 'Alias', { aliasName: 'alias/backups', targetKey: new kms.Key(west, 'K') });
    expect(() => build(copy(alias), testStack())).toThrow(/not an alias/);
    ok(copy(kms.Key.fromKeyArn(stack, 'KeyArn', 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab')));
  });
});

describe('6. sharing [UG-create "Cross-account sharing", UG-considerations]', () => {
  const key = () => new kms.Key(new Stack(), 'K');
  const share = (retention: SnapshotRetention, unshareAfter: SnapshotRetention) =>
    ({ sourceEncryptionKeys: [key()], schedules: [SnapshotSchedule.daily({ retention, share: { accounts: ['444455556666'], unshareAfter } })] });
  test('unshare after less than the retention: 5 days kept allow 4 days shared, for age and count alike', () => {
    ok(share(SnapshotRetention.days(5), SnapshotRetention.days(4)));
    fails(share(SnapshotRetention.days(5), SnapshotRetention.days(5)), /share\.unshareAfter must be shorter than the time snapshots are kept \(5 days\), got '5 days'/);
    ok(share(SnapshotRetention.count(7), SnapshotRetention.days(6)));
    fails(share(SnapshotRetention.count(7), SnapshotRetention.days(7)), /unshareAfter must be shorter than the time snapshots are kept \(7 snapshots, as little as 7 days\)/);
    fails(share(SnapshotRetention.weeks(1), SnapshotRetention.days(7)), /unshareAfter must be shorter/);
  });

  test('INSTANCE and tag-targeted policies that share must name the customer-managed keys', () => {
    const shared = { schedules: [SnapshotSchedule.daily({ share: { accounts: ['444455556666'] } })] };
    fails(shared, /sourceEncryptionKeys must be the customer-managed keys of the targeted volumes when snapshots are shared/);
    fails(instancePolicy({ targetTags: undefined, ...shared, instances: [instance(testStack())] }), /sourceEncryptionKeys must be/);
  });

  test('the share accounts may create grants on the key only for AWS resources [EBS-encryption]', () => {
    // GIVEN
    const stack = testStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey', { enableKeyRotation: true });
    // WHEN
    build({ sourceEncryptionKeys: [volumeKey], schedules: [SnapshotSchedule.daily({ share: { accounts: ['444455556666'] } })] }, stack);
    // THEN CreateGrant sits in its own statement with the condition; the others carry no CreateGrant
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as Array<{ Action: string | string[]; Principal?: { AWS?: unknown }; Condition?: unknown }>;
    const shared = statements.filter((s) => JSON.stringify(s.Principal ?? {}).includes('444455556666'));
    expect(shared).toHaveLength(2);
    expect(shared.find((s) => s.Action === 'kms:CreateGrant')!.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    expect(shared.filter((s) => s.Action !== 'kms:CreateGrant').flatMap((s) => s.Action)).not.toContain('kms:CreateGrant');
  });
});

describe('7. archiving snapshots of customer-key volumes [UG-encryption: "If you enable snapshot archiving for encrypted snapshots ..."]', () => {
  test('the role may decrypt and describe the volume key and create grants for AWS resources, and nothing more', () => {
    // GIVEN a CMK volume under an archiving policy without copies
    const stack = testStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey', { enableKeyRotation: true });
    const volume = new ec2.Volume(stack, 'V', { availabilityZone: 'us-east-1a', size: Size.gibibytes(1), encrypted: true, encryptionKey: volumeKey });
    // WHEN
    build({ targetTags: undefined, volumes: [volume], ...monthly({ archive: SnapshotRetention.count(4) }) }, stack);
    // THEN
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(volumeKey.node.defaultChild as kms.CfnKey), 'Arn'] };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'UseSnapshotKeys', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: keyArn },
          { Sid: 'UseSnapshotKeysGrants', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: keyArn, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
        ]),
      },
    });
  });

  test('a policy that neither copies nor archives gets no KMS statement', () => {
    const stack = testStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey', { enableKeyRotation: true });
    build({ targetTags: undefined, volumes: [new ec2.Volume(stack, 'V', { availabilityZone: 'us-east-1a', size: Size.gibibytes(1), encrypted: true, encryptionKey: volumeKey })] }, stack);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).not.toContain('kms:');
  });
});

describe('8. archive cadence on the calendar [CFN RetentionArchiveTier; UG-create: "second Thursday ... the retention count for the archive tier must be 4 or more"]', () => {
  test('the calendar: monthly runs on the 1st can span 89 days over three gaps (February to May), quarterly runs 90', () => {
    expect(minSpanHours('cron(0 3 1 * ? *)', 1)).toEqual(28 * DAY);
    expect(minSpanHours('cron(0 3 1 * ? *)', 3)).toEqual(89 * DAY);
    expect(minSpanHours('cron(0 3 ? * THU#2 *)', 3)).toEqual(84 * DAY);
    expect(minSpanHours('cron(0 3 1 */3 ? *)', 1)).toEqual(90 * DAY);
    expect(minSpanHours('cron(0 3 L * ? *)', 3)).toEqual(89 * DAY);
    expect(minSpanHours('cron(0 3 * * ? *)', 7)).toEqual(7 * DAY);
  });

  test('monthly on a day, on the second Thursday and on the last day need 4; quarterly needs 2 (a run late in its hour misses 90 days)', () => {
    const cron = (e: string, n: number) => ({ schedules: [SnapshotSchedule.cron(e, { archive: SnapshotRetention.count(n) })] });
    fails(cron('cron(0 3 1 * ? *)', 3), /archive must be at least 4 snapshots \(3 runs of this schedule can span as little as 89 days/);
    ok(cron('cron(0 3 1 * ? *)', 4));
    fails(cron('cron(0 3 ? * THU#2 *)', 3), /at least 4 snapshots \(3 runs of this schedule can span as little as 84 days/);
    ok(cron('cron(0 3 ? * THU#2 *)', 4));
    fails(cron('cron(0 3 1 */3 ? *)', 1), /at least 2 snapshots/);
    ok(cron('cron(0 3 1 */3 ? *)', 2));
    ok(cron('cron(0 3 1 1 ? *)', 1));
  });

  test('a schedule that can run closer than 28 days (two days of the month, weekly) fails', () => {
    fails({ schedules: [SnapshotSchedule.cron('cron(0 3 1,20 * ? *)', { archive: SnapshotRetention.count(12) })] }, /on a cron schedule that runs at most every 28 days/);
    fails({ schedules: [SnapshotSchedule.weekly({ archive: SnapshotRetention.count(20) })] }, /at most every 28 days/);
  });
});

describe('9. stable identity [UG-modify: a renamed schedule or removed target tag orphans the snapshots]', () => {
  test('default names do not change with the timing or the order of the schedules', () => {
    const names = (...schedules: SnapshotSchedule[]) => {
      const stack = testStack();
      build({ schedules }, stack);
      return (Object.values(Template.fromStack(stack).findResources('AWS::DLM::LifecyclePolicy'))[0].Properties.PolicyDetails.Schedules as Array<{ Name: string }>)
        .map((s) => s.Name);
    };
    expect(names(SnapshotSchedule.daily({ hour: 3 }), SnapshotSchedule.weekly())).toEqual(['Daily', 'Weekly']);
    expect(names(SnapshotSchedule.weekly({ hour: 5 }), SnapshotSchedule.daily({ hour: 1 }))).toEqual(['Weekly', 'Daily']);
  });

  test('the target tag key follows the stack name and the id, not the construct path; two policies may not share one', () => {
    // GIVEN the same policy at the stack root and inside another construct
    const a = testStack();
    const b = testStack();
    const atRoot = build({}, a);
    const nested = new SnapshotPolicy(new Construct(b, 'Backups'), 'P', { targetTags: TAGS, schedules: [SnapshotSchedule.daily()] });
    // THEN
    expect(atRoot.targetTagKey).toEqual('snapshot-policy:Test-P');
    expect(nested.targetTagKey).toEqual(atRoot.targetTagKey);
    expect(() => new SnapshotPolicy(new Construct(a, 'Other'), 'P', { targetTags: TAGS, schedules: [SnapshotSchedule.daily()] }))
      .toThrow(/Test\/Other\/P: targetTagKey must be a key no other policy of the stack uses \(Test\/P does\), got 'snapshot-policy:Test-P'/);
    expect(build({ targetTagKey: 'snapshot-policy:CatPhotosSnapshots-Nightly-8BBD8A3A' }).targetTagKey).toEqual('snapshot-policy:CatPhotosSnapshots-Nightly-8BBD8A3A');
    fails({ targetTagKey: 'bad,key' }, /targetTagKey must be a tag key of letters/);
  });
});

describe('10. freeze mount points, checked at synth as the script does (test/snapshots/freeze-script.test.ts runs the script)', () => {
  test.each([['/.'], ['//'], ['/data/..'], ['/var'], ['/var/lib'], ['/var/log/amazon'], ['/run']])('%s fails', (mp) => {
    fails(instancePolicy({ scripts: SnapshotScripts.freezeFilesystems(['/data', mp]) }), /mountPoints\[1\] must be a mount point whose filesystem does not hold/);
  });
  test('/data, /var/lib/mysql and /srv pass', () => {
    ok(instancePolicy({ scripts: SnapshotScripts.freezeFilesystems(['/data', '/var/lib/mysql', '/srv']) }));
  });
});

describe('11. AWS-owned SSM documents [API-Script ExecutionHandler]', () => {
  test.each([
    ['sapHana()', SnapshotScripts.sapHana(), 'AWSSystemsManagerSAP-CreateDLMSnapshotForSAPHANA'],
    ['fromDocumentName(AWS-...)', SnapshotScripts.fromDocumentName('AWS-RunPatchBaseline'), 'AWS-RunPatchBaseline'],
  ])('%s: the handler is the document name, the role sends the AWS-owned ARN without an account', (_, scripts, name) => {
    // GIVEN
    const stack = testStack();
    // WHEN
    build(instancePolicy({ scripts }), stack);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: { Schedules: [Match.objectLike({ CreateRule: Match.objectLike({ Scripts: [Match.objectLike({ ExecutionHandler: name })] }) })] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'RunScriptsDocument',
        Resource: `arn:aws:ssm:us-east-1::document/${name}`,
      })]) },
    });
  });
});

describe('12. the README restore example', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'snapshots', 'README.md'), 'utf8');
  const block = /2\. Restore it next to the instance[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1];
  const run = (scope: Construct, web: ec2.Instance, nightly: SnapshotPolicy, extra = '') => {
    const js = ts.transpileModule(block.replace('availabilityZone:', `${extra}availabilityZone:`), { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    new Function('ec2', 'RestoredVolume', 'instance', 'nightly', js).call(scope, ec2, RestoredVolume, web, nightly);
  };

  test("works as written on the reference app's INSTANCE policy: the volume is attached to a protected web server", () => {
    // GIVEN the reference app's snapshots stack protecting a web server
    const app: App = testApp();
    const web = new Stack(app, 'Web', { env: { region: 'us-east-1' } });
    const server = instance(web);
    const snapshots = new SnapshotsStack(app, 'Snapshots', { env: { region: 'us-east-1' }, webServers: [server] });
    expect(snapshots.nightly.resourceType).toEqual(SnapshotResourceType.INSTANCE);
    // WHEN the README block runs in the web servers' stack
    run(web, server, snapshots.nightly);
    // THEN the restored volume is attached to the protected server, which carries the policy's tag
    const template = Template.fromStack(web);
    template.hasResourceProperties('AWS::EC2::VolumeAttachment', { InstanceId: { Ref: Match.stringLikeRegexp('Web') }, Device: '/dev/xvdf' });
    template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: snapshots.nightly.targetTagKey, Value: 'true' }]) });
  });

  test('on a VOLUME policy, with snapshotPolicy added as the README says, the policy protects the restored volume', () => {
    const stack = testStack();
    const volumePolicy = new SnapshotPolicy(stack, 'Nightly', { schedules: [SnapshotSchedule.daily()] });
    run(stack, instance(stack), volumePolicy, 'snapshotPolicy: nightly, ');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Volume', {
      SnapshotId: 'snap-0123456789abcdef0', Tags: Match.arrayWith([{ Key: volumePolicy.targetTagKey, Value: 'true' }]),
    });
  });

  test('an INSTANCE policy given as snapshotPolicy says what to do instead', () => {
    const stack = testStack();
    const policy = new SnapshotPolicy(stack, 'Nightly', { resourceType: SnapshotResourceType.INSTANCE, targetTags: TAGS, schedules: [SnapshotSchedule.daily()] });
    expect(() => new RestoredVolume(stack, 'R', { snapshotId: 'snap-12345678', availabilityZone: 'us-east-1a', snapshotPolicy: policy }))
      .toThrow(/snapshotPolicy must be a VOLUME policy, got 'Test\/Nightly'\. An INSTANCE policy snapshots every volume attached to its instances/);
  });
});

describe('imports and notifications [UG-events]', () => {
  test('fromPolicyId and fromPolicyArn give the id and ARN; a malformed ARN fails', () => {
    const stack = testStack();
    const byId = SnapshotPolicy.fromPolicyId(stack, 'ById', 'policy-0123456789abcdef0');
    expect(stack.resolve(byId.policyArn)).toEqual({ 'Fn::Join': ['', ['arn:aws:dlm:us-east-1:', { Ref: 'AWS::AccountId' }, ':policy/policy-0123456789abcdef0']] });
    const byArn = SnapshotPolicy.fromPolicyArn(stack, 'ByArn', 'arn:aws:dlm:us-east-1:111122223333:policy/policy-0123456789abcdef0');
    expect(byArn.policyId).toEqual('policy-0123456789abcdef0');
    expect(() => SnapshotPolicy.fromPolicyArn(stack, 'Bad', 'arn:aws:dlm:us-east-1:111122223333:lifecycle/x')).toThrow(/fromPolicyArn\(policyArn\) must be a DLM policy ARN/);
  });

  test('onPolicyError matches the DLM Policy State Change event of this policy in state ERROR, with the options given', () => {
    // GIVEN
    const stack = testStack();
    const policy = build({}, stack);
    // WHEN
    policy.onPolicyError('Failed', { description: 'DLM policy in error', ruleName: 'dlm-error' } satisfies events.OnEventOptions);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      Name: 'dlm-error',
      Description: 'DLM policy in error',
      EventPattern: {
        'source': ['aws.dlm'],
        'detail-type': ['DLM Policy State Change'],
        'resources': [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^P'), 'Arn'] }],
        'detail': { state: ['ERROR'] },
      },
    });
  });
});
