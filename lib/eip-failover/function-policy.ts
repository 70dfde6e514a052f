import { Aws, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { allow } from '../core/iam';
import { ManagedPolicyRole } from '../core/managed-policy-role';

/**
 * The tag keys the function writes on the allocation (its state). The pause tag is not among
 * them: only an operator sets it. Same keys as runtime/index.js TAG.
 */
export const STATE_TAG_KEYS = ['last-move', 'last-target', 'last-from', 'condition', 'intent', 'recorded', 'failback-streak']
  .map((k) => `eip-failover:${k}`);
/** The tag an operator sets to `true` on the allocation to pause the automation. */
export const PAUSE_TAG = 'eip-failover:paused';

/** What the deciding function may touch. */
export interface DecisionScope {
  readonly allocationId: string;
  readonly instanceIds: string[];
  /** Interface ids given by the user; empty when the interfaces are found at run time. */
  readonly interfaceIds: string[];
  /** Subnets the pair's interfaces live in (for the condition on `network-interface/*`), when known. */
  readonly subnetIds: string[];
  readonly vpcId: string;
  readonly alarmArns: string[];
  readonly topic: sns.ITopic;
  readonly key: kms.IKey;
  readonly probeFunction?: lambda.IFunction;
}

/** One hand-written statement, as `allow()` takes it. */
export interface StatementSpec {
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: { [operator: string]: unknown };
}

/** The deciding function's statements per API, also the policies of the endpoints it may use. */
export interface DecisionStatements {
  readonly ec2: StatementSpec[];
  readonly cloudwatch: StatementSpec[];
  readonly sns: StatementSpec[];
}

const arn = (resource: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;

/**
 * The deciding function's statements, also used (with the role as principal) as the policies of
 * the interface endpoints it reaches the APIs through. IAM evaluates every resource of a request
 * on its own: the address and the instances in one statement, the interfaces in another with the
 * condition only interfaces have (Service Authorization Reference, "Actions, resources, and
 * condition keys for Amazon EC2": AssociateAddress on elastic-ip, instance and network-interface;
 * ec2:Subnet and ec2:Vpc on network-interface).
 */
export function decisionStatements(scope: DecisionScope): DecisionStatements {
  const addressArn = arn(`elastic-ip/${scope.allocationId}`);
  const interfaces: StatementSpec = scope.interfaceIds.length > 0
    ? { sid: 'MoveAddressToPairInterfaces', actions: ['ec2:AssociateAddress'], resources: scope.interfaceIds.map((id) => arn(`network-interface/${id}`)) }
    : {
      sid: 'MoveAddressToPairInterfaces',
      actions: ['ec2:AssociateAddress'],
      // The primary interfaces are created with the instances: their ids do not exist at synth.
      resources: [arn('network-interface/*')],
      conditions: scope.subnetIds.length > 0
        ? { StringEquals: { 'ec2:Subnet': scope.subnetIds.map((id) => arn(`subnet/${id}`)) } }
        : { StringEquals: { 'ec2:Vpc': arn(`vpc/${scope.vpcId}`) } },
    };
  return {
    ec2: [
      { sid: 'ReadPairState', actions: ['ec2:DescribeAddresses', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus'], resources: ['*'] },
      { sid: 'MoveAddressWithinPair', actions: ['ec2:AssociateAddress'], resources: [addressArn, ...scope.instanceIds.map((id) => arn(`instance/${id}`))] },
      interfaces,
      {
        sid: 'KeepStateInAddressTags', actions: ['ec2:CreateTags'], resources: [addressArn],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': STATE_TAG_KEYS } },
      },
    ],
    cloudwatch: [{ sid: 'ReadStatusCheckAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: scope.alarmArns }],
    sns: [{ sid: 'Notify', actions: ['sns:Publish'], resources: [scope.topic.topicArn] }],
  };
}

/** Grants the deciding function its statements, the key, the probe function and its log group. */
export function grantDecision(role: ManagedPolicyRole, scope: DecisionScope, logGroup: logs.ILogGroup): void {
  const statements = decisionStatements(scope);
  for (const s of [...statements.ec2, ...statements.cloudwatch, ...statements.sns]) allow(role, s.sid, s.actions, s.resources, s.conditions);
  allow(role, 'UseKeyForTopicAndQueue', ['kms:GenerateDataKey', 'kms:Decrypt'], [scope.key.keyArn]);
  if (scope.probeFunction) allow(role, 'ProbeFromInsideTheVpc', ['lambda:InvokeFunction'], [scope.probeFunction.functionArn]);
  logGroup.grantWrite(role);
}

/** What Lambda needs to attach a function to the VPC (AWSLambdaVPCAccessExecutionRole, scoped). */
export function grantVpcAttachment(role: ManagedPolicyRole, subnetIds: string[], securityGroup: ec2.ISecurityGroup): void {
  allow(role, 'AttachToVpc', ['ec2:CreateNetworkInterface'],
    [arn('network-interface/*'), ...subnetIds.map((id) => arn(`subnet/${id}`)), arn(`security-group/${securityGroup.securityGroupId}`)]);
  allow(role, 'ManageVpcInterfaces', ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    [arn('network-interface/*')]);
  allow(role, 'DescribeVpcInterfaces', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], ['*']);
}
/** The acknowledgements of a function's policy, on the customer-managed policy that holds the statements. */
export function acknowledgePolicy(role: ManagedPolicyRole, inVpc: boolean, decides: boolean, anyPairInterface = decides): void {
  const acks = [{
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: (decides ? 'ec2:DescribeAddresses, DescribeInstances and DescribeInstanceStatus' : '')
      + (decides && inVpc ? ', ' : '') + (inVpc ? 'ec2:DescribeNetworkInterfaces and DescribeSubnets' : '')
      + ' support no resource-level permissions (Service Authorization Reference for Amazon EC2; Lambda VPC docs: '
      + 'DescribeNetworkInterfaces works only on "*"). They are read-only; every write is scoped.',
  }];
  if (inVpc || anyPairInterface) {
    acks.push({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*]',
      reason: [
        inVpc ? 'Lambda creates and deletes the Hyperplane interfaces of the function in its subnets with the execution role; '
          + 'their ids do not exist before deployment, and creation is limited to the function subnets and security group.' : '',
        anyPairInterface ? 'AssociateAddress on the pair\'s primary interfaces, created with the instances (ids unknown at synth), '
          + 'is limited by condition to the pair\'s subnets (or VPC).' : '',
      ].filter(Boolean).join(' '),
    });
  }
  Validations.of(role.permissionsPolicy!).acknowledge(...acks);
}
