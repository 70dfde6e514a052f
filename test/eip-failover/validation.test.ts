/**
 * One test per synth-time boundary of ElasticIpFailover. No template is synthesized: the checks
 * run in the constructor, so these tests are fast.
 */
import { CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ApplicationHealthCheck, ElasticIpFailover, ElasticIpFailoverProps } from '../../lib/eip-failover';
import { importedVpc, testStack } from '../util';

function build(props: ElasticIpFailoverProps = {}): () => ElasticIpFailover {
  return () => {
    const stack = testStack();
    return new ElasticIpFailover(stack, 'Web', { vpc: importedVpc(stack, { publicSubnets: true }), ...props });
  };
}

function instance(stack: Stack, id: string, vpc: ec2.IVpc): ec2.Instance {
  return new ec2.Instance(stack, id, {
    vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
}

describe('the pair', () => {
  test('primary without standby, and standby without primary, are rejected', () => {
    // GIVEN one instance only
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const one = instance(stack, 'One', vpc);
    // WHEN / THEN
    expect(() => new ElasticIpFailover(stack, 'A', { vpc, primary: one })).toThrow(/Test\/A: primary and standby must be given together, got only primary/);
    expect(() => new ElasticIpFailover(stack, 'B', { vpc, standby: one })).toThrow(/got only standby/);
  });

  test('the same instance as primary and standby is rejected', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const one = instance(stack, 'One', vpc);
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc, primary: one, standby: one }))
      .toThrow(/Test\/Web: standby must be a different instance than primary, got 'Test\/One'/);
  });

  test('node settings together with your own instances are rejected instead of silently ignored', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const primary = instance(stack, 'P', vpc);
    const standby = instance(stack, 'S', vpc);
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc, primary, standby, instanceType: new ec2.InstanceType('t3.large'), disableApiTermination: false }))
      .toThrow(/instanceType, disableApiTermination only apply to nodes the construct creates/);
  });

  test('a VPC without public subnets is rejected when the construct creates the nodes', () => {
    const stack = testStack();
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc: importedVpc(stack) }))
      .toThrow(/Test\/Web: vpc must be a VPC with at least one public subnet.*internet gateway/);
  });
});

describe('allocationId', () => {
  test.each(['eipalloc-0123abcd', 'eipalloc-0123456789abcdef0'])('accepts %s (8 or 17 hex digits)', (id) => {
    expect(build({ allocationId: id })).not.toThrow();
  });

  test.each(['eipalloc-0123abc', 'eipalloc-0123456789ABCDEF0', 'eip-0123abcd', '203.0.113.10'])('rejects %s', (id) => {
    expect(build({ allocationId: id })).toThrow(/allocationId must be 'eipalloc-' followed by 8 or 17 lowercase hex digits/);
  });

  test('accepts a token (for example an import from another stack)', () => {
    expect(build({ allocationId: Fn.importValue('SharedAllocationId') })).not.toThrow();
  });

  test('rejects addressRemovalPolicy with an existing allocation', () => {
    expect(build({ allocationId: 'eipalloc-0123abcd', addressRemovalPolicy: RemovalPolicy.DESTROY }))
      .toThrow(/addressRemovalPolicy applies only to an address the construct allocates/);
  });
});

describe('timing', () => {
  test.each([
    [Duration.seconds(59), false], [Duration.seconds(60), true], [Duration.days(1), true], [Duration.seconds(86_401), false],
  ])('cooldown %s accepted: %s (1 minute to 1 day)', (cooldown, ok) => {
    const run = build({ cooldown });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/cooldown must be between 60 and 86400 s/);
  });

  test('cooldown must be whole seconds', () => {
    expect(build({ cooldown: Duration.millis(90_500) })).toThrow(/cooldown must be a whole number of seconds, got '90.5 s'/);
  });

  test.each([
    [Duration.minutes(1), true], [Duration.minutes(60), true], [Duration.minutes(61), false], [Duration.seconds(30), false],
  ])('reconcileInterval %s accepted: %s (1 to 60 minutes)', (reconcileInterval, ok) => {
    const run = build({ reconcileInterval });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/reconcileInterval must be (between 60 and 3600 s|a whole number of minutes)/);
  });

  test('reconcileInterval must be whole minutes (EventBridge rate expressions)', () => {
    expect(build({ reconcileInterval: Duration.seconds(90) })).toThrow(/reconcileInterval must be a whole number of minutes, got '90 s'/);
  });

  test.each([Duration.seconds(30), Duration.seconds(90)])('statusCheckPeriod %s is rejected (the metric is per minute)', (statusCheckPeriod) => {
    expect(build({ statusCheckPeriod })).toThrow(/statusCheckPeriod must be (a whole number of minutes|between 60 and 86400 s)/);
  });

  test.each([[0, false], [1, true], [1440, true], [1441, false]])('statusCheckEvaluationPeriods %d accepted: %s', (statusCheckEvaluationPeriods, ok) => {
    const run = build({ statusCheckEvaluationPeriods });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/statusCheckEvaluationPeriods must be between 1 and 1440/);
  });

  // CloudWatch PutMetricAlarm (API reference, Period): "Period multiplied by EvaluationPeriods can't be
  // more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total
  // evaluation period can't be longer than one day (86,400 seconds)."
  test('period x evaluation periods may reach one day under a one-hour period, not more', () => {
    expect(build({ statusCheckPeriod: Duration.minutes(5), statusCheckEvaluationPeriods: 288 })).not.toThrow();
    expect(build({ statusCheckPeriod: Duration.minutes(5), statusCheckEvaluationPeriods: 289 }))
      .toThrow(/statusCheckPeriod x statusCheckEvaluationPeriods must be at most 86400 s, got '86700 s'/);
  });

  test('period x evaluation periods may reach seven days with a one-hour period, not more', () => {
    expect(build({ statusCheckPeriod: Duration.hours(1), statusCheckEvaluationPeriods: 168 })).not.toThrow();
    expect(build({ statusCheckPeriod: Duration.hours(1), statusCheckEvaluationPeriods: 169 }))
      .toThrow(/must be at most 604800 s, got '608400 s'/);
  });
});

describe('healthCheck', () => {
  test.each([[0, false], [1, true], [65535, true], [65536, false]])('port %d accepted: %s', (port, ok) => {
    const run = build({ healthCheck: ApplicationHealthCheck.tcp({ port }) });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/healthCheck.port must be between 1 and 65535/);
  });

  test.each([[99, false], [100, true], [10_000, true], [10_001, false]])('timeout %d ms accepted: %s', (ms, ok) => {
    const run = build({ healthCheck: ApplicationHealthCheck.http({ timeout: Duration.millis(ms) }) });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/healthCheck.timeout must be between 100 and 10000 ms/);
  });

  test.each([[0, false], [1, true], [5, true], [6, false]])('attempts %d accepted: %s', (attempts, ok) => {
    const run = build({ healthCheck: ApplicationHealthCheck.http({ attempts }) });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/healthCheck.attempts must be between 1 and 5/);
  });

  test.each([[0, true], [10_000, true], [10_001, false]])('interval %d ms accepted: %s', (ms, ok) => {
    const run = build({ healthCheck: ApplicationHealthCheck.http({ interval: Duration.millis(ms) }) });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/healthCheck.interval must be between 0 and 10000 ms/);
  });

  test.each([[0, true], [999, false], [1000, true], [60_000, true], [60_001, false]])('watchInterval %d ms accepted: %s', (ms, ok) => {
    const run = build({ healthCheck: ApplicationHealthCheck.http({ watchInterval: Duration.millis(ms) }) });
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/healthCheck.watchInterval must be between 1000 and 60000 ms/);
  });

  test.each(['health', '/he alth', `/${'a'.repeat(1024)}`])('path %s is rejected', (p) => {
    expect(build({ healthCheck: ApplicationHealthCheck.http({ path: p }) })).toThrow(/healthCheck.path must be/);
  });

  test('the largest probe still fits the function timeout (Lambda allows 900 s)', () => {
    const failover = build({
      healthCheck: ApplicationHealthCheck.http({ attempts: 5, timeout: Duration.seconds(10), interval: Duration.seconds(10) }),
    })();
    // 12 API calls at the 2.5 s attempt timeout, two failing readings of 5 x 10 s + 4 x 10 s, two retries, 1 s reserve
    expect(failover.failoverFunction.timeout!.toSeconds()).toEqual(30 + 2 * 90 + 7 + 1);
    expect(failover.failoverFunction.timeout!.toSeconds()).toBeLessThanOrEqual(900);
  });
});

describe('values known only at deploy', () => {
  test('an allocation id, a probe port and evaluation periods from parameters pass without false errors', () => {
    // GIVEN deploy-time values
    const stack = testStack();
    const allocation = new CfnParameter(stack, 'Allocation', { type: 'String' });
    const port = new CfnParameter(stack, 'Port', { type: 'Number' });
    const periods = new CfnParameter(stack, 'Periods', { type: 'Number' });
    // WHEN / THEN
    const failover = new ElasticIpFailover(stack, 'Web', {
      vpc: importedVpc(stack, { publicSubnets: true }),
      allocationId: allocation.valueAsString,
      statusCheckEvaluationPeriods: periods.valueAsNumber,
      healthCheck: ApplicationHealthCheck.tcp({ port: port.valueAsNumber }),
    });
    expect(failover.allocationId).toEqual(allocation.valueAsString);
    // and the recovery time that depends on the deploy-time count is reported as unknown, not invented
    expect(failover.worstCaseRecovery.instanceImpaired).toBeUndefined();
    expect(failover.worstCaseRecovery.applicationFailure).toBeDefined();
  });
});
