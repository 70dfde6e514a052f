import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TEMPLATE_CHECK_HARD_CODED_AMI } from '../core/compliance-ids';
import { HardenedNode } from '../core/hardened-node';
import { checkRange, invalid, isKnown } from '../core/validation';
import { FleetBaseProps, buildFoundation } from './fleet-base';
import { FleetImage } from './fleet-image';

/** Properties of an {@link InstanceFleet}. */
export interface InstanceFleetProps extends FleetBaseProps {
  /**
   * How many identical instances to launch, 1-100. Each is a CloudFormation resource; for more,
   * or for instances that come and go with load, use an `AutoScalingFleet`.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Termination protection (AwsSolutions-EC29). Turn it off and deploy before removing instances
   * or running `cdk destroy`.
   * @default true
   */
  readonly terminationProtection?: boolean;
}

/** The largest fleet of standalone instances: each instance is a resource of a 500-resource template. */
const MAX_FLEET_INSTANCES = 100;

/**
 * A fixed number of identical hardened instances launched from one image and spread round-robin
 * over the chosen subnets (so over their Availability Zones): IMDSv2, encrypted volumes, detailed
 * monitoring, Session Manager instead of SSH, termination protection.
 */
export class InstanceFleet extends Construct implements ec2.IConnectable {
  /** The instances, in launch order (`Instance1` ... `InstanceN`). */
  public readonly instances: ec2.Instance[];
  /** The shared hardened settings: role, security group, user data, image. */
  public readonly hardenedNode: HardenedNode;
  /** The role of the instances. */
  public readonly role: iam.IRole;
  /** The security group of the instances. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Network access of the instances; for example `fleet.connections.allowFrom(alb, ec2.Port.tcp(80))`. */
  public readonly connections: ec2.Connections;
  /** The VPC the instances run in. */
  public readonly vpc: ec2.IVpc;
  /** Where the image comes from and when it resolves. */
  public readonly image: FleetImage;

  constructor(scope: Construct, id: string, props: InstanceFleetProps = {}) {
    super(scope, id);
    const count = props.instanceCount ?? 1;
    checkRange(this, {
      property: 'instanceCount', value: count, min: 1, max: MAX_FLEET_INSTANCES,
      fix: 'Each instance is a CloudFormation resource; use an AutoScalingFleet for larger fleets.',
    });
    // Each instance is a resource of the template, so the count must be known at synth.
    if (!isKnown(count)) {
      invalid(this, 'instanceCount', '<token>', 'a number known at synth (each instance is a resource of the template)',
        'Write the count literally, or use an AutoScalingFleet, whose capacities may come from parameters.');
    }

    const { vpc, node, image, dataDevices } = buildFoundation(this, props, false);
    this.vpc = vpc;
    this.hardenedNode = node;
    this.image = image;
    this.role = node.role;
    this.securityGroup = node.securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [node.securityGroup] });

    const subnets = vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    if (subnets.length === 0) {
      invalid(this, 'vpcSubnets', props.vpcSubnets ?? 'private subnets with egress', 'a selection with at least one subnet',
        'Select subnets that exist in the VPC.');
    }

    this.instances = [];
    for (let i = 0; i < count; i++) {
      const instance = node.createInstance(this, `Instance${i + 1}`, {
        vpcSubnets: { subnets: [subnets[i % subnets.length]] },
        disableApiTermination: props.terminationProtection ?? true,
        extraBlockDevices: dataDevices,
      });
      if (image.source === 'amiIds') {
        Validations.of(instance.node.defaultChild!).acknowledge({
          id: TEMPLATE_CHECK_HARD_CODED_AMI,
          reason: 'The AMI id is the one the user listed for this region in FleetImage.fromAmiIds (validated as ami- plus '
            + '8 or 17 hex digits); the check also fires through a mapping or an AWS::EC2::Image::Id parameter default, '
            + 'and SSM-based images avoid it.',
        });
      }
      this.instances.push(instance);
    }
  }

  /** Instance ids, in launch order. */
  public get instanceIds(): string[] {
    return this.instances.map((i) => i.instanceId);
  }
}
