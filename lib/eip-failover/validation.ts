import { CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { checkDurationUnit, checkPattern, checkRange, invalid } from '../core/validation';
import { ElasticIpFailoverProps, NODE_OPTION_KEYS } from './props';

/** The defaults the construct and its checks share. */
export const DEFAULTS = {
  cooldown: Duration.minutes(5),
  reconcileInterval: Duration.minutes(1),
  statusCheckPeriod: Duration.minutes(1),
  statusCheckEvaluationPeriods: 2,
  failBackReadings: 3,
};

const ENI_ID = /^eni-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * Every synth-time check of the props that needs no finished tree; runs first in the constructor.
 * Checks that need the VPC and the nodes (same region and VPC, interfaces) are in `validatePair`.
 */
export function validateElasticIpFailoverProps(scope: Construct, props: ElasticIpFailoverProps): void {
  const path = scope.node.path;
  if ((props.primary === undefined) !== (props.standby === undefined)) {
    throw new Error(`${path}: primary and standby must be given together, got only ${props.primary ? 'primary' : 'standby'}. `
      + 'Pass both instances, or neither to let the construct create a hardened pair.');
  }
  if (props.primary && props.primary === props.standby) {
    invalid(scope, 'standby', props.standby!.node.path, 'a different instance than primary', 'Failover needs two nodes.');
  }
  if (props.primary) {
    const nodeOnly = [...Object.keys(NODE_OPTION_KEYS), 'disableApiTermination', 'standbyMachineImage']
      .filter((k) => (props as unknown as Record<string, unknown>)[k] !== undefined);
    if (nodeOnly.length > 0) {
      throw new Error(`${path}: ${nodeOnly.join(', ')} only apply to nodes the construct creates, got them with your own `
        + 'primary and standby. Configure your instances directly, or drop primary and standby.');
    }
  } else {
    for (const key of ['primaryNetworkInterfaceId', 'standbyNetworkInterfaceId'] as const) {
      if (props[key] !== undefined) {
        invalid(scope, key, props[key], 'given only with your own primary and standby',
          'The nodes the construct creates have one network interface each; drop the property.');
      }
    }
  }
  checkPattern(scope, 'primaryNetworkInterfaceId', props.primaryNetworkInterfaceId, ENI_ID,
    "'eni-' followed by 8 or 17 lowercase hex digits", 'Copy it from `aws ec2 describe-network-interfaces`.');
  checkPattern(scope, 'standbyNetworkInterfaceId', props.standbyNetworkInterfaceId, ENI_ID,
    "'eni-' followed by 8 or 17 lowercase hex digits", 'Copy it from `aws ec2 describe-network-interfaces`.');
  checkPattern(scope, 'allocationId', props.allocationId, /^eipalloc-([0-9a-f]{8}|[0-9a-f]{17})$/,
    "'eipalloc-' followed by 8 or 17 lowercase hex digits", 'Copy it from `aws ec2 describe-addresses`.');
  if (props.allocationId !== undefined && props.addressRemovalPolicy !== undefined) {
    throw new Error(`${path}: addressRemovalPolicy applies only to an address the construct allocates, got it with allocationId. `
      + 'Drop addressRemovalPolicy: an existing allocation is never released by this construct.');
  }
  props.healthCheck?._validate(scope);
  const statusPeriod = props.statusCheckPeriod ?? DEFAULTS.statusCheckPeriod;
  const evaluationPeriods = props.statusCheckEvaluationPeriods ?? DEFAULTS.statusCheckEvaluationPeriods;
  checkWholeSeconds(scope, 'cooldown', props.cooldown ?? DEFAULTS.cooldown, 60, 86_400,
    'Below a minute the cooldown no longer stops flapping; above a day a fail-back waits too long.', 1, ['seconds']);
  // EventBridge takes a deploy-time rate in minutes, hours or days only.
  checkWholeSeconds(scope, 'reconcileInterval', props.reconcileInterval ?? DEFAULTS.reconcileInterval, 60, 3_600,
    'EventBridge schedules run at most once a minute, in whole minutes; over an hour lost events wait too long.', 60,
    ['minutes', 'hours']);
  // CloudWatch alarm periods are 10, 20, 30 or a multiple of 60 s; StatusCheckFailed_* is a 1-minute metric.
  checkWholeSeconds(scope, 'statusCheckPeriod', statusPeriod, 60, 86_400,
    'StatusCheckFailed_* is published every 60 s: use a whole number of minutes.', 60, ['seconds']);
  checkRange(scope, { property: 'statusCheckEvaluationPeriods', value: evaluationPeriods, min: 1, max: 1440 });
  checkRange(scope, {
    property: 'failBackReadings', value: props.failBackReadings, min: 1, max: 60,
    fix: 'One reading per reconcile interval: more than 60 delays a fail-back by over an hour at the default interval.',
  });
  // PutMetricAlarm: period x evaluation periods at most one day while the period is below an hour, else at most 7 days.
  if (!statusPeriod.isUnresolved() && !Token.isUnresolved(evaluationPeriods)) {
    const total = statusPeriod.toSeconds() * evaluationPeriods;
    const limit = statusPeriod.toSeconds() < 3600 ? 86_400 : 604_800;
    if (total > limit) {
      invalid(scope, 'statusCheckPeriod x statusCheckEvaluationPeriods', `${total} s`, `at most ${limit} s`,
        'CloudWatch evaluates at most one day of data for periods under an hour and seven days otherwise.');
    }
  }
}

/**
 * Your own primary and standby must be able to fail over: in the stack's region and account, in
 * `vpc`, and with one network interface each unless the interface is given. Checked for
 * `ec2.Instance`s, whose template the construct can read; other `IInstance`s pass as given.
 */
export function validatePair(scope: IConstruct, vpc: ec2.IVpc, props: ElasticIpFailoverProps): void {
  const here = Stack.of(scope);
  const vpcSubnetIds = new Set([...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets].map((s) => resolved(here, s.subnetId)));
  for (const [role, instance, eni] of [
    ['primary', props.primary, props.primaryNetworkInterfaceId], ['standby', props.standby, props.standbyNetworkInterfaceId],
  ] as const) {
    if (!instance) continue;
    const there = Stack.of(instance);
    for (const key of ['region', 'account'] as const) {
      if (!Token.isUnresolved(there[key]) && !Token.isUnresolved(here[key]) && there[key] !== here[key]) {
        invalid(scope, role, `${instance.node.path} (${key} ${there[key]})`, `an instance in the stack's ${key} ${here[key]}`,
          'An Elastic IP moves only within its region and account.');
      }
    }
    if (!(instance instanceof ec2.Instance)) continue;
    const cfn = instance.instance;
    const interfaces = Array.isArray(cfn.networkInterfaces) ? cfn.networkInterfaces.length : 1;
    if (interfaces > 1 && eni === undefined) {
      invalid(scope, role, `${instance.node.path} (${interfaces} network interfaces)`, `one network interface, or ${role}NetworkInterfaceId`,
        'AssociateAddress by instance needs exactly one interface; name the interface that should receive the address.');
    }
    const subnet = primarySubnetIdOf(cfn);
    if (subnet !== undefined && vpcSubnetIds.size > 0 && !vpcSubnetIds.has(resolved(here, subnet))) {
      invalid(scope, role, `${instance.node.path} (subnet ${Token.isUnresolved(subnet) ? JSON.stringify(here.resolve(subnet)) : subnet})`,
        `an instance in a subnet of ${vpc.node.path}`, 'Both nodes must be in the VPC the construct watches (its probe and its checks run there).');
    }
  }
}

/**
 * The nodes the construct creates must never both be replaced by one deploy. An image read from an
 * SSM parameter at each deploy (a template parameter of type `AWS::SSM::Parameter::Value<...>`) is
 * re-read on every stack update, so a new AMI behind it replaces both instances at once
 * (CloudFormation User Guide, "Specify existing resources at runtime with CloudFormation-supplied
 * parameter types": SSM parameter types are resolved on every stack update; AWS::EC2::Instance
 * ImageId "Update requires: Replacement").
 */
export function validateNodeImages(scope: Construct, machineImage: ec2.IMachineImage | undefined, standbyImage: ec2.IMachineImage | undefined): void {
  if (machineImage === undefined || standbyImage !== undefined) return;
  if (!resolvedAtDeploy(scope, machineImage)) return;
  invalid(scope, 'machineImage', 'an image read from an SSM parameter at each deploy, for both nodes',
    'an image resolved once, at launch (the default), a literal AMI id, or a separate standbyMachineImage',
    'A new AMI behind that parameter would replace the primary and the standby in the same deploy, leaving no node to fail over to. '
    + 'Give standbyMachineImage and roll the nodes one at a time, or use an image resolved at launch.');
}

function resolvedAtDeploy(scope: Construct, image: ec2.IMachineImage): boolean {
  const stack = Stack.of(scope);
  const id = stack.resolve(image.getImage(scope).imageId) as unknown;
  const ref = typeof id === 'object' && id !== null ? (id as { Ref?: unknown }).Ref : undefined;
  if (typeof ref !== 'string') return false;
  const parameter = stack.node.findAll().find((c): c is CfnParameter => c instanceof CfnParameter && stack.resolve(c.logicalId) === ref);
  return parameter !== undefined && parameter.type.startsWith('AWS::SSM::Parameter::Value');
}

function resolved(stack: Stack, value: string): string {
  return Token.isUnresolved(value) ? JSON.stringify(stack.resolve(value)) : value;
}

/**
 * Checks a duration in whole seconds (or minutes). A deploy-time amount (a Token) skips the range
 * and must be in one of `tokenUnits`, the units the template can carry it in without conversion.
 */
function checkWholeSeconds(scope: IConstruct, property: string, value: Duration, min: number, max: number, fix: string, multiple: number,
  tokenUnits: string[]): void {
  checkDurationUnit(scope, property, value, tokenUnits);
  if (value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds % multiple !== 0) {
    invalid(scope, property, `${seconds} s`, multiple === 60 ? 'a whole number of minutes' : 'a whole number of seconds', fix);
  }
  checkRange(scope, { property, value: seconds, min, max, unit: 's', fix });
}

/**
 * The subnet of an instance: its root `SubnetId`, or the `SubnetId` of its primary network
 * interface (device index 0), where CloudFormation wants it once interfaces are given, as
 * HardenedNode gives them (Control Tower CT.EC2.PR.8).
 */
export function primarySubnetIdOf(cfn: ec2.CfnInstance): string | undefined {
  if (cfn.subnetId !== undefined) return cfn.subnetId;
  if (!Array.isArray(cfn.networkInterfaces)) return undefined;
  const primary = (cfn.networkInterfaces as ec2.CfnInstance.NetworkInterfaceProperty[])
    .find((ni) => ni && typeof ni === 'object' && String(ni.deviceIndex) === '0');
  return primary?.subnetId;
}
