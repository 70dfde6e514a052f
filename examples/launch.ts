/**
 * The seeds' scenario: ten identical web servers launched from one image, each serving the nginx
 * "Hello" page, plus an Auto Scaling group of the same servers that rolls onto a new image with
 * an instance refresh. Both are hardened (IMDSv2, encrypted volumes, Session Manager, no SSH).
 *
 * Cost of a default deployment, us-east-1 on-demand, per month: 10 + 2 t3.small (about $180), their
 * 20 GiB root and 10 GiB data gp3 volumes (about $25), detailed monitoring (about $25), two KMS keys
 * ($2), plus the shared network (bin/stacks/network.ts, about $80). Destroy it when done; the
 * data volumes and keys are retained and billed until you delete them.
 */
import { App, AppProps, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fs from 'fs';
import * as path from 'path';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { sharedNetwork } from '../bin/stacks/network';
import { AutoScalingFleet, FleetImage, InstanceFleet } from '../lib/launch';

const HELLO = fs.readFileSync(path.join(__dirname, 'assets', 'nginx-hello.sh'), 'utf8');

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const env = resolveEnv(app);
  // One VPC for all examples (bin/stacks/network.ts): a VPC, NAT gateway and Elastic IP per
  // fleet would exhaust the default quotas of 5 VPCs and 5 Elastic IPs per region.
  const vpc = sharedNetwork(app);

  // Ten identical servers, spread over the private subnets of two Availability Zones. Each reads
  // the latest Amazon Linux 2023 when it launches, so a new AMI replaces none of them; roll them
  // with imageGenerations. They need no load balancer to start; add one with fleet.connections.
  const servers = new Stack(app, 'LaunchWebServers', { env, description: 'Ten identical hardened web servers from one image' });
  new InstanceFleet(servers, 'WebServers', {
    vpc,
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
    vpc,
    image: FleetImage.latestAmazonLinux2023(),
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
