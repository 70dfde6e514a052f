import { RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkEbsVolume } from '../core/ebs-limits';
import { checkAvailabilityZone, checkPattern } from '../core/validation';
import { SnapshotPolicy } from './policy';

/** Properties of a {@link RestoredVolume}. */
export interface RestoredVolumeProps {
  /** The snapshot to restore, for example `snap-0123456789abcdef0`. */
  readonly snapshotId: string;
  /** Availability Zone of the instance that will attach the volume, for example `us-east-1a`. */
  readonly availabilityZone: string;
  /**
   * Key to encrypt the new volume with.
   * @default - the snapshot's own key (a snapshot of an unencrypted volume gets the account's default EBS key)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Volume type.
   * @default ec2.EbsDeviceVolumeType.GP3
   */
  readonly volumeType?: ec2.EbsDeviceVolumeType;
  /**
   * Size, at least the snapshot's.
   * @default - the snapshot's size
   */
  readonly size?: Size;
  /**
   * Provisioned IOPS: gp3 3,000-80,000, io1 100-64,000 (at most 50 per GiB), io2 100-256,000
   * (at most 1,000 per GiB). Required for io1 and io2.
   * @default - the gp3 baseline of 3,000 IOPS; none for other types
   */
  readonly iops?: number;
  /**
   * Throughput in MiB/s, gp3 only: 125-2,000, at most 0.25 MiB/s per IOPS.
   * @default - the gp3 baseline, 125 MiB/s
   */
  readonly throughputMiBps?: number;
  /**
   * Name tag of the volume.
   * @default - the construct path
   */
  readonly volumeName?: string;
  /**
   * What happens to the volume on `cdk destroy` or replacement.
   * @default RemovalPolicy.RETAIN - restored data outlives the stack
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A VOLUME snapshot policy that takes over the restored volume (`policy.protect(volume)`).
   * @default - not snapshotted: the compliance packs report it until you protect it
   */
  readonly snapshotPolicy?: SnapshotPolicy;
}

/**
 * An encrypted EBS volume created from a snapshot (the restore step of the runbook in the
 * README): attach it to an instance in the same Availability Zone, mount it, check the data.
 */
export class RestoredVolume extends ec2.Volume {
  /** The snapshot the volume was created from. */
  public readonly snapshotId: string;

  constructor(scope: Construct, id: string, props: RestoredVolumeProps) {
    const volumeType = props.volumeType ?? ec2.EbsDeviceVolumeType.GP3;
    super(scope, id, {
      snapshotId: props.snapshotId,
      availabilityZone: props.availabilityZone,
      encrypted: true,
      encryptionKey: props.encryptionKey,
      volumeType,
      // Size, IOPS and throughput are checked against core's EBS_LIMITS below and set on the
      // CfnVolume: ec2.Volume (aws-cdk-lib 2.276) caps io2 at a stale 500 IOPS per GiB and refuses
      // Tokens. Its "io1/io2 need IOPS" check gets a placeholder that is replaced below.
      iops: volumeType === ec2.EbsDeviceVolumeType.IO1 || volumeType === ec2.EbsDeviceVolumeType.IO2 ? 100 : undefined,
      volumeName: props.volumeName ?? scope.node.path + '/' + id,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    checkPattern(this, 'snapshotId', props.snapshotId, /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/,
      "'snap-' followed by 8 or 17 lowercase hex digits", 'Copy the id from `aws ec2 describe-snapshots`; snapshot ids are region-specific.');
    checkAvailabilityZone(this, 'availabilityZone', props.availabilityZone, 'The volume can only attach to instances in this AZ.');
    const sizeGiB = props.size?.toGibibytes();
    checkEbsVolume(this, '', { volumeType, sizeGiB, iops: props.iops, throughputMiBps: props.throughputMiBps });
    const cfn = this.node.defaultChild as ec2.CfnVolume;
    cfn.size = sizeGiB;
    cfn.iops = props.iops;
    cfn.throughput = props.throughputMiBps;
    this.snapshotId = props.snapshotId;
    props.snapshotPolicy?.protect(this);
  }
}
