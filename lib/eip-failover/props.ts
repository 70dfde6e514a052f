import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { HardenedNodeOptions } from '../core/hardened-node';
import { ApplicationHealthCheck } from './health-check';

/** Props of {@link ElasticIpFailover}. The node settings apply only to nodes the construct creates. */
export interface ElasticIpFailoverProps extends HardenedNodeOptions {
  /**
   * VPC of the pair. Nodes the construct creates go into its public subnets (an Elastic IP only
   * works there); the probe function (or, with a VPC control path, the deciding function) runs in
   * its private subnets.
   * @default - a new SecureVpc with two Availability Zones; NAT gateways only with `FailoverControlPath.VPC_ROUTES` (one per zone)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The node that holds the address first. Give `primary` and `standby` together, each with
   * exactly one network interface, in public subnets of `vpc`.
   * @default - a hardened instance in the first public subnet
   */
  readonly primary?: ec2.IInstance;
  /**
   * The node that takes the address over.
   * @default - a hardened instance in the second public subnet (another Availability Zone when the VPC has two)
   */
  readonly standby?: ec2.IInstance;
  /**
   * Allocation id of an Elastic IP you already own (for example one retained from an earlier
   * deployment and published in DNS).
   * @default - a new Elastic IP
   */
  readonly allocationId?: string;
  /**
   * What happens to a new Elastic IP on `cdk destroy` or replacement. The address is what users
   * and DNS records point at; a released address cannot be got back.
   * @default RemovalPolicy.RETAIN
   */
  readonly addressRemovalPolicy?: RemovalPolicy;
  /**
   * Image of the standby the construct creates, when it should differ from `machineImage`: roll a
   * new image one node at a time (the standby first, then, after a failover, the primary). A single
   * image resolved at each deploy (an SSM-typed parameter such as
   * `ec2.MachineImage.latestAmazonLinux2023()` or a pipeline's `machineImage`) would replace both
   * nodes in one deploy, and is refused for that reason.
   * @default - `machineImage`
   */
  readonly standbyMachineImage?: ec2.IMachineImage;
  /**
   * Termination protection of the nodes the construct creates. Turn it off (and deploy) before `cdk destroy`.
   * @default true
   */
  readonly disableApiTermination?: boolean;
  /**
   * Minimum time between a move away from the primary and a fail-back to it. It never delays
   * leaving a failed holder: a failover happens as soon as the other node is eligible.
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * Move the address back to the primary once it is healthy again: after `failBackReadings`
   * consecutive eligible readings and, when the address last left the primary, the cooldown.
   * @default false - the address stays where it is until that node fails
   */
  readonly failBack?: boolean;
  /**
   * Consecutive eligible readings of the primary (one per scheduled run) before a fail-back
   * (hysteresis, like keepalived's `rise`).
   * @default 3
   */
  readonly failBackReadings?: number;
  /**
   * How often the function reconciles on a schedule, besides the events. The schedule catches
   * lost or throttled events, ends cooldowns, runs the application probe and fails back.
   * @default Duration.minutes(1)
   */
  readonly reconcileInterval?: Duration;
  /**
   * Period of the status-check alarms. `StatusCheckFailed_*` is published once a minute.
   * @default Duration.minutes(1)
   */
  readonly statusCheckPeriod?: Duration;
  /**
   * Consecutive failed periods before a status-check alarm fires (and the node counts as impaired).
   * @default 2
   */
  readonly statusCheckEvaluationPeriods?: number;
  /**
   * Application probe run from the function (inside the VPC) against each node. The nodes'
   * security groups admit the function on the probe port.
   * @default - no application probe: EC2 state and status checks only
   */
  readonly healthCheck?: ApplicationHealthCheck;
  /**
   * Key for the function's log group, dead-letter queue and notification topic. A key you bring
   * must let `logs.<region>.amazonaws.com` and `cloudwatch.amazonaws.com` use it.
   * @default - a customer-managed key with rotation, retained on destroy
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Topic for failovers, "no healthy node" and alarms.
   * @default - a KMS-encrypted, TLS-only topic
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Subnets of the function that runs in the VPC: the probe function with
   * `FailoverControlPath.PUBLIC_API`, the deciding function otherwise. Give subnets in both of the
   * pair's Availability Zones, so that losing one zone leaves the path in the other.
   * @default - the private subnets (with egress when the VPC has them, else isolated)
   */
  readonly functionSubnets?: ec2.SubnetSelection;
  /**
   * How the deciding function reaches the EC2, CloudWatch and SNS APIs, so that losing any one
   * Availability Zone leaves it working. See `FailoverControlPath` for what each costs.
   * @default FailoverControlPath.PUBLIC_API
   */
  readonly controlPath?: FailoverControlPath;
  /**
   * The network interface of your own primary that receives the address. Required when that
   * instance has more than one network interface.
   * @default - the primary's interface at device index 0
   */
  readonly primaryNetworkInterfaceId?: string;
  /**
   * The network interface of your own standby that receives the address. Required when that
   * instance has more than one network interface.
   * @default - the standby's interface at device index 0
   */
  readonly standbyNetworkInterfaceId?: string;
}

/**
 * How the deciding function reaches the AWS APIs. Each survives the loss of any one Availability
 * Zone; they differ in cost and in where the function runs.
 */
export enum FailoverControlPath {
  /**
   * The deciding function runs outside any VPC and calls the regional public endpoints (the EC2 API
   * needs no VPC path); an application probe runs in a small probe function in the VPC's private
   * subnets of both zones, which calls no AWS API. Needs no NAT gateway and no endpoint: the
   * cheapest path. AWS Control Tower's optional control CT.LAMBDA.PR.3 (functions in a VPC) flags
   * the deciding function: choose another path where that control is enforced.
   */
  PUBLIC_API = 'PUBLIC_API',
  /**
   * The deciding function runs in the VPC, and the construct creates interface endpoints for EC2,
   * CloudWatch and SNS in each function subnet's zone, each with a least-privilege endpoint policy.
   * About USD 0.01 per endpoint per zone-hour: 3 endpoints in 2 zones are about USD 44 a month,
   * plus data processing.
   */
  INTERFACE_ENDPOINTS = 'INTERFACE_ENDPOINTS',
  /**
   * The deciding function runs in the VPC and you provide the path: a NAT gateway in every function
   * subnet's zone, or your own endpoints. For a VPC the construct creates, it gets one NAT gateway
   * per zone (about USD 33 a month each, plus data) and the path is checked at synth.
   */
  VPC_ROUTES = 'VPC_ROUTES',
}

/**
 * The props that configure only the nodes the construct creates. The `satisfies` clause fails to
 * compile when HardenedNodeOptions gains an option this list does not name.
 */
export const NODE_OPTION_KEYS = {
  instanceType: true, machineImage: true, role: true, instanceProfile: true, securityGroup: true, ebsEncryptionKey: true,
  rootVolumeSize: true, rootDeviceName: true, httpPutResponseHopLimit: true, detailedMonitoring: true, keyPair: true,
  userData: true,
} as const satisfies Record<keyof HardenedNodeOptions, true>;


