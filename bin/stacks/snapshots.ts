import { CfnTag, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { SnapshotPolicy, SnapshotRetention, SnapshotSchedule } from '../../lib/snapshots';

/** Properties of the {@link SnapshotsStack}. */
export interface SnapshotsStackProps extends StackProps {
  /**
   * The web servers' data volumes, snapshotted nightly (volumes of this app, in this region).
   * @default - volumes tagged `cat-photos:snapshots=nightly`
   */
  readonly webDataVolumes?: ec2.IVolume[];
  /**
   * Web servers whose data volumes (not their root volumes) are snapshotted nightly, as
   * multi-volume snapshot sets; used instead of `webDataVolumes`.
   * @default - none
   */
  readonly webServers?: ec2.Instance[];
  /**
   * The cluster's shared volumes, snapshotted hourly.
   * @default - volumes tagged `cat-photos:snapshots=hourly`
   */
  readonly clusterVolumes?: ec2.IVolume[];
  /**
   * Customer-managed keys of volumes found by tag (the keys of injected volumes are known).
   * @default - none
   */
  readonly volumeKeys?: kms.IKey[];
}

/**
 * The reference app's backups: the web servers' data every night (a week kept), the cluster
 * volume every hour (two days kept) plus a monthly snapshot archived for a year. Volumes from
 * other stacks are tagged in place: no cross-stack reference is created.
 */
export class SnapshotsStack extends Stack {
  /** Nightly snapshots of the web data volumes. */
  public readonly nightly: SnapshotPolicy;
  /** Hourly snapshots of the cluster volume. */
  public readonly hourly: SnapshotPolicy;

  constructor(scope: Construct, id: string, props: SnapshotsStackProps = {}) {
    super(scope, id, props);
    const byTag = (value: string, volumes?: ec2.IVolume[]): CfnTag[] | undefined =>
      (volumes?.length ? undefined : [{ key: 'cat-photos:snapshots', value }]);

    const servers = props.webServers?.length ? props.webServers : undefined;
    this.nightly = new SnapshotPolicy(this, 'Nightly', {
      description: 'Cat photo web data volumes nightly',
      volumes: servers ? undefined : props.webDataVolumes,
      instances: servers,
      excludeBootVolumes: servers ? true : undefined,
      targetTags: servers ? undefined : byTag('nightly', props.webDataVolumes),
      sourceEncryptionKeys: props.volumeKeys,
      schedules: [SnapshotSchedule.daily({ hour: 3, retention: SnapshotRetention.count(7) })],
    });
    this.hourly = new SnapshotPolicy(this, 'Hourly', {
      description: 'Cat photo cluster volume hourly and archived monthly',
      volumes: props.clusterVolumes,
      targetTags: byTag('hourly', props.clusterVolumes),
      sourceEncryptionKeys: props.volumeKeys,
      schedules: [
        // Both schedules keep by count: DLM takes one retention kind per policy (48 hourly snapshots are two days).
        SnapshotSchedule.every(1, { name: 'Hourly', startTime: '00:00', retention: SnapshotRetention.count(48) }),
        SnapshotSchedule.monthly({ name: 'Monthly archive', hour: 4, retention: SnapshotRetention.count(1), archive: SnapshotRetention.count(12) }),
      ],
    });
  }
}
