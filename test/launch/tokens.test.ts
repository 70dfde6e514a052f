/**
 * Values known only at deploy (CfnParameter, Fn.importValue, Lazy): every synth-time check lets
 * them through without false errors, and they reach the template as given. Where a value must be
 * known at synth (it decides how many resources there are), the error says so in the house format.
 * (httpPutResponseHopLimit is not covered: ec2.Instance and ec2.LaunchTemplate refuse a Token there,
 * see the lib/core change reported with this audit.)
 */
import { CfnParameter, Duration, Fn, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AutoScalingFleet, FleetImage, InstanceFleet } from '../../lib/launch';
import { testStack } from '../util';
import { importedVpc } from './helpers';

const num = (stack: Stack, id: string): number => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
const str = (stack: Stack, id: string): string => new CfnParameter(stack, id, { type: 'String' }).valueAsString;

describe('InstanceFleet', () => {
  test('image, instance type, root and data volume settings from parameters reach the instances', () => {
    // GIVEN deploy-time values for everything but the count
    const stack = testStack();
    // WHEN
    new InstanceFleet(stack, 'Fleet', {
      vpc: importedVpc(stack),
      instanceCount: 2,
      image: FleetImage.fromSsmParameter(str(stack, 'AmiParameter'), { resolveAtLaunch: true }),
      instanceType: new ec2.InstanceType(str(stack, 'InstanceType')),
      rootVolumeSize: Size.gibibytes(num(stack, 'RootSize')),
      rootDeviceName: str(stack, 'RootDevice'),
      dataVolumes: [{
        deviceName: str(stack, 'DataDevice'),
        size: Size.gibibytes(num(stack, 'DataSize')),
        volumeType: ec2.EbsDeviceVolumeType.IO2,
        iops: num(stack, 'DataIops'),
      }],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::Instance', 2);
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: { Ref: 'InstanceType' },
      ImageId: { 'Fn::Join': ['', ['{{resolve:ssm:', { Ref: 'AmiParameter' }, '}}']] },
      BlockDeviceMappings: [
        { DeviceName: { Ref: 'RootDevice' }, Ebs: Match.objectLike({ VolumeSize: { Ref: 'RootSize' } }) },
        { DeviceName: { Ref: 'DataDevice' }, Ebs: Match.objectLike({ VolumeSize: { Ref: 'DataSize' }, Iops: { Ref: 'DataIops' }, VolumeType: 'io2' }) },
      ],
    });
  });

  test('an SSM parameter name known only at deploy is refused unless it is read at launch', () => {
    // GIVEN a parameter name from another stack, read at deploy
    const stack = testStack();
    // WHEN / THEN
    expect(() => new InstanceFleet(stack, 'Fleet', {
      vpc: importedVpc(stack), image: FleetImage.fromSsmParameter(Fn.importValue('AmiParameterName'), { resolveAtLaunch: false }),
    })).toThrow(/image \(SSM parameter name\) must be a name known at synth unless resolveAtLaunch is true/);
  });

  test('a deploy-time instance count is refused: each instance is a resource', () => {
    // GIVEN a count from a parameter
    const stack = testStack();
    // WHEN / THEN
    expect(() => new InstanceFleet(stack, 'Fleet', { vpc: importedVpc(stack), instanceCount: num(stack, 'Count') }))
      .toThrow(/Test\/Fleet: instanceCount must be a number known at synth .*AutoScalingFleet/);
  });

  test('known values next to deploy-time ones are still checked', () => {
    // GIVEN a deploy-time size and a known IOPS above the io2 maximum
    const stack = testStack();
    // WHEN / THEN
    expect(() => new InstanceFleet(stack, 'Fleet', {
      vpc: importedVpc(stack),
      dataVolumes: [{ deviceName: '/dev/sdf', size: Size.gibibytes(num(stack, 'Size')), volumeType: ec2.EbsDeviceVolumeType.IO2, iops: 256_001 }],
    })).toThrow(/dataVolumes\[0\].iops must be between 100 and 256000 IOPS for io2, got 256001/);
  });
});

describe('AutoScalingFleet', () => {
  test('capacities, refresh settings, warmup, revision, AMI id and gp3 settings from parameters reach the template', () => {
    // GIVEN deploy-time values
    const stack = testStack();
    // WHEN
    new AutoScalingFleet(stack, 'Group', {
      vpc: importedVpc(stack),
      image: FleetImage.fromAmiIds([{ region: 'us-east-1', amiId: Fn.importValue('GoldenAmiId') }]),
      minCapacity: num(stack, 'Min'),
      maxCapacity: num(stack, 'Max'),
      desiredCapacity: num(stack, 'Desired'),
      minHealthyPercentage: num(stack, 'MinHealthy'),
      maxHealthyPercentage: num(stack, 'MaxHealthy'),
      instanceWarmup: Duration.seconds(num(stack, 'Warmup')),
      imageRevision: str(stack, 'Revision'),
      dataVolumes: [{
        deviceName: '/dev/sdf',
        size: Size.gibibytes(num(stack, 'DataSize')),
        iops: num(stack, 'DataIops'),
        throughputMiBps: num(stack, 'DataThroughput'),
      }],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      Properties: Match.objectLike({
        MinSize: { Ref: 'Min' }, MaxSize: { Ref: 'Max' }, DesiredCapacity: { Ref: 'Desired' },
        HealthCheckGracePeriod: { Ref: 'Warmup' }, DefaultInstanceWarmup: { Ref: 'Warmup' },
      }),
      UpdatePolicy: {
        AutoScalingInstanceRefresh: Match.objectLike({
          Preferences: Match.objectLike({
            MinHealthyPercentage: { Ref: 'MinHealthy' }, MaxHealthyPercentage: { Ref: 'MaxHealthy' }, InstanceWarmup: { Ref: 'Warmup' },
          }),
        }),
      },
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        ImageId: { 'Fn::ImportValue': 'GoldenAmiId' },
        BlockDeviceMappings: [
          Match.objectLike({ DeviceName: '/dev/xvda' }),
          {
            DeviceName: '/dev/sdf',
            Ebs: Match.objectLike({
              VolumeType: 'gp3', VolumeSize: { Ref: 'DataSize' }, Iops: { Ref: 'DataIops' }, Throughput: { Ref: 'DataThroughput' },
            }),
          },
        ],
        TagSpecifications: Match.arrayWith([
          { ResourceType: 'instance', Tags: Match.arrayWith([{ Key: 'ImageRevision', Value: { Ref: 'Revision' } }]) },
        ]),
      }),
    });
  });

  test('a deploy-time minCapacity or desiredCapacity needs an explicit maxCapacity', () => {
    // GIVEN capacities the default maxCapacity would have to be computed from
    for (const props of [{ minCapacity: Lazy.number({ produce: () => 2 }) }, { desiredCapacity: Lazy.number({ produce: () => 2 }) }]) {
      const stack = testStack();
      // WHEN / THEN
      expect(() => new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack), ...props }))
        .toThrow(/Test\/Group: maxCapacity must be given when minCapacity or desiredCapacity is known only at deploy/);
    }
  });

  test('a deploy-time warmup in minutes is refused in the house format, and known limits still apply', () => {
    // GIVEN a warmup whose amount is a Token in minutes
    const stack = testStack();
    // WHEN / THEN
    expect(() => new AutoScalingFleet(stack, 'Group', { vpc: importedVpc(stack), instanceWarmup: Duration.minutes(num(stack, 'Warmup')) }))
      .toThrow(/instanceWarmup must be Duration.seconds\(...\) when the amount is known only at deploy/);
    const other = testStack();
    expect(() => new AutoScalingFleet(other, 'Group', {
      vpc: importedVpc(other), minCapacity: num(other, 'Min'), maxCapacity: 0,
    })).toThrow(/maxCapacity must be a whole number of at least 1, got 0/);
  });
});
