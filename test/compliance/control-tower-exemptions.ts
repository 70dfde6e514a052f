/**
 * Control Tower proactive controls that the reference app and the examples fail on purpose, by
 * app: one resource, one control and why, with the setting that makes it pass. Anything that fails
 * and is not here fails the harness, and so does an entry that no longer fails.
 * Only what would cost users money or weaken operations as a default belongs here; every pattern
 * README lists the same controls under "AWS Control Tower".
 */
import { ControlExemption } from './control-tower';

/** CT.EC2.PR.19 wants the instance families with in-transit encryption, several times the price of the defaults. */
const IN_TRANSIT = 'CT.EC2.PR.19 accepts only instance types that encrypt traffic between instances in transit (for example '
  + 'm5n, m6i, c6i, r6i and newer Nitro families); the default t3.small costs a fraction of the smallest of them. Pass it '
  + 'with instanceType, for example m6i.large, as the Multi-Attach cluster does by default.';

/** aws-cdk-lib's provider that closes the default security group. */
const RESTRICT_DEFAULT_SG = "aws-cdk-lib's Custom::VpcRestrictDefaultSG provider (SecureVpc restrictDefaultSecurityGroup, "
  + 'which HIPAA/NIST/PCI VPCDefaultSecurityGroupClosed asks for) runs once per deploy to revoke the default security group '
  + 'rules; it reads no data and calls only the EC2 API, which from inside the VPC needs a NAT or an endpoint. CloudFormation '
  + 'has no native property that closes the group.';

/** The failover's deciding function runs outside the VPC so that losing an AZ cannot cut it off. */
const DECIDER_OUTSIDE_VPC = 'The deciding function of ElasticIpFailover runs outside the VPC by default (FailoverControlPath.PUBLIC_API) '
  + 'so that the loss of one AZ, or of its NAT gateway, cannot cut it off from the EC2 API; its probes run in the VPC. '
  + 'controlPath: INTERFACE_ENDPOINTS (about $44 a month) or VPC_ROUTES puts it in the VPC and passes CT.LAMBDA.PR.3.';

/** The failover's dead-letter queue refuses every redrive source, which the control does not accept. */
const DLQ_DENY_ALL = "The function's dead-letter queue declares RedriveAllowPolicy redrivePermission denyAll: no queue may use it "
  + 'as a dead-letter queue. CT.SQS.PR.1 accepts only allowAll or byQueue (with source queues), both looser; the function '
  + 'has no source queue to name.';

/** One Auto Scaling group, one instance type. */
const ONE_INSTANCE_TYPE = 'An AutoScalingFleet launches one hardened launch template with one instance type; CT.AUTOSCALING.PR.6 '
  + 'wants a MixedInstancesPolicy with at least two types, which changes capacity and performance per instance: a workload '
  + 'choice the fleet does not make for you.';

const NETWORK: ControlExemption = {
  constructPath: 'CdkEc2Patterns-Network/Custom::VpcRestrictDefaultSGCustomResourceProvider/Handler', control: 'CT.LAMBDA.PR.3', reason: RESTRICT_DEFAULT_SG,
};

const inTransit = (...paths: string[]): ControlExemption[] => paths.map((constructPath) => ({ constructPath, control: 'CT.EC2.PR.19', reason: IN_TRANSIT }));

export const CONTROL_TOWER_EXEMPTIONS: Record<string, ControlExemption[]> = {
  'bin/reference-app.ts': [
    NETWORK,
    ...inTransit('CatPhotos-WebServers/WebServers/Instance1/Resource', 'CatPhotos-WebServers/WebServers/Instance2/Resource'),
    { constructPath: 'CatPhotos-WebServers/StaticAddress/Function/Resource', control: 'CT.LAMBDA.PR.3', reason: DECIDER_OUTSIDE_VPC },
    { constructPath: 'CatPhotos-WebServers/StaticAddress/DeadLetterQueue/Resource', control: 'CT.SQS.PR.1', reason: DLQ_DENY_ALL },
  ],
  'examples/eip-failover.ts': [
    NETWORK,
    ...inTransit('EipFailoverExample/Web/Primary/Resource', 'EipFailoverExample/Web/Standby/Resource'),
    { constructPath: 'EipFailoverExample/Web/Function/Resource', control: 'CT.LAMBDA.PR.3', reason: DECIDER_OUTSIDE_VPC },
    { constructPath: 'EipFailoverExample/Web/DeadLetterQueue/Resource', control: 'CT.SQS.PR.1', reason: DLQ_DENY_ALL },
  ],
  'examples/golden-ami.ts': [NETWORK],
  'examples/launch.ts': [
    NETWORK,
    ...inTransit(...Array.from({ length: 10 }, (_, i) => `LaunchWebServers/WebServers/Instance${i + 1}/Resource`)),
    { constructPath: 'LaunchWebGroup/WebGroup/Resource/ASG', control: 'CT.AUTOSCALING.PR.6', reason: ONE_INSTANCE_TYPE },
  ],
  'examples/multi-attach.ts': [NETWORK],
};
