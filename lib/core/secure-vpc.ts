import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ROUTE_TO_IGW_RULES, acknowledgeRules } from './compliance-ids';
import { allowCloudWatchLogs, keyOrCreate } from './encryption';
import { ManagedPolicyRole } from './managed-policy-role';
import { checkRange, invalid } from './validation';

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
   * Interface endpoints for Systems Manager (`ssm`, `ssmmessages`, `ec2messages`) in the private
   * subnets, so nodes reach Session Manager and Run Command without NAT or a public IP. Each
   * endpoint costs per AZ and hour (about $7.30 a month per endpoint and AZ in us-east-1, plus data).
   * @default false - nodes reach Systems Manager through NAT only; a fleet placed where they cannot is refused at synth
   */
  readonly ssmEndpoints?: boolean;
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
  /** The Systems Manager interface endpoints (empty without `ssmEndpoints`). */
  public readonly ssmEndpoints: ec2.InterfaceVpcEndpoint[] = [];

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
      ipAddresses: ec2.IpAddresses.cidr(CIDR),
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

    if (props.ssmEndpoints) this.addSsmEndpoints();
    SECURE_VPCS.set(this.vpc, this);

    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (route) {
        acknowledgeRules(route, ROUTE_TO_IGW_RULES, PUBLIC_ROUTE_REASON);
      }
    }
  }

  /**
   * Whether nodes in these subnets reach Systems Manager: through the endpoints, through NAT (private
   * subnets with egress), or through a public IP (public subnets, only when `publicIp`).
   */
  public reachesSsm(subnets: ec2.ISubnet[], publicIp: boolean): boolean {
    if (this.ssmEndpoints.length > 0) return true;
    const withNat = new Set(this.vpc.privateSubnets.map((s) => s.node.path));
    const isPublic = new Set(this.vpc.publicSubnets.map((s) => s.node.path));
    return subnets.every((s) => withNat.has(s.node.path) || (publicIp && isPublic.has(s.node.path)));
  }

  private addSsmEndpoints(): void {
    const subnets = this.vpc.selectSubnets({ subnets: [...this.vpc.privateSubnets, ...this.vpc.isolatedSubnets] });
    // A literal CIDR, not vpc.vpcCidrBlock: cdk-nag reports a rule with an unresolved peer.
    const securityGroup = new ec2.SecurityGroup(this, 'SsmEndpointSecurityGroup', {
      vpc: this.vpc,
      description: `Systems Manager endpoints of ${this.node.path}: HTTPS from the VPC only`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(ec2.Peer.ipv4(CIDR), ec2.Port.tcp(443), 'HTTPS from nodes in the VPC');
    for (const [name, actions] of Object.entries(SSM_ENDPOINT_ACTIONS)) {
      const endpoint = this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service: new ec2.InterfaceVpcEndpointAwsService(name),
        subnets,
        securityGroups: [securityGroup],
        open: false,
        privateDnsEnabled: true,
      });
      // Only principals of this account, only what the SSM agent calls (AmazonSSMManagedInstanceCore).
      endpoint.addToPolicy(new iam.PolicyStatement({
        sid: 'SsmAgentOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID } },
      }));
      this.ssmEndpoints.push(endpoint);
    }
  }
}

/** The address range of every SecureVpc (the aws-cdk-lib default, written out for the endpoint rule). */
const CIDR = '10.0.0.0/16';

/**
 * What the SSM agent calls on each endpoint: the actions of the AWS managed policy
 * AmazonSSMManagedInstanceCore (AWS Managed Policy Reference), so the endpoints never refuse what
 * the standard instance role allows. Add statements to `ssmEndpoints` for other SSM calls from the VPC.
 */
const SSM_ENDPOINT_ACTIONS: { readonly [service: string]: string[] } = {
  ssm: [
    'ssm:DescribeAssociation', 'ssm:GetDeployablePatchSnapshotForInstance', 'ssm:GetDocument', 'ssm:DescribeDocument',
    'ssm:GetManifest', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListAssociations', 'ssm:ListInstanceAssociations',
    'ssm:PutInventory', 'ssm:PutComplianceItems', 'ssm:PutConfigurePackageResult', 'ssm:UpdateAssociationStatus',
    'ssm:UpdateInstanceAssociationStatus', 'ssm:UpdateInstanceInformation',
  ],
  ssmmessages: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
  ec2messages: [
    'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
    'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply',
  ],
};

/** The SecureVpc that made each VPC, so patterns can check the nodes they place in it. */
const SECURE_VPCS = new WeakMap<ec2.IVpc, SecureVpc>();

/**
 * Refuses nodes without a path to Systems Manager (Session Manager is their only shell) in a VPC the
 * library created. VPCs you bring are not checked: their routes and endpoints are not known here.
 */
export function checkSsmPath(scope: IConstruct, vpc: ec2.IVpc, subnets: ec2.ISubnet[], publicIp: boolean): void {
  const secure = SECURE_VPCS.get(vpc);
  if (!secure || secure.reachesSsm(subnets, publicIp)) return;
  invalid(scope, 'vpcSubnets', subnets.map((s) => s.node.path).join(', '),
    'subnets whose nodes reach Systems Manager (private subnets with NAT, or any subnet when the VPC has SSM endpoints)',
    `Nodes there have no NAT, no public IP and no endpoint, so Session Manager cannot reach them. Pass ssmEndpoints: true to ${secure.node.path}, `
    + 'or place the nodes in private subnets with egress.');
}

const PUBLIC_ROUTE_REASON = 'The default route to the internet gateway is what makes this a public subnet. '
  + 'It hosts only the NAT gateway and nodes that are given an Elastic IP on purpose; the subnet never '
  + 'auto-assigns public IPs and workload security groups admit no internet ingress by default.';
