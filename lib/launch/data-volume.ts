import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { checkEbsVolume } from '../core/ebs-limits';
import { checkPattern, invalid, isKnown } from '../core/validation';

/** An extra encrypted EBS volume created with each instance of a fleet. */
export interface DataVolume {
  /**
   * Device name, for example `/dev/sdf` (Linux: `/dev/sdf`-`/dev/sdp` recommended; Windows: `xvdf`-`xvdz`).
   * On Nitro instances the volume appears as an NVMe device; find it by its volume id under
   * `/dev/disk/by-id/`.
   */
  readonly deviceName: string;
  /** Size of the volume. */
  readonly size: Size;
  /**
   * Volume type.
   * @default ec2.EbsDeviceVolumeType.GP3
   */
  readonly volumeType?: ec2.EbsDeviceVolumeType;
  /**
   * Provisioned IOPS: gp3 3,000-80,000 (at most 500 per GiB), io1 100-64,000 (at most 50 per GiB),
   * io2 100-256,000 (at most 1,000 per GiB). Required for io1 and io2.
   * @default - 3,000 for gp3; none for other types
   */
  readonly iops?: number;
  /**
   * Throughput of a gp3 volume in MiB/s, 125-2,000 (at most 0.25 MiB/s per provisioned IOPS).
   * @default - 125 MiB/s
   */
  readonly throughputMiBps?: number;
  /**
   * Keep the volume when its instance terminates (replacement, scale-in, `cdk destroy`). Kept
   * volumes stay encrypted and are billed until you delete them; set `false` for scratch space.
   * @default true
   */
  readonly keepOnTermination?: boolean;
}

/** Device names EC2 accepts for extra EBS volumes: /dev/sd[b-z], /dev/xvd[b-z] (optionally one more letter), xvd[b-z]. */
const DEVICE_NAME = /^(\/dev\/(sd[b-z]|xvd[b-z][a-z]?)|xvd[b-z][a-z]?)$/;

/** Validates the volumes and turns them into encrypted block devices. */
export function dataVolumeBlockDevices(scope: IConstruct, volumes: DataVolume[], rootDeviceName: string,
  key: kms.IKey | undefined): ec2.BlockDevice[] {
  const names = new Set<string>([rootDeviceName]);
  return volumes.map((v, i) => {
    const property = `dataVolumes[${i}]`;
    checkPattern(scope, `${property}.deviceName`, v.deviceName, DEVICE_NAME, "a device name such as '/dev/sdf' or 'xvdf'",
      'Linux: /dev/sdf to /dev/sdp; Windows: xvdf to xvdz. /dev/sda1 and /dev/xvda are root devices.');
    if (isKnown(v.deviceName) && names.has(v.deviceName)) {
      invalid(scope, `${property}.deviceName`, v.deviceName, 'unique and different from the root device', 'Give each volume its own device name.');
    }
    names.add(v.deviceName);

    const type = v.volumeType ?? ec2.EbsDeviceVolumeType.GP3;
    const size = v.size.toGibibytes();
    checkEbsVolume(scope, property, { volumeType: type, sizeGiB: size, iops: v.iops, throughputMiBps: v.throughputMiBps });

    return {
      deviceName: v.deviceName,
      volume: ec2.BlockDeviceVolume.ebs(size, {
        volumeType: type,
        iops: v.iops,
        // aws-cdk-lib refuses a Token throughput (range check without a Token guard): see applyDeployTimeThroughput.
        throughput: isKnown(v.throughputMiBps) ? v.throughputMiBps : undefined,
        encrypted: true,
        kmsKey: key,
        deleteOnTermination: !(v.keepOnTermination ?? true),
      }),
    };
  });
}

/**
 * Sets the deploy-time (Token) throughputs of the data volumes on the launch template's L1, which
 * aws-cdk-lib's block device mapping refuses. The root volume is device 0, data volumes follow.
 */
export function applyDeployTimeThroughput(launchTemplate: ec2.LaunchTemplate, volumes: DataVolume[]): void {
  volumes.forEach((v, i) => {
    if (v.throughputMiBps === undefined || isKnown(v.throughputMiBps)) return;
    (launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate)
      .addPropertyOverride(`LaunchTemplateData.BlockDeviceMappings.${i + 1}.Ebs.Throughput`, v.throughputMiBps);
  });
}
