/**
 * The one network the reference app and every example deploy into, as a user with several
 * workloads in one account would. A region allows 5 VPCs (the default VPC included) and 5 Elastic IPs by default (Amazon VPC
 * User Guide, "Amazon VPC quotas"; Amazon EC2 User Guide, "Elastic IP address quota"), and each
 * NAT gateway costs about $33 a month: five examples with a VPC each would exhaust both quotas.
 *
 * The reference app and every example call `sharedNetwork(app)`, which adds the same stack,
 * `CdkEc2Patterns-Network`, with the same template: deploying a second app finds the stack
 * unchanged and reuses its VPC.
 * Default deployment, us-east-1, per month: one NAT gateway (about $33 plus $0.045/GB), three
 * Systems Manager interface endpoints in two AZs (about $44), flow logs (CloudWatch Logs ingestion
 * and storage) and one KMS key ($1).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureVpc } from '../../lib/core';
import { resolveEnv } from '../compliance';

/** Name of the stack that holds the shared VPC. */
export const NETWORK_STACK = 'CdkEc2Patterns-Network';

/**
 * The shared VPC: two AZs, one NAT gateway, and Systems Manager endpoints so that
 * nodes in public subnets without a public IP (the standby of an Elastic IP pair) still reach
 * Session Manager. Created once per app.
 */
export function sharedNetwork(app: App): ec2.IVpc {
  const existing = app.node.tryFindChild(NETWORK_STACK) as Stack | undefined;
  const stack = existing ?? new Stack(app, NETWORK_STACK, {
    env: resolveEnv(app),
    description: 'Shared VPC of the cdk-ec2-patterns reference app and examples (one NAT gateway, Systems Manager endpoints)',
  });
  const vpc = (stack.node.tryFindChild('Vpc') as SecureVpc | undefined) ?? new SecureVpc(stack, 'Vpc', { ssmEndpoints: true });
  return vpc.vpc;
}
