import { Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';

/** Options of an AWS Backup plan for the shared volumes. */
export interface VolumeBackupOptions {
  /**
   * When the backups run.
   * @default - every day at 05:00 UTC
   */
  readonly schedule?: events.Schedule;
  /**
   * How long each backup is kept.
   * @default Duration.days(35)
   */
  readonly retention?: Duration;
  /**
   * Vault that records the recovery points.
   * @default - a vault of the cluster, retained on destroy
   */
  readonly vault?: backup.IBackupVault;
}

/**
 * How the shared volumes are backed up. HIPAA and NIST 800-53 require every EBS volume to be in a
 * backup plan; a Multi-Attach volume is crash-consistent when snapshotted, like a single server
 * losing power, which GFS2 journals recover from.
 */
export class ClusterBackup {
  /** An AWS Backup plan with a selection of exactly the cluster's volumes (the default). */
  public static awsBackup(options: VolumeBackupOptions = {}): ClusterBackup {
    return new ClusterBackup(options, undefined);
  }

  /**
   * The volumes are protected by something the compliance rules cannot see, such as a Data
   * Lifecycle Manager policy of the snapshot pattern (`SnapshotPolicy.protect(volume)` with
   * `cluster.volumes`). The reason is recorded as the acknowledgement of the HIPAA and NIST
   * backup-plan rules on each volume, so it must name what protects them (40+ characters).
   */
  public static external(reason: string): ClusterBackup {
    return new ClusterBackup(undefined, reason);
  }

  /** Options of the AWS Backup plan, when this is one. */
  public readonly awsBackupOptions?: VolumeBackupOptions;
  /** Why no AWS Backup plan is needed, when the volumes are protected elsewhere. */
  public readonly externalReason?: string;

  private constructor(awsBackupOptions: VolumeBackupOptions | undefined, externalReason: string | undefined) {
    this.awsBackupOptions = awsBackupOptions;
    this.externalReason = externalReason;
  }
}
