import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { AutoScalingFleet, DataVolume, FleetImage, InstanceFleet } from '../../lib/launch';

const HELLO = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'assets', 'nginx-hello.sh'), 'utf8');

/** Properties of the launch stacks of the reference app. */
export interface LaunchStackProps extends StackProps {
  /**
   * VPC of the web servers (for example the shared network's VPC).
   * @default - each fleet creates its own SecureVpc
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Image to launch, for example `GoldenAmiStack.pipeline.machineImage`: its SSM parameter is read
   * when each instance launches (FleetImage.fromMachineImage), so a new golden AMI replaces no
   * server. Make this stack depend on the golden AMI stack, whose first build writes the parameter.
   * @default - the latest Amazon Linux 2023, with nginx installed at first boot
   */
  readonly machineImage?: ec2.IMachineImage;
}

/** Properties of the {@link WebServersStack}. */
export interface WebServersStackProps extends LaunchStackProps {
  /**
   * Where the servers run (public subnets when they are to hold an Elastic IP).
   * @default - the private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Data volumes of each server.
   * @default - none
   */
  readonly dataVolumes?: DataVolume[];
  /**
   * How many identical web servers.
   * @default 10
   */
  readonly instanceCount?: number;
}

/** The seeds' ten identical web servers from one image, as standalone hardened instances. */
export class WebServersStack extends Stack {
  public readonly fleet: InstanceFleet;

  constructor(scope: Construct, id: string, props: WebServersStackProps = {}) {
    super(scope, id, props);
    this.fleet = new InstanceFleet(this, 'WebServers', {
      vpc: props.vpc,
      image: imageOf(props),
      instanceCount: props.instanceCount ?? 10,
      vpcSubnets: props.vpcSubnets,
      dataVolumes: props.dataVolumes,
      // the golden image has nginx baked in; the script then only writes the page
      userData: ec2.UserData.custom(HELLO),
    });
  }
}

/** Properties of the {@link WebGroupStack}. */
export interface WebGroupStackProps extends LaunchStackProps {
  /**
   * Label of the image generation; changing it rolls the group (see AutoScalingFleetProps.imageRevision).
   * @default - none
   */
  readonly imageRevision?: string;
}

/**
 * The same web server as an Auto Scaling group that rolls onto new images with an instance refresh.
 * A stack of its own: cdk-nag 3.0.2's AwsSolutions-EC26 throws on standalone instances that share a
 * stack with a launch template.
 */
export class WebGroupStack extends Stack {
  public readonly fleet: AutoScalingFleet;

  constructor(scope: Construct, id: string, props: WebGroupStackProps = {}) {
    super(scope, id, props);
    this.fleet = new AutoScalingFleet(this, 'WebGroup', {
      vpc: props.vpc,
      image: imageOf(props),
      minCapacity: 2,
      maxCapacity: 10,
      userData: ec2.UserData.custom(HELLO),
      imageRevision: props.imageRevision,
    });
  }
}

function imageOf(props: LaunchStackProps): FleetImage {
  return props.machineImage ? FleetImage.fromMachineImage(props.machineImage) : FleetImage.latestAmazonLinux2023();
}
