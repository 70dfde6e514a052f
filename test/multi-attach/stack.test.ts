import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MultiAttachStack } from '../../bin/stacks/multi-attach';
import { createApp } from '../../examples/multi-attach';
import { CDK_CONTEXT, testApp } from '../util';

describe('reference app stack', () => {
  test('uses an injected VPC and exposes the shared volume for the snapshot stack', () => {
    // GIVEN a network stack with the VPC
    const app = testApp();
    const env = { region: 'us-east-1' };
    const network = new Stack(app, 'Network', { env });
    const vpc = new ec2.Vpc(network, 'Vpc', { maxAzs: 2 });
    // WHEN
    const stack = new MultiAttachStack(app, 'Cluster', { env, vpc, nodeCount: 3 });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::Instance', 3);
    template.hasResourceProperties('AWS::EC2::Volume', { VolumeType: 'io2', MultiAttachEnabled: true });
    expect(stack.volumes).toHaveLength(1);
    expect(stack.resolve(stack.volumes[0].volumeId)).toEqual({ Ref: expect.stringMatching(/^PhotoClusterVolumesphotos/) });
  });
});

describe('example', () => {
  test('a two-node GFS2 cluster sharing one volume', () => {
    // GIVEN / WHEN
    const app: App = createApp({ context: CDK_CONTEXT });
    const template = Template.fromStack(app.node.findChild('MultiAttachExample') as Stack);
    // THEN
    template.resourceCountIs('AWS::EC2::Instance', 2);
    template.resourceCountIs('AWS::EC2::VolumeAttachment', 2);
    template.hasResourceProperties('AWS::EC2::Volume', { Size: 100, Iops: 3000 });
  });
});
