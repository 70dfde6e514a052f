/**
 * One test per limit checked at synth. Limits: /work/shared/docs/aws-limits.md ("EBS io2
 * Multi-Attach"), from the Amazon EBS User Guide ("Provisioned IOPS SSD volumes": io2 4-65,536 GiB,
 * 100-256,000 IOPS, 1,000 IOPS per GiB; io1 4-16,384 GiB, 100-64,000 IOPS, 50 IOPS per GiB;
 * "Multi-Attach": io1 only in us-east-1, us-west-2 and ap-northeast-2, io2 only on Windows, at most
 * 16 Nitro instances in the volume's AZ) and the AWS::EC2::Volume CloudFormation reference.
 */
import { CfnParameter, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterBackup, ClusterFilesystem, MultiAttachClusterProps, MultiAttachVolume, MultiAttachVolumeOptions } from '../../lib/multi-attach';
import { testStack } from '../util';
import { cluster } from './helpers';

const io2 = ec2.EbsDeviceVolumeType.IO2;
const io1 = ec2.EbsDeviceVolumeType.IO1;

/** Builds a cluster; the returned function throws what the constructor throws. */
const build = (props: MultiAttachClusterProps, stack?: Stack) => () => cluster(props, stack);
/** A cluster with one volume of the given options. */
const withVolume = (v: Partial<MultiAttachVolumeOptions>, stack?: Stack) => build({ volumes: [{ name: 'data', ...v }] }, stack);

describe('node count', () => {
  test.each([[1, false], [2, true], [16, true], [17, false]])('%i nodes: accepted %s', (nodeCount, ok) => {
    const run = build({ nodeCount, filesystem: ClusterFilesystem.rawBlock() });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/Test\/Cluster: nodeCount must be between 2 and 16, got \d+\. A Multi-Attach volume attaches to at most 16/);
  });
});

describe('volume type', () => {
  test('gp3 is refused: only io1 and io2 support Multi-Attach', () => {
    expect(withVolume({ volumeType: ec2.EbsDeviceVolumeType.GP3 })).toThrow(/volumeType must be one of io2, io1, got 'gp3'/);
  });

  test('io1 is accepted in us-east-1', () => {
    expect(withVolume({ volumeType: io1, iops: 1000 })).not.toThrow();
  });

  test('io1 is refused in eu-west-1', () => {
    expect(withVolume({ volumeType: io1, iops: 1000 }, testStack({ env: { region: 'eu-west-1' } })))
      .toThrow(/volumeType must be io2, or io1 only in us-east-1, us-west-2, ap-northeast-2, got 'io1 in eu-west-1'/);
  });

  test('io1 passes when the region is not known at synth', () => {
    expect(withVolume({ volumeType: io1, iops: 1000 }, testStack({ env: undefined }))).not.toThrow();
  });
});

describe('io2 size and IOPS', () => {
  test.each([[3, false], [4, true], [65_536, true], [65_537, false]])('%i GiB: accepted %s', (gib, ok) => {
    const run = withVolume({ size: Size.gibibytes(gib), iops: 100 });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/size must be between 4 and 65536 GiB for io\d, got \d+\. io2 volumes are 4-65,536 GiB/);
  });

  test.each([[99, false], [100, true], [256_000, true], [256_001, false]])('%i IOPS: accepted %s', (iops, ok) => {
    const run = withVolume({ size: Size.gibibytes(300), iops });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/iops must be between 100 and 256000 IOPS for io\d, got \d+/);
  });

  test('1,000 IOPS per GiB is accepted, where aws-cdk-lib\'s ec2.Volume (stale 500:1) rejects it', () => {
    // GIVEN 100 GiB with 100,000 IOPS
    const stack = testStack();
    // THEN aws-cdk-lib 2.276 refuses the valid value
    expect(() => new ec2.Volume(stack, 'CdkVolume', {
      availabilityZone: 'us-east-1a', size: Size.gibibytes(100), volumeType: io2, iops: 100_000, enableMultiAttach: true,
    })).toThrow(/maximum ratio of 500 IOPS\/GiB/);
    // and the cluster volume accepts it
    expect(withVolume({ size: Size.gibibytes(100), iops: 100_000 }, stack)).not.toThrow();
  });

  test('more than 1,000 IOPS per GiB is refused with the size that would fit', () => {
    expect(withVolume({ size: Size.gibibytes(4), iops: 4001 }))
      .toThrow(/iops must be at most 1000 IOPS per GiB for io2 \(4000 for 4 GiB\), got 4001\. Make the volume at least 5 GiB/);
  });

  test('a fractional size is refused', () => {
    expect(withVolume({ size: Size.mebibytes(4608) })).toThrow(/size must be a whole number between 4 and 65536 GiB for io2, got 4\.5/);
  });

  test('a size from a token passes without a false error', () => {
    const stack = testStack();
    const gib = new CfnParameter(stack, 'Gib', { type: 'Number' }).valueAsNumber;
    const { cluster: c } = cluster({ volumes: [{ name: 'data', size: Size.gibibytes(gib) }] }, stack);
    expect(stack.resolve(c.sharedVolumes[0].resource.size)).toEqual({ Ref: 'Gib' });
  });

  test('IOPS from a token pass without a false error', () => {
    const stack = testStack();
    const iops = new CfnParameter(stack, 'Iops', { type: 'Number' }).valueAsNumber;
    expect(withVolume({ iops }, stack)).not.toThrow();
  });
});

describe('io1 size and IOPS', () => {
  test.each([[16_384, true], [16_385, false]])('%i GiB: accepted %s', (gib, ok) => {
    const run = withVolume({ volumeType: io1, size: Size.gibibytes(gib), iops: 100 });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/size must be between 4 and 16384 GiB for io\d, got 16385/);
  });

  test.each([[64_000, true], [64_001, false]])('%i IOPS: accepted %s', (iops, ok) => {
    const run = withVolume({ volumeType: io1, size: Size.gibibytes(2000), iops });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/iops must be between 100 and 64000 IOPS for io\d, got 64001/);
  });

  test.each([[5000, true], [5001, false]])('%i IOPS on 100 GiB (50 per GiB): accepted %s', (iops, ok) => {
    const run = withVolume({ volumeType: io1, size: Size.gibibytes(100), iops });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/iops must be at most 50 IOPS per GiB for io1 \(5000 for 100 GiB\), got 5001/);
  });
});

describe('Nitro instance types', () => {
  test.each(['m6i.large', 't3.medium', 'c7g.xlarge', 'i3.metal', 'u-6tb1.112xlarge'])('%s is accepted', (type) => {
    expect(build({ instanceType: new ec2.InstanceType(type) })).not.toThrow();
  });

  test.each(['m4.large', 't2.micro', 'i3.large', 'c4.xlarge'])('Xen type %s is refused and the Xen families are named', (type) => {
    expect(build({ instanceType: new ec2.InstanceType(type) }))
      .toThrow(/instanceType must be a Nitro-based instance type \(Multi-Attach needs Nitro\), got '.+'\. '.+' is a Xen-based family \(Xen families: c1, c3, c4/);
  });

  test('a family outside the allow-list is refused until it is added explicitly', () => {
    const instanceType = new ec2.InstanceType('zz9.large');
    expect(build({ instanceType })).toThrow(/must be of a family in the Nitro allow-list, got 'zz9.large'\. .*additionalNitroInstanceFamilies: \['zz9'\]/);
    expect(build({ instanceType, additionalNitroInstanceFamilies: ['zz9'] })).not.toThrow();
  });

  test('a Xen family stays refused even when listed as additional', () => {
    expect(build({ instanceType: new ec2.InstanceType('m4.large'), additionalNitroInstanceFamilies: ['m4'] })).toThrow(/Xen-based family/);
  });
});

describe('one Availability Zone', () => {
  test('nodes and volumes go to the requested AZ', () => {
    const { cluster: c } = cluster({ availabilityZone: 'us-east-1b' });
    expect(c.availabilityZone).toEqual('us-east-1b');
    expect(c.sharedVolumes[0].availabilityZone).toEqual('us-east-1b');
  });

  test('an AZ the selected subnets do not cover is refused', () => {
    expect(build({ availabilityZone: 'us-east-1c' }))
      .toThrow(/availabilityZone must be the AZ of a selected subnet \(us-east-1a, us-east-1b\), got 'us-east-1c'\. Every node and volume must be in one AZ/);
  });
});

describe('GFS2', () => {
  test.each([[1, false], [2, true], [3, true]])('%i journals on 2 nodes: accepted %s', (journals, ok) => {
    const run = build({ filesystem: ClusterFilesystem.gfs2({ journals }) });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/filesystem.journals must be a whole number of at least nodeCount \(2\), got 1\. GFS2 needs one journal per node/);
  });

  test('journals are checked against the node count', () => {
    expect(build({ nodeCount: 4, filesystem: ClusterFilesystem.gfs2({ journals: 3 }) })).toThrow(/at least nodeCount \(4\), got 3/);
  });

  test('GFS2 on a Windows image is refused; raw block on Windows is accepted', () => {
    const machineImage = ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE);
    expect(build({ machineImage })).toThrow(/filesystem must be ClusterFilesystem.rawBlock\(\) for a Windows image, got 'gfs2 on Windows'/);
    expect(build({ machineImage, filesystem: ClusterFilesystem.rawBlock() })).not.toThrow();
  });

  test('io1 on Windows is refused', () => {
    const machineImage = ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE);
    expect(build({ machineImage, filesystem: ClusterFilesystem.rawBlock(), volumes: [{ name: 'data', volumeType: io1, iops: 1000 }] }))
      .toThrow(/volumes\[0\]\.volumeType must be io2, got 'io1 on Windows'/);
  });

  test('a relative mount root is refused', () => {
    expect(build({ filesystem: ClusterFilesystem.gfs2({ mountRoot: 'shared' }) })).toThrow(/filesystem.mountRoot must be an absolute directory/);
  });
});

describe('names', () => {
  test.each([['abcdefghijklmnop', true], ['abcdefghijklmnopq', false], ['Data', false], ['1data', false]])('volume name %s: accepted %s', (name, ok) => {
    const run = build({ volumes: [{ name }] });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/name must be 1-16 lowercase letters, digits, - or _, starting with a letter/);
  });

  test.each([['a'.repeat(32), true], ['a'.repeat(33), false], ['my cluster', false]])('cluster name %s: accepted %s', (clusterName, ok) => {
    const run = build({ clusterName });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/clusterName must be 1-32 letters, digits, - or _/);
  });

  test('duplicate volume names are refused', () => {
    expect(build({ volumes: [{ name: 'data' }, { name: 'data' }] })).toThrow(/volumes\[\]\.name must be unique within the cluster, got 'data'/);
  });
});

describe('volume count', () => {
  const volumes = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `v${i}`, size: Size.gibibytes(4), iops: 100 }));
  test.each([[0, false], [1, true], [10, true], [11, false]])('%i volumes: accepted %s', (n, ok) => {
    const run = build({ volumes: volumes(n), filesystem: ClusterFilesystem.rawBlock() });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/volumes \(count\) must be between 1 and 10 items, got \d+\. Device names \/dev\/sdf-\/dev\/sdo/);
  });
});

describe('data safety', () => {
  test('RemovalPolicy.DESTROY is refused on a shared volume', () => {
    expect(withVolume({ removalPolicy: RemovalPolicy.DESTROY }))
      .toThrow(/removalPolicy must be RETAIN, SNAPSHOT or RETAIN_ON_UPDATE_OR_DELETE, got 'DESTROY'/);
  });

  test('a standalone MultiAttachVolume applies the same checks', () => {
    expect(() => new MultiAttachVolume(testStack(), 'Volume', { name: 'data', availabilityZone: 'us-east-1a', iops: 50 }))
      .toThrow(/Test\/Volume: iops must be between 100 and 256000 IOPS for io\d, got 50/);
  });
});

describe('backup', () => {
  test('an external protection needs a reason a reviewer can check', () => {
    expect(build({ backup: ClusterBackup.external('DLM') })).toThrow(/backup must be ClusterBackup.external\(reason\) with a reason of at least 40 characters, got 'DLM'/);
  });

  test('a retention under one day is refused', () => {
    expect(build({ backup: ClusterBackup.awsBackup({ retention: Duration.hours(12) }) })).toThrow(/backup.retention must be a whole number between 1 and 36500 days, got 0.5/);
  });
});
