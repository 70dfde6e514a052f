/**
 * Cross-account copy event policies. Sources: EC2 User Guide, "Automate cross-account snapshot
 * copies" (the target account's event policy; copies to up to three regions; step 4: the role uses
 * the source key and the target key, kms:Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*,
 * DescribeKey, and kms:CreateGrant/ListGrants/RevokeGrant with kms:GrantIsForAWSResource; the
 * description filter, for example 'Created for policy: policy-0123456789abcdef0.*'), "Custom service
 * roles" (events on rule/AwsDataLifecycleRule.managed-cwe.*), AWS::DLM::LifecyclePolicy
 * EventSource/EventParameters (Type MANAGED_CWE, EventType shareSnapshot, SnapshotOwner,
 * DescriptionRegex) and Action (one action, CrossRegionCopy with EncryptionConfiguration and an
 * age RetainRule).
 */
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CrossAccountCopyPolicy, CrossAccountCopyPolicyProps, SnapshotRetention } from '../../lib/snapshots';
import { Template, testStack } from '../util';

const WEEK = SnapshotRetention.days(7);
type Overrides = { [K in keyof CrossAccountCopyPolicyProps]?: CrossAccountCopyPolicyProps[K] };
const build = (props: Overrides = {}, stack: Stack = testStack()) =>
  new CrossAccountCopyPolicy(stack, 'Copy', { sourceAccounts: ['111111111111'], copies: [{ region: 'us-east-1', retention: WEEK }], ...props });
const fails = (props: Overrides, message: RegExp) => expect(() => build(props)).toThrow(message);

test('copies each snapshot the source accounts share, encrypted, kept for an age; DLM-made snapshots only by default', () => {
  // GIVEN
  const stack = testStack();
  const key = new kms.Key(stack, 'BackupKey', { enableKeyRotation: true });
  // WHEN
  build({ copies: [{ region: 'us-east-1', retention: SnapshotRetention.days(35), encryptionKey: key }, { region: 'eu-west-1', retention: SnapshotRetention.months(3) }] }, stack);
  // THEN
  Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
    State: 'ENABLED',
    PolicyDetails: {
      PolicyType: 'EVENT_BASED_POLICY',
      EventSource: { Type: 'MANAGED_CWE', Parameters: { EventType: 'shareSnapshot', SnapshotOwner: ['111111111111'], DescriptionRegex: '^Created for policy: .*' } },
      Actions: [{
        Name: 'CopySharedSnapshots',
        CrossRegionCopy: [
          { Target: 'us-east-1', EncryptionConfiguration: { Encrypted: true, CmkArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('BackupKey'), 'Arn'] } }, RetainRule: { Interval: 35, IntervalUnit: 'DAYS' } },
          { Target: 'eu-west-1', EncryptionConfiguration: { Encrypted: true }, RetainRule: { Interval: 3, IntervalUnit: 'MONTHS' } },
        ],
      }],
    },
  });
});

test('the role copies, tags and deletes copies, manages only the DLM event rule, and uses the keys as step 4 asks', () => {
  // GIVEN
  const stack = testStack();
  const source = kms.Key.fromKeyArn(stack, 'Source', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
  // WHEN
  build({ sourceKeys: [source] }, stack);
  // THEN
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'CopySharedSnapshots', Action: 'ec2:CopySnapshot', Resource: 'arn:aws:ec2:us-east-1::snapshot/*' }),
      Match.objectLike({ Sid: 'ManageEventRule', Resource: { 'Fn::Join': ['', ['arn:aws:events:us-east-1:', { Ref: 'AWS::AccountId' }, ':rule/AwsDataLifecycleRule.managed-cwe.*']] } }),
      Match.objectLike({ Sid: 'UseSnapshotKeys', Resource: source.keyArn }),
      Match.objectLike({ Sid: 'UseSnapshotKeysGrants', Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    ]) },
  });
});

test('without keys, the role gets no KMS statement', () => {
  const stack = testStack();
  build({}, stack);
  expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).not.toContain('kms:');
});

describe('limits', () => {
  test('1-50 source accounts of 12 digits, not the policy\'s own', () => {
    fails({ sourceAccounts: [] }, /sourceAccounts \(count\) must be between 1 and 50 items, got 0/);
    fails({ sourceAccounts: Array.from({ length: 51 }, (_, i) => String(100000000000 + i)) }, /got 51/);
    fails({ sourceAccounts: ['1234'] }, /sourceAccounts\[0\] must be a 12-digit AWS account id/);
    expect(() => build({}, testStack({ env: { region: 'us-east-1', account: '111111111111' } }))).toThrow(/sourceAccounts\[0\] must be another account than the policy's own/);
  });
  test('1-3 copies, unique valid regions, an age retention, a key ARN in the copy region', () => {
    const stack = testStack();
    fails({ copies: [] }, /copies \(count\) must be between 1 and 3 items, got 0/);
    fails({ copies: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((region) => ({ region, retention: WEEK })) }, /got 4/);
    fails({ copies: [{ region: 'us-east-1', retention: WEEK }, { region: 'us-east-1', retention: WEEK }] }, /copies\[1\]\.region must be a region not already copied to/);
    fails({ copies: [{ region: 'us-east-1', retention: SnapshotRetention.count(3) }] }, /copies\[0\]\.retention must be an age/);
    fails({ copies: [{ region: 'us-east-1', retention: SnapshotRetention.years(101) }] }, /retention\.years must be between 1 and 100/);
    const alias = kms.Key.fromKeyArn(stack, 'Alias', 'arn:aws:kms:us-east-1:222222222222:alias/backup');
    expect(() => build({ copies: [{ region: 'us-east-1', retention: WEEK, encryptionKey: alias }] }, stack)).toThrow(/encryptionKey must be a key ARN .*not an alias/);
    const other = testStack();
    const west = kms.Key.fromKeyArn(other, 'West', 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => build({ copies: [{ region: 'us-east-1', retention: WEEK, encryptionKey: west }] }, other)).toThrow(/encryptionKey must be a key in the copy's region us-east-1, got 'us-west-2'/);
  });
  test('description filter 1-1000 characters; names of the allowed set', () => {
    expect(() => build({ descriptionFilter: '.*' })).not.toThrow();
    fails({ descriptionFilter: 'x'.repeat(1001) }, /descriptionFilter must be between 1 and 1000 characters long/);
    fails({ actionName: 'copy/all' }, /actionName must be letters, digits/);
  });
});
