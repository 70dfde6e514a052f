/**
 * One table of EBS limits (lib/core/ebs-limits.ts) for every volume the library creates.
 * Sources: Amazon EBS User Guide, "Amazon EBS volume types"
 * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html): io2 Block Express
 * 100-256,000 IOPS at up to 1,000 IOPS per GiB; gp3 a 3,000 IOPS baseline at every size.
 */
import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RestoredVolume } from '../../lib';
import { EBS_LIMITS } from '../../lib/core/ebs-limits';
import { Template, testStack } from '../util';

const restore = (props: Partial<ConstructorParameters<typeof RestoredVolume>[2]>) => {
  const stack = testStack();
  new RestoredVolume(stack, 'Restored', { snapshotId: 'snap-12345678', availabilityZone: 'us-east-1a', ...props });
  return Template.fromStack(stack);
};

describe('EBS limits', () => {
  test('a restored io2 volume takes 1,000 IOPS per GiB (ec2.Volume of aws-cdk-lib 2.276 still refuses more than 500)', () => {
    // WHEN
    const template = restore({ volumeType: ec2.EbsDeviceVolumeType.IO2, size: Size.gibibytes(100), iops: 100_000 });
    // THEN
    template.hasResourceProperties('AWS::EC2::Volume', { VolumeType: 'io2', Size: 100, Iops: 100_000, Encrypted: true });
  });

  test('a restored io2 volume above 1,000 IOPS per GiB fails with the same message as every other volume', () => {
    expect(() => restore({ volumeType: ec2.EbsDeviceVolumeType.IO2, size: Size.gibibytes(100), iops: 100_001 }))
      .toThrow(/Test\/Restored: iops must be at most 1000 IOPS per GiB for io2 \(100000 for 100 GiB\), got 100001\. Make the volume at least 101 GiB/);
  });

  test('a restored gp3 volume of 1 GiB keeps the 3,000 IOPS baseline; throughput follows the 0.25 MiB/s per IOPS rule', () => {
    // WHEN
    const template = restore({ size: Size.gibibytes(1), iops: 3000, throughputMiBps: 750 });
    // THEN
    template.hasResourceProperties('AWS::EC2::Volume', { VolumeType: 'gp3', Size: 1, Iops: 3000, Throughput: 750 });
    expect(() => restore({ size: Size.gibibytes(1), throughputMiBps: 751 })).toThrow(/throughputMiBps must be at most 0.25 MiB\/s per IOPS \(750 for 3000 IOPS\), got 751/);
  });

  test('a restored volume without a size takes the snapshot size (no Size in the template)', () => {
    // WHEN
    const template = restore({});
    // THEN
    const [volume] = Object.values(template.findResources('AWS::EC2::Volume')) as Array<{ Properties: Record<string, unknown> }>;
    expect(volume.Properties.Size).toBeUndefined();
    expect(volume.Properties.SnapshotId).toEqual('snap-12345678');
  });

  test('the table has the documented maximums', () => {
    expect(EBS_LIMITS.io2).toMatchObject({ maxSizeGiB: 65_536, iops: { max: 256_000, perGiB: 1_000 } });
    expect(EBS_LIMITS.io1).toMatchObject({ maxSizeGiB: 16_384, iops: { max: 64_000, perGiB: 50 } });
    expect(EBS_LIMITS.gp3).toMatchObject({ maxSizeGiB: 65_536, iops: { min: 3_000, max: 80_000, baseline: 3_000 }, throughput: { max: 2_000 } });
  });
});
