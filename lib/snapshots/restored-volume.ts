import { RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkAvailabilityZone, checkPattern, invalid, isKnown } from '../core/validation';
import { SnapshotPolicy } from './policy';

/** Volume types that require IOPS. */
const PROVISIONED: ec2.EbsDeviceVolumeType[] = [ec2.EbsDeviceVolumeType.IO1, ec2.EbsDeviceVolumeType.IO2];

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
   * Provisioned IOPS (io1, io2, gp3).
   * @default - the volume type's baseline
   */
  readonly iops?: number;
  /**
   * Throughput in MiB/s (gp3).
   * @default - the gp3 baseline, 125 MiB/s
   */
  readonly throughput?: number;
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
    super(scope, id, {
      snapshotId: props.snapshotId,
      availabilityZone: props.availabilityZone,
      encrypted: true,
      encryptionKey: props.encryptionKey,
      volumeType: props.volumeType ?? ec2.EbsDeviceVolumeType.GP3,
      // ec2.Volume range-checks size, IOPS and throughput without a Token guard: deploy-time values
      // are set on the CfnVolume below (and a placeholder satisfies its "io1/io2 need IOPS" check).
      size: props.size?.isUnresolved() ? undefined : props.size,
      iops: isKnown(props.iops) ? props.iops : (props.iops !== undefined && PROVISIONED.includes(props.volumeType!) ? 100 : undefined),
      throughput: isKnown(props.throughput) ? props.throughput : undefined,
      volumeName: props.volumeName ?? scope.node.path + '/' + id,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    checkPattern(this, 'snapshotId', props.snapshotId, /^snap-([0-9a-f]{8}|[0-9a-f]{17})$/,
      "'snap-' followed by 8 or 17 lowercase hex digits", 'Copy the id from `aws ec2 describe-snapshots`; snapshot ids are region-specific.');
    checkAvailabilityZone(this, 'availabilityZone', props.availabilityZone, 'The volume can only attach to instances in this AZ.');
    const cfn = this.node.defaultChild as ec2.CfnVolume;
    if (props.size?.isUnresolved()) cfn.size = props.size.toGibibytes();
    if (props.iops !== undefined && !isKnown(props.iops)) cfn.iops = props.iops;
    if (props.throughput !== undefined && !isKnown(props.throughput)) {
      if ((props.volumeType ?? ec2.EbsDeviceVolumeType.GP3) !== ec2.EbsDeviceVolumeType.GP3) {
        invalid(this, 'throughput', '<token>', 'left out for a volume that is not gp3', 'Only gp3 volumes take a throughput.');
      }
      cfn.throughput = props.throughput;
    }
    this.snapshotId = props.snapshotId;
    props.snapshotPolicy?.protect(this);
  }
}
