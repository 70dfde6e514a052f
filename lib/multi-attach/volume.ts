import { Fn, RemovalPolicy, Resource, Size, SizeRoundingBehavior, Stack, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { checkEbsVolume } from '../core/ebs-limits';
import { checkPattern, invalid } from '../core/validation';

/** Regions where io1 volumes can be Multi-Attach enabled (io2 works in every region). */
const IO1_MULTI_ATTACH_REGIONS = ['us-east-1', 'us-west-2', 'ap-northeast-2'];

/**
 * Volume types that support Multi-Attach (Amazon EBS User Guide, "Attach a volume to multiple
 * instances with Amazon EBS Multi-Attach": io1 and io2 Block Express only); their size and IOPS
 * limits are core's EBS_LIMITS.
 */
const MULTI_ATTACH_TYPES = ['io2', 'io1'];

/** What a shared volume of a cluster is made of. */
export interface MultiAttachVolumeOptions {
  /**
   * Name of the volume: its construct id (so part of its logical id: renaming it replaces the
   * volume), its GFS2 file system name and its mount directory. 1-16 characters, lowercase letters,
   * digits, `-` and `_`, starting with a letter.
   */
  readonly name: string;
  /**
   * Size. io2: 4-65,536 GiB; io1: 4-16,384 GiB.
   * @default Size.gibibytes(100)
   */
  readonly size?: Size;
  /**
   * Provisioned IOPS, shared by every node the volume is attached to. io2: 100-256,000 and at
   * most 1,000 per GiB; io1: 100-64,000 and at most 50 per GiB.
   * @default 3000
   */
  readonly iops?: number;
  /**
   * Volume type: io2 or io1 (io1 Multi-Attach only in us-east-1, us-west-2 and ap-northeast-2).
   * @default ec2.EbsDeviceVolumeType.IO2
   */
  readonly volumeType?: ec2.EbsDeviceVolumeType;
  /**
   * Customer-managed key that encrypts the volume (the volume is always encrypted).
   * @default - the cluster's `ebsEncryptionKey`, else the AWS-managed `aws/ebs` key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Snapshot to create the volume from: the safe way to resize, re-provision or move a
   * Multi-Attach volume (see the README) is a new volume, under a new name, from a snapshot.
   * @default - an empty volume
   */
  readonly snapshotId?: string;
  /**
   * What happens to the volume when it is removed from the stack or replaced.
   * `RETAIN` and `SNAPSHOT` keep the data; `DESTROY` is refused.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a {@link MultiAttachVolume}. */
export interface MultiAttachVolumeProps extends MultiAttachVolumeOptions {
  /** Availability Zone of the volume; every instance it is attached to must be in it. */
  readonly availabilityZone: string;
}

/**
 * An encrypted io2 (or io1) volume with Multi-Attach enabled, validated against the current EBS
 * limits (io2 allows 1,000 IOPS per GiB; `ec2.Volume` of aws-cdk-lib 2.276 still rejects more
 * than 500), kept on removal and replacement by default. It is an `ec2.IVolume` whose default
 * child is its `CfnVolume`, so it can be handed to grants and to `SnapshotPolicy.protect()`.
 */
export class MultiAttachVolume extends Resource implements ec2.IVolume {
  /** The grants of `ec2.Volume`, through an attribute-based handle of the same volume. */
  private readonly handle: ec2.IVolume;
  /** Key of the volume, if a customer-managed one was given. */
  public readonly encryptionKey?: kms.IKey;
  /** The volume id. */
  public readonly volumeId: string;
  /** Availability Zone of the volume. */
  public readonly availabilityZone: string;
  /** The name given in the options. */
  public readonly volumeName: string;
  /**
   * The device path that is the same on every Nitro instance the volume is attached to:
   * `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol<id without the dash>`.
   */
  public readonly stableDevicePath: string;
  /** The volume resource. */
  public readonly resource: ec2.CfnVolume;

  constructor(scope: Construct, id: string, props: MultiAttachVolumeProps) {
    super(scope, id);
    const volumeType = props.volumeType ?? ec2.EbsDeviceVolumeType.IO2;
    const size = props.size ?? Size.gibibytes(100);
    const iops = props.iops ?? 3000;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.validate(props, volumeType, size, iops, removalPolicy);

    this.resource = new ec2.CfnVolume(this, 'Resource', {
      availabilityZone: props.availabilityZone,
      volumeType,
      // NONE: a token converts as is (FAIL refuses tokens); known sizes were checked to be whole above.
      size: size.toGibibytes({ rounding: SizeRoundingBehavior.NONE }),
      iops,
      multiAttachEnabled: true,
      encrypted: true,
      kmsKeyId: props.encryptionKey?.keyArn,
      snapshotId: props.snapshotId,
    });
    // Deletion and replacement keep the data (CloudFormation replaces a Multi-Attach volume
    // whose AZ, type, size or IOPS changes).
    this.resource.applyRemovalPolicy(removalPolicy);
    Tags.of(this.resource).add('Name', `${this.node.path}`);

    this.volumeId = this.resource.ref;
    this.encryptionKey = props.encryptionKey;
    this.availabilityZone = props.availabilityZone;
    this.volumeName = props.name;
    this.handle = ec2.Volume.fromVolumeAttributes(this, 'Volume', {
      volumeId: this.volumeId,
      availabilityZone: props.availabilityZone,
      encryptionKey: props.encryptionKey,
    });
    this.stableDevicePath = Fn.join('', [
      '/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol', Fn.select(1, Fn.split('-', this.volumeId)),
    ]);
  }

  public get volumeRef(): ec2.VolumeReference {
    return { volumeId: this.volumeId };
  }

  public grantAttachVolume(grantee: iam.IGrantable, instances?: ec2.IInstanceRef[]): iam.Grant {
    return this.handle.grantAttachVolume(grantee, instances);
  }

  public grantAttachVolumeByResourceTag(grantee: iam.IGrantable, constructs: Construct[], tagKeySuffix?: string): iam.Grant {
    return this.handle.grantAttachVolumeByResourceTag(grantee, constructs, tagKeySuffix);
  }

  public grantDetachVolume(grantee: iam.IGrantable, instances?: ec2.IInstanceRef[]): iam.Grant {
    return this.handle.grantDetachVolume(grantee, instances);
  }

  public grantDetachVolumeByResourceTag(grantee: iam.IGrantable, constructs: Construct[], tagKeySuffix?: string): iam.Grant {
    return this.handle.grantDetachVolumeByResourceTag(grantee, constructs, tagKeySuffix);
  }

  private validate(props: MultiAttachVolumeProps, volumeType: ec2.EbsDeviceVolumeType, size: Size, iops: number,
    removalPolicy: RemovalPolicy): void {
    checkPattern(this, 'name', props.name, /^[a-z][a-z0-9_-]{0,15}$/,
      '1-16 lowercase letters, digits, - or _, starting with a letter',
      'The name is also the GFS2 file system name (lock table) and the mount directory.');
    const gib = size.isUnresolved() ? undefined : size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    checkEbsVolume(this, '', { volumeType, sizeGiB: gib, iops }, {
      allowedTypes: MULTI_ATTACH_TYPES,
      allowedTypesReason: 'Only Provisioned IOPS SSD volumes support Multi-Attach; gp2, gp3, st1, sc1 and standard do not.',
    });
    const region = Stack.of(this).region;
    if (volumeType === ec2.EbsDeviceVolumeType.IO1 && !Token.isUnresolved(region) && !IO1_MULTI_ATTACH_REGIONS.includes(region)) {
      invalid(this, 'volumeType', `io1 in ${region}`, `io2, or io1 only in ${IO1_MULTI_ATTACH_REGIONS.join(', ')}`,
        'io1 Multi-Attach is limited to those regions; io2 supports Multi-Attach everywhere and costs the same per GiB.');
    }
    if (removalPolicy === RemovalPolicy.DESTROY) {
      invalid(this, 'removalPolicy', 'DESTROY', 'RETAIN, SNAPSHOT or RETAIN_ON_UPDATE_OR_DELETE',
        'A shared volume holds the cluster\'s data: keep it, or take a snapshot, when it leaves the stack or is replaced.');
    }
  }
}
