/**
 * Default policies for EBS snapshots. Sources: AWS::DLM::LifecyclePolicy (CloudFormation),
 * "[Default policies only]" properties: DefaultPolicy VOLUME, CreateInterval 1-7 days (default
 * 1), RetainInterval 2-14 days and "greater than the creation frequency", CrossRegionCopyTargets
 * at most 3, Exclusions.ExcludeVolumeTypes at most 6, ExtendDeletion (default false: DLM keeps the
 * last snapshot of a deleted volume and stops deleting while the policy is not running); DLM API
 * reference PolicyDetails ("If you create a default policy, you can specify the request parameters
 * either in the request body, or in the PolicyDetails request structure, but not both"); DLM user
 * guide, "Default policies": one default policy per resource type per region.
 */
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DefaultSnapshotPolicy, DefaultSnapshotPolicyProps } from '../../lib/snapshots';
import { Template, testApp, testStack } from '../util';

const build = (props: DefaultSnapshotPolicyProps = {}, stack: Stack = testStack()) => new DefaultSnapshotPolicy(stack, 'Default', props);
const fails = (props: DefaultSnapshotPolicyProps, message: RegExp) => expect(() => build(props)).toThrow(message);

test('one statement: every volume daily, kept a week, tags copied, nothing extended, everything written out', () => {
  // GIVEN / WHEN
  const stack = testStack();
  const policy = build({}, stack);
  // THEN the parameters are in the request body (top level), not in PolicyDetails
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
    DefaultPolicy: 'VOLUME',
    State: 'ENABLED',
    CreateInterval: 1,
    RetainInterval: 7,
    CopyTags: true,
    ExtendDeletion: false,
    Exclusions: { ExcludeBootVolumes: false },
    PolicyDetails: Match.absent(),
    Description: 'Default snapshot policy of Test',
  });
  // AND the role may snapshot and clean up in this region only, with nothing for copies or keys
  const statements = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
  expect(statements).not.toContain('ec2:CopySnapshot');
  expect(statements).not.toContain('kms:');
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ManageSnapshots', Action: ['ec2:CreateTags', 'ec2:DeleteSnapshot'], Resource: 'arn:aws:ec2:us-east-1::snapshot/*' })]) },
  });
  expect(policy.policyArn).toBeDefined();
});

test('copies, exclusions and keys reach the policy and the role', () => {
  // GIVEN
  const stack = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  // WHEN
  build({ copyRegions: ['us-west-2'], encryptionKeys: [key], excludeBootVolumes: true, excludeVolumeTypes: [ec2.EbsDeviceVolumeType.SC1], extendDeletion: true }, stack);
  // THEN
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
    CrossRegionCopyTargets: [{ TargetRegion: 'us-west-2' }],
    Exclusions: { ExcludeBootVolumes: true, ExcludeVolumeTypes: ['sc1'] },
    ExtendDeletion: true,
  });
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'ManageSnapshots', Action: ['ec2:CopySnapshot', 'ec2:CreateTags', 'ec2:DeleteSnapshot'] }),
      Match.objectLike({ Sid: 'UseSnapshotKeysGrants', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
    ]) },
  });
});

describe('limits', () => {
  test('create every 1 and 7 days pass; 0, 8 and 36 hours fail', () => {
    expect(() => build({ createEvery: Duration.days(7), retain: Duration.days(14) })).not.toThrow();
    expect(() => build({ createEvery: Duration.hours(24) })).not.toThrow();
    fails({ createEvery: Duration.days(8), retain: Duration.days(14) }, /createEvery must be between 1 and 7 days, got 8/);
    fails({ createEvery: Duration.days(0) }, /createEvery must be between 1 and 7 days, got 0/);
    fails({ createEvery: Duration.hours(36) }, /createEvery must be a whole number between 1 and 7 days, got 1\.5/);
  });
  test('retain 2 and 14 days pass, 1 and 15 fail, and never as short as createEvery', () => {
    expect(() => build({ retain: Duration.days(2) })).not.toThrow();
    expect(() => build({ retain: Duration.days(14) })).not.toThrow();
    fails({ retain: Duration.days(1) }, /retain must be between 2 and 14 days, got 1/);
    fails({ retain: Duration.days(15) }, /retain must be between 2 and 14 days, got 15/);
    fails({ createEvery: Duration.days(3), retain: Duration.days(3) }, /retain must be longer than createEvery \(3 days\), got '3 days'/);
  });
  test('copy regions: at most 3, valid, unique, not the policy\'s own', () => {
    expect(() => build({ copyRegions: ['us-west-1', 'us-west-2', 'eu-west-1'] })).not.toThrow();
    fails({ copyRegions: ['us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2'] }, /copyRegions \(count\) must be between 0 and 3 items, got 4/);
    fails({ copyRegions: ['us-east-1'] }, /copyRegions\[0\] must be another region than the policy's own/);
    fails({ copyRegions: ['us-west-2', 'us-west-2'] }, /copyRegions must be unique regions/);
    fails({ copyRegions: ['Oregon'] }, /copyRegions\[0\] must be a region name/);
  });
  test('excluded volume types: at most 6, unique', () => {
    const t = ec2.EbsDeviceVolumeType;
    fails({ excludeVolumeTypes: [t.GP2, t.GP3, t.IO1, t.IO2, t.ST1, t.SC1, t.STANDARD] }, /excludeVolumeTypes \(count\) must be between 0 and 6 items, got 7/);
    fails({ excludeVolumeTypes: [t.GP2, t.GP2] }, /excludeVolumeTypes must be unique volume types/);
  });
  test('deploy-time days pass, other deploy-time units fail in the house format', () => {
    const stack = testStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    expect(() => build({ retain: Duration.days(days) }, stack)).not.toThrow();
    expect(() => build({ createEvery: Duration.hours(days) }, testStack())).toThrow(/createEvery must be Duration\.days\(\.\.\.\) when the amount is known only at deploy/);
  });
  test('one default snapshot policy per region in an app', () => {
    const app = testApp();
    build({}, new Stack(app, 'A', { env: { region: 'us-east-1' } }));
    expect(() => build({}, new Stack(app, 'B', { env: { region: 'us-west-2' } }))).not.toThrow();
    expect(() => build({}, new Stack(app, 'C', { env: { region: 'us-east-1' } })))
      .toThrow(/C\/Default: DefaultSnapshotPolicy must be the only default snapshot policy of its account and region \(A\/Default is one\)/);
  });
});
