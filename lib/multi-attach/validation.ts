import { Names, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { checkCount, checkPattern, checkRange, invalid, isKnown } from '../core/validation';
import { ClusterBackup } from './backup';
import type { MultiAttachClusterProps } from './cluster';
import { ClusterFilesystem } from './filesystem';
import { checkNitro } from './nitro';
import { MultiAttachVolumeOptions } from './volume';

/** Device names by position in `volumes`, when a volume gives none. */
export const DEVICE_NAMES = ['/dev/sdf', '/dev/sdg', '/dev/sdh', '/dev/sdi', '/dev/sdj', '/dev/sdk', '/dev/sdl', '/dev/sdm', '/dev/sdn', '/dev/sdo'];

/** The cluster's props with their defaults, once validated. */
export interface ResolvedClusterProps {
  readonly nodeCount: number;
  readonly filesystem: ClusterFilesystem;
  readonly volumes: MultiAttachVolumeOptions[];
  readonly deviceNames: string[];
  readonly journals: number;
  readonly instanceType: ec2.InstanceType;
  readonly clusterName: string;
  readonly backup: ClusterBackup;
}

/**
 * The one validation entry of the cluster: every rule that props alone decide, before anything
 * is built (volume limits are the volume's own, in `MultiAttachVolume`). Returns the props with
 * their defaults.
 */
export function validateMultiAttachClusterProps(scope: Construct, props: MultiAttachClusterProps): ResolvedClusterProps {
  const nodeCount = props.nodeCount ?? 2;
  checkRange(scope, {
    property: 'nodeCount', value: props.nodeCount, min: 2, max: 16,
    fix: 'A Multi-Attach volume attaches to at most 16 Nitro instances; a cluster needs at least 2.',
  });
  if (Token.isUnresolved(nodeCount)) invalid(scope, 'nodeCount', 'a token', 'a number known at synth');

  const volumes = props.volumes ?? [{ name: 'data' }];
  checkCount(scope, 'volumes', volumes, 1, DEVICE_NAMES.length, `Device names ${DEVICE_NAMES[0]}-${DEVICE_NAMES[DEVICE_NAMES.length - 1]} are used.`);
  const names = volumes.map((v) => v.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) invalid(scope, 'volumes[].name', duplicate, 'unique within the cluster');
  const deviceNames = volumes.map((v, i) => {
    checkPattern(scope, `volumes[${i}].deviceName`, v.deviceName, /^\/dev\/sd[f-p]$/, '/dev/sdf to /dev/sdp');
    return v.deviceName ?? DEVICE_NAMES[i];
  });
  const clash = deviceNames.find((d, i) => deviceNames.indexOf(d) !== i);
  if (clash !== undefined) {
    invalid(scope, 'volumes[].deviceName', clash, 'one device name per volume',
      'A device name given to one volume is the position default of another: give that one a free device name too.');
  }

  const clusterName = props.clusterName ?? Names.uniqueResourceName(scope, { maxLength: 32, separator: '-' });
  checkPattern(scope, 'clusterName', props.clusterName, /^[A-Za-z0-9_-]{1,32}$/,
    '1-32 letters, digits, - or _', 'It is the corosync cluster name and the first half of the GFS2 lock table.');

  const filesystem = props.filesystem ?? ClusterFilesystem.gfs2();
  const journals = filesystem.journals ?? nodeCount;
  if (filesystem.isGfs2) {
    // A deploy-time journal count (a Token) is the user's to match with the node count.
    if (isKnown(journals) && (!Number.isInteger(journals) || journals < nodeCount)) {
      invalid(scope, 'filesystem.journals', journals, `a whole number of at least nodeCount (${nodeCount})`,
        'GFS2 needs one journal per node that mounts it; add more to let the cluster grow without gfs2_jadd.');
    }
    checkPattern(scope, 'filesystem.mountRoot', filesystem.mountRoot, /^(\/[A-Za-z0-9._-]+)+$/, 'an absolute directory such as /shared');
  }

  const instanceType = props.instanceType ?? new ec2.InstanceType('m6i.large');
  checkNitro(scope, instanceType, props.refusedInstanceFamilies ?? []);

  if (props.machineImage?.getImage(scope).osType === ec2.OperatingSystemType.WINDOWS) {
    if (filesystem.isGfs2) {
      invalid(scope, 'filesystem', 'gfs2 on Windows', 'ClusterFilesystem.rawBlock() for a Windows image',
        'GFS2 is a Linux file system; Windows clusters share a volume through Windows Server Failover Clustering.');
    }
    volumes.forEach((v, i) => {
      if (v.volumeType === ec2.EbsDeviceVolumeType.IO1) {
        invalid(scope, `volumes[${i}].volumeType`, 'io1 on Windows', 'io2', 'Windows supports Multi-Attach on io2 volumes only.');
      }
    });
  }

  const backup = props.backup ?? ClusterBackup.awsBackup();
  backup._validate(scope, 'backup');
  if (props.vpc) clusterSubnet(scope, props.vpc, props);
  return { nodeCount, filesystem, volumes, deviceNames, journals, instanceType, clusterName, backup };
}

/**
 * The subnet of every node: the first selected one (in `availabilityZone` when given), because a
 * Multi-Attach volume and every instance it is attached to share one AZ.
 */
export function clusterSubnet(scope: Construct, vpc: ec2.IVpc, props: MultiAttachClusterProps): ec2.ISubnet {
  const selected = vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
  const az = props.availabilityZone;
  if (az === undefined) {
    if (selected.length === 0) invalid(scope, 'vpcSubnets', 'no subnets', 'a selection with at least one subnet');
    return selected[0];
  }
  // A deploy-time AZ matches only a subnet imported with that same value; it cannot choose among subnets at synth.
  const inAz = selected.filter((s) => s.availabilityZone === az);
  if (inAz.length === 0 && Token.isUnresolved(az)) {
    invalid(scope, 'availabilityZone', '<token>', 'known at synth, or the availabilityZone of a selected subnet',
      'The AZ chooses the nodes\' subnet at synth. For a deploy-time AZ, leave availabilityZone out and select the subnet: '
      + 'vpcSubnets: { subnets: [ec2.Subnet.fromSubnetAttributes(this, \'Subnet\', { subnetId, availabilityZone })] }.');
  }
  if (inAz.length === 0) {
    invalid(scope, 'availabilityZone', az, `the AZ of a selected subnet (${selected.map((s) => s.availabilityZone).join(', ')})`,
      'Every node and volume must be in one AZ: choose an AZ the selected subnets cover, or select a subnet in it.');
  }
  return inAz[0];
}
