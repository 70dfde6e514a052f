/**
 * One test per boundary. Sources of the numbers:
 * - EBS sizes, IOPS and throughput: EC2 API model, LaunchTemplateEbsBlockDeviceRequest (@aws-sdk/client-ec2
 *   3.1169): gp2 1-16,384 GiB; gp3 1-65,536 GiB, 3,000-80,000 IOPS, 125-2,000 MiB/s; io1 4-16,384 GiB,
 *   100-64,000 IOPS; io2 4-65,536 GiB, 100-256,000 IOPS; st1/sc1 125-16,384 GiB; standard 1-1,024 GiB.
 *   Ratios (EBS user guide, volume types): gp3 500 IOPS/GiB and 0.25 MiB/s per IOPS, io1 50, io2 1,000 IOPS/GiB.
 * - Healthy percentages: AWS::AutoScaling::AutoScalingGroup InstanceMaintenancePolicy and the
 *   AutoScalingInstanceRefresh update policy: min 0-100, max 100-200, at most 100 apart.
 * - AMI ids: `ami-` + 8 or 17 lowercase hex digits (EC2 resource ids).
 * - SSM parameter names: letters, digits, _ . - /, hierarchies start with '/', at most 1,011 characters (PutParameter).
 * - Tag values: at most 256 characters (EC2 tag restrictions).
 * - 100 standalone instances: our own bound, so a fleet stays far below CloudFormation's 500 resources per template.
 * - Hop limit 1-64: EC2 ModifyInstanceMetadataOptions HttpPutResponseHopLimit.
 */
import { Lazy, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  AutoScalingFleet, AutoScalingFleetProps, DataVolume, FleetImage, InstanceFleet, InstanceFleetProps,
} from '../../lib/launch';
import { testStack } from '../util';
import { importedVpc } from './helpers';

function fleet(props: InstanceFleetProps = {}, stack: Stack = testStack()): InstanceFleet {
  return new InstanceFleet(stack, 'F', { vpc: importedVpc(stack), ...props });
}
function group(props: AutoScalingFleetProps = {}): AutoScalingFleet {
  const stack = testStack();
  return new AutoScalingFleet(stack, 'G', { vpc: importedVpc(stack), ...props });
}
const volume = (v: Partial<DataVolume>): InstanceFleetProps => ({
  dataVolumes: [{ deviceName: '/dev/sdf', size: Size.gibibytes(10), ...v }],
});

describe('instance count', () => {
  test('1 and 100 pass, 0 and 101 fail', () => {
    expect(fleet({ instanceCount: 1 }).instances).toHaveLength(1);
    expect(fleet({ instanceCount: 100 }).instances).toHaveLength(100);
    expect(() => fleet({ instanceCount: 0 })).toThrow(/Test\/F: instanceCount must be between 1 and 100, got 0\. .*AutoScalingFleet/);
    expect(() => fleet({ instanceCount: 101 })).toThrow(/instanceCount must be between 1 and 100, got 101/);
  });
  test('a fraction fails', () => {
    expect(() => fleet({ instanceCount: 2.5 })).toThrow(/instanceCount must be a whole number/);
  });
});

describe('image', () => {
  const amis = (...list: Array<[string, string]>) => FleetImage.fromAmiIds(list.map(([region, amiId]) => ({ region, amiId })));
  test('8 and 17 hex digits pass; 9 digits, capitals and other prefixes fail', () => {
    expect(() => fleet({ image: amis(['us-east-1', 'ami-12345678']) })).not.toThrow();
    expect(() => fleet({ image: amis(['us-east-1', 'ami-0123456789abcdef0']) })).not.toThrow();
    expect(() => fleet({ image: amis(['us-east-1', 'ami-123456789']) })).toThrow(/image.amis\[0\].amiId must be 'ami-' followed by 8 or 17 lowercase hex digits, got 'ami-123456789'/);
    expect(() => fleet({ image: amis(['us-east-1', 'ami-0123456789ABCDEF0']) })).toThrow(/amiId must be 'ami-'/);
    expect(() => fleet({ image: amis(['us-east-1', 'snap-12345678']) })).toThrow(/amiId must be 'ami-'/);
  });
  test('an empty list, a duplicate region, a bad region or a missing stack region fail', () => {
    expect(() => fleet({ image: amis() })).toThrow(/image \(AMI ids\) must be a list of at least one/);
    expect(() => fleet({ image: amis(['us-east-1', 'ami-12345678'], ['us-east-1', 'ami-87654321']) })).toThrow(/image.amis\[1\].region must be listed once/);
    expect(() => fleet({ image: amis(['US East', 'ami-12345678']) })).toThrow(/image.amis\[0\].region must be a region name/);
    expect(() => fleet({ image: amis(['eu-west-1', 'ami-12345678']) })).toThrow(/must be a list that includes the stack's region us-east-1, got 'eu-west-1'/);
  });
  test('a token AMI id passes, a token region fails (mapping keys must be literal)', () => {
    const token = Lazy.string({ produce: () => 'ami-12345678' });
    expect(() => fleet({ image: amis(['us-east-1', token]) })).not.toThrow();
    expect(() => fleet({ image: amis([Lazy.string({ produce: () => 'us-east-1' }), 'ami-12345678']) })).toThrow(/region must be a region code known at synth/);
  });
  test('SSM parameter names: a hierarchy or a plain name pass; an ARN, a missing leading slash or 1,012 characters fail', () => {
    expect(() => fleet({ image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id') })).not.toThrow();
    expect(() => fleet({ image: FleetImage.fromSsmParameter('web-ami') })).not.toThrow();
    expect(() => fleet({ image: FleetImage.fromSsmParameter('/' + 'a'.repeat(1010)) })).not.toThrow();
    expect(() => fleet({ image: FleetImage.fromSsmParameter('/' + 'a'.repeat(1011)) })).toThrow(/SSM parameter name\) must be letters/);
    expect(() => fleet({ image: FleetImage.fromSsmParameter('arn:aws:ssm:us-east-1:123456789012:parameter/x') })).toThrow(/not its ARN/);
    expect(() => fleet({ image: FleetImage.fromSsmParameter('imagebuilder/web') })).toThrow(/SSM parameter name/);
  });
  test('image and machineImage together fail', () => {
    expect(() => fleet({ image: FleetImage.latestAmazonLinux2023(), machineImage: ec2.MachineImage.latestAmazonLinux2023() }))
      .toThrow(/image and machineImage are mutually exclusive/);
  });
});

describe('hop limit (shared with HardenedNode)', () => {
  test('1 and 64 pass, 0 and 65 fail', () => {
    expect(fleet({ httpPutResponseHopLimit: 1 }).hardenedNode.httpPutResponseHopLimit).toBe(1);
    expect(fleet({ httpPutResponseHopLimit: 64 }).hardenedNode.httpPutResponseHopLimit).toBe(64);
    expect(() => fleet({ httpPutResponseHopLimit: 0 })).toThrow(/httpPutResponseHopLimit must be between 1 and 64, got 0/);
    expect(() => group({ httpPutResponseHopLimit: 65 })).toThrow(/Test\/G\/Node: httpPutResponseHopLimit must be between 1 and 64, got 65/);
  });
});

describe('data volumes', () => {
  const ok = (v: Partial<DataVolume>) => expect(() => fleet(volume(v))).not.toThrow();
  const fails = (v: Partial<DataVolume>, message: RegExp) => expect(() => fleet(volume(v))).toThrow(message);
  const { GP2, GP3, IO1, IO2, ST1, SC1, STANDARD } = ec2.EbsDeviceVolumeType;

  test.each([
    [GP3, 1, 65536], [GP2, 1, 16384], [IO1, 4, 16384], [IO2, 4, 65536], [ST1, 125, 16384], [SC1, 125, 16384], [STANDARD, 1, 1024],
  ])('%s: %d and %d GiB pass, one less and one more fail', (type, min, max) => {
    const iops = type === IO1 || type === IO2 ? 100 : undefined;
    ok({ volumeType: type, size: Size.gibibytes(min), iops });
    ok({ volumeType: type, size: Size.gibibytes(max), iops });
    fails({ volumeType: type, size: Size.gibibytes(min - 1), iops }, new RegExp(`dataVolumes\\[0\\].size must be between ${min} and ${max} GiB for ${type}, got ${min - 1}`));
    fails({ volumeType: type, size: Size.gibibytes(max + 1), iops }, new RegExp(`size must be between ${min} and ${max} GiB for ${type}, got ${max + 1}`));
  });

  test('gp3 IOPS 3,000-80,000 and at most 500 per GiB', () => {
    ok({ size: Size.gibibytes(160), iops: 80000 });
    ok({ size: Size.gibibytes(6), iops: 3000 });
    // The 3,000 IOPS baseline holds at any gp3 size; the 500:1 ratio limits only IOPS above it
    // (EBS User Guide, "General Purpose SSD volumes": gp3 "baseline performance of 3,000 IOPS").
    ok({ size: Size.gibibytes(1), iops: 3000 });
    ok({ size: Size.gibibytes(5) });
    fails({ size: Size.gibibytes(6), iops: 3001 }, /at most 500 IOPS per GiB for gp3 \(3000 for 6 GiB\), got 3001/);
    fails({ size: Size.gibibytes(200), iops: 2999 }, /iops must be between 3000 and 80000 IOPS for gp3, got 2999/);
    fails({ size: Size.gibibytes(200), iops: 80001 }, /iops must be between 3000 and 80000 IOPS for gp3, got 80001/);
    fails({ size: Size.gibibytes(10), iops: 5001 }, /iops must be at most 500 IOPS per GiB for gp3 \(5000 for 10 GiB\), got 5001/);
  });

  test('io1 100-64,000 IOPS at most 50 per GiB; io2 100-256,000 at most 1,000 per GiB; both required', () => {
    ok({ volumeType: IO1, size: Size.gibibytes(1280), iops: 64000 });
    fails({ volumeType: IO1, size: Size.gibibytes(2000), iops: 64001 }, /between 100 and 64000 IOPS for io1, got 64001/);
    fails({ volumeType: IO1, size: Size.gibibytes(10), iops: 501 }, /at most 50 IOPS per GiB for io1/);
    ok({ volumeType: IO2, size: Size.gibibytes(256), iops: 256000 });
    fails({ volumeType: IO2, size: Size.gibibytes(300), iops: 256001 }, /between 100 and 256000 IOPS for io2, got 256001/);
    fails({ volumeType: IO2, size: Size.gibibytes(10), iops: 99 }, /between 100 and 256000 IOPS for io2, got 99/);
    fails({ volumeType: IO2, size: Size.gibibytes(10), iops: 10001 }, /at most 1000 IOPS per GiB for io2/);
    fails({ volumeType: IO2, size: Size.gibibytes(10) }, /dataVolumes\[0\].iops must be given for io2/);
  });

  test('IOPS on a type without provisioned IOPS fails', () => {
    fails({ volumeType: GP2, iops: 3000 }, /iops must be left out, got 3000. gp2 volumes take no provisioned IOPS/);
  });

  test('gp3 throughput 125-2,000 MiB/s and at most 0.25 MiB/s per IOPS; other types take none', () => {
    ok({ size: Size.gibibytes(100), iops: 8000, throughputMiBps: 2000 });
    ok({ throughputMiBps: 125 });
    fails({ throughputMiBps: 124 }, /throughputMiBps must be between 125 and 2000 MiB\/s, got 124/);
    fails({ size: Size.gibibytes(100), iops: 16000, throughputMiBps: 2001 }, /between 125 and 2000 MiB\/s, got 2001/);
    fails({ throughputMiBps: 751 }, /at most 0.25 MiB\/s per IOPS \(750 for 3000 IOPS\), got 751/);
    fails({ volumeType: ST1, size: Size.gibibytes(500), throughputMiBps: 250 }, /throughputMiBps must be left out.*st1/);
  });

  test('device names: /dev/sdf and xvdf pass; the root device, a duplicate or a bare name fail', () => {
    ok({ deviceName: '/dev/sdp' });
    ok({ deviceName: 'xvdf' });
    fails({ deviceName: '/dev/xvda' }, /deviceName must be a device name .*\/dev\/xvda are root devices/);
    expect(() => fleet({ rootDeviceName: '/dev/sdf', ...volume({ deviceName: '/dev/sdf' }) }))
      .toThrow(/deviceName must be unique and different from the root device, got '\/dev\/sdf'/);
    fails({ deviceName: 'sdf' }, /deviceName must be a device name such as '\/dev\/sdf'/);
    expect(() => fleet({ dataVolumes: [
      { deviceName: '/dev/sdf', size: Size.gibibytes(1) }, { deviceName: '/dev/sdf', size: Size.gibibytes(1) },
    ] })).toThrow(/dataVolumes\[1\].deviceName must be unique/);
  });
});

describe('auto scaling capacity and refresh', () => {
  test('min 0 passes, a negative min fails; max 0 fails', () => {
    expect(() => group({ minCapacity: 0, maxCapacity: 1 })).not.toThrow();
    expect(() => group({ minCapacity: -1 })).toThrow(/Test\/G: minCapacity must be a whole number of at least 0, got -1/);
    expect(() => group({ minCapacity: 0, maxCapacity: 0 })).toThrow(/maxCapacity must be a whole number of at least 1, got 0/);
  });
  test('min above max fails; desired outside min-max fails; desired at the bounds passes', () => {
    expect(() => group({ minCapacity: 3, maxCapacity: 2 })).toThrow(/maxCapacity must be at least minCapacity \(3\), got 2/);
    expect(() => group({ minCapacity: 2, maxCapacity: 4, desiredCapacity: 1 })).toThrow(/desiredCapacity must be at least minCapacity \(2\), got 1/);
    expect(() => group({ minCapacity: 2, maxCapacity: 4, desiredCapacity: 5 })).toThrow(/desiredCapacity must be at most maxCapacity \(4\), got 5/);
    expect(() => group({ minCapacity: 2, maxCapacity: 4, desiredCapacity: 2 })).not.toThrow();
    expect(() => group({ minCapacity: 2, maxCapacity: 4, desiredCapacity: 4 })).not.toThrow();
  });
  test('max defaults to the larger of min and desired', () => {
    expect(() => group({ minCapacity: 3 })).not.toThrow();
    expect(() => group({ desiredCapacity: 5 })).not.toThrow();
  });
  test('minHealthyPercentage 0 and 100 pass, -1 and 101 fail', () => {
    expect(() => group({ minHealthyPercentage: 0, maxHealthyPercentage: 100 })).not.toThrow();
    expect(() => group({ minHealthyPercentage: 100, maxHealthyPercentage: 200 })).not.toThrow();
    expect(() => group({ minHealthyPercentage: -1 })).toThrow(/minHealthyPercentage must be between 0 and 100 %, got -1/);
    expect(() => group({ minHealthyPercentage: 101 })).toThrow(/minHealthyPercentage must be between 0 and 100 %, got 101/);
  });
  test('maxHealthyPercentage 99 and 201 fail, and more than 100 above the minimum fails', () => {
    expect(() => group({ maxHealthyPercentage: 99 })).toThrow(/maxHealthyPercentage must be between 100 and 200 %, got 99/);
    expect(() => group({ maxHealthyPercentage: 201 })).toThrow(/maxHealthyPercentage must be between 100 and 200 %, got 201/);
    expect(() => group({ minHealthyPercentage: 49, maxHealthyPercentage: 150 })).toThrow(/at most 100 above minHealthyPercentage \(49\), so at most 149, got 150/);
  });
  test('imageRevision: 256 characters pass, 257 or an empty string or a quote fail', () => {
    expect(() => group({ imageRevision: 'a'.repeat(256) })).not.toThrow();
    expect(() => group({ imageRevision: 'a'.repeat(257) })).toThrow(/imageRevision must be 1-256 letters/);
    expect(() => group({ imageRevision: '' })).toThrow(/imageRevision must be 1-256 letters/);
    expect(() => group({ imageRevision: 'v"1' })).toThrow(/imageRevision must be/);
  });
  test('tokens pass without false errors', () => {
    const n = (v: number) => Lazy.number({ produce: () => v });
    expect(() => group({ minCapacity: n(1), maxCapacity: n(3), desiredCapacity: n(2), minHealthyPercentage: n(90) })).not.toThrow();
  });
});

describe('subnets', () => {
  test('a selection without subnets fails', () => {
    expect(() => fleet({ vpcSubnets: { subnets: [] } })).toThrow(/vpcSubnets must be a selection with at least one subnet/);
  });
});
