import * as path from 'path';
import { Aws, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
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
import { allowCloudWatchLogs, keyOrCreate } from '../core/encryption';
import { HardenedNode, HardenedNodeOptions } from '../core/hardened-node';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { createSecureTopic } from '../core/notifications';
import { SecureVpc } from '../core/secure-vpc';
import { checkPattern, checkRange, invalid } from '../core/validation';
import { ApplicationHealthCheck } from './health-check';

/** Props of {@link ElasticIpFailover}. The node settings apply only to nodes the construct creates. */
export interface ElasticIpFailoverProps extends HardenedNodeOptions {
  /**
   * VPC of the pair. Nodes the construct creates go into its public subnets (an Elastic IP only
   * works there); the failover function runs in its private subnets with egress.
   * @default - a new SecureVpc with two Availability Zones and one NAT gateway
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
   * Termination protection of the nodes the construct creates. Turn it off (and deploy) before `cdk destroy`.
   * @default true
   */
  readonly terminationProtection?: boolean;
  /**
   * Minimum time between two moves of the address away from a node that is still running
   * (impaired or failing its application check), and before a fail-back. A node that stopped or
   * terminated is left at once: flapping needs a node that comes and goes.
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * Move the address back to the primary once it is healthy again and the cooldown has passed.
   * @default false - the address stays where it is until that node fails
   */
  readonly failBack?: boolean;
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
   * Subnets of the failover function. They need a route to the EC2, CloudWatch and SNS APIs
   * (NAT or interface endpoints) and to the nodes for the probe.
   * @default - the private subnets with egress
   */
  readonly functionSubnets?: ec2.SubnetSelection;
}

/**
 * Worst-case time from a failure until the failover function decides on it, per kind of
 * failure, computed from the configuration. The events usually arrive within seconds; these
 * bounds hold even when an event is lost or delayed, because the scheduled reconciliation reads
 * the real state.
 */
export interface DetectionTimes {
  /** A node stopping, stopped, shutting down or terminated: one reconcile interval. */
  readonly instanceStateChange: Duration;
  /**
   * A failed system or instance status check: 60 s until the first failed check, the alarm's
   * periods, 60 s of alarm evaluation, then at most one reconcile interval.
   * @default - undefined when `statusCheckEvaluationPeriods`, `statusCheckPeriod` or
   * `reconcileInterval` is known only at deploy (a Token)
   */
  readonly statusCheckFailure?: Duration;
  /**
   * An application that stops answering: one reconcile interval plus every probe attempt timing out.
   * @default - undefined when no application probe is configured, or when `reconcileInterval` or
   * a probe timing is known only at deploy (a Token)
   */
  readonly applicationFailure?: Duration;
}

const STATE_CHANGES = ['stopping', 'stopped', 'shutting-down', 'terminated'];
/** Keys of the tags the function keeps its state in, on the Elastic IP allocation. */
const TAG_KEY_PATTERN = 'eip-failover:*';
const RUNTIME_DIR = path.join(__dirname, 'runtime');

/**
 * A static public address held by a primary node that moves to a healthy standby automatically.
 *
 * A single function decides (reserved concurrency 1), always from the real state (the current
 * association, EC2 state, status checks, alarms and an optional probe), never moves the address
 * to a node that is not running and passing its checks, keeps it where it is when no node is
 * healthy (and says so), and waits a cooldown between moves away from a node that still runs.
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
  /** The failover function. */
  public readonly failoverFunction: lambda.Function;
  /** Role of the failover function. */
  public readonly functionRole: ManagedPolicyRole;
  /** Dead-letter queue of events the function could not process after its retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Where failovers and alarms are announced. */
  public readonly topic: sns.ITopic;
  /** Alarms on the system and instance status checks of both nodes. */
  public readonly statusCheckAlarms: cloudwatch.Alarm[];
  /** Fires while neither node is healthy (the address stays where it is). */
  public readonly noHealthyNodeAlarm: cloudwatch.Alarm;
  /** Worst-case detection time per failure kind. */
  public readonly worstCaseDetection: DetectionTimes;
  /** Minimum time between moves away from a running node. */
  public readonly cooldown: Duration;

  constructor(scope: Construct, id: string, props: ElasticIpFailoverProps = {}) {
    super(scope, id);
    const cooldown = props.cooldown ?? Duration.minutes(5);
    const reconcileInterval = props.reconcileInterval ?? Duration.minutes(1);
    const statusPeriod = props.statusCheckPeriod ?? Duration.minutes(1);
    const evaluationPeriods = props.statusCheckEvaluationPeriods ?? 2;
    this.validate(props, cooldown, reconcileInterval, statusPeriod, evaluationPeriods);
    this.cooldown = cooldown;

    this.vpc = props.vpc ?? new SecureVpc(this, 'Vpc').vpc;

    // Nodes: the user's pair, or two hardened instances in public subnets of two AZs.
    if (props.primary && props.standby) {
      this.primary = props.primary;
      this.standby = props.standby;
    } else {
      const publicSubnets = this.vpc.publicSubnets;
      if (publicSubnets.length === 0) {
        invalid(this, 'vpc', `${this.vpc.node.path} (no public subnets)`, 'a VPC with at least one public subnet',
          'An Elastic IP only routes to a node in a subnet whose route table leads to an internet gateway.');
      }
      this.nodes = new HardenedNode(this, 'Nodes', { ...props, vpc: this.vpc });
      const place = (index: number): ec2.SubnetSelection => ({ subnets: [publicSubnets[index % publicSubnets.length]] });
      this.primary = this.nodes.createInstance(this, 'Primary', {
        vpcSubnets: place(0), disableApiTermination: props.terminationProtection ?? true,
      });
      this.standby = this.nodes.createInstance(this, 'Standby', {
        vpcSubnets: place(1), disableApiTermination: props.terminationProtection ?? true,
      });
    }
    this.connections = new ec2.Connections({
      securityGroups: unique([...this.primary.connections.securityGroups, ...this.standby.connections.securityGroups]),
    });

    // CloudFormation needs the internet gateway attached before an address is allocated and associated
    // in the VPC: the public subnets' default routes depend on the attachment.
    const internetReady = this.vpc.publicSubnets.length > 0
      ? this.vpc.selectSubnets({ subnets: this.vpc.publicSubnets }).internetConnectivityEstablished
      : this.vpc.internetConnectivityEstablished;

    // The address and its first association (an association resource only; setting
    // CfnEIP.instanceId as well fails with AlreadyExists).
    if (props.allocationId) {
      this.allocationId = props.allocationId;
    } else {
      this.address = new ec2.CfnEIP(this, 'Resource', {
        domain: 'vpc',
        tags: [{ key: 'Name', value: this.node.path }],
      });
      this.address.applyRemovalPolicy(props.addressRemovalPolicy ?? RemovalPolicy.RETAIN);
      this.address.node.addDependency(internetReady);
      this.allocationId = this.address.attrAllocationId;
      this.publicIp = this.address.attrPublicIp;
    }
    const association = new ec2.CfnEIPAssociation(this, 'Association', {
      allocationId: this.allocationId,
      instanceId: this.primary.instanceId,
    });
    association.node.addDependency(internetReady);

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
    const alarmAction = new cw_actions.SnsAction(this.topic);

    // Detection: status-check alarms per node.
    this.statusCheckAlarms = [];
    const alarmNames: { primary: string[]; standby: string[] } = { primary: [], standby: [] };
    for (const [role, instance] of [['Primary', this.primary], ['Standby', this.standby]] as const) {
      for (const check of ['System', 'Instance']) {
        const alarm = new cloudwatch.Alarm(this, `${role}${check}CheckAlarm`, {
          alarmDescription: `${check} status check of the ${role.toLowerCase()} node of ${this.node.path} failed`,
          metric: new cloudwatch.Metric({
            namespace: 'AWS/EC2',
            metricName: `StatusCheckFailed_${check}`,
            dimensionsMap: { InstanceId: instance.instanceId },
            statistic: 'Maximum',
            // cloudwatch.Metric refuses a deploy-time period: the alarm's L1 gets it below.
            period: statusPeriod.isUnresolved() ? Duration.minutes(1) : statusPeriod,
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods,
          datapointsToAlarm: evaluationPeriods,
          treatMissingData: cloudwatch.TreatMissingData.MISSING,
        });
        if (statusPeriod.isUnresolved()) (alarm.node.defaultChild as cloudwatch.CfnAlarm).period = statusPeriod.toSeconds();
        alarm.addAlarmAction(alarmAction);
        this.statusCheckAlarms.push(alarm);
        alarmNames[role === 'Primary' ? 'primary' : 'standby'].push(alarm.alarmName);
      }
    }

    // The failover function: in the VPC, one at a time, with a DLQ and an encrypted log group.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: key,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: `Failover function of ${this.node.path}: no ingress, egress to AWS APIs and the node probe`,
      allowAllOutbound: true,
    });
    this.functionRole = new ManagedPolicyRole(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Failover function of ${this.node.path}: moves one Elastic IP between two instances`,
    });
    const functionSubnets = this.vpc.selectSubnets(props.functionSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

    const probe = props.healthCheck;
    if (probe) {
      this.connections.allowFrom(functionSecurityGroup, ec2.Port.tcp(probe.port), 'Application probe of the failover function');
    }
    // A deploy-time probe timing counts with its largest allowed value (see worstCaseDuration).
    const probeSeconds = probe ? Math.ceil(probe.worstCaseDuration.toSeconds({ integral: false })) : 0;
    this.failoverFunction = new lambda.Function(this, 'Function', {
      description: `Keeps the Elastic IP of ${this.node.path} on a healthy node`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(RUNTIME_DIR),
      role: this.functionRole,
      memorySize: 256,
      // API calls with retries plus both nodes probed in parallel.
      timeout: Duration.seconds(60 + probeSeconds),
      reservedConcurrentExecutions: 1,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      logGroup,
      vpc: this.vpc,
      vpcSubnets: props.functionSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [functionSecurityGroup],
      environment: {
        CONFIG: Stack.of(this).toJsonString({
          allocationId: this.allocationId,
          primary: this.primary.instanceId,
          standby: this.standby.instanceId,
          alarms: alarmNames,
          cooldownSeconds: cooldown.toSeconds(),
          failBack: props.failBack ?? false,
          healthCheck: probe?._render(),
          topicArn: this.topic.topicArn,
          namespace: ElasticIpFailover.METRIC_NAMESPACE,
        }),
      },
    });

    this.grantFunction(key, logGroup, functionSubnets.subnetIds, functionSecurityGroup);

    // Triggers: state changes within seconds, alarm transitions, and the reconciliation schedule.
    const target = new targets.LambdaFunction(this.failoverFunction);
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
    new events.Rule(this, 'ReconcileSchedule', {
      description: `Periodic reconciliation of the Elastic IP of ${this.node.path}`,
      schedule: events.Schedule.rate(reconcileInterval),
      targets: [target],
    });

    // Operator alarms.
    this.noHealthyNodeAlarm = new cloudwatch.Alarm(this, 'NoHealthyNodeAlarm', {
      alarmDescription: `Neither node of ${this.node.path} is healthy: the Elastic IP stays on a failed node`,
      metric: new cloudwatch.Metric({
        namespace: ElasticIpFailover.METRIC_NAMESPACE, metricName: 'NoHealthyNode', dimensionsMap: { AllocationId: this.allocationId },
        statistic: 'Maximum', period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.noHealthyNodeAlarm.addAlarmAction(alarmAction);
    const errorsAlarm = new cloudwatch.Alarm(this, 'FunctionErrorsAlarm', {
      alarmDescription: `The failover function of ${this.node.path} failed; check its log group and dead-letter queue`,
      metric: this.failoverFunction.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    errorsAlarm.addAlarmAction(alarmAction);

    // Deploy-time timings have no synth-time arithmetic: a detection time that depends on one is
    // then unknown (undefined), never invented.
    const reconcileKnown = !reconcileInterval.isUnresolved();
    const alarmDetection = Token.isUnresolved(evaluationPeriods) || statusPeriod.isUnresolved() || !reconcileKnown
      ? undefined : statusPeriod.toSeconds() * evaluationPeriods + 120 + reconcileInterval.toSeconds();
    this.worstCaseDetection = {
      instanceStateChange: reconcileInterval,
      statusCheckFailure: alarmDetection === undefined ? undefined : Duration.seconds(alarmDetection),
      applicationFailure: probe && probe.timingKnown && reconcileKnown
        ? Duration.millis(reconcileInterval.toMilliseconds() + probe.worstCaseDuration.toMilliseconds())
        : undefined,
    };
  }

  /** Least privilege for the function: the allocation and the pair's instances, nothing else it can scope. */
  private grantFunction(key: kms.IKey, logGroup: logs.ILogGroup,
    subnetIds: string[], securityGroup: ec2.ISecurityGroup): void {
    const role = this.functionRole;
    const arn = (resource: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    const addressArn = arn(`elastic-ip/${this.allocationId}`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadPairState',
      actions: ['ec2:DescribeAddresses', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'MoveAddressWithinPair',
      actions: ['ec2:AssociateAddress'],
      resources: [addressArn, arn(`instance/${this.primary.instanceId}`), arn(`instance/${this.standby.instanceId}`)],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'KeepStateInAddressTags',
      actions: ['ec2:CreateTags'],
      resources: [addressArn],
      conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': [TAG_KEY_PATTERN] } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadStatusCheckAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: this.statusCheckAlarms.map((a) => a.alarmArn),
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'Notify',
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'UseKeyForTopicAndQueue',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [key.keyArn],
    }));
    // What Lambda needs to attach the function to the VPC (AWSLambdaVPCAccessExecutionRole, scoped).
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'AttachToVpc',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        arn('network-interface/*'),
        ...subnetIds.map((id) => arn(`subnet/${id}`)),
        arn(`security-group/${securityGroup.securityGroupId}`),
      ],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageVpcInterfaces',
      actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [arn('network-interface/*')],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeVpcInterfaces',
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      resources: ['*'],
    }));
    logGroup.grantWrite(role);

    // On the customer-managed policy that holds the statements, the narrowest construct with the finding.
    Validations.of(role.permissionsPolicy!).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeAddresses, DescribeInstances, DescribeInstanceStatus, DescribeNetworkInterfaces and '
          + 'DescribeSubnets support no resource-level permissions (Service Authorization Reference; Lambda VPC docs: '
          + 'DescribeNetworkInterfaces works only on "*"). They are read-only; every write is scoped to the allocation and the pair.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
        reason: 'Lambda creates and deletes the Hyperplane interfaces of the function in its subnets with the execution role; '
          + 'their ids do not exist before deployment. Creation is further limited to the function subnets and security group.',
      },
    );
  }

  private validate(props: ElasticIpFailoverProps, cooldown: Duration, reconcileInterval: Duration,
    statusPeriod: Duration, evaluationPeriods: number): void {
    if ((props.primary === undefined) !== (props.standby === undefined)) {
      throw new Error(`${this.node.path}: primary and standby must be given together, got only ${props.primary ? 'primary' : 'standby'}. `
        + 'Pass both instances, or neither to let the construct create a hardened pair.');
    }
    if (props.primary && props.primary === props.standby) {
      invalid(this, 'standby', props.standby!.node.path, 'a different instance than primary', 'Failover needs two nodes.');
    }
    if (props.primary) {
      const nodeOnly = (['instanceType', 'machineImage', 'role', 'securityGroup', 'ebsEncryptionKey', 'rootVolumeSize',
        'rootDeviceName', 'httpPutResponseHopLimit', 'detailedMonitoring', 'keyPair', 'userData', 'terminationProtection'] as const)
        .filter((k) => props[k] !== undefined);
      if (nodeOnly.length > 0) {
        throw new Error(`${this.node.path}: ${nodeOnly.join(', ')} only apply to nodes the construct creates, got them with your own `
          + 'primary and standby. Configure your instances directly, or drop primary and standby.');
      }
    }
    checkPattern(this, 'allocationId', props.allocationId, /^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$/,
      "'eipalloc-' followed by 8 or 17 lowercase hex digits", 'Copy it from `aws ec2 describe-addresses`.');
    if (props.allocationId !== undefined && props.addressRemovalPolicy !== undefined) {
      throw new Error(`${this.node.path}: addressRemovalPolicy applies only to an address the construct allocates, got it with allocationId. `
        + 'Drop addressRemovalPolicy: an existing allocation is never released by this construct.');
    }
    props.healthCheck?._validate(this);
    checkWholeSeconds(this, 'cooldown', cooldown, 60, 86_400,
      'Below a minute the cooldown no longer stops flapping; above a day a second failure waits too long.', 1, ['seconds']);
    // EventBridge takes a deploy-time rate in minutes, hours or days only.
    checkWholeSeconds(this, 'reconcileInterval', reconcileInterval, 60, 3_600,
      'EventBridge schedules run at most once a minute, in whole minutes; over an hour lost events wait too long.', 60,
      ['minutes', 'hours']);
    // CloudWatch alarm periods are 10, 20, 30 or a multiple of 60 s; StatusCheckFailed_* is a 1-minute metric.
    checkWholeSeconds(this, 'statusCheckPeriod', statusPeriod, 60, 86_400,
      'StatusCheckFailed_* is published every 60 s: use a whole number of minutes.', 60, ['seconds']);
    checkRange(this, { property: 'statusCheckEvaluationPeriods', value: evaluationPeriods, min: 1, max: 1440 });
    // PutMetricAlarm: period x evaluation periods at most one day while the period is below an hour, else at most 7 days.
    if (!statusPeriod.isUnresolved() && !Token.isUnresolved(evaluationPeriods)) {
      const total = statusPeriod.toSeconds() * evaluationPeriods;
      const limit = statusPeriod.toSeconds() < 3600 ? 86_400 : 604_800;
      if (total > limit) {
        invalid(this, 'statusCheckPeriod x statusCheckEvaluationPeriods', `${total} s`, `at most ${limit} s`,
          'CloudWatch evaluates at most one day of data for periods under an hour and seven days otherwise.');
      }
    }
  }
}

/**
 * Checks a duration in whole seconds (or minutes). A deploy-time amount (a Token) skips the range
 * and must be in one of `tokenUnits`, the units the template can carry it in without conversion.
 */
function checkWholeSeconds(scope: Construct, property: string, value: Duration, min: number, max: number, fix: string, multiple: number,
  tokenUnits: string[]): void {
  if (value.isUnresolved()) {
    if (!tokenUnits.includes(value.unitLabel())) {
      invalid(scope, property, `Duration.${value.unitLabel()}(<token>)`,
        `${tokenUnits.map((u) => `Duration.${u}(...)`).join(' or ')} when the amount is known only at deploy`,
        'A deploy-time amount cannot be converted to another unit at synth.');
    }
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds % multiple !== 0) {
    invalid(scope, property, `${seconds} s`, multiple === 60 ? 'a whole number of minutes' : 'a whole number of seconds', fix);
  }
  checkRange(scope, { property, value: seconds, min, max, unit: 's', fix });
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
