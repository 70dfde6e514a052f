/**
 * The seeds' manual snapshots, automated: Data Lifecycle Manager snapshots the web servers'
 * data volumes every night and the cluster volume every hour, keeps a week of them, and a
 * monthly snapshot of the cluster volume goes to the archive tier for a year.
 */
import { App, AppProps, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { SecureKey } from '../lib/core';
import { SnapshotPolicy, SnapshotRetention, SnapshotSchedule } from '../lib/snapshots';

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'SnapshotsExample', {
    env: resolveEnv(app),
    description: 'Scheduled EBS snapshots: nightly web data volumes, hourly cluster volume (Data Lifecycle Manager)',
  });

  const key = new SecureKey(stack, 'VolumeKey', {
    description: 'EBS volumes and snapshots of the snapshots example',
  });
  const az = stack.availabilityZones[0];
  const webData = [1, 2].map((n) => new ec2.Volume(stack, `WebData${n}`, {
    availabilityZone: az,
    size: Size.gibibytes(20),
    volumeType: ec2.EbsDeviceVolumeType.GP3,
    encrypted: true,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.RETAIN,
  }));
  const clusterVolume = new ec2.Volume(stack, 'ClusterData', {
    availabilityZone: az,
    size: Size.gibibytes(100),
    volumeType: ec2.EbsDeviceVolumeType.IO2,
    iops: 3000,
    encrypted: true,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  // The bar: one statement, a target and a schedule.
  new SnapshotPolicy(stack, 'Nightly', {
    volumes: webData,
    schedules: [SnapshotSchedule.daily({ hour: 3, retention: SnapshotRetention.count(7) })],
  });

  new SnapshotPolicy(stack, 'Hourly', {
    description: 'Cluster volume hourly for two days and monthly archive for a year',
    volumes: [clusterVolume],
    schedules: [
        // Both schedules keep by count: DLM takes one retention kind per policy (48 hourly snapshots are two days).
        SnapshotSchedule.every(1, { name: 'Hourly', startTime: '00:00', retention: SnapshotRetention.count(48) }),
      SnapshotSchedule.monthly({ name: 'Monthly archive', dayOfMonth: 1, hour: 4, retention: SnapshotRetention.count(1), archive: SnapshotRetention.count(12) }),
    ],
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
