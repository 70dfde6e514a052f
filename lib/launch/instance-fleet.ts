import { Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { TEMPLATE_CHECK_HARD_CODED_AMI } from '../core/compliance-ids';
import { checkSsmPath } from '../core/secure-vpc';
import { checkRange, invalid, isKnown } from '../core/validation';
import { FleetBase, FleetBaseProps } from './fleet-base';
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
   * or running `cdk destroy`. It does not stop a replacement: CloudFormation creates the new
   * instance, fails to delete the old one, and leaves it running outside the stack.
   * @default true
   */
  readonly disableApiTermination?: boolean;
  /**
   * Image generation of each instance, in launch order (`Instance1` first; missing entries are 0).
   * Instances keep the AMI they launched with: the image is read when an instance launches, so a
   * new AMI alone replaces nothing. Raising one instance's generation replaces that instance (a new
   * logical id) on the next deploy, launched from the AMI the image names at that moment. Raise one
   * entry per deploy to roll the fleet one instance at a time. Refused for a fleet whose data volumes
   * are kept on termination: the replacement would leave them detached from the new instance.
   * @default - every instance at generation 0
   */
  readonly imageGenerations?: number[];
}

/** The largest fleet of standalone instances: each instance is a resource of a 500-resource template. */
const MAX_FLEET_INSTANCES = 100;

/**
 * A fixed number of identical hardened instances launched from one image and spread round-robin
 * over the chosen subnets (so over their Availability Zones): IMDSv2, encrypted volumes, detailed
 * monitoring, Session Manager instead of SSH, termination protection.
 */
export class InstanceFleet extends FleetBase {
  /** The instances, in launch order (`Instance1` ... `InstanceN`). */
  public readonly instances: ec2.Instance[];

  constructor(scope: Construct, id: string, props: InstanceFleetProps = {}) {
    super(scope, id, props, false);
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

    const generations = this.validateGenerations(props, count);
    const { vpc, hardenedNode: node, image } = this;
    this.refuseDeployTimeReplacement(image, count, props);

    const subnets = vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    if (subnets.length === 0) {
      invalid(this, 'vpcSubnets', props.vpcSubnets ?? 'private subnets with egress', 'a selection with at least one subnet',
        'Select subnets that exist in the VPC.');
    }
    checkSsmPath(this, vpc, subnets, false);

    this.instances = [];
    for (let i = 0; i < count; i++) {
      const generation = generations[i] ?? 0;
      const instance = node.createInstance(this, generation > 0 ? `Instance${i + 1}G${generation}` : `Instance${i + 1}`, {
        vpcSubnets: { subnets: [subnets[i % subnets.length]] },
        disableApiTermination: props.disableApiTermination ?? true,
        extraBlockDevices: this._dataDevices,
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

  private validateGenerations(props: InstanceFleetProps, count: number): number[] {
    const generations = props.imageGenerations ?? [];
    if (isKnown(count) && generations.length > count) {
      invalid(this, 'imageGenerations', generations, `at most one entry per instance (${count})`, 'Remove the entries of instances that no longer exist.');
    }
    generations.forEach((g, i) => {
      if (!isKnown(g)) invalid(this, `imageGenerations[${i}]`, '<token>', 'a number known at synth (it names the instance resource)');
      if (!Number.isInteger(g) || g < 0) invalid(this, `imageGenerations[${i}]`, g, 'a whole number of at least 0');
    });
    if (generations.some((g) => g > 0) && keptDataVolumes(props)) {
      invalid(this, 'imageGenerations', generations, 'all 0 while dataVolumes are kept on termination',
        'Replacing an instance would leave its data volumes detached, outside the stack. Copy the data first '
        + '(a snapshot restored with RestoredVolume), or use data volumes with deleteOnTermination: true.');
    }
    return generations;
  }

  /**
   * An image read on every deploy replaces every instance in the first deploy after a new AMI,
   * all at once, and detaches their kept data volumes: refuse it where that does harm.
   */
  private refuseDeployTimeReplacement(image: FleetImage, count: number, props: InstanceFleetProps): void {
    if (!image._resolvesAtDeploy) return;
    const fix = 'Read the image at launch (the default; FleetImage.fromSsmParameter(name) or fromPipeline(pipeline)) and roll '
      + 'instances one at a time with imageGenerations, or use an AutoScalingFleet, whose instance refresh rolls the group.';
    if (!isKnown(count) || count > 1) {
      invalid(this, 'image', 'an SSM parameter read at every deploy', 'an image read at launch for a fleet of more than one instance',
        `A new AMI would replace all ${count} instances in one deploy. ${fix}`);
    }
    if (keptDataVolumes(props)) {
      invalid(this, 'image', 'an SSM parameter read at every deploy', 'an image read at launch when dataVolumes are kept on termination',
        `A new AMI would replace the instance and leave its data volumes detached. ${fix}`);
    }
  }

  /** Instance ids, in launch order. */
  public get instanceIds(): string[] {
    return this.instances.map((i) => i.instanceId);
  }
}

function keptDataVolumes(props: InstanceFleetProps): boolean {
  return (props.dataVolumes ?? []).some((v) => !(v.deleteOnTermination ?? false));
}
