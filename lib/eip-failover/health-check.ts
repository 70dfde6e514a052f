import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkLength, checkPattern, checkRange } from '../core/validation';

/** Timing of an application probe, shared by every probe kind. */
export interface ProbeTimingOptions {
  /**
   * How long one attempt may take before it counts as failed.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failed attempts, within one run of the failover function, before a node counts
   * as unhealthy. One success ends the probe.
   * @default 3
   */
  readonly attempts?: number;
  /**
   * Pause between two attempts.
   * @default Duration.seconds(5)
   */
  readonly interval?: Duration;
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

  private constructor(protocol: string, port: number, path: string | undefined, timing: ProbeTimingOptions) {
    this.protocol = protocol;
    this.port = port;
    this.path = path;
    this.timeout = timing.timeout ?? Duration.seconds(5);
    this.attempts = timing.attempts ?? 3;
    this.interval = timing.interval ?? Duration.seconds(5);
  }

  /** The longest a probe of one node can take: every attempt times out. */
  public get worstCaseDuration(): Duration {
    const ms = this.attempts * this.timeout.toMilliseconds() + (this.attempts - 1) * this.interval.toMilliseconds();
    return Duration.millis(ms);
  }

  /**
   * Checks the values against what the failover function can run.
   * @internal
   */
  public _validate(scope: IConstruct): void {
    checkRange(scope, { property: 'healthCheck.port', value: this.port, min: 1, max: 65535 });
    checkRange(scope, {
      property: 'healthCheck.timeout', value: this.timeout.toMilliseconds(), min: 100, max: 30_000, unit: 'ms',
      fix: 'A probe that needs more than 30 s per attempt is not a liveness check; probe a lighter endpoint.',
    });
    checkRange(scope, {
      property: 'healthCheck.attempts', value: this.attempts, min: 1, max: 10,
      fix: 'Attempts run within one invocation of the failover function; more than 10 delays detection needlessly.',
    });
    checkRange(scope, { property: 'healthCheck.interval', value: this.interval.toMilliseconds(), min: 0, max: 30_000, unit: 'ms' });
    if (this.path !== undefined) {
      checkPattern(scope, 'healthCheck.path', this.path, /^\/[\x21-\x7e]*$/,
        "a path starting with '/' without spaces or control characters", "For example '/health'.");
      checkLength(scope, 'healthCheck.path', this.path, 1, 1024);
    }
  }

  /**
   * The probe as the failover function reads it from its configuration.
   * @internal
   */
  public _render(): { protocol: string; port: number; path?: string; timeoutMs: number; attempts: number; intervalMs: number } {
    return {
      protocol: this.protocol,
      port: this.port,
      path: this.path,
      timeoutMs: this.timeout.toMilliseconds(),
      attempts: this.attempts,
      intervalMs: this.interval.toMilliseconds(),
    };
  }
}
