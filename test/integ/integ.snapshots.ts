/**
 * Integ test: Data Lifecycle Manager snapshots, and a restore.
 *
 * Deploys an encrypted gp3 data volume protected by a SnapshotPolicy, and one hardened instance
 * in the same Availability Zone. Asserts that the policy is ENABLED and targets the tag the volume
 * carries; then walks the restore runbook with API calls: snapshot the volume, create a volume
 * from the snapshot as RestoredVolume does (gp3, the snapshot's key), check that it is encrypted
 * with the volume's key, attach it to the instance, and delete what the test made.
 *
 * Duration: about 15 min to deploy and assert (a small snapshot completes in minutes), `cdk
 *   destroy` about 5 min.
 * Cost: under US$0.20 (one t3.small and one NAT gateway for under an hour, 1 GiB volumes and
 *   snapshot, a KMS key for its pending-deletion window).
 * Clean-up: the assertions delete the snapshot and restored volume they made; `cdk destroy`
 *   deletes the rest (test settings below). A snapshot DLM itself took while the stack was up
 *   (the daily run) is not deleted with the policy: the README lists the command that finds it.
 */
import { ExpectedResult } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { resolveEnv } from '../../bin/compliance';
import { InstanceFleet } from '../../lib/launch';
import { SnapshotPolicy, SnapshotRetention, SnapshotSchedule } from '../../lib/snapshots';
import { allowCall, deleteEverythingOnDestroy, integApp, integTest, SETTLED } from './support';

/** Tag on what the assertions create, so a failed run can be found and cleaned up. */
const INTEG_TAG = { Key: 'integ-test', Value: 'cdk-ec2-patterns-snapshots' };

export function createApp(props: AppProps = {}): App {
  const app = integApp(props);
  const stack = new Stack(app, 'IntegSnapshots', {
    env: resolveEnv(app),
    description: 'cdk-ec2-patterns integ test: DLM snapshot policy and restore',
  });

  // The instance a restored volume is attached to; the data volume lives in its Availability Zone.
  const host = new InstanceFleet(stack, 'Host', { instanceCount: 1 }).instances[0];
  const az = host.instanceAvailabilityZone;

  const key = new kms.Key(stack, 'VolumeKey', {
    description: 'Data volume and snapshots of the snapshots integ test',
    enableKeyRotation: true,
    // Test setting: the key is scheduled for deletion with the stack (7 days, the minimum).
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  const volume = new ec2.Volume(stack, 'Data', {
    availabilityZone: az,
    size: Size.gibibytes(1),
    volumeType: ec2.EbsDeviceVolumeType.GP3,
    encrypted: true,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const policy = new SnapshotPolicy(stack, 'Daily', {
    volumes: [volume],
    schedules: [SnapshotSchedule.daily({ hour: 3, retention: SnapshotRetention.count(1) })],
  });
  deleteEverythingOnDestroy(stack);

  const integ = integTest(app, 'Snapshots', [stack]);

  // The policy runs and targets the volume's tag (DLM API Reference, GetLifecyclePolicy: State, PolicyDetails.TargetTags).
  const targetTag = { Key: policy.targetTagKey, Value: policy.targetTagValue };
  integ.assertions.awsApiCall('DLM', 'getLifecyclePolicy', { PolicyId: policy.policyId })
    .expect(ExpectedResult.objectLike({ Policy: { State: 'ENABLED', PolicyDetails: { TargetTags: [targetTag] } } }))
    .waitForAssertions(SETTLED);
  integ.assertions.awsApiCall('EC2', 'describeVolumes', {
    VolumeIds: [volume.volumeId],
    Filters: [{ Name: `tag:${targetTag.Key}`, Values: [targetTag.Value] }],
  }).expect(ExpectedResult.objectLike({ Volumes: [{ VolumeId: volume.volumeId, Encrypted: true }] })).waitForAssertions(SETTLED);

  // The restore runbook. A snapshot of an encrypted volume is encrypted with its key, and so is a
  // volume created from it when no other key is given (EBS User Guide, "How EBS encryption works").
  const snapshot = integ.assertions.awsApiCall('EC2', 'createSnapshot', {
    VolumeId: volume.volumeId,
    Description: 'cdk-ec2-patterns snapshots integ test',
    TagSpecifications: [{ ResourceType: 'snapshot', Tags: [INTEG_TAG] }],
  }, ['SnapshotId']);
  const snapshotId = snapshot.getAttString('SnapshotId');
  const completed = integ.assertions.awsApiCall('EC2', 'describeSnapshots', { SnapshotIds: [snapshotId] })
    .expect(ExpectedResult.objectLike({ Snapshots: [{ State: 'completed', Encrypted: true }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(20), interval: Duration.seconds(30) });
  const restore = integ.assertions.awsApiCall('EC2', 'createVolume', {
    SnapshotId: snapshotId,
    AvailabilityZone: az,
    VolumeType: 'gp3',
    TagSpecifications: [{ ResourceType: 'volume', Tags: [INTEG_TAG] }],
  }, ['VolumeId']);
  const restoredId = restore.getAttString('VolumeId');
  const available = integ.assertions.awsApiCall('EC2', 'describeVolumes', { VolumeIds: [restoredId] })
    .expect(ExpectedResult.objectLike({ Volumes: [{ State: 'available', Encrypted: true, KmsKeyId: key.keyArn }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(10) });
  const attach = integ.assertions.awsApiCall('EC2', 'attachVolume', { VolumeId: restoredId, InstanceId: host.instanceId, Device: '/dev/sdg' });
  const attached = integ.assertions.awsApiCall('EC2', 'describeVolumes', { VolumeIds: [restoredId] })
    .expect(ExpectedResult.objectLike({ Volumes: [{ State: 'in-use', Attachments: [{ InstanceId: host.instanceId, State: 'attached' }] }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(10) });
  const detach = integ.assertions.awsApiCall('EC2', 'detachVolume', { VolumeId: restoredId });
  const detached = integ.assertions.awsApiCall('EC2', 'describeVolumes', { VolumeIds: [restoredId] })
    .expect(ExpectedResult.objectLike({ Volumes: [{ State: 'available' }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(10) });
  const deleteVolume = integ.assertions.awsApiCall('EC2', 'deleteVolume', { VolumeId: restoredId });
  const deleteSnapshot = integ.assertions.awsApiCall('EC2', 'deleteSnapshot', { SnapshotId: snapshotId });
  snapshot.next(completed).next(restore).next(available).next(attach).next(attached)
    .next(detach).next(detached).next(deleteVolume).next(deleteSnapshot);

  // Creating and attaching a volume from a snapshot under a customer-managed key needs these on the
  // key ("Requirements for Amazon EBS encryption", Permissions for users, EBS User Guide); tagging
  // on create needs ec2:CreateTags.
  for (const call of [restore, attach]) {
    allowCall(call, {
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'],
      Resource: [key.keyArn],
    });
  }
  allowCall(snapshot, { Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: ['*'] });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
