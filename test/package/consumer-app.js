// A user's CDK app in plain JavaScript, run from the consumer folder against the installed tarball.
const { App, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const patterns = require('cdk-ec2-patterns');

const app = new App();
const stack = new Stack(app, 'Consumer', { env: { region: 'us-east-1' } });
const { vpc } = new patterns.SecureVpc(stack, 'Network');
const node = new patterns.HardenedNode(stack, 'Node', { vpc });
node.createInstance(stack, 'Web', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
app.synth();

console.log(JSON.stringify({
  library: require.resolve('cdk-ec2-patterns'),
  expectedTypes: ['AWS::EC2::VPC', 'AWS::EC2::FlowLog', 'AWS::EC2::Instance', 'AWS::IAM::ManagedPolicy'],
}));
