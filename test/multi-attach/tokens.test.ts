/**
 * Values known only at deploy (CfnParameter, Fn.importValue, Lazy): every synth-time check lets
 * them through without false errors, and they reach the template (and the bootstrap script) as
 * references. Where a value must be known at synth (it decides resources or the subnet), the error
 * says so in the house format. (httpPutResponseHopLimit is not covered: ec2.Instance refuses a
 * Token there, see the lib/core change reported with this audit.)
 */
import { CfnParameter, Duration, Fn, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterBackup, ClusterFilesystem, MultiAttachVolume } from '../../lib/multi-attach';
import { testStack } from '../util';
import { cluster, userDataOf } from './helpers';

const num = (stack: Stack, id: string): number => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
const str = (stack: Stack, id: string): string => new CfnParameter(stack, id, { type: 'String' }).valueAsString;

describe('values known only at deploy', () => {
  test('cluster name, node settings, journals, mount root, volume, backup and subnet AZ from parameters reach the template', () => {
    // GIVEN a subnet of another stack whose AZ is a parameter, and deploy-time values for the cluster
    const stack = testStack();
    const az = str(stack, 'Az');
    const subnet = ec2.Subnet.fromSubnetAttributes(stack, 'Subnet', {
      subnetId: Fn.importValue('SubnetId'), availabilityZone: az, routeTableId: 'rtb-1',
    });
    // WHEN
    cluster({
      vpcSubnets: { subnets: [subnet] },
      availabilityZone: az,
      clusterName: str(stack, 'ClusterName'),
      instanceType: new ec2.InstanceType(str(stack, 'InstanceType')),
      rootVolumeSize: Size.gibibytes(num(stack, 'RootSize')),
      filesystem: ClusterFilesystem.gfs2({ journals: num(stack, 'Journals'), mountRoot: str(stack, 'MountRoot') }),
      volumes: [{ name: 'data', size: Size.gibibytes(num(stack, 'Size')), iops: num(stack, 'Iops'), snapshotId: Fn.importValue('SnapshotId') }],
      backup: ClusterBackup.awsBackup({ retention: Duration.days(num(stack, 'RetentionDays')) }),
    }, stack);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::Volume', {
      AvailabilityZone: { Ref: 'Az' }, Size: { Ref: 'Size' }, Iops: { Ref: 'Iops' }, SnapshotId: { 'Fn::ImportValue': 'SnapshotId' },
      MultiAttachEnabled: true, Encrypted: true, VolumeType: 'io2',
    });
    template.hasResourceProperties('AWS::EC2::Instance', {
      AvailabilityZone: { Ref: 'Az' },
      SubnetId: { 'Fn::ImportValue': 'SubnetId' },
      InstanceType: { Ref: 'InstanceType' },
      BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: { Ref: 'RootSize' } }) })],
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({ BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: { Ref: 'RetentionDays' } } })] }),
    });
    // the bootstrap script gets references, never the raw encoding of a number Token
    const script = userDataOf(template);
    expect(script).toContain(`CLUSTER_NAME='{"Ref":"ClusterName"}'`);
    expect(script).toContain(`JOURNALS='{"Ref":"Journals"}'`);
    expect(script).toContain(`MOUNT_ROOT='{"Ref":"MountRoot"}'`);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/-1\.\d{10,16}e\+289/);
  });

  test('a standalone volume takes its AZ, size and IOPS from parameters', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const volume = new MultiAttachVolume(stack, 'Volume', {
      name: 'logs', availabilityZone: str(stack, 'Az'), size: Size.gibibytes(num(stack, 'Size')), iops: num(stack, 'Iops'),
    });
    // THEN
    expect(stack.resolve(volume.resource.availabilityZone)).toEqual({ Ref: 'Az' });
    expect(stack.resolve(volume.resource.size)).toEqual({ Ref: 'Size' });
    expect(stack.resolve(volume.resource.iops)).toEqual({ Ref: 'Iops' });
  });

  test('what must be known at synth is refused in the house format', () => {
    // GIVEN a deploy-time node count, and a deploy-time AZ that no selected subnet carries
    const stack = testStack();
    // WHEN / THEN
    expect(() => cluster({ nodeCount: num(stack, 'Nodes') }, stack)).toThrow(/Test\/Cluster: nodeCount must be a number known at synth/);
    const other = testStack();
    expect(() => cluster({ availabilityZone: str(other, 'Az') }, other))
      .toThrow(/availabilityZone must be known at synth, or the availabilityZone of a selected subnet.*fromSubnetAttributes/);
  });

  test('known values next to deploy-time ones are still checked', () => {
    // GIVEN known journals below the node count, and known IOPS above the io2 maximum, next to deploy-time values
    const stack = testStack();
    // WHEN / THEN
    expect(() => cluster({
      nodeCount: 3, clusterName: str(stack, 'Name'), filesystem: ClusterFilesystem.gfs2({ journals: 2, mountRoot: str(stack, 'Root') }),
    }, stack)).toThrow(/filesystem.journals must be a whole number of at least nodeCount \(3\), got 2/);
    const other = testStack();
    expect(() => cluster({
      volumes: [{ name: 'data', size: Size.gibibytes(Lazy.number({ produce: () => 500 })), iops: 256_001 }],
    }, other)).toThrow(/iops must be between 100 and 256000 IOPS for io\d, got 256001/);
  });
});
