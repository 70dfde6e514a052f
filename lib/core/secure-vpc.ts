import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTE_TO_IGW_RULES, acknowledgeRules } from './compliance-ids';
import { allowCloudWatchLogs, keyOrCreate } from './encryption';
import { ManagedPolicyRole } from './managed-policy-role';
import { checkRange } from './validation';

/** Properties of a {@link SecureVpc}. */
export interface SecureVpcProps {
  /**
   * How many Availability Zones to span.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * How many NAT gateways to create (one per AZ is the highly available choice).
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Whether to create public subnets. Public subnets never auto-assign public IPs; only
   * resources that are given an address explicitly (an Elastic IP, a NAT gateway) are public.
   * Without public subnets there is no NAT either, and instances reach AWS only through VPC endpoints.
   * @default true
   */
  readonly publicSubnets?: boolean;
  /**
   * Key that encrypts the flow log group.
   * @default - a customer-managed key with rotation, retained on destroy
   */
  readonly flowLogKey?: kms.IKey;
  /**
   * How long flow logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * A VPC that satisfies the AwsSolutions, HIPAA, NIST 800-53 R5 and PCI DSS packs: flow logs of all
 * traffic to an encrypted log group, no public IP auto-assignment, private subnets with egress
 * through NAT for workloads. Patterns create one when the user does not pass a VPC.
 */
export class SecureVpc extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** Log group of the flow logs. */
  public readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SecureVpcProps = {}) {
    super(scope, id);
    checkRange(this, { property: 'maxAzs', value: props.maxAzs, min: 1, max: 6 });
    checkRange(this, { property: 'natGateways', value: props.natGateways, min: 0, max: props.maxAzs ?? 2 });
    const publicSubnets = props.publicSubnets ?? true;
    const natGateways = publicSubnets ? (props.natGateways ?? 1) : 0;

    const subnetConfiguration: ec2.SubnetConfiguration[] = [];
    if (publicSubnets) {
      subnetConfiguration.push({ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false });
    }
    subnetConfiguration.push({
      name: 'Private',
      subnetType: natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
      cidrMask: 22,
    });

    this.vpc = new ec2.Vpc(this, 'Resource', {
      maxAzs: props.maxAzs ?? 2,
      natGateways,
      subnetConfiguration,
      restrictDefaultSecurityGroup: true,
    });

    const key = keyOrCreate(this, 'FlowLogKey', props.flowLogKey, { description: `Flow logs of ${this.node.path}` });
    allowCloudWatchLogs(key);
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: key,
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const flowLogRole = new ManagedPolicyRole(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
      description: `Writes the flow logs of ${this.node.path}`,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (route) {
        acknowledgeRules(route, ROUTE_TO_IGW_RULES, PUBLIC_ROUTE_REASON);
      }
    }
  }
}

const PUBLIC_ROUTE_REASON = 'The default route to the internet gateway is what makes this a public subnet. '
  + 'It hosts only the NAT gateway and nodes that are given an Elastic IP on purpose; the subnet never '
  + 'auto-assigns public IPs and workload security groups admit no internet ingress by default.';
