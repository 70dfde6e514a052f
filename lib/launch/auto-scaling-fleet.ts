import { Aws, Duration, Lazy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { allowServiceLinkedRole } from '../core/encryption';
import { createSecureTopic } from '../core/notifications';
import { checkSsmPath } from '../core/secure-vpc';
import { checkDurationUnit, checkPattern, checkRange, invalid, isKnown } from '../core/validation';
import { applyDeployTimeThroughput } from './data-volume';
import { FleetBase, FleetBaseProps } from './fleet-base';

/** Properties of an {@link AutoScalingFleet}. */
export interface AutoScalingFleetProps extends FleetBaseProps {
  /**
   * Fewest instances the group keeps running.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Most instances the group may run.
   * @default - the larger of minCapacity and desiredCapacity
   */
  readonly maxCapacity?: number;
  /**
   * Instances to run now. When set, every deploy resets the group to this size, undoing scaling
   * policies; leave it out once the group scales on its own.
   * @default - the group starts at minCapacity and keeps its size across deploys
   */
  readonly desiredCapacity?: number;
  /**
   * Share of the desired capacity that stays in service while an instance refresh replaces
   * instances (0-100). 100 launches new instances before terminating old ones.
   * @default 100
   */
  readonly minHealthyPercentage?: number;
  /**
   * Share of the desired capacity that may run during an instance refresh (100-200, at most 100
   * above minHealthyPercentage); above 100 the group launches replacements first.
   * @default 110
   */
  readonly maxHealthyPercentage?: number;
  /**
   * Time a new instance needs to boot and pass health checks: the health check grace period, the
   * default instance warmup and the refresh's pause between instances.
   * @default Duration.minutes(5)
   */
  readonly instanceWarmup?: Duration;
  /**
   * A label of the image generation (a build number, a date). Changing it makes a new launch
   * template version, which rolls the group with an instance refresh. With an image resolved at
   * launch the launch template does not change when the AMI does: bump this (or run
   * `aws autoscaling start-instance-refresh`) to roll the group onto the new AMI.
   * It is also tagged on every instance as `ImageRevision`.
   * @default - no label; the group rolls only when the launch template changes
   */
  readonly imageRevision?: string;
  /**
   * Topic that receives launch, terminate and error notifications. A topic you bring must let the
   * Auto Scaling service-linked role publish (and use its KMS key).
   * @default - a topic encrypted with a customer-managed key that the service-linked role can use
   */
  readonly notificationTopic?: sns.ITopic;
}

/** Tag values: letters, digits, spaces and + - = . _ : / @, at most 256 characters (EC2 tag restrictions). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

/**
 * An Auto Scaling group of hardened instances launched from one image through a hardened launch
 * template. A new launch template version (new user data, a new
 * `imageRevision`) makes CloudFormation roll the group with an instance refresh that keeps
 * `minHealthyPercentage` in service. Launch, terminate and error events go to an encrypted SNS
 * topic. The group is exposed for load balancers and scaling policies; when it is attached to a
 * target group it switches to ELB health checks.
 */
export class AutoScalingFleet extends FleetBase {
  /** The Auto Scaling group: attach it to load balancers and add scaling policies to it. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The hardened launch template of the group. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** Topic of the scaling notifications. */
  public readonly notificationTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: AutoScalingFleetProps = {}) {
    super(scope, id, props, true);
    const capacity = this.validateCapacity(props);
    const minHealthy = props.minHealthyPercentage ?? 100;
    const maxHealthy = props.maxHealthyPercentage ?? 110;
    this.validateHealthyPercentages(minHealthy, maxHealthy);
    checkPattern(this, 'imageRevision', props.imageRevision, TAG_VALUE,
      "1-256 letters, digits, spaces or + - = . _ : / @ (a tag value)");
    const warmup = props.instanceWarmup ?? Duration.minutes(5);
    // The group, its health check and the refresh take the warmup in seconds: a Token cannot be converted at synth.
    checkDurationUnit(this, 'instanceWarmup', warmup, ['seconds'], 'A deploy-time amount cannot be converted to seconds at synth.');

    const { vpc, hardenedNode: node, image } = this;
    this.launchTemplate = node.createLaunchTemplate(this, 'LaunchTemplate', { extraBlockDevices: this._dataDevices });
    applyDeployTimeThroughput(this.launchTemplate, props.dataVolumes ?? []);
    if (props.imageRevision !== undefined) {
      // Instance tags live in the launch template data, so a new label is a new template version.
      Tags.of(this.launchTemplate).add('ImageRevision', props.imageRevision);
    }
    // The service-linked role launches the instances, so it needs the key of the volumes and that of
    // the AMI's snapshots (a pipeline's key travels with FleetImage.fromPipeline).
    for (const key of new Set([props.ebsEncryptionKey, image.encryptionKey])) {
      if (key) allowAutoScalingToUseKey(key, EBS_KEY_ACTIONS, true);
    }

    this.notificationTopic = props.notificationTopic ?? this.createTopic();

    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const subnets = vpc.selectSubnets(vpcSubnets).subnets;
    checkSsmPath(this, vpc, subnets, false);
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Resource', {
      vpc,
      vpcSubnets,
      launchTemplate: this.launchTemplate,
      ...capacity,
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: warmup }),
      defaultInstanceWarmup: warmup,
      updatePolicy: autoscaling.UpdatePolicy.instanceRefresh({
        strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
        minHealthyPercentage: minHealthy,
        maxHealthyPercentage: maxHealthy,
        instanceWarmup: warmup,
        skipMatching: true,
      }),
      notifications: [{ topic: this.notificationTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
      groupMetrics: [autoscaling.GroupMetrics.all()],
    });
    if (capacity.desiredCapacity !== undefined) {
      Validations.of(this.autoScalingGroup).acknowledge({
        id: 'Annotation::@aws-cdk/aws-autoscaling:desiredCapacitySet',
        reason: 'desiredCapacity was set explicitly, and AutoScalingFleetProps.desiredCapacity documents that every '
          + 'deploy resets the group to it; leaving it out lets the group keep the size its scaling policies chose.',
      });
    }

    // A group behind a load balancer must replace instances the load balancer finds unhealthy
    // (HIPAA/NIST/PCI AutoScalingGroupELBHealthCheckRequired), whichever way it was attached.
    const cfn = this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    // The AZs of the group's subnets, stated as well: CloudFormation accepts both when the subnets lie
    // in those AZs (AWS::AutoScaling::AutoScalingGroup, AvailabilityZones and VPCZoneIdentifier), and
    // Control Tower CT.AUTOSCALING.PR.1 reads only AvailabilityZones to see that a group spans two AZs.
    const resolved = (az: string) => JSON.stringify(Stack.of(this).resolve(az));
    const subnetAzs = subnets.map((subnet) => subnet.availabilityZone);
    cfn.availabilityZones = subnetAzs.filter((az, i) => subnetAzs.findIndex((other) => resolved(other) === resolved(az)) === i);
    cfn.healthCheckType = Lazy.string({
      produce: () => {
        const stack = Stack.of(this);
        const targets = [...(stack.resolve(cfn.targetGroupArns) ?? []), ...(stack.resolve(cfn.loadBalancerNames) ?? [])];
        return targets.length > 0 ? 'ELB' : 'EC2';
      },
    });
  }

  private validateCapacity(props: AutoScalingFleetProps): { minCapacity: number; maxCapacity: number; desiredCapacity?: number } {
    const min = props.minCapacity ?? 1;
    const desired = props.desiredCapacity;
    // The default maxCapacity is computed at synth: it needs the capacities it derives from.
    if (props.maxCapacity === undefined && (!isKnown(min) || (desired !== undefined && !isKnown(desired)))) {
      invalid(this, 'maxCapacity', undefined, 'given when minCapacity or desiredCapacity is known only at deploy',
        'The default maxCapacity is the larger of the two, which cannot be computed at synth; pass maxCapacity (a parameter works).');
    }
    const max = props.maxCapacity ?? Math.max(min, desired ?? 0, 1);
    const whole = (property: string, value: number | undefined, lowest: number) => {
      if (value === undefined || !isKnown(value)) return;
      if (!Number.isInteger(value) || value < lowest) invalid(this, property, value, `a whole number of at least ${lowest}`);
    };
    whole('minCapacity', min, 0);
    whole('maxCapacity', max, 1);
    whole('desiredCapacity', desired, 0);
    if (isKnown(min) && isKnown(max) && min > max) {
      invalid(this, 'maxCapacity', max, `at least minCapacity (${min})`, 'Raise maxCapacity or lower minCapacity.');
    }
    if (desired !== undefined && isKnown(desired)) {
      if (isKnown(min) && desired < min) invalid(this, 'desiredCapacity', desired, `at least minCapacity (${min})`);
      if (isKnown(max) && desired > max) invalid(this, 'desiredCapacity', desired, `at most maxCapacity (${max})`);
    }
    return { minCapacity: min, maxCapacity: max, desiredCapacity: desired };
  }

  private validateHealthyPercentages(min: number, max: number): void {
    // AWS::AutoScaling::AutoScalingGroup InstanceMaintenancePolicy / refresh preferences:
    // MinHealthyPercentage 0-100, MaxHealthyPercentage 100-200, at most 100 apart.
    checkRange(this, { property: 'minHealthyPercentage', value: min, min: 0, max: 100, unit: '%' });
    checkRange(this, { property: 'maxHealthyPercentage', value: max, min: 100, max: 200, unit: '%' });
    if (isKnown(min) && isKnown(max) && max - min > 100) {
      invalid(this, 'maxHealthyPercentage', max, `at most 100 above minHealthyPercentage (${min}), so at most ${min + 100}`);
    }
  }

  private createTopic(): sns.ITopic {
    const topic = createSecureTopic(this, 'Notifications', { displayName: `Scaling events of ${this.node.path}` });
    if (topic.masterKey) {
      allowAutoScalingToUseKey(topic.masterKey, TOPIC_KEY_ACTIONS, false);
      // The service principal only on behalf of this account (confused-deputy guard, IAM User Guide
      // "The confused deputy problem"; AWS KMS Developer Guide, "aws:SourceAccount").
      topic.masterKey.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowAutoScalingServiceOfThisAccount',
        principals: [new iam.ServicePrincipal('autoscaling.amazonaws.com')],
        actions: TOPIC_KEY_ACTIONS,
        resources: ['*'], // in a key policy, '*' means this key
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }));
    }
    return topic;
  }
}

const EBS_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'];

/** Lets the Auto Scaling service-linked role use a key the stack owns (core's shared statement). */
function allowAutoScalingToUseKey(key: kms.IKey, actions: string[], withGrants: boolean): void {
  allowServiceLinkedRole(key, {
    sid: 'AllowAutoScalingServiceLinkedRole', service: 'autoscaling.amazonaws.com', roleName: 'AWSServiceRoleForAutoScaling', actions, withGrants,
  });
}
