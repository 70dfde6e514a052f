/**
 * The seeds' "same public IP, minimal downtime": two web servers behind one static address.
 * The Elastic IP sits on the primary; when it stops, fails its status checks or stops answering
 * HTTP, the failover function moves the address to the standby (never onto a node that is itself
 * unhealthy) and announces it on an encrypted SNS topic.
 */
import { App, AppProps, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fs from 'fs';
import * as path from 'path';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { sharedNetwork } from '../bin/stacks/network';
import { ApplicationHealthCheck, ElasticIpFailover } from '../lib/eip-failover';

const WEB_SERVER_SCRIPT = path.join(__dirname, 'assets', 'python-hello.sh');

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'EipFailoverExample', {
    env: resolveEnv(app),
    description: 'Elastic IP failover: two web servers behind one static address',
  });

  const userData = ec2.UserData.forLinux();
  userData.addCommands(fs.readFileSync(WEB_SERVER_SCRIPT, 'utf8'));
  // The default image (Amazon Linux 2023): never one read at every deploy, which would replace both nodes at once.
  const web = new ElasticIpFailover(stack, 'Web', {
    vpc: sharedNetwork(app), // one VPC for every example (bin/stacks/network.ts)
    userData,
    healthCheck: ApplicationHealthCheck.http({ port: 80, path: '/' }),
  });

  // A public web server: HTTP from anywhere to the static address, nothing else.
  web.connections.allowFromAnyIpv4(ec2.Port.tcp(80), 'HTTP to the web servers behind the static address');
  for (const group of web.connections.securityGroups) {
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'These web servers are published on purpose at a static public address: port 80 alone is open to the '
        + 'internet (no SSH, shell access is Session Manager); every other port stays closed.',
    });
  }

  new CfnOutput(stack, 'PublicIp', { value: web.publicIp!, description: 'The static address of the web servers' });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
