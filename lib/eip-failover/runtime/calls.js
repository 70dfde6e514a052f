'use strict';
/**
 * Deadlines and retries of the failover function: every attempt has a hard deadline (an abort
 * signal), retries (throttling, 5xx, timeouts, refused or unresolved connections) use capped
 * exponential backoff with jitter and stop at the run deadline.
 */
/** API call budget; the construct renders the same numbers into the recovery-time model (detection.ts). */
const API_DEFAULTS = { attemptTimeoutMs: 2500, connectTimeoutMs: 1000, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };
/** Kept free at the end of every invocation for the last log line and the metrics. */
const RESERVE_MS = 1000;

const RETRYABLE = new Set([
  'RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException',
  'RequestThrottled', 'RequestThrottledException', 'ServiceUnavailable', 'Unavailable', 'InternalError',
  'InternalFailure', 'ServerError', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError',
  'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'ECONNABORTED',
]);

/** Whether an error is worth another try: throttling, 5xx, socket timeouts, refused or unresolved connections. */
function isRetryable(error) {
  if (!error) return false;
  if (error.name === 'DeadlineExceeded') return false;
  if (RETRYABLE.has(error.name) || RETRYABLE.has(error.code) || RETRYABLE.has(error.Code)) return true;
  if (error.$retryable) return true;
  const status = error.$metadata && error.$metadata.httpStatusCode;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** Throttling only: the request certainly did nothing, so repeating it cannot duplicate. */
function isThrottle(error) {
  const status = error && error.$metadata && error.$metadata.httpStatusCode;
  return Boolean(error) && (/thrott|limitexceeded|toomanyrequests/i.test(`${error.name}`) || status === 429
    || ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(error.code || error.name));
}

function named(name, message) {
  return Object.assign(new Error(message), { name });
}

/** Runs `fn(signal)` with a hard deadline: the signal aborts the call and the promise rejects with TimeoutError. */
function withDeadline(deps, ms, fn, label) {
  const controller = new AbortController();
  const timer = new AbortController();
  const timeout = deps.sleep(ms, timer.signal).then(() => {
    controller.abort();
    throw named('TimeoutError', `${label} gave no answer within ${ms} ms`);
  });
  return Promise.race([Promise.resolve().then(() => fn(controller.signal)), timeout]).finally(() => timer.abort());
}

/**
 * One API call: each attempt bounded by the attempt timeout and the run deadline; retryable
 * errors retried with capped exponential backoff and jitter while the deadline allows.
 * `confirm` runs after a retryable failure and returns a result when the call took effect anyway
 * (a lost response); `retry` narrows what is repeated.
 */
async function call(ctx, label, fn, { retry = isRetryable, confirm } = {}) {
  const { deps, api } = ctx;
  for (let attempt = 1; ; attempt++) {
    const left = ctx.deadline - deps.now();
    if (left <= 0) throw named('DeadlineExceeded', `${label}: run deadline reached before attempt ${attempt}`);
    try {
      return await withDeadline(deps, Math.min(api.attemptTimeoutMs, left), fn, label);
    } catch (error) {
      if (!retry(error) || attempt >= api.maxAttempts) throw error;
      if (confirm) {
        const done = await confirm().catch(() => undefined);
        if (done !== undefined) return done;
      }
      const ceiling = Math.min(api.maxDelayMs, api.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + deps.random() * (ceiling / 2));
      if (deps.now() + delay >= ctx.deadline) throw error;
      deps.log({ level: 'WARN', message: `${label} failed with ${error.name}; retry ${attempt} in ${delay} ms` });
      await deps.sleep(delay);
    }
  }
}

module.exports = { API_DEFAULTS, RESERVE_MS, isRetryable, isThrottle, named, withDeadline, call };
