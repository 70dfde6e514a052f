import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { HardenedNode, HardenedNodeOptions } from '../core/hardened-node';
import { SecureVpc } from '../core/secure-vpc';
import { checkExclusive, invalid } from '../core/validation';
import { DataVolume, dataVolumeBlockDevices } from './data-volume';
import { FleetImage } from './fleet-image';

/** Properties both fleets share. */
export interface FleetBaseProps extends HardenedNodeOptions {
  /**
   * Image the instances launch from. Exclusive with `machineImage` (which is the same as
   * `FleetImage.fromMachineImage(machineImage)`).
   * @default FleetImage.latestAmazonLinux2023() - read when each instance launches
   */
  readonly image?: FleetImage;
  /**
   * VPC the instances run in. One you bring is used as given.
   * @default - a new SecureVpc (flow logs, private subnets with NAT egress)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets the instances are spread over.
   * @default - the private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Extra encrypted EBS volumes created with each instance, encrypted with `ebsEncryptionKey`.
   * @default - none
   */
  readonly dataVolumes?: DataVolume[];
}

/** What both fleets build first: the VPC, the hardened node and the block devices. */
export interface FleetFoundation {
  readonly vpc: ec2.IVpc;
  readonly node: HardenedNode;
  readonly image: FleetImage;
  readonly dataDevices: ec2.BlockDevice[];
}

/** Validates the shared props and builds the VPC (unless given) and the hardened node. */
export function buildFoundation(scope: Construct, props: FleetBaseProps, forLaunchTemplate: boolean): FleetFoundation {
  checkExclusive(scope, 'image', props.image, 'machineImage', props.machineImage);
  const image = props.image
    ?? (props.machineImage ? FleetImage.fromMachineImage(props.machineImage) : FleetImage.latestAmazonLinux2023());
  const machineImage = forLaunchTemplate ? image._forLaunchTemplate(scope) : image._forInstances(scope);
  const volumes = props.dataVolumes ?? [];
  if (!forLaunchTemplate) {
    // AWS::EC2::Instance's Ebs block device has no Throughput (CloudFormation reference): it would be dropped.
    volumes.forEach((v, i) => {
      if (v.throughputMiBps !== undefined) {
        invalid(scope, `dataVolumes[${i}].throughputMiBps`, v.throughputMiBps, 'left out on an InstanceFleet',
          'Standalone instances cannot set a gp3 throughput at launch (125 MiB/s). Use an AutoScalingFleet (launch template), '
          + 'or raise the throughput after launch with aws ec2 modify-volume.');
      }
    });
  }
  const dataDevices = dataVolumeBlockDevices(scope, volumes, props.rootDeviceName ?? '/dev/xvda', props.ebsEncryptionKey, forLaunchTemplate);
  const vpc = props.vpc ?? new SecureVpc(scope, 'Vpc').vpc;
  const userData = props.userData ?? image._defaultUserData(scope, machineImage);
  const node = new HardenedNode(scope, 'Node', { ...props, vpc, machineImage, userData });
  return { vpc, node, image, dataDevices };
}

/** What both fleets expose: the hardened node, its role, security group and network, and the image. */
export abstract class FleetBase extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The shared hardened settings: role, security group, user data, image. */
  public readonly hardenedNode: HardenedNode;
  /** The role of the instances. */
  public readonly role: iam.IRole;
  /**
   * Grant to this rather than to `role`: a role you bring gets the statements in a customer-managed
   * policy (or, when immutable, a synth warning listing them) instead of an inline policy.
   */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The security group of the instances. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Network access of the instances; for example `fleet.connections.allowFrom(alb, ec2.Port.tcp(80))`. */
  public readonly connections: ec2.Connections;
  /** The VPC the instances run in. */
  public readonly vpc: ec2.IVpc;
  /** Where the image comes from and when it resolves. */
  public readonly image: FleetImage;
  /** The data volumes of each instance as encrypted block devices. @internal */
  protected readonly _dataDevices: ec2.BlockDevice[];

  protected constructor(scope: Construct, id: string, props: FleetBaseProps, forLaunchTemplate: boolean) {
    super(scope, id);
    const { vpc, node, image, dataDevices } = buildFoundation(this, props, forLaunchTemplate);
    this.vpc = vpc;
    this.hardenedNode = node;
    this.image = image;
    this._dataDevices = dataDevices;
    this.role = node.role;
    this.grantPrincipal = node.grantPrincipal;
    this.securityGroup = node.securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [node.securityGroup] });
  }
}
