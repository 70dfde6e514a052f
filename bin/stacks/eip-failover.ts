import { CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { ApplicationHealthCheck, ElasticIpFailover } from '../../lib/eip-failover';

const WEB_SERVER_SCRIPT = path.join(__dirname, '..', '..', 'examples', 'assets', 'python-hello.sh');

/** Properties of the {@link EipFailoverStack}. */
export interface EipFailoverStackProps extends StackProps {
  /**
   * VPC of the web servers (for example the shared network's VPC); needs public subnets for the
   * nodes and private subnets with egress for the failover function.
   * @default - the construct creates its own SecureVpc
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Image of the web servers (nginx serving "Hello" on port 80 baked in). An image read at each
   * deploy, such as `goldenAmiStack.pipeline.machineImage`, needs `standbyMachineImage` too: one
   * such image for both nodes would replace them together. Make this stack depend on the image's stack.
   * @default - Amazon Linux 2023 with a small python3 "Hello" server started by user data
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Image of the standby, to roll a new image one node at a time.
   * @default - `machineImage`
   */
  readonly standbyMachineImage?: ec2.IMachineImage;
  /**
   * Instance type of the web servers.
   * @default - t3.small
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Move the address back to the primary once it is healthy again.
   * @default false
   */
  readonly failBack?: boolean;
}

/**
 * The reference app's front door: the cat-photo web servers, primary and standby, behind one
 * static public address that moves to the healthy node on failure.
 */
export class EipFailoverStack extends Stack {
  /** The failover pair. */
  public readonly failover: ElasticIpFailover;

  constructor(scope: Construct, id: string, props: EipFailoverStackProps = {}) {
    super(scope, id, props);
    let userData: ec2.UserData | undefined;
    if (!props.machineImage) {
      userData = ec2.UserData.forLinux();
      userData.addCommands(fs.readFileSync(WEB_SERVER_SCRIPT, 'utf8'));
    }
    this.failover = new ElasticIpFailover(this, 'WebServers', {
      vpc: props.vpc,
      machineImage: props.machineImage,
      standbyMachineImage: props.standbyMachineImage,
      instanceType: props.instanceType,
      userData,
      failBack: props.failBack,
      healthCheck: ApplicationHealthCheck.http({ port: 80, path: '/' }),
    });

    allowPublicHttp(this.failover.connections);
    new CfnOutput(this, 'PublicIp', { value: this.failover.publicIp!, description: 'Static address of the web servers' });
  }
}

/** Opens port 80 to the internet on the web servers' security groups, acknowledged as intended. */
export function allowPublicHttp(connections: ec2.Connections): void {
  connections.allowFromAnyIpv4(ec2.Port.tcp(80), 'HTTP to the web servers behind the static address');
  for (const group of connections.securityGroups) {
    Validations.of(group).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The cat-photo web servers are published on purpose at a static public address: port 80 alone is open '
        + 'to the internet (no SSH, shell access is Session Manager); every other port stays closed.',
    });
  }
}
