import { CfnTag, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createSecureTopic } from '../../lib/core/notifications';
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
  /**
   * Where a policy entering its error state is reported (DLM then takes no snapshots).
   * @default - an encrypted topic of this stack; subscribe the on-call address to it
   */
  readonly errorTopic?: sns.ITopic;
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
  /** Receives an event whenever a policy enters its error state. */
  public readonly errorTopic: sns.ITopic;

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
    // A policy in error takes no snapshots until someone fixes it: say so.
    this.errorTopic = props.errorTopic ?? createSecureTopic(this, 'PolicyErrors', {
      displayName: 'Cat photo snapshot policy errors', publisherServices: ['events.amazonaws.com'],
    });
    for (const [id, policy] of [['NightlyErrors', this.nightly], ['HourlyErrors', this.hourly]] as const) {
      policy.onPolicyError(id, { description: `${policy.node.path} entered its error state`, target: new targets.SnsTopic(this.errorTopic) });
    }
  }
}
