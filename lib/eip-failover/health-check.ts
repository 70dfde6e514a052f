import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkDurationUnit, checkLength, checkPattern, checkRange, isKnown } from '../core/validation';

/** Upper limits checked by `_validate`; also the bound used for a timing known only at deploy. */
const MAX_ATTEMPTS = 5;
const MAX_TIMEOUT_MS = 10_000;
const MAX_INTERVAL_MS = 10_000;
const MAX_WATCH_MS = 60_000;

/** Milliseconds of a duration known at synth, else undefined. */
function knownMillis(duration: Duration): number | undefined {
  return duration.isUnresolved() ? undefined : duration.toMilliseconds();
}

/**
 * A probe duration as the failover function reads it: `<name>Ms`, or `<name>Seconds` for a
 * deploy-time `Duration.seconds(...)`, which cannot be converted to milliseconds at synth.
 */
function renderDuration(name: string, duration: Duration): { [key: string]: number } {
  if (duration.isUnresolved() && duration.unitLabel() === 'seconds') return { [`${name}Seconds`]: duration.toSeconds() };
  return { [`${name}Ms`]: duration.toMilliseconds() };
}

/** A deploy-time duration must be in seconds or milliseconds: the function multiplies nothing else. */
function checkTokenUnit(scope: IConstruct, property: string, duration: Duration): void {
  checkDurationUnit(scope, property, duration, ['seconds', 'millis'], 'A deploy-time amount cannot be converted at synth; give it in seconds or milliseconds.');
}

/** Timing of an application probe, shared by every probe kind. */
export interface ProbeTimingOptions {
  /**
   * How long one attempt may take before it counts as failed: a hard deadline on the whole attempt
   * (connection and answer), not an idle timeout.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failed attempts of one reading before a node counts as unhealthy. One success ends
   * the reading.
   * @default 2
   */
  readonly attempts?: number;
  /**
   * Pause between two attempts of one reading.
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;
  /**
   * How often the fast probe loop probes the holder within each scheduled run (one run lasts about
   * one `reconcileInterval`). `Duration.seconds(0)` turns the loop off: one reading per run.
   * The loop keeps the function running most of the time: see the README for its cost.
   * @default Duration.seconds(5)
   */
  readonly watchInterval?: Duration;
}

/** Options of {@link ApplicationHealthCheck.http}. */
export interface HttpHealthCheckOptions extends ProbeTimingOptions {
  /**
   * Port of the HTTP server on the node's private address.
   * @default 80
   */
  readonly port?: number;
  /**
   * Path requested with GET; an answer with status 200-399 is healthy.
   * @default '/'
   */
  readonly path?: string;
}

/** Options of {@link ApplicationHealthCheck.tcp}. */
export interface TcpHealthCheckOptions extends ProbeTimingOptions {
  /** Port that must accept a TCP connection on the node's private address. */
  readonly port: number;
}

/**
 * An application probe the failover function runs from inside the VPC against each node's
 * private address on every reconciliation. A node that fails it loses the address (if it holds
 * it) and cannot receive it.
 */
export class ApplicationHealthCheck {
  /** GET a path over HTTP; status 200-399 is healthy. */
  public static http(options: HttpHealthCheckOptions = {}): ApplicationHealthCheck {
    return new ApplicationHealthCheck('http', options.port ?? 80, options.path ?? '/', options);
  }

  /** Open a TCP connection to a port. */
  public static tcp(options: TcpHealthCheckOptions): ApplicationHealthCheck {
    return new ApplicationHealthCheck('tcp', options.port, undefined, options);
  }

  /** `http` or `tcp`. */
  public readonly protocol: string;
  /** Port probed. */
  public readonly port: number;
  /** Path requested (HTTP only). */
  public readonly path?: string;
  /** Timeout of one attempt. */
  public readonly timeout: Duration;
  /** Failed attempts before a node is unhealthy. */
  public readonly attempts: number;
  /** Pause between attempts. */
  public readonly interval: Duration;
  /** Interval of the fast probe loop (zero: off). */
  public readonly watchInterval: Duration;

  private constructor(protocol: string, port: number, path: string | undefined, timing: ProbeTimingOptions) {
    this.protocol = protocol;
    this.port = port;
    this.path = path;
    this.timeout = timing.timeout ?? Duration.seconds(2);
    this.attempts = timing.attempts ?? 2;
    this.interval = timing.interval ?? Duration.seconds(1);
    this.watchInterval = timing.watchInterval ?? Duration.seconds(5);
  }

  /**
   * The longest a probe of one node can take: every attempt times out. A timing known only at
   * deploy (a Token) counts with its largest allowed value (5 attempts, 10 s timeout, 10 s interval),
   * so the bound still holds.
   */
  public get worstCaseDuration(): Duration {
    const attempts = isKnown(this.attempts) ? this.attempts : MAX_ATTEMPTS;
    const timeout = knownMillis(this.timeout) ?? MAX_TIMEOUT_MS;
    const interval = knownMillis(this.interval) ?? MAX_INTERVAL_MS;
    return Duration.millis(attempts * timeout + (attempts - 1) * interval);
  }

  /** Whether every timing (attempts, timeout, interval, watch interval) is known at synth. */
  public get timingKnown(): boolean {
    return isKnown(this.attempts) && !this.timeout.isUnresolved() && !this.interval.isUnresolved() && !this.watchInterval.isUnresolved();
  }

  /**
   * Checks the values against what the failover function can run.
   * @internal
   */
  public _validate(scope: IConstruct): void {
    checkRange(scope, { property: 'healthCheck.port', value: this.port, min: 1, max: 65535 });
    checkTokenUnit(scope, 'healthCheck.timeout', this.timeout);
    checkTokenUnit(scope, 'healthCheck.interval', this.interval);
    checkRange(scope, {
      property: 'healthCheck.timeout', value: knownMillis(this.timeout), min: 100, max: MAX_TIMEOUT_MS, unit: 'ms',
      fix: 'A probe that needs more than 10 s per attempt is not a liveness check; probe a lighter endpoint.',
    });
    checkRange(scope, {
      property: 'healthCheck.attempts', value: this.attempts, min: 1, max: MAX_ATTEMPTS,
      fix: 'Attempts run within one reading of the failover function; more than 5 delays detection needlessly.',
    });
    checkRange(scope, { property: 'healthCheck.interval', value: knownMillis(this.interval), min: 0, max: MAX_INTERVAL_MS, unit: 'ms' });
    checkTokenUnit(scope, 'healthCheck.watchInterval', this.watchInterval);
    const watch = knownMillis(this.watchInterval);
    if (watch !== 0) {
      checkRange(scope, {
        property: 'healthCheck.watchInterval', value: watch, min: 1000, max: MAX_WATCH_MS, unit: 'ms',
        fix: 'Probe the holder at most once a second and at least once a minute, or give Duration.seconds(0) to turn the loop off.',
      });
    }
    if (this.path !== undefined) {
      checkPattern(scope, 'healthCheck.path', this.path, /^\/[\x21-\x7e]*$/,
        "a path starting with '/' without spaces or control characters", "For example '/health'.");
      checkLength(scope, 'healthCheck.path', this.path, 1, 1024);
    }
  }

  /**
   * The probe as the failover function reads it from its configuration (`timeoutSeconds` and
   * `intervalSeconds` replace the `...Ms` fields for deploy-time `Duration.seconds(...)` values).
   * @internal
   */
  public _render(): { [key: string]: unknown } {
    return {
      protocol: this.protocol,
      port: this.port,
      path: this.path,
      ...renderDuration('timeout', this.timeout),
      attempts: this.attempts,
      ...renderDuration('interval', this.interval),
      ...renderDuration('watchInterval', this.watchInterval),
    };
  }
}
