/**
 * The seeds' scenario: ten identical web servers launched from one image, each serving the nginx
 * "Hello" page, plus an Auto Scaling group of the same servers that rolls onto a new image with
 * an instance refresh. Both are hardened (IMDSv2, encrypted volumes, Session Manager, no SSH).
 */
import { App, AppProps, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fs from 'fs';
import * as path from 'path';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { AutoScalingFleet, FleetImage, InstanceFleet } from '../lib/launch';

const HELLO = fs.readFileSync(path.join(__dirname, 'assets', 'nginx-hello.sh'), 'utf8');

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const env = resolveEnv(app);

  // Ten identical servers, spread over the private subnets of two Availability Zones of their own
  // SecureVpc (no vpc given). They need no load balancer to start; add one with fleet.connections.
  const servers = new Stack(app, 'LaunchWebServers', { env, description: 'Ten identical hardened web servers from one image' });
  new InstanceFleet(servers, 'WebServers', {
    instanceCount: 10,
    image: FleetImage.latestAmazonLinux2023(),
    userData: ec2.UserData.custom(HELLO),
    dataVolumes: [{ deviceName: '/dev/sdf', size: Size.gibibytes(10) }],
  });

  // The same server as a self-healing group. Each launch reads the latest AMI; a new imageRevision
  // rolls the running instances onto it, launching replacements before terminating (100/110 %).
  // A separate stack: cdk-nag 3.0.2's AwsSolutions-EC26 throws on a standalone instance when the
  // same stack also holds a launch template (see lib/launch/README.md, known issues).
  const group = new Stack(app, 'LaunchWebGroup', { env, description: 'Hardened web servers in an Auto Scaling group with instance refresh' });
  new AutoScalingFleet(group, 'WebGroup', {
    image: FleetImage.latestAmazonLinux2023({ resolveAtLaunch: true }),
    userData: ec2.UserData.custom(HELLO),
    minCapacity: 2,
    maxCapacity: 4,
    imageRevision: '2026-11-01',
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
