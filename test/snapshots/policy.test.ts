import * as cdk from 'aws-cdk-lib';
import { RemovalPolicy, Size, Stack, Tags } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  RestoredVolume, SnapshotPolicy, SnapshotResourceType, SnapshotRetention, SnapshotSchedule, SnapshotScripts,
} from '../../lib/snapshots';
import { SnapshotsStack } from '../../bin/stacks/snapshots';
import { Template, maskedTemplate, testApp, testStack } from '../util';

function volume(stack: Stack, id = 'Data', encryptionKey?: kms.IKey): ec2.Volume {
  return new ec2.Volume(stack, id, {
    availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encrypted: true, encryptionKey, removalPolicy: RemovalPolicy.RETAIN,
  });
}

function acknowledged(construct: { node: { metadata: Array<{ type: string; data: unknown }> } }): Record<string, string> {
  return Object.assign({}, ...construct.node.metadata
    .filter((m) => m.type === 'aws:cdk:acknowledged-rules').flatMap((m) => Object.entries(m.data as Record<string, string>))
    .map(([id, reason]) => ({ [id.replace(/^annotation::/i, '')]: reason })));
}

describe('SnapshotPolicy defaults', () => {
  // GIVEN one statement with a volume and a daily schedule
  const stack = testStack();
  const data = volume(stack);
  const policy = new SnapshotPolicy(stack, 'Nightly', { volumes: [data], schedules: [SnapshotSchedule.daily()] });
  const template = Template.fromStack(stack);

  test('creates an enabled volume policy with the schedule, times and retention written out', () => {
    // THEN
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      State: 'ENABLED',
      Description: 'Snapshot policy Test Nightly',
      PolicyDetails: {
        PolicyType: 'EBS_SNAPSHOT_MANAGEMENT',
        PolicyLanguage: 'STANDARD',
        ResourceTypes: ['VOLUME'],
        ResourceLocations: ['CLOUD'],
        TargetTags: [{ Key: policy.targetTagKey, Value: 'true' }],
        Schedules: [{
          Name: 'Daily',
          CopyTags: true,
          CreateRule: { CronExpression: 'cron(0 3 * * ? *)', Location: 'CLOUD' },
          RetainRule: { Count: 7 },
        }],
      },
    });
  });

  test('the policy tag is on the volume it acknowledges, and is unique to the policy', () => {
    // THEN the volume carries the tag the policy targets
    template.hasResourceProperties('AWS::EC2::Volume', { Tags: Match.arrayWith([{ Key: policy.targetTagKey, Value: 'true' }]) });
    expect(policy.targetTagKey).toEqual('snapshot-policy:Test-Nightly');
    // AND the backup-plan findings are acknowledged on that volume only, naming the policy and its schedule
    const acks = acknowledged(data.node.defaultChild as ec2.CfnVolume);
    expect(Object.keys(acks)).toEqual(expect.arrayContaining(['HIPAA.Security-EC2EBSInBackupPlan', 'NIST.800.53.R5-EC2EBSInBackupPlan']));
    expect(acks['HIPAA.Security-EC2EBSInBackupPlan']).toContain('Test/Nightly (Daily (daily 0300 UTC), keeps 7 snapshots)');
    expect(acks['HIPAA.Security-EC2EBSInBackupPlan']).toContain(policy.targetTagKey);
  });

  test('the execution role trusts DLM and can snapshot only volumes with a target tag', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'dlm.amazonaws.com' } })] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'SnapshotTaggedTargets0',
            Condition: { StringEquals: { [`aws:ResourceTag/${policy.targetTagKey}`]: 'true' } },
          }),
          Match.objectLike({ Sid: 'ManageSnapshots', Action: ['ec2:CreateTags', 'ec2:DeleteSnapshot'], Resource: 'arn:aws:ec2:us-east-1::snapshot/*' }),
        ]),
      },
    });
    // AND no AWS-managed policy, no inline policy
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('the optional permissions are left out when no schedule needs them', () => {
    const statements = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    for (const action of ['ec2:CopySnapshot', 'ec2:EnableFastSnapshotRestores', 'ec2:ModifySnapshotAttribute', 'ec2:ModifySnapshotTier', 'ssm:SendCommand', 'kms:']) {
      expect(statements).not.toContain(action);
    }
  });
});

describe('SnapshotPolicy overrides', () => {
  test('a disabled policy records no backup acknowledgement on its volumes', () => {
    // GIVEN
    const stack = testStack();
    const data = volume(stack);
    // WHEN
    new SnapshotPolicy(stack, 'Off', { volumes: [data], schedules: [SnapshotSchedule.daily()], enabled: false });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', { State: 'DISABLED' });
    expect(acknowledged(data.node.defaultChild as ec2.CfnVolume)).toEqual({});
  });

  test('two policies protecting one volume use two tags, both on the volume', () => {
    // GIVEN
    const stack = testStack();
    const data = volume(stack);
    // WHEN
    const a = new SnapshotPolicy(stack, 'A', { volumes: [data], schedules: [SnapshotSchedule.daily()] });
    const b = new SnapshotPolicy(stack, 'B', { schedules: [SnapshotSchedule.every(4)] });
    b.protect(data);
    // THEN
    expect(a.targetTagKey).not.toEqual(b.targetTagKey);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Volume', {
      Tags: Match.arrayWith([{ Key: a.targetTagKey, Value: 'true' }, { Key: b.targetTagKey, Value: 'true' }]),
    });
  });

  test('a protected volume that lost its tag fails synth instead of claiming a backup', () => {
    // GIVEN
    const stack = testStack();
    const data = volume(stack);
    const policy = new SnapshotPolicy(stack, 'Nightly', { volumes: [data], schedules: [SnapshotSchedule.daily()] });
    // WHEN an aspect removes the tag
    Tags.of(stack).remove(policy.targetTagKey);
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/Test\/Data\/Resource no longer carries the target tag/);
  });

  test('target tags alone, an every-hours schedule with its start time, and a custom description', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new SnapshotPolicy(stack, 'Tagged', {
      targetTags: [{ key: 'Backup', value: 'hourly' }],
      description: 'Hourly cluster snapshots',
      schedules: [SnapshotSchedule.every(6, { startTime: '01:30', retention: SnapshotRetention.days(3), name: 'six-hourly' })],
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      Description: 'Hourly cluster snapshots',
      PolicyDetails: {
        TargetTags: [{ Key: 'Backup', Value: 'hourly' }],
        Schedules: [{
          Name: 'six-hourly',
          CreateRule: { Interval: 6, IntervalUnit: 'HOURS', Times: ['01:30'], Location: 'CLOUD' },
          RetainRule: { Interval: 3, IntervalUnit: 'DAYS' },
        }],
      },
    });
  });

  test('weekly and monthly helpers write their cron', () => {
    const weekly = SnapshotSchedule.weekly();
    const monthly = SnapshotSchedule.monthly({ dayOfMonth: 15, hour: 22, minute: 30 });
    expect(weekly.expression).toEqual('cron(0 3 ? * SUN *)');
    expect(weekly.retention.countValue).toEqual(4);
    expect(monthly.expression).toEqual('cron(30 22 15 * ? *)');
    expect(monthly.retention.countValue).toEqual(12);
    expect(SnapshotSchedule.every(1).retention.toString()).toEqual('168 snapshots');
    expect(SnapshotSchedule.every(4).retention.toString()).toEqual('42 snapshots');
  });

  test('an INSTANCE policy tags the instance, excludes the boot volume and runs freeze scripts from a tagged document', () => {
    // GIVEN
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-1'], privateSubnetRouteTableIds: ['rtb-1'] });
    const instance = new ec2.Instance(stack, 'Web', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    // WHEN
    const policy = new SnapshotPolicy(stack, 'Consistent', {
      instances: [instance],
      excludeBootVolumes: true,
      scripts: SnapshotScripts.freezeFilesystems(['/data'], { retries: 2 }),
      schedules: [SnapshotSchedule.daily({ variableTags: [{ key: 'instance-id', value: '$(instance-id)' }] })],
    });
    // THEN
    expect(policy.resourceType).toEqual(SnapshotResourceType.INSTANCE);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Instance', { Tags: Match.arrayWith([{ Key: policy.targetTagKey, Value: 'true' }]) });
    template.hasResourceProperties('AWS::SSM::Document', {
      DocumentType: 'Command',
      Tags: [{ Key: 'DLMScriptsAccess', Value: 'true' }],
      Content: Match.objectLike({ parameters: Match.objectLike({ command: Match.objectLike({ allowedValues: ['pre-script', 'post-script', 'dry-run'] }) }) }),
    });
    template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: {
        ResourceTypes: ['INSTANCE'],
        Parameters: { ExcludeBootVolume: true },
        Schedules: [Match.objectLike({
          VariableTags: [{ Key: 'instance-id', Value: '$(instance-id)' }],
          CreateRule: Match.objectLike({
            Scripts: [{
              ExecutionHandlerService: 'AWS_SYSTEMS_MANAGER',
              ExecutionHandler: { Ref: Match.stringLikeRegexp('ConsistentScriptsDocument') },
              ExecutionTimeout: 60, MaximumRetryCount: 2, Stages: ['PRE', 'POST'], ExecuteOperationOnScriptFailure: true,
            }],
          }),
        })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'RunScriptsDocument', Action: Match.arrayWith(['ssm:GetDocument', 'ssm:SendCommand']) }),
          Match.objectLike({ Sid: 'RunScriptsOnTargets', Condition: { StringNotLike: { 'aws:ResourceTag/DLMScriptsAccess': 'false' } } }),
        ]),
      },
    });
  });

  test('Windows VSS uses the AWS handler without stages or timeout', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new SnapshotPolicy(stack, 'Vss', {
      resourceType: SnapshotResourceType.INSTANCE, targetTags: [{ key: 'os', value: 'windows' }],
      scripts: SnapshotScripts.windowsVss(), schedules: [SnapshotSchedule.daily()],
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: { Schedules: [Match.objectLike({ CreateRule: Match.objectLike({
        Scripts: [{ ExecutionHandler: 'AWS_VSS_BACKUP', ExecuteOperationOnScriptFailure: true, MaximumRetryCount: 0 }],
      }) })] },
    });
  });
});

describe('every feature', () => {
  test('matches the snapshot: copies, fast restore, archive, sharing, tags and a least-privilege role', () => {
    // GIVEN two CMK-encrypted volumes and a key in the copy region
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const target = kms.Key.fromKeyArn(stack, 'WestKey', 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const a = volume(stack, 'A', key);
    const b = volume(stack, 'B', key);

    // WHEN one policy uses every feature
    const policy = new SnapshotPolicy(stack, 'Everything', {
      volumes: [a],
      targetTags: [{ key: 'Backup', value: 'gold' }],
      sourceEncryptionKeys: [key],
      description: 'All features',
      schedules: [
        SnapshotSchedule.every(1, {
          startTime: '00:15', retention: SnapshotRetention.days(2),
          tagsToAdd: [{ key: 'tier', value: 'hourly' }],
          fastRestore: { availabilityZones: ['us-east-1a', 'us-east-1b'], retention: SnapshotRetention.days(1) },
        }),
        SnapshotSchedule.daily({
          retention: SnapshotRetention.days(14),
          copies: [{ region: 'us-west-2', encryptionKey: target, retention: SnapshotRetention.weeks(4) }],
          share: { accounts: ['444455556666'], unshareAfter: SnapshotRetention.days(7) },
        }),
        SnapshotSchedule.monthly({ retention: SnapshotRetention.days(0), archive: SnapshotRetention.years(1) }),
        SnapshotSchedule.cron('cron(0 12 ? * MON-FRI *)', { name: 'Weekday noon', retention: SnapshotRetention.days(5), copyTags: false }),
      ],
    });
    policy.protect(b);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'UseSnapshotKeys',
            Resource: Match.arrayWith([target.keyArn, { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] }]),
          }),
          Match.objectLike({ Sid: 'UseSnapshotKeysGrants', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
        ]),
      },
    });
    // AND the volume key lets the share account use the shared snapshots
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      })]) },
    });
    expect(maskedTemplate(template.toJSON())).toMatchSnapshot();
  });
});

describe('RestoredVolume', () => {
  test('creates an encrypted gp3 volume from the snapshot, kept on destroy, and can be protected at once', () => {
    // GIVEN
    const stack = testStack();
    const policy = new SnapshotPolicy(stack, 'Nightly', { schedules: [SnapshotSchedule.daily()] });
    // WHEN
    const restored = new RestoredVolume(stack, 'Restored', {
      snapshotId: 'snap-0123456789abcdef0', availabilityZone: 'us-east-1a', snapshotPolicy: policy,
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::EC2::Volume', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        SnapshotId: 'snap-0123456789abcdef0', AvailabilityZone: 'us-east-1a', Encrypted: true, VolumeType: 'gp3',
        KmsKeyId: Match.absent(),
        Tags: Match.arrayWith([{ Key: policy.targetTagKey, Value: 'true' }]),
      }),
    });
    expect(restored.snapshotId).toEqual('snap-0123456789abcdef0');
  });

  test('re-encrypts with a given key', () => {
    // GIVEN
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    // WHEN
    new RestoredVolume(stack, 'Restored', { snapshotId: 'snap-01234567', availabilityZone: 'us-east-1b', encryptionKey: key });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Volume', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] },
    });
  });
});

describe('SnapshotsStack (reference app)', () => {
  test('targets tagged volumes by default and the injected volumes when given', () => {
    // GIVEN the reference app's network-independent stack, once standalone and once with a volume
    const app = testApp();
    const standalone = new SnapshotsStack(app, 'Standalone', { env: { region: 'us-east-1' } });
    const data = new Stack(app, 'Data', { env: { region: 'us-east-1' } });
    const web = volume(data, 'Web');
    const injected = new SnapshotsStack(app, 'Injected', { env: { region: 'us-east-1' }, webDataVolumes: [web] });

    // THEN
    Template.fromStack(standalone).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: Match.objectLike({ TargetTags: [{ Key: 'cat-photos:snapshots', Value: 'nightly' }] }),
    });
    Template.fromStack(injected).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      PolicyDetails: Match.objectLike({ TargetTags: [{ Key: injected.nightly.targetTagKey, Value: 'true' }] }),
    });
    // AND the volume is tagged in its own stack, without a cross-stack reference
    Template.fromStack(data).hasResourceProperties('AWS::EC2::Volume', {
      Tags: [{ Key: injected.nightly.targetTagKey, Value: 'true' }],
    });
    expect(Template.fromStack(injected).toJSON().Outputs).toBeUndefined();
  });

  test('each policy reports its error state to an encrypted topic [EC2 User Guide, "Monitor your policies using CloudWatch Events"]', () => {
    // GIVEN / WHEN
    const stack = new SnapshotsStack(testApp(), 'Snapshots', { env: { region: 'us-east-1' } });
    // THEN two rules on DLM Policy State Change / ERROR, one per policy, publish to the topic
    const template = Template.fromStack(stack);
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { 'source': ['aws.dlm'], 'detail-type': ['DLM Policy State Change'], 'detail': { state: ['ERROR'] } } },
    });
    expect(Object.keys(rules)).toHaveLength(2);
    const topic = stack.getLogicalId(stack.errorTopic.node.defaultChild as cdk.CfnElement);
    for (const rule of Object.values(rules)) expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: topic } })]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('past 10 target tag keys the role falls back to the account and region, and says so', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const policy = new SnapshotPolicy(stack, 'Many', {
      targetTags: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
      schedules: [SnapshotSchedule.daily()],
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'SnapshotTargets', Condition: Match.absent() })]) },
    });
    const reasons = Object.values(acknowledged(policy.role as unknown as ec2.CfnVolume)).join(' ');
    expect(reasons).toContain('more tag keys than the role can name in conditions');
  });
});
