/**
 * Recycle Bin retention rules. Sources: AWS::RBin::Rule (CloudFormation): ResourceType
 * EBS_SNAPSHOT / EC2_IMAGE, RetentionPeriodValue 1-365 days for snapshots and AMIs, LockConfiguration
 * UnlockDelay in DAYS; EC2 User Guide, "Recycle Bin" / "Work with retention rules": "If you lock a
 * retention rule on creation, you must also specify the unlock delay period, which can be 7 to 30
 * days", "You can't lock tag-level retention rules", "A locked retention rule can't be modified or
 * deleted", exclusion tags for Region-level rules only.
 */
import { CfnParameter, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { RecycleBinResourceType, SnapshotRecycleBin, SnapshotRecycleBinProps } from '../../lib/snapshots';
import { Template, testStack } from '../util';

const build = (props: SnapshotRecycleBinProps, stack = testStack()) => new SnapshotRecycleBin(stack, 'Bin', props);
const fails = (props: SnapshotRecycleBinProps, message: RegExp) => expect(() => build(props)).toThrow(message);
const DAYS_30 = Duration.days(30);

test('unlocked by default: a Region-level rule for snapshots that cdk destroy removes (it holds no data)', () => {
  // GIVEN / WHEN
  const stack = testStack();
  const bin = build({ retention: DAYS_30 }, stack);
  // THEN
  expect(bin.locked).toBe(false);
  Template.fromStack(stack).hasResource('AWS::Rbin::Rule', {
    DeletionPolicy: 'Delete',
    Properties: {
      ResourceType: 'EBS_SNAPSHOT',
      RetentionPeriod: { RetentionPeriodUnit: 'DAYS', RetentionPeriodValue: 30 },
      LockConfiguration: Match.absent(),
      ResourceTags: Match.absent(),
      Description: 'Keeps deleted EBS snapshots of the region recoverable',
    },
  });
});

test('a lock is opt-in, carries its unlock delay, and is kept on cdk destroy', () => {
  // GIVEN / WHEN
  const stack = testStack();
  const bin = build({ retention: DAYS_30, lockUnlockDelay: Duration.days(7), resourceType: RecycleBinResourceType.EC2_IMAGE }, stack);
  // THEN
  expect(bin.locked).toBe(true);
  Template.fromStack(stack).hasResource('AWS::Rbin::Rule', {
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: { ResourceType: 'EC2_IMAGE', LockConfiguration: { UnlockDelayUnit: 'DAYS', UnlockDelayValue: 7 } },
  });
});

test('a tag-level rule keeps only tagged snapshots', () => {
  const stack = testStack();
  build({ retention: Duration.days(7), resourceTags: [{ key: 'backup', value: 'dlm' }] }, stack);
  Template.fromStack(stack).hasResourceProperties('AWS::Rbin::Rule', { ResourceTags: [{ ResourceTagKey: 'backup', ResourceTagValue: 'dlm' }] });
});

describe('limits', () => {
  test('retention 1 and 365 days pass; 0, 366 and 36 hours fail; deploy-time days pass', () => {
    expect(() => build({ retention: Duration.days(1) })).not.toThrow();
    expect(() => build({ retention: Duration.days(365) })).not.toThrow();
    fails({ retention: Duration.days(0) }, /retention must be between 1 and 365 days, got 0/);
    fails({ retention: Duration.days(366) }, /retention must be between 1 and 365 days, got 366/);
    fails({ retention: Duration.hours(36) }, /retention must be a whole number between 1 and 365 days, got 1\.5/);
    const stack = testStack();
    expect(() => build({ retention: Duration.days(new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber) }, stack)).not.toThrow();
  });
  test('unlock delay 7 and 30 days pass, 6 and 31 fail', () => {
    expect(() => build({ retention: DAYS_30, lockUnlockDelay: Duration.days(7) })).not.toThrow();
    expect(() => build({ retention: DAYS_30, lockUnlockDelay: Duration.days(30) })).not.toThrow();
    fails({ retention: DAYS_30, lockUnlockDelay: Duration.days(6) }, /lockUnlockDelay must be between 7 and 30 days, got 6/);
    fails({ retention: DAYS_30, lockUnlockDelay: Duration.days(31) }, /got 31/);
  });
  test('tag-level rules cannot be locked nor exclude tags; a locked rule cannot be destroyed by CloudFormation', () => {
    const tagged = { retention: DAYS_30, resourceTags: [{ key: 'backup', value: 'dlm' }] };
    fails({ ...tagged, lockUnlockDelay: Duration.days(7) }, /lockUnlockDelay must be left out on a tag-level rule/);
    fails({ ...tagged, excludeResourceTags: [{ key: 'scratch', value: 'true' }] }, /excludeResourceTags must be left out on a tag-level rule/);
    fails({ retention: DAYS_30, lockUnlockDelay: Duration.days(7), removalPolicy: RemovalPolicy.DESTROY }, /removalPolicy must be RemovalPolicy\.RETAIN on a locked rule/);
    fails({ retention: DAYS_30, resourceTags: [{ key: 'aws:x', value: 'y' }] }, /resourceTags\[aws:x\]\.key must be a key that does not start with 'aws:'/);
  });
});
