import { Duration, Token } from 'aws-cdk-lib';
import { ApplicationHealthCheck } from './health-check';

/**
 * The failover function's API budget. The construct renders these numbers into the function's
 * configuration, so the runtime and the recovery-time model below use the same ones.
 */
export const API_BUDGET = { attemptTimeoutMs: 2500, connectTimeoutMs: 1000, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

/** Modelled answer time of one AWS API call. AWS documents no latency: this is the model's assumption. */
export const MODELLED_CALL_MS = 200;
/** Modelled answer time of a healthy node to one probe attempt (same VPC). */
export const MODELLED_PROBE_MS = 50;
/** Kept free at the end of each invocation (runtime RESERVE_MS). */
export const RESERVE_MS = 1000;
/** A run ends this long before the next scheduled run would start, so the two do not overlap. */
const SCHEDULE_MARGIN_MS = 2000;
/**
 * EC2 runs status checks every minute, and StatusCheckFailed_* is a one-minute metric
 * (Amazon EC2 User Guide, "Status checks for Amazon EC2 instances").
 */
const STATUS_CHECK_EVERY_MS = 60_000;
/** CloudWatch evaluates a standard-resolution alarm once a minute: one more minute after the last period. */
const ALARM_EVALUATION_MS = 60_000;
/** Reads of one decision: DescribeAddresses, DescribeInstances, DescribeInstanceStatus, DescribeAlarms. */
const READ_CALLS = 4;
/** Calls from the decision to the association: the target read again (3), the address again, the intent tag, AssociateAddress. */
const MOVE_CALLS = 6;
/** Every call of a run, with bookkeeping: reads, move, record tags, Publish. */
const RUN_CALLS = READ_CALLS + MOVE_CALLS + 2;
/** One retried call per decision: an attempt that timed out, then the longest backoff. */
const RETRY_MS = API_BUDGET.attemptTimeoutMs + API_BUDGET.maxDelayMs;
/** Lambda's largest timeout. */
export const MAX_FUNCTION_TIMEOUT_MS = 900_000;

/**
 * Modelled worst-case time from a failure to the completed association, per failure class. Computed
 * on a virtual clock from documented AWS timings (status checks every minute, alarm periods and
 * evaluation, the schedule) and the function's own budget (API calls at MODELLED_CALL_MS each, one
 * retried call, probe readings, the fast probe loop); checked by the fault-injection tests. Not
 * measured in an account. A cold start, and an EventBridge schedule that fires late, add their delay.
 */
export interface RecoveryTimes {
  /**
   * A node stopping, stopped, shutting down or terminated. The state-change event normally triggers
   * the function within seconds; the bound assumes the event is lost: with an application probe the
   * fast probe loop sees the node go, else the next scheduled run.
   * @default - undefined when a timing it depends on is known only at deploy (a Token)
   */
  readonly instanceStopped?: Duration;
  /**
   * A failed system or instance status check: up to a minute until the failed check, the alarm's
   * periods, a minute of alarm evaluation, then the alarm event, the fast probe loop's alarm read or
   * the next scheduled run, and the decision.
   * @default - undefined when a timing it depends on is known only at deploy (a Token)
   */
  readonly instanceImpaired?: Duration;
  /**
   * An application that stops answering the probe.
   * @default - undefined without an application probe, or when a timing is known only at deploy
   */
  readonly applicationFailure?: Duration;
  /**
   * The holder's Availability Zone lost. With a probe: the application-failure path plus one probe
   * invocation lost in the failed zone. Without one: the status-check path (this assumes EC2 reports
   * the instance impaired).
   * @default - undefined when a timing it depends on is known only at deploy (a Token)
   */
  readonly availabilityZoneLost?: Duration;
  /**
   * Time until a fail-back, once the primary is healthy again: the larger of the cooldown (when the
   * primary is the node the address last left) and `failBackReadings` scheduled readings, plus the decision.
   * @default - undefined without fail-back, or when a timing is known only at deploy
   */
  readonly failBack?: Duration;
}

/** What the model needs, in milliseconds; undefined for a value known only at deploy. */
export interface RecoveryInputs {
  readonly reconcileIntervalMs?: number;
  readonly statusCheckPeriodMs?: number;
  readonly statusCheckEvaluationPeriods?: number;
  readonly cooldownMs?: number;
  readonly failBack: boolean;
  readonly failBackReadings?: number;
  readonly probe?: ApplicationHealthCheck;
  /** The probe runs in a probe function inside the VPC (one more call per reading). */
  readonly remoteProbe: boolean;
  /** The function reaches the APIs through interfaces in the VPC (a lost zone costs one more retry). */
  readonly inVpc: boolean;
}

/** Milliseconds of a duration known at synth, else undefined. */
export function knownMs(duration: Duration | undefined): number | undefined {
  return duration === undefined || duration.isUnresolved() ? undefined : duration.toMilliseconds();
}

/** One failing probe reading: every attempt times out. */
function failingReadingMs(probe: ApplicationHealthCheck): number | undefined {
  return probe.timingKnown ? probe.worstCaseDuration.toMilliseconds() : undefined;
}

function watchMs(probe: ApplicationHealthCheck): number | undefined {
  return knownMs(probe.watchInterval);
}

/**
 * The decision budget the fast probe loop keeps free: once a failed reading leaves less than this
 * before the run deadline, the next run decides. Rendered into the configuration.
 */
export function decisionBudgetMs(probe: ApplicationHealthCheck | undefined, remote: boolean): number {
  const probeMs = probe ? MODELLED_PROBE_MS + (remote ? MODELLED_CALL_MS : 0) : 0;
  return READ_CALLS * MODELLED_CALL_MS + probeMs + MOVE_CALLS * MODELLED_CALL_MS + probeMs;
}

/**
 * Timeout of the deciding function: the run budget (every call at its attempt timeout, two failing
 * readings, two retries) and, with the fast probe loop, the reconcile interval less a margin.
 * Undefined when a probe timing is known only at deploy: the caller then counts the largest allowed.
 */
export function functionTimeoutMs(inputs: RecoveryInputs): number {
  const probe = inputs.probe;
  const reading = probe ? probe.worstCaseDuration.toMilliseconds() : 0; // largest allowed when a Token
  const budget = RUN_CALLS * API_BUDGET.attemptTimeoutMs + 2 * reading + 2 * RETRY_MS + RESERVE_MS;
  const watching = probe !== undefined && watchMs(probe) !== 0 && inputs.reconcileIntervalMs !== undefined;
  const window = watching ? inputs.reconcileIntervalMs! - SCHEDULE_MARGIN_MS : 0;
  return Math.ceil(Math.max(budget, window) / 1000) * 1000;
}

/** Modelled worst-case recovery per failure class (see RecoveryTimes). */
export function recoveryTimes(inputs: RecoveryInputs): RecoveryTimes {
  const interval = inputs.reconcileIntervalMs;
  const probe = inputs.probe;
  const call = MODELLED_CALL_MS;
  const remoteCall = inputs.remoteProbe ? call : 0;
  const healthyReading = probe ? MODELLED_PROBE_MS + remoteCall : 0;
  const reading = probe ? failingReadingMs(probe) : 0;
  const watch = probe ? watchMs(probe) : 0;
  const vpcRetry = inputs.inVpc ? RETRY_MS : 0;
  // From "the run knows the holder failed" to the association.
  const decide = READ_CALLS * call + healthyReading + MOVE_CALLS * call + healthyReading + RETRY_MS;

  // With the fast loop: the last moment a failure can still be decided by the run that sees it.
  const failing = reading === undefined ? undefined : reading + remoteCall;
  const lastUseful = probe && watch && failing !== undefined
    ? functionTimeoutMs(inputs) - RESERVE_MS - decisionBudgetMs(probe, inputs.remoteProbe) - failing - watch : undefined;
  const acrossRuns = interval !== undefined && lastUseful !== undefined ? Math.max(0, interval - lastUseful) : undefined;

  let application: number | undefined;
  if (probe && interval !== undefined && failing !== undefined && watch !== undefined) {
    const nextRun = READ_CALLS * call + failing + MOVE_CALLS * call + healthyReading + RETRY_MS;
    application = watch === 0
      ? interval + nextRun
      // Failure right after a good probe: the next probe fails, then a decision; or a failure just
      // too late for this run to decide: the next scheduled run reads and probes first.
      : Math.max(watch + failing + decide, acrossRuns! + nextRun);
  }

  const periods = inputs.statusCheckEvaluationPeriods;
  const alarmFires = inputs.statusCheckPeriodMs !== undefined && periods !== undefined && !Token.isUnresolved(periods)
    ? STATUS_CHECK_EVERY_MS + inputs.statusCheckPeriodMs * periods + ALARM_EVALUATION_MS : undefined;
  // After the alarm (its event assumed lost): the loop's alarm read, or the next scheduled run.
  const afterAlarm = acrossRuns !== undefined ? Math.max(watch! + call, acrossRuns) : interval;
  const impaired = alarmFires !== undefined && afterAlarm !== undefined ? alarmFires + afterAlarm + decide : undefined;

  const stopped = probe
    ? application
    : interval !== undefined ? interval + decide : undefined;

  const zone = probe
    ? (application !== undefined && watch !== undefined && reading !== undefined
      ? application + (watch || interval!) + reading + API_BUDGET.attemptTimeoutMs + vpcRetry : undefined)
    : (impaired !== undefined ? impaired + vpcRetry : undefined);

  let failBack: number | undefined;
  if (inputs.failBack && interval !== undefined && inputs.cooldownMs !== undefined && inputs.failBackReadings !== undefined
    && !Token.isUnresolved(inputs.failBackReadings)) {
    failBack = Math.max(inputs.cooldownMs, inputs.failBackReadings * interval) + interval + decide;
  }

  const d = (ms: number | undefined) => (ms === undefined ? undefined : Duration.millis(Math.ceil(ms)));
  return {
    instanceStopped: d(stopped),
    instanceImpaired: d(impaired),
    applicationFailure: d(application),
    availabilityZoneLost: d(zone),
    failBack: d(failBack),
  };
}
