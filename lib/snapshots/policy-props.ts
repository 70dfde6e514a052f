import { CfnTag } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SnapshotSchedule } from './schedule';
import { SnapshotScripts } from './scripts';

/** What a policy snapshots. */
export enum SnapshotResourceType {
  /** Each targeted volume on its own. */
  VOLUME = 'VOLUME',
  /** All volumes of each targeted instance together (multi-volume, crash-consistent across volumes). */
  INSTANCE = 'INSTANCE',
}

/** Properties of a {@link SnapshotPolicy}. */
export interface SnapshotPolicyProps {
  /** One to four schedules, for example `[SnapshotSchedule.daily()]`. */
  readonly schedules: SnapshotSchedule[];
  /**
   * Volumes to snapshot; the policy tags each with its own target tag (see `protect`).
   * @default - none; use `targetTags` or `protect()`
   */
  readonly volumes?: ec2.IVolume[];
  /**
   * Instances to snapshot (all their volumes); the policy tags each with its own target tag.
   * @default - none; use `targetTags` or `protectInstance()`
   */
  readonly instances?: ec2.Instance[];
  /**
   * Snapshot every resource of the type that carries any of these tags (case-sensitive), for
   * resources the stack does not own.
   * @default - only the resources passed in or protected
   */
  readonly targetTags?: CfnTag[];
  /**
   * Volumes one by one, or instances with all their volumes.
   * @default - INSTANCE when `instances` are given, else VOLUME
   */
  readonly resourceType?: SnapshotResourceType;
  /**
   * Description (letters, digits, spaces, `_` and `-`, at most 500 characters).
   * @default - 'Snapshot policy ' and the construct path
   */
  readonly description?: string;
  /**
   * Whether the policy runs. A disabled policy takes no snapshots, so protected volumes are no
   * longer reported as backed up.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Pre and post scripts for application-consistent snapshots (INSTANCE policies only).
   * @default - crash-consistent snapshots
   */
  readonly scripts?: SnapshotScripts;
  /**
   * Leave the root volume out of instance snapshots (INSTANCE policies only).
   * @default false
   */
  readonly excludeBootVolumes?: boolean;
  /**
   * Leave out data volumes carrying any of these tags (INSTANCE policies only).
   * @default - none
   */
  readonly excludeDataVolumeTags?: CfnTag[];
  /**
   * Customer-managed keys of volumes found by `targetTags`, so DLM can copy their snapshots to
   * other regions (keys of volumes passed in are known already).
   * @default - the keys of the protected volumes
   */
  readonly sourceEncryptionKeys?: kms.IKey[];
  /**
   * Execution role DLM assumes. One you bring is used as given.
   * @default - a role trusting dlm.amazonaws.com with only what the schedules need
   */
  readonly role?: iam.IRole;
  /**
   * The tag key the policy puts on the volumes and instances it protects (value `true`), and
   * targets. DLM finds what it snapshots by this tag: changing it orphans the snapshots taken so
   * far (DLM no longer deletes them). Pin it to keep the key across a rename of the stack or the
   * policy's id.
   * @default - `snapshot-policy:<stack name>-<construct id>`: stable when the policy moves to
   * another scope in its stack or its schedules change
   */
  readonly targetTagKey?: string;
}

