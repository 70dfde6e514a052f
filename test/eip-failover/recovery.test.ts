/**
 * The recovery-time table (lib/eip-failover/README.md, `ElasticIpFailover.worstCaseRecovery`) checked
 * on the virtual clock: the real handler, scheduled every `reconcileInterval` with the timeout the
 * construct gives it, API calls at the modelled latency, one call per failover retried after a timeout,
 * and the failure injected every two seconds of a schedule period. The measured worst case must not
 * exceed the model, and the model must not be loose by more than a few seconds.
 *
 * Documented timings the model uses: EC2 status checks run every minute and StatusCheckFailed_* is a
 * one-minute metric (Amazon EC2 User Guide, "Status checks for Amazon EC2 instances"); an alarm fires
 * after its evaluation periods (CloudWatch User Guide, "Using Amazon CloudWatch alarms": "Evaluating an
 * alarm"); EventBridge schedules have a precision of one minute (EventBridge User Guide, "Using cron and
 * rate expressions to schedule rules"). The state-change event is assumed lost (the worst case).
 */
import { Duration } from 'aws-cdk-lib';
import {
  API_BUDGET, MODELLED_CALL_MS, MODELLED_PROBE_MS, RecoveryInputs, decisionBudgetMs, functionTimeoutMs, recoveryTimes,
} from '../../lib/eip-failover/detection';
import { ApplicationHealthCheck } from '../../lib/eip-failover/health-check';
import { PRIMARY, STANDBY, T0, World } from './sim';

const INTERVAL = 60_000;
const probe = ApplicationHealthCheck.http({ port: 80, path: '/' });

function inputs(overrides: Partial<RecoveryInputs> = {}): RecoveryInputs {
  return {
    reconcileIntervalMs: INTERVAL, statusCheckPeriodMs: 60_000, statusCheckEvaluationPeriods: 2, cooldownMs: 300_000,
    failBack: false, failBackReadings: 3, probe, remoteProbe: true, inVpc: false, ...overrides,
  };
}

function world(model: RecoveryInputs): World {
  const check = model.probe?._render();
  return new World({
    latencyMs: MODELLED_CALL_MS, probeMs: MODELLED_PROBE_MS, timeoutMs: functionTimeoutMs(model), remoteProbe: model.remoteProbe,
    config: {
      healthCheck: check, probeFunction: model.remoteProbe && check ? 'probe' : undefined, api: API_BUDGET,
      decisionBudgetMs: decisionBudgetMs(model.probe, model.remoteProbe),
    },
  });
}

/** Injects a failure `offset` ms into a schedule period; returns the time until the standby holds the address. */
async function recovery(model: RecoveryInputs, offset: number, fail: (w: World) => void, extra?: (w: World) => void): Promise<number> {
  const w = world(model);
  const failAt = T0 + INTERVAL + offset;
  const horizon = failAt + 6 * INTERVAL;
  w.schedule(INTERVAL, T0, horizon);
  w.clock.at(failAt, () => {
    fail(w);
    // one call of the failover is retried after a timeout (the model's retry term)
    w.fail('ec2:AssociateAddress', 'hang');
    extra?.(w);
  });
  await w.runUntil(horizon, () => w.moves.some((m) => m.at >= failAt && m.to === STANDBY));
  const move = w.moves.find((m) => m.at >= failAt && m.to === STANDBY);
  if (!move) throw new Error(`no failover after a failure at +${offset} ms`);
  return move.at - failAt;
}

async function worst(model: RecoveryInputs, fail: (w: World) => void, extra?: (w: World) => void): Promise<number> {
  let max = 0;
  for (let offset = 0; offset < INTERVAL; offset += 2000) max = Math.max(max, await recovery(model, offset, fail, extra));
  return max;
}

const hang = (w: World) => { w.nodes[PRIMARY].app = 'hang'; };
const stop = (w: World) => { w.nodes[PRIMARY].state = 'stopped'; w.nodes[PRIMARY].checks = 'not-applicable'; };

describe('modelled recovery times hold on the virtual clock', () => {
  test('application failure with the default probe and fast loop: at most 30 s, and the model is tight', async () => {
    // GIVEN the defaults: 60 s schedule, probe function in the VPC, 5 s loop, 2 attempts of 2 s
    const model = inputs();
    const modelled = recoveryTimes(model).applicationFailure!.toMilliseconds();
    // WHEN the holder's application hangs at each second of a period
    const measured = await worst(model, hang);
    // THEN
    expect(modelled).toBeLessThanOrEqual(30_000);
    expect(measured).toBeLessThanOrEqual(modelled);
    expect(modelled - measured).toBeLessThan(8_000);
  });

  test('application failure without the fast loop: one reconcile interval plus a failing reading and the decision', async () => {
    const model = inputs({ probe: ApplicationHealthCheck.http({ port: 80, watchInterval: Duration.seconds(0) }) });
    const modelled = recoveryTimes(model).applicationFailure!.toMilliseconds();
    const measured = await worst(model, hang);
    expect(measured).toBeLessThanOrEqual(modelled);
    expect(modelled - measured).toBeLessThan(8_000);
  });

  test('instance stopped without a probe (event lost): the next scheduled run', async () => {
    const model = inputs({ probe: undefined, remoteProbe: false });
    const modelled = recoveryTimes(model).instanceStopped!.toMilliseconds();
    const measured = await worst(model, stop);
    expect(measured).toBeLessThanOrEqual(modelled);
    expect(modelled - measured).toBeLessThan(8_000);
  });

  test('instance stopped with the probe: the fast loop sees it go', async () => {
    const model = inputs();
    const modelled = recoveryTimes(model).instanceStopped!.toMilliseconds();
    const measured = await worst(model, stop);
    expect(measured).toBeLessThanOrEqual(modelled);
  });

  test('instance impaired: the alarm fires after the documented terms, then the loop reads it', async () => {
    // GIVEN the alarm's own delay (60 s until the failed check + 2 x 60 s periods + 60 s evaluation) is taken as documented
    const model = inputs();
    const alarmDelay = 60_000 + 2 * 60_000 + 60_000;
    const modelled = recoveryTimes(model).instanceImpaired!.toMilliseconds();
    // WHEN the alarm goes to ALARM that long after the failure (the node still answers its probe)
    const measured = await worst(model, (w) => {
      w.clock.at(w.clock.now + alarmDelay, () => { w.nodes[PRIMARY].alarms = ['p-system']; w.nodes[PRIMARY].checks = 'impaired'; });
    });
    // THEN
    expect(measured).toBeLessThanOrEqual(modelled);
    expect(modelled - measured).toBeLessThan(8_000);
  });

  test('Availability Zone lost: the holder stops answering and the next probe invocation is lost in the failed zone', async () => {
    const model = inputs();
    const modelled = recoveryTimes(model).availabilityZoneLost!.toMilliseconds();
    const measured = await worst(model, hang, (w) => w.fail('lambda:Invoke', 'hang'));
    expect(measured).toBeLessThanOrEqual(modelled);
  });
});

describe('the model itself', () => {
  test('defaults: the table in the README', () => {
    const t = recoveryTimes(inputs({ failBack: true }));
    const s = (d?: Duration) => Math.ceil(d!.toMilliseconds() / 1000);
    expect({
      instanceStopped: s(t.instanceStopped), instanceImpaired: s(t.instanceImpaired), applicationFailure: s(t.applicationFailure),
      availabilityZoneLost: s(t.availabilityZoneLost), failBack: s(t.failBack),
    }).toEqual({ instanceStopped: 27, instanceImpaired: 262, applicationFailure: 27, availabilityZoneLost: 40, failBack: 366 });
    const bare = recoveryTimes(inputs({ probe: undefined, remoteProbe: false }));
    expect({ stopped: s(bare.instanceStopped), impaired: s(bare.instanceImpaired), zone: s(bare.availabilityZoneLost) })
      .toEqual({ stopped: 66, impaired: 306, zone: 306 });
    expect(bare.applicationFailure).toBeUndefined();
  });

  test('the function timeout covers the run budget, and the fast loop ends before the next scheduled run', () => {
    expect(functionTimeoutMs(inputs())).toBe(58_000);
    expect(functionTimeoutMs(inputs({ probe: undefined }))).toBe(38_000);
    // a long probe makes the run budget the larger term
    const slow = ApplicationHealthCheck.tcp({ port: 80, attempts: 5, timeout: Duration.seconds(10), interval: Duration.seconds(10) });
    expect(functionTimeoutMs(inputs({ probe: slow }))).toBe(12 * 2500 + 2 * 90_000 + 2 * 3500 + 1000);
  });
});
