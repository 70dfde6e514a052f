/**
 * Values known only at deploy (CfnParameter, Fn.importValue, Lazy): every synth-time check lets
 * them through without false errors, and they reach the template as given.
 * (httpPutResponseHopLimit is not covered: ec2.Instance refuses a Token there, see the lib/core
 * change reported with this audit.)
 */
import { CfnParameter, Duration, Fn, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ApplicationHealthCheck, ElasticIpFailover } from '../../lib/eip-failover';
import { importedVpc, testStack } from '../util';

const { normalizeConfig } = require('../../lib/eip-failover/runtime/index.js');

const num = (stack: Stack, id: string): number => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
const str = (stack: Stack, id: string): string => new CfnParameter(stack, id, { type: 'String' }).valueAsString;

describe('values known only at deploy', () => {
  test('timings, probe, node settings and the allocation from parameters reach the template', () => {
    // GIVEN every plausible prop as a deploy-time value
    const stack = testStack();
    // WHEN
    const failover = new ElasticIpFailover(stack, 'Web', {
      vpc: importedVpc(stack, { publicSubnets: true }),
      allocationId: Fn.importValue('AllocationId'),
      cooldown: Duration.seconds(num(stack, 'Cooldown')),
      reconcileInterval: Duration.minutes(num(stack, 'Reconcile')),
      statusCheckPeriod: Duration.seconds(num(stack, 'Period')),
      statusCheckEvaluationPeriods: num(stack, 'Periods'),
      rootVolumeSize: Size.gibibytes(num(stack, 'RootSize')),
      rootDeviceName: str(stack, 'RootDevice'),
      instanceType: new ec2.InstanceType(str(stack, 'InstanceType')),
      healthCheck: ApplicationHealthCheck.http({
        port: num(stack, 'Port'),
        path: str(stack, 'Path'),
        timeout: Duration.seconds(num(stack, 'Timeout')),
        attempts: num(stack, 'Attempts'),
        interval: Duration.seconds(num(stack, 'Interval')),
      }),
    });

    // THEN the values are in the template as references
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::EIPAssociation', { AllocationId: { 'Fn::ImportValue': 'AllocationId' } });
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: { Ref: 'InstanceType' },
      BlockDeviceMappings: [{ DeviceName: { Ref: 'RootDevice' }, Ebs: Match.objectLike({ VolumeSize: { Ref: 'RootSize' } }) }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'StatusCheckFailed_System',
      Period: { Ref: 'Period' },
      EvaluationPeriods: { Ref: 'Periods' },
      DatapointsToAlarm: { Ref: 'Periods' },
    });
    // EventBridge wants `rate(1 minute)` for one: a deploy-time amount picks the form by condition
    // (EventBridge User Guide, "Using cron and rate expressions to schedule rules")
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: { 'Fn::If': [Match.stringLikeRegexp('ReconcileIntervalIsOne'), 'rate(1 minute)', { 'Fn::Join': ['', ['rate(', { Ref: 'Reconcile' }, ' minutes)']] }] },
    });
    expect(Object.entries(template.toJSON().Conditions)).toEqual([[expect.stringMatching(/ReconcileIntervalIsOne/), { 'Fn::Equals': [{ Ref: 'Reconcile' }, 1] }]]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: { Ref: 'Port' }, ToPort: { Ref: 'Port' } });
    // the function gets the values in its configuration, and a timeout that covers the largest allowed probe
    // (two readings of 5 attempts of 10 s and 4 pauses of 10 s, 12 API calls at 2.5 s, two retries, 1 s)
    const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }))[0];
    expect(fn.Properties.Timeout).toEqual(218);
    const config = JSON.stringify(fn.Properties.Environment.Variables.CONFIG);
    for (const ref of ['AllocationId', 'Cooldown', 'Port', 'Path', 'Timeout', 'Attempts', 'Interval']) {
      expect(config).toContain(ref);
    }
    expect(config).toContain('timeoutSeconds');
    expect(config).toContain('intervalSeconds');
    // and detection times that depend on deploy-time values are unknown, not invented
    expect(failover.worstCaseRecovery.instanceImpaired).toBeUndefined();
    expect(failover.worstCaseRecovery.applicationFailure).toBeUndefined();
    expect(failover.worstCaseRecovery.instanceStopped).toBeUndefined();
  });

  test('the function turns deploy-time probe timings in seconds into milliseconds', () => {
    // GIVEN a configuration as CloudFormation renders it from Number parameters
    const config = {
      allocationId: 'eipalloc-12345678',
      healthCheck: { protocol: 'tcp', port: 8080, timeoutSeconds: 5, attempts: 3, intervalSeconds: 2 },
    };
    // WHEN
    const normalized = normalizeConfig(config);
    // THEN
    expect(normalized.healthCheck).toEqual({
      protocol: 'tcp', port: 8080, attempts: 3, timeoutMs: 5000, intervalMs: 2000, timeoutSeconds: 5, intervalSeconds: 2,
    });
    // and a configuration in milliseconds is unchanged
    expect(normalizeConfig({ healthCheck: { port: 80, attempts: 1, timeoutMs: 100, intervalMs: 0 } }).healthCheck)
      .toEqual({ port: 80, attempts: 1, timeoutMs: 100, intervalMs: 0 });
  });

  test('a Lazy probe timing in milliseconds passes and is bounded by the largest allowed value', () => {
    // GIVEN a timeout in milliseconds known only at deploy
    const probe = ApplicationHealthCheck.tcp({ port: 443, attempts: 2, timeout: Duration.millis(Lazy.number({ produce: () => 500 })) });
    // WHEN / THEN the worst case counts the timeout as 10 s: 2 x 10 s + 1 x 1 s
    expect(probe.worstCaseDuration.toSeconds()).toEqual(21);
    expect(probe.timingKnown).toBe(false);
  });

  test('a deploy-time duration in a unit the template cannot carry is refused in the house format', () => {
    // GIVEN durations whose amounts are Tokens in units that would need a conversion at synth
    const cases: Array<[Partial<{ cooldown: Duration; reconcileInterval: Duration; statusCheckPeriod: Duration }>, RegExp]> = [
      [{ cooldown: Duration.minutes(Lazy.number({ produce: () => 5 })) }, /cooldown must be Duration.seconds\(...\) when the amount is known only at deploy/],
      [{ reconcileInterval: Duration.seconds(Lazy.number({ produce: () => 60 })) }, /reconcileInterval must be Duration.minutes\(...\) or Duration.hours\(...\)/],
      [{ statusCheckPeriod: Duration.minutes(Lazy.number({ produce: () => 1 })) }, /statusCheckPeriod must be Duration.seconds\(...\)/],
    ];
    for (const [props, message] of cases) {
      const stack = testStack();
      // WHEN / THEN
      expect(() => new ElasticIpFailover(stack, 'Web', { vpc: importedVpc(stack, { publicSubnets: true }), ...props })).toThrow(message);
    }
    const stack = testStack();
    expect(() => new ElasticIpFailover(stack, 'Web', {
      vpc: importedVpc(stack, { publicSubnets: true }),
      healthCheck: ApplicationHealthCheck.tcp({ port: 80, timeout: Duration.minutes(num(stack, 'Timeout')) }),
    })).toThrow(/healthCheck.timeout must be Duration.seconds\(...\) or Duration.millis\(...\)/);
  });

  test('known values next to deploy-time ones are still checked', () => {
    // GIVEN a deploy-time attempt count and a known timeout above the limit
    const stack = testStack();
    // WHEN / THEN
    expect(() => new ElasticIpFailover(stack, 'Web', {
      vpc: importedVpc(stack, { publicSubnets: true }),
      healthCheck: ApplicationHealthCheck.tcp({ port: 80, attempts: num(stack, 'Attempts'), timeout: Duration.seconds(31) }),
    })).toThrow(/healthCheck.timeout must be between 100 and 10000 ms, got 31000/);
  });
});
