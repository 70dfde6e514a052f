// A user's CDK app in TypeScript, compiled (strict) against the typings of the installed tarball and
// run from an empty folder: every pattern's constructs, with the minimal props of the pattern READMEs.
// Not part of the repository's tsconfig.json: 'cdk-ec2-patterns' resolves only in that folder.
import { App, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  AutoScalingFleet, ElasticIpFailover, FleetImage, GoldenImagePipeline, InstanceFleet, MultiAttachCluster, MultiAttachVolume,
  RestoredVolume, SecureVpc, SnapshotPolicy, SnapshotRetention, SnapshotSchedule,
} from 'cdk-ec2-patterns';

const app = new App();
const env = { region: 'us-east-1' };
// 1. golden AMI, in a stack of its own: the launching stack reads the AMI id that the first build writes
const images = new Stack(app, 'ConsumerImages', { env });
const vpc: ec2.IVpc = new SecureVpc(images, 'Network', { ssmEndpoints: true }).vpc;
const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', vpc, buildOnDeploy: true });

// 2. launch from it
const stack = new Stack(app, 'Consumer', { env });
const fleet = new InstanceFleet(stack, 'WebServers', { vpc, instanceCount: 2, image: FleetImage.fromMachineImage(pipeline.machineImage) });
new AutoScalingFleet(stack, 'WebGroup', { vpc, image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id') });

// 3. scheduled snapshots of a data volume, and a volume restored from a snapshot
const zone = fleet.instances[0].instanceAvailabilityZone;
const dataVolume = new ec2.Volume(stack, 'Data', { availabilityZone: zone, size: Size.gibibytes(20), encrypted: true });
new SnapshotPolicy(stack, 'Nightly', {
  volumes: [dataVolume],
  schedules: [SnapshotSchedule.daily({ hour: 3, retention: SnapshotRetention.count(7) })],
});
new RestoredVolume(stack, 'Restored', { snapshotId: 'snap-0123456789abcdef0', availabilityZone: zone });

// 4. io2 Multi-Attach cluster and a standalone Multi-Attach volume, 5. Elastic IP failover
new MultiAttachCluster(stack, 'Cluster', { vpc });
new MultiAttachVolume(stack, 'Shared', { name: 'shared', availabilityZone: zone });
new ElasticIpFailover(stack, 'Address', { vpc });

app.synth();
