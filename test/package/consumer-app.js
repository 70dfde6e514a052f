// A user's CDK app in plain JavaScript, run from an empty folder against the installed tarball.
// It follows the minimal examples of the pattern READMEs.
const { App, Size, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const {
  SecureVpc, GoldenImagePipeline, InstanceFleet, AutoScalingFleet, FleetImage, SnapshotPolicy, SnapshotSchedule,
  SnapshotRetention, MultiAttachCluster, ElasticIpFailover,
} = require('cdk-ec2-patterns');

const app = new App();
// 1. golden AMI (its own stack: the launching stack reads the AMI id the first build writes)
const images = new Stack(app, 'ConsumerImages', { env: { region: 'us-east-1' } });
const { vpc } = new SecureVpc(images, 'Network');
const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', vpc, buildOnDeploy: true });

// 2. launch from it
const stack = new Stack(app, 'Consumer', { env: { region: 'us-east-1' } });
const fleet = new InstanceFleet(stack, 'WebServers', { vpc, instanceCount: 2, image: FleetImage.fromMachineImage(pipeline.machineImage) });
new AutoScalingFleet(stack, 'WebGroup', { vpc, image: FleetImage.fromSsmParameter('/imagebuilder/web/ami-id') });

// 3. scheduled snapshots of a data volume
const dataVolume = new ec2.Volume(stack, 'Data', {
  availabilityZone: fleet.instances[0].instanceAvailabilityZone, size: Size.gibibytes(20), encrypted: true,
});
new SnapshotPolicy(stack, 'Nightly', {
  volumes: [dataVolume],
  schedules: [SnapshotSchedule.daily({ hour: 3, retention: SnapshotRetention.count(7) })],
});

// 4. io2 Multi-Attach cluster, 5. Elastic IP failover
new MultiAttachCluster(stack, 'Cluster', { vpc });
new ElasticIpFailover(stack, 'Address', { vpc });

app.synth();

console.log(JSON.stringify({
  library: require.resolve('cdk-ec2-patterns'),
  expectedTypes: [
    'AWS::EC2::VPC', 'AWS::ImageBuilder::ImagePipeline', 'AWS::EC2::Instance', 'AWS::AutoScaling::AutoScalingGroup',
    'AWS::DLM::LifecyclePolicy', 'AWS::EC2::VolumeAttachment', 'AWS::EC2::EIPAssociation', 'AWS::Lambda::Function',
  ],
}));
