'use strict';
/** Application probes: a hard deadline per attempt, readings of several nodes, locally or through the probe function. */
const http = require('http');
const net = require('net');
const { isRetryable, withDeadline } = require('./calls');

/** Invocations of the probe function per reading when it is throttled or fails fast. */
const PROBE_INVOKE_ATTEMPTS = 3;

/** One probe attempt against a private address, with a hard deadline (not an idle timeout). Never rejects. */
function probeOnce(check, ip, timeoutMs) {
  return new Promise((resolve) => {
    let settled = false;
    let handle;
    const done = (ok) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (handle) handle.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    if (check.protocol === 'tcp') {
      handle = net.connect({ host: ip, port: check.port });
      handle.once('connect', () => done(true));
      handle.once('error', () => done(false));
      return;
    }
    handle = http.request({ host: ip, port: check.port, path: check.path, method: 'GET' }, (response) => {
      done(response.statusCode >= 200 && response.statusCode < 400);
    });
    handle.once('error', () => done(false));
    handle.end();
  });
}

/** One reading of one node: up to `attempts` attempts, healthy at the first success. */
async function probeReading(ctx, check, ip) {
  const { deps } = ctx;
  for (let attempt = 1; attempt <= check.attempts; attempt++) {
    const left = ctx.deadline - deps.now();
    if (left <= 0) return undefined;
    const ms = Math.min(check.timeoutMs, left);
    const ok = await withDeadline(deps, ms, () => deps.probeOnce(check, ip, ms), `probe ${ip}`).catch(() => false);
    if (ok) return true;
    if (attempt < check.attempts && check.intervalMs > 0) await deps.sleep(check.intervalMs);
  }
  return false;
}

/** Worst-case length of one failing reading. */
function readingMs(check) {
  return check.attempts * check.timeoutMs + (check.attempts - 1) * check.intervalMs;
}

/**
 * Readings of several nodes at once, in this function or (when the function runs outside the
 * VPC) through the probe function inside it. Returns id -> true | false | undefined (unknown).
 */
async function probeNodes(ctx, targets) {
  const { cfg, deps } = ctx;
  const check = cfg.healthCheck;
  const results = {};
  if (targets.length === 0) return results;
  if (!cfg.probeFunction) {
    await Promise.all(targets.map(async (t) => { results[t.id] = await probeReading(ctx, check, t.ip); }));
    return results;
  }
  // A throttled or failed invocation is repeated (it did nothing); one that timed out is not: the
  // next reading comes soon enough, and repeating it would double the wait.
  for (let attempt = 1; attempt <= PROBE_INVOKE_ATTEMPTS; attempt++) {
    const budget = Math.min(readingMs(check) + ctx.api.attemptTimeoutMs, ctx.deadline - deps.now());
    try {
      const answer = await withDeadline(deps, Math.max(0, budget), (signal) => deps.invokeProbe(cfg.probeFunction,
        { check, targets, budgetMs: readingMs(check) }, signal), 'probe function');
      for (const t of targets) results[t.id] = answer && answer.results ? answer.results[t.id] : undefined;
      return results;
    } catch (error) {
      const again = attempt < PROBE_INVOKE_ATTEMPTS && error.name !== 'TimeoutError' && isRetryable(error);
      deps.log({ level: 'WARN', message: `probe function failed with ${error.name}${again ? '; retried' : ': application health unknown'}` });
      if (!again) return results;
      await deps.sleep(ctx.api.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  return results;
}

module.exports = { probeOnce, probeReading, readingMs, probeNodes };
