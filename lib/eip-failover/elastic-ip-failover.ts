import * as path from 'path';
import { CfnCondition, Duration, Fn, RemovalPolicy, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_IN_VPC_RULES, acknowledgeRules } from '../core/compliance-ids';
import { allowCloudWatchLogs, keyOrCreate } from '../core/encryption';
import { HardenedNode } from '../core/hardened-node';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { createSecureTopic } from '../core/notifications';
import { SecureVpc, checkSsmPath } from '../core/secure-vpc';
import { invalid } from '../core/validation';
import { createOperatorAlarms, createStatusCheckAlarms, topicAction } from './alarms';
import { checkControlPath, createEndpoints } from './control-path';
import {
  API_BUDGET, MAX_FUNCTION_TIMEOUT_MS, RecoveryInputs, RecoveryTimes, decisionBudgetMs, functionTimeoutMs, knownMs, recoveryTimes,
} from './detection';
import { PAUSE_TAG, acknowledgePolicy, decisionStatements, grantDecision, grantVpcAttachment } from './function-policy';
import { ApplicationHealthCheck } from './health-check';
import { ElasticIpFailoverProps, FailoverControlPath } from './props';
import { DEFAULTS, primarySubnetIdOf, validateElasticIpFailoverProps, validateNodeImages, validatePair } from './validation';

const STATE_CHANGES = ['stopping', 'stopped', 'shutting-down', 'terminated'];
const RUNTIME_DIR = path.join(__dirname, 'runtime');

/**
 * A static public address held by a primary node that moves to a healthy standby automatically.
 *
 * A single function decides (reserved concurrency 1), always from the real state (the current
 * association, EC2 state, status checks, alarms and an optional probe), never moves the address
 * to a node that is not running and passing its checks, keeps it where it is when no node is
 * healthy (and says so), leaves a failed holder at once, and fails back only after a streak of
 * healthy readings and the cooldown.
 */
export class ElasticIpFailover extends Construct {
  /** CloudWatch namespace of the metrics the failover function publishes (dimension `AllocationId`). */
  public static readonly METRIC_NAMESPACE = 'EipFailover';

  /** Allocation id of the Elastic IP. */
  public readonly allocationId: string;
  /** The public address (undefined when you passed an existing `allocationId`). */
  public readonly publicIp?: string;
  /** The new Elastic IP (undefined when you passed an existing `allocationId`). */
  public readonly address?: ec2.CfnEIP;
  /** The node holding the address after deployment. */
  public readonly primary: ec2.IInstance;
  /** The node that takes over. */
  public readonly standby: ec2.IInstance;
  /** The hardened-node layer of the nodes the construct created (undefined when you passed them). */
  public readonly nodes?: HardenedNode;
  /** Security groups of the nodes: open your service ports here. */
  public readonly connections: ec2.Connections;
  /** VPC of the pair. */
  public readonly vpc: ec2.IVpc;
  /** The deciding function. */
  public readonly failoverFunction: lambda.Function;
  /** Role of the deciding function. */
  public readonly functionRole: ManagedPolicyRole;
  /** Dead-letter queue of events the function could not process after its retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Where failovers and alarms are announced. */
  public readonly topic: sns.ITopic;
  /** Alarms on the system and instance status checks of both nodes. */
  public readonly statusCheckAlarms: cloudwatch.Alarm[];
  /** Fires while neither node is healthy (the address stays where it is). */
  public readonly noHealthyNodeAlarm: cloudwatch.Alarm;
  /** Modelled worst-case time to recovery per failure class (see the README's table). */
  public readonly worstCaseRecovery: RecoveryTimes;
  /** Minimum time between a move away from the primary and a fail-back to it. */
  public readonly cooldown: Duration;
  /** The probe function in the VPC (with an application probe and `FailoverControlPath.PUBLIC_API`). */
  public readonly probeFunction?: lambda.Function;
  /** The interface endpoints the construct created (`FailoverControlPath.INTERFACE_ENDPOINTS`). */
  public readonly endpoints: ec2.InterfaceVpcEndpoint[];
  /** The tag an operator sets to `true` on the allocation to pause the automation (maintenance). */
  public static readonly PAUSE_TAG = PAUSE_TAG;

  constructor(scope: Construct, id: string, props: ElasticIpFailoverProps = {}) {
    super(scope, id);
    validateElasticIpFailoverProps(this, props);
    const controlPath = props.controlPath ?? FailoverControlPath.PUBLIC_API;
    const cooldown = props.cooldown ?? DEFAULTS.cooldown;
    const reconcileInterval = props.reconcileInterval ?? DEFAULTS.reconcileInterval;
    const statusPeriod = props.statusCheckPeriod ?? DEFAULTS.statusCheckPeriod;
    const evaluationPeriods = props.statusCheckEvaluationPeriods ?? DEFAULTS.statusCheckEvaluationPeriods;
    const failBackReadings = props.failBackReadings ?? DEFAULTS.failBackReadings;
    const probe = props.healthCheck;
    this.cooldown = cooldown;
    // Only the VPC path needs NAT gateways; the others reach the APIs without one.
    // The nodes sit in public subnets without a public IP of their own: the one that does not hold the
    // address reaches Session Manager, its only shell, through the VPC's SSM endpoints (or a NAT).
    this.vpc = props.vpc ?? new SecureVpc(this, 'Vpc', {
      natGateways: controlPath === FailoverControlPath.VPC_ROUTES ? 2 : 0,
      ssmEndpoints: true,
    }).vpc;
    validatePair(this, this.vpc, props);

    const nodes = this.createNodes(props);
    this.primary = nodes.primary;
    this.standby = nodes.standby;
    this.nodes = nodes.hardened;
    this.connections = new ec2.Connections({
      securityGroups: unique([...this.primary.connections.securityGroups, ...this.standby.connections.securityGroups]),
    });
    const address = this.createAddress(props);
    this.allocationId = address.allocationId;
    this.address = address.resource;
    this.publicIp = address.resource?.attrPublicIp;

    // Encryption and notification.
    const key = keyOrCreate(this, 'Key', props.encryptionKey, { description: `Failover function logs, DLQ and topic of ${this.node.path}` });
    if (!props.encryptionKey) {
      allowCloudWatchLogs(key, { sid: 'AllowLogs' });
      // Alarm actions publish to the encrypted topic.
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'], // in a key policy, '*' means this key
      }));
    }
    this.topic = props.notificationTopic ?? createSecureTopic(this, 'Topic', { displayName: `Elastic IP failover ${this.node.path}`, key });
    const alarmAction = topicAction(this.topic);
    const statusChecks = createStatusCheckAlarms(this, { primary: this.primary, standby: this.standby }, statusPeriod, evaluationPeriods, alarmAction);
    this.statusCheckAlarms = statusChecks.alarms;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // A dead-letter queue for the function only: no queue may redrive into it (Control Tower
      // CT.SQS.PR.1 accepts a dead-letter queue that declares its RedriveAllowPolicy).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.DENY_ALL },
    });
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const logGroup = this.logGroup('LogGroup', key, logRetention);

    // Where the functions run: the decider in the VPC only on the VPC paths; the probe in the VPC when the decider is not.
    const decidesInVpc = controlPath !== FailoverControlPath.PUBLIC_API;
    const subnetSelection = props.functionSubnets
      ?? { subnetType: this.vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
    const subnets = this.vpc.selectSubnets(subnetSelection);
    const inVpc = decidesInVpc || probe !== undefined;
    if (inVpc) {
      checkControlPath(this, this.vpc, controlPath, subnets.subnets, nodes.subnets, 'functionSubnets');
    }
    const functionSecurityGroup = decidesInVpc ? new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: `Failover function of ${this.node.path}: no ingress, egress to AWS APIs and the node probe`,
      allowAllOutbound: true,
    }) : undefined;
    if (probe && !decidesInVpc) {
      this.probeFunction = this.createProbeFunction(key, logRetention, subnetSelection, subnets.subnetIds, probe);
    } else if (probe) {
      this.connections.allowFrom(functionSecurityGroup!, ec2.Port.tcp(probe.port), 'Application probe of the failover function');
    }

    this.functionRole = new ManagedPolicyRole(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Failover function of ${this.node.path}: moves one Elastic IP between two instances`,
    });
    const model: RecoveryInputs = {
      reconcileIntervalMs: knownMs(reconcileInterval),
      statusCheckPeriodMs: knownMs(statusPeriod),
      statusCheckEvaluationPeriods: Token.isUnresolved(evaluationPeriods) ? undefined : evaluationPeriods,
      cooldownMs: knownMs(cooldown),
      failBack: props.failBack ?? false,
      failBackReadings: Token.isUnresolved(failBackReadings) ? undefined : failBackReadings,
      probe,
      remoteProbe: this.probeFunction !== undefined,
      inVpc: decidesInVpc,
    };
    const timeoutMs = functionTimeoutMs(model);
    if (timeoutMs > MAX_FUNCTION_TIMEOUT_MS) {
      invalid(this, 'healthCheck', `a probe whose worst case needs a ${timeoutMs / 1000} s run`, `at most ${MAX_FUNCTION_TIMEOUT_MS / 1000} s (the Lambda timeout limit)`,
        'Use fewer attempts or shorter timeouts: a liveness probe should answer within seconds.');
    }
    this.failoverFunction = new lambda.Function(this, 'Function', {
      description: `Keeps the Elastic IP of ${this.node.path} on a healthy node`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(RUNTIME_DIR),
      role: this.functionRole,
      memorySize: 128,
      timeout: Duration.millis(timeoutMs),
      reservedConcurrentExecutions: 1,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      logGroup,
      ...(decidesInVpc ? { vpc: this.vpc, vpcSubnets: subnetSelection, securityGroups: [functionSecurityGroup!] } : {}),
      environment: {
        CONFIG: Stack.of(this).toJsonString({
          allocationId: this.allocationId,
          primary: this.primary.instanceId,
          standby: this.standby.instanceId,
          interfaces: { primary: props.primaryNetworkInterfaceId, standby: props.standbyNetworkInterfaceId },
          alarms: statusChecks.names,
          cooldownSeconds: cooldown.toSeconds(),
          failBack: props.failBack ?? false,
          failBackReadings,
          healthCheck: probe?._render(),
          probeFunction: this.probeFunction?.functionName,
          decisionBudgetMs: decisionBudgetMs(probe, this.probeFunction !== undefined),
          api: API_BUDGET,
          topicArn: this.topic.topicArn,
          namespace: ElasticIpFailover.METRIC_NAMESPACE,
        }),
      },
    });
    const decisionScope = {
      allocationId: this.allocationId,
      instanceIds: [this.primary.instanceId, this.standby.instanceId],
      interfaceIds: props.primaryNetworkInterfaceId && props.standbyNetworkInterfaceId
        ? [props.primaryNetworkInterfaceId, props.standbyNetworkInterfaceId] : [],
      subnetIds: nodes.subnets.map((s) => s.subnetId),
      vpcId: this.vpc.vpcId,
      alarmArns: this.statusCheckAlarms.map((a) => a.alarmArn),
      topic: this.topic,
      key,
      probeFunction: this.probeFunction,
    };
    grantDecision(this.functionRole, decisionScope, logGroup);
    if (decidesInVpc) grantVpcAttachment(this.functionRole, subnets.subnetIds, functionSecurityGroup!);
    acknowledgePolicy(this.functionRole, decidesInVpc, true, decisionScope.interfaceIds.length === 0);
    this.endpoints = controlPath === FailoverControlPath.INTERFACE_ENDPOINTS
      ? createEndpoints(this, this.vpc, subnetSelection, functionSecurityGroup!, this.functionRole, decisionStatements(decisionScope))
      : [];
    if (!decidesInVpc) {
      acknowledgeRules(this.failoverFunction, LAMBDA_IN_VPC_RULES,
        'FailoverControlPath.PUBLIC_API on purpose: the deciding function calls only regional AWS APIs (EC2, CloudWatch, SNS, '
        + 'Lambda), which need no VPC path, so losing any Availability Zone cannot cut it off, with no NAT gateway or endpoint '
        + 'to pay for. It opens no port and reaches the nodes only through the probe function inside the VPC. '
        + 'FailoverControlPath.INTERFACE_ENDPOINTS runs it in the VPC instead.');
    }

    // With the fast loop the function runs nearly all the time, so events would mostly be throttled
    // and retried by Lambda for up to maxEventAge (then the DLQ); the loop reads what they report.
    const watching = probe !== undefined && (probe.watchInterval.isUnresolved() || probe.watchInterval.toMilliseconds() !== 0);
    this.createTriggers(reconcileInterval, !watching);
    const operator = createOperatorAlarms(this, ElasticIpFailover.METRIC_NAMESPACE, this.allocationId,
      [this.failoverFunction, ...(this.probeFunction ? [this.probeFunction] : [])], alarmAction);
    this.noHealthyNodeAlarm = operator.noHealthyNode;
    this.worstCaseRecovery = recoveryTimes(model);
  }

  /** The user's pair, or two hardened instances in public subnets of two zones; with the subnets of their interfaces when known. */
  private createNodes(props: ElasticIpFailoverProps): { primary: ec2.IInstance; standby: ec2.IInstance; subnets: ec2.ISubnet[]; hardened?: HardenedNode } {
    if (props.primary && props.standby) {
      const subnets = [props.primary, props.standby].flatMap((i) => {
        const id = i instanceof ec2.Instance ? primarySubnetIdOf(i.instance) : undefined;
        const subnet = id === undefined ? undefined : [...this.vpc.publicSubnets, ...this.vpc.privateSubnets, ...this.vpc.isolatedSubnets]
          .find((s) => s.subnetId === id);
        return subnet ? [subnet] : [];
      });
      return { primary: props.primary, standby: props.standby, subnets: subnets.length === 2 ? subnets : [] };
    }
    const publicSubnets = this.vpc.publicSubnets;
    if (publicSubnets.length === 0) {
      invalid(this, 'vpc', `${this.vpc.node.path} (no public subnets)`, 'a VPC with at least one public subnet',
        'An Elastic IP only routes to a node in a subnet whose route table leads to an internet gateway.');
    }
    validateNodeImages(this, props.machineImage, props.standbyMachineImage);
    const hardened = new HardenedNode(this, 'Nodes', { ...props, vpc: this.vpc });
    const place = (index: number) => publicSubnets[index % publicSubnets.length];
    const create = (id: string, index: number) => hardened.createInstance(this, id, {
      vpcSubnets: { subnets: [place(index)] }, disableApiTermination: props.disableApiTermination ?? true,
    });
    checkSsmPath(this, this.vpc, unique([place(0), place(1)]), false);
    const primary = create('Primary', 0);
    const standby = create('Standby', 1);
    if (props.standbyMachineImage) {
      (standby.node.defaultChild as ec2.CfnInstance).imageId = props.standbyMachineImage.getImage(standby).imageId;
    }
    return { primary, standby, subnets: unique([place(0), place(1)]), hardened };
  }

  /** The address and its first association (an association resource only; setting CfnEIP.instanceId as well fails with AlreadyExists). */
  private createAddress(props: ElasticIpFailoverProps): { allocationId: string; resource?: ec2.CfnEIP } {
    // CloudFormation needs the internet gateway attached before an address is allocated and associated
    // in the VPC: the public subnets' default routes depend on the attachment.
    const internetReady = this.vpc.publicSubnets.length > 0
      ? this.vpc.selectSubnets({ subnets: this.vpc.publicSubnets }).internetConnectivityEstablished
      : this.vpc.internetConnectivityEstablished;
    let resource: ec2.CfnEIP | undefined;
    if (!props.allocationId) {
      resource = new ec2.CfnEIP(this, 'Resource', { domain: 'vpc', tags: [{ key: 'Name', value: this.node.path }] });
      resource.applyRemovalPolicy(props.addressRemovalPolicy ?? RemovalPolicy.RETAIN);
      resource.node.addDependency(internetReady);
    }
    const allocationId = props.allocationId ?? resource!.attrAllocationId;
    const association = new ec2.CfnEIPAssociation(this, 'Association', {
      allocationId,
      ...(props.primaryNetworkInterfaceId ? { networkInterfaceId: props.primaryNetworkInterfaceId } : { instanceId: this.primary.instanceId }),
    });
    association.node.addDependency(internetReady);
    return { allocationId, resource };
  }

  private logGroup(id: string, key: kms.IKey, retention: logs.RetentionDays): logs.LogGroup {
    return new logs.LogGroup(this, id, { encryptionKey: key, retention, removalPolicy: RemovalPolicy.RETAIN });
  }

  /** The probe function: in the VPC's private subnets of both zones, egress only to the nodes' probe port, no AWS API. */
  private createProbeFunction(key: kms.IKey, retention: logs.RetentionDays, selection: ec2.SubnetSelection, subnetIds: string[],
    probe: ApplicationHealthCheck): lambda.Function {
    const group = new ec2.SecurityGroup(this, 'ProbeSecurityGroup', {
      vpc: this.vpc,
      description: `Probe function of ${this.node.path}: no ingress, egress only to the probe port of the nodes`,
      allowAllOutbound: false,
    });
    this.connections.allowFrom(group, ec2.Port.tcp(probe.port), 'Application probe of the failover function');
    const role = new ManagedPolicyRole(this, 'ProbeRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Probe function of ${this.node.path}: probes the pair from inside the VPC`,
    });
    const logGroup = this.logGroup('ProbeLogGroup', key, retention);
    const fn = new lambda.Function(this, 'ProbeFunction', {
      description: `Probes the nodes of ${this.node.path} from inside the VPC for the failover function`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.probe',
      code: lambda.Code.fromAsset(RUNTIME_DIR),
      role,
      memorySize: 128,
      timeout: Duration.millis(Math.ceil((probe.worstCaseDuration.toMilliseconds() + 2000) / 1000) * 1000),
      // Two: the deciding function's readings never queue behind a slow one.
      reservedConcurrentExecutions: 2,
      deadLetterQueue: this.deadLetterQueue,
      logGroup,
      vpc: this.vpc,
      vpcSubnets: selection,
      securityGroups: [group],
    });
    grantVpcAttachment(role, subnetIds, group);
    logGroup.grantWrite(role);
    key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    acknowledgePolicy(role, true, false);
    return fn;
  }

  /** Triggers: the reconciliation schedule and, without the fast loop, state changes and alarm transitions. */
  private createTriggers(reconcileInterval: Duration, withEvents: boolean): void {
    const target = new targets.LambdaFunction(this.failoverFunction);
    new events.Rule(this, 'ReconcileSchedule', {
      description: `Periodic reconciliation of the Elastic IP of ${this.node.path}`,
      schedule: rateSchedule(this, reconcileInterval),
      targets: [target],
    });
    if (!withEvents) return;
    new events.Rule(this, 'StateChangeRule', {
      description: `Instance state changes of the pair of ${this.node.path}`,
      eventPattern: {
        source: ['aws.ec2'],
        detailType: ['EC2 Instance State-change Notification'],
        detail: { 'instance-id': [this.primary.instanceId, this.standby.instanceId], 'state': STATE_CHANGES },
      },
      targets: [target],
    });
    new events.Rule(this, 'AlarmRule', {
      description: `Status-check alarm transitions of the pair of ${this.node.path}`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: this.statusCheckAlarms.map((a) => a.alarmArn),
      },
      targets: [target],
    });
  }
}

/**
 * `rate(...)` for a duration. EventBridge wants the singular unit for 1 (`rate(1 minute)`); a
 * deploy-time amount gets a condition that picks the right form (EventBridge User Guide, "Using
 * cron and rate expressions to schedule rules": "If the value is equal to 1, then the unit must be singular").
 */
function rateSchedule(scope: Construct, interval: Duration): events.Schedule {
  if (!interval.isUnresolved()) return events.Schedule.rate(interval);
  const unit = interval.unitLabel() === 'hours' ? 'hour' : 'minute';
  const amount = unit === 'hour' ? interval.toHours() : interval.toMinutes();
  const one = new CfnCondition(scope, 'ReconcileIntervalIsOne', { expression: Fn.conditionEquals(amount, 1) });
  return events.Schedule.expression(Token.asString(Fn.conditionIf(one.logicalId,
    `rate(1 ${unit})`, Fn.join('', ['rate(', Tokenization.stringifyNumber(amount), ` ${unit}s)`]))));
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
