'use strict';
/**
 * Elastic IP failover function (Node.js, CommonJS, the AWS SDK v3 the Lambda runtime ships).
 *
 * Level-triggered: every invocation (an instance state change, a status-check alarm transition
 * or the schedule) ignores what the event claims and reconciles from the real state: the current
 * association, the EC2 state and status checks of both nodes, their status-check alarms and an
 * optional application probe. Rules:
 *
 *  1. The address only ever moves to a node that is running, passes both status checks, has no
 *     alarm in ALARM and passes the probe ("eligible"), and only after that node was read and
 *     probed again right before the move.
 *  2. A failed holder (not running, an alarm in ALARM, failing the probe) is left at once when the
 *     other node is eligible: no cooldown ever keeps the address on a failed node.
 *  3. Fail-back to the primary needs `failBackReadings` consecutive eligible readings and, when
 *     the primary is the node the address last left, the cooldown since that move.
 *  4. No eligible node: the address stays where it is, NoHealthyNode = 1, one notification.
 *  5. An address held by an interface outside the pair's two interfaces is left alone, once notified.
 *  6. The tag `eip-failover:paused=true` on the allocation pauses every decision (maintenance).
 *
 * Moves are recorded exactly once: an intent tag is written before AssociateAddress; the run
 * (or, when it died, the next run) finishes the bookkeeping (tags, metric, one message) and
 * marks the intent recorded before it notifies.
 *
 * Deadlines: every API attempt has a hard deadline (an abort signal plus the client's connection
 * and request timeouts); retries (throttling, 5xx, timeouts, refused or unresolved connections)
 * stop at the run deadline, taken from the invocation's remaining time; every probe attempt has
 * a hard deadline, not an idle timeout.
 *
 * State lives in tags on the Elastic IP allocation: it is read in the same DescribeAddresses call
 * as the association, survives redeployments and cold starts, and needs no table.
 */
const net = require('net');
const { EC2Client, AssociateAddressCommand, CreateTagsCommand } = require('@aws-sdk/client-ec2');
const { CloudWatchClient } = require('@aws-sdk/client-cloudwatch');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');
const { API_DEFAULTS, RESERVE_MS, call, isRetryable, isThrottle, named } = require('./calls');
const { probeOnce, probeReading, probeNodes, readingMs } = require('./probe');
const {
  TAG, CONDITION_OK, CONDITION_NO_HEALTHY_NODE, CONDITION_HELD_ELSEWHERE, CONDITION_PAUSED,
  readAddress, readAlarms, inspect, holderOf, decide,
} = require('./state');

function realDeps() {
  const { NodeHttpHandler } = tryRequire('@smithy/node-http-handler') || {};
  const handlerOptions = { connectionTimeout: API_DEFAULTS.connectTimeoutMs, requestTimeout: API_DEFAULTS.attemptTimeoutMs };
  // One SDK attempt each: the function retries itself (call), so retries do not multiply.
  const client = (Client) => new Client({
    maxAttempts: 1,
    requestHandler: NodeHttpHandler ? new NodeHttpHandler(handlerOptions) : handlerOptions,
  });
  let lambda;
  return {
    ec2: client(EC2Client),
    cloudwatch: client(CloudWatchClient),
    sns: client(SNSClient),
    probeOnce,
    invokeProbe: async (name, payload, signal) => {
      // Loaded only where a probe function exists: the Lambda runtime ships the client.
      const sdk = require('@aws-sdk/client-lambda');
      lambda = lambda || client(sdk.LambdaClient);
      const out = await lambda.send(new sdk.InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(payload)) }),
        { abortSignal: signal });
      if (out.FunctionError) throw named('ProbeFunctionError', out.FunctionError);
      return JSON.parse(Buffer.from(out.Payload).toString('utf8'));
    },
    sleep: (ms, signal) => new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      if (signal) signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    }),
    now: () => Date.now(),
    random: Math.random,
    log: (entry) => console.log(JSON.stringify(entry)),
    // Embedded Metric Format: written raw to stdout so CloudWatch Logs extracts the metrics.
    emit: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
    config: undefined,
  };
}

function tryRequire(name) {
  try {
    return require(name);
  } catch {
    return undefined;
  }
}

function loadConfig(deps) {
  if (deps.config) return normalizeConfig(deps.config);
  if (!process.env.CONFIG) throw new Error('CONFIG environment variable is missing');
  return normalizeConfig(JSON.parse(process.env.CONFIG));
}

/** Probe timings given at deploy in seconds (`timeoutSeconds`, ...) become the `...Ms` fields; defaults filled in. */
function normalizeConfig(cfg) {
  const out = {
    failBackReadings: 3, interfaces: {}, ...cfg,
    api: { ...API_DEFAULTS, ...(cfg.api || {}) },
    cooldownSeconds: Number(cfg.cooldownSeconds),
    failBackReadings: Number(cfg.failBackReadings !== undefined ? cfg.failBackReadings : 3),
  };
  const check = cfg.healthCheck;
  if (!check) return out;
  const ms = (name) => (check[`${name}Ms`] !== undefined ? Number(check[`${name}Ms`])
    : check[`${name}Seconds`] !== undefined ? Number(check[`${name}Seconds`]) * 1000 : undefined);
  out.healthCheck = {
    ...check, port: Number(check.port), attempts: Number(check.attempts),
    timeoutMs: ms('timeout'), intervalMs: ms('interval'), watchIntervalMs: ms('watchInterval'),
  };
  return out;
}

/**
 * A last-move time ahead of the clock (a hand-edited tag, a skewed writer) is rewritten to now, once:
 * the cooldown then counts from the first run that saw it, instead of never ending.
 */
async function clampFuture(ctx, tags) {
  const now = ctx.deps.now();
  const t = tags[TAG.lastMove] ? Date.parse(tags[TAG.lastMove]) : NaN;
  if (Number.isNaN(t) || t <= now) return;
  tags[TAG.lastMove] = new Date(now).toISOString();
  ctx.deps.log({ level: 'WARN', message: `${TAG.lastMove} was in the future; clamped to now` });
  await writeTags(ctx, { [TAG.lastMove]: tags[TAG.lastMove] });
}

/** An intent tag: `<move id> <kind> <from instance or -> <to instance> <to interface> <detected ISO time>`. */
function parseIntent(value) {
  if (!value) return undefined;
  const [id, kind, from, to, toInterface, detected] = value.split(' ');
  if (!id || !to) return undefined;
  return { id, kind, from: from === '-' ? null : from, to, toInterface, detectedAt: Date.parse(detected) };
}

async function writeTags(ctx, tags) {
  const { cfg, deps } = ctx;
  await call(ctx, 'CreateTags', (signal) => deps.ec2.send(new CreateTagsCommand({
    Resources: [cfg.allocationId], Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  }), { abortSignal: signal }));
}

/**
 * The bookkeeping of one move, done once: tags (with `recorded`, the dedup mark) first, then the
 * metric, then one message. A run that dies after the tags loses at most the message.
 */
async function record(ctx, intent, address, metrics, late) {
  const { deps } = ctx;
  const now = deps.now();
  const state = {
    [TAG.lastMove]: new Date(Math.min(Number(intent.id), now)).toISOString(),
    [TAG.lastTarget]: intent.to,
    [TAG.lastFrom]: intent.from || '-',
    [TAG.condition]: CONDITION_OK,
    [TAG.streak]: '0',
    [TAG.recorded]: intent.id,
  };
  await writeTags(ctx, state);
  // The rest of this run decides from the state just written (a finished dead run's move starts the cooldown).
  Object.assign(address.tags, state);
  metrics[intent.kind === 'failback' ? 'FailBacks' : 'Failovers'] = 1;
  if (!late && !Number.isNaN(intent.detectedAt)) metrics.FailoverLatency = Math.max(0, now - intent.detectedAt);
  await notify(ctx, `Elastic IP ${address.PublicIp || ctx.cfg.allocationId} moved to ${intent.to}`,
    { event: intent.kind, from: intent.from, to: intent.to, reason: intent.reason, recordedLate: late || undefined });
}

/** Finishes a move a dead run left behind, or marks its intent void when the move did not happen. */
async function finishPending(ctx, address, metrics) {
  const intent = parseIntent(address.tags[TAG.intent]);
  if (!intent || address.tags[TAG.recorded] === intent.id) return false;
  const landed = address.NetworkInterfaceId ? address.NetworkInterfaceId === intent.toInterface : address.InstanceId === intent.to;
  if (landed) {
    ctx.deps.log({ level: 'WARN', message: `finishing the bookkeeping of move ${intent.id} to ${intent.to} left by an earlier run` });
    intent.reason = 'recorded by a later run (the moving run ended before its bookkeeping)';
    await record(ctx, intent, address, metrics, true);
  } else {
    ctx.deps.log({ level: 'WARN', message: `move ${intent.id} to ${intent.to} did not happen; intent voided` });
    await writeTags(ctx, { [TAG.recorded]: intent.id });
  }
  address.tags[TAG.recorded] = intent.id;
  return landed;
}

function describeEvent(event) {
  if (!event || !event['detail-type']) return event && event.watch ? 'watch loop: holder failed its probe' : 'direct invocation';
  const d = event.detail || {};
  if (event['detail-type'] === 'EC2 Instance State-change Notification') return `${d['instance-id']} is ${d.state}`;
  if (event['detail-type'] === 'CloudWatch Alarm State Change') return `alarm ${d.alarmName} is ${d.state && d.state.value}`;
  return event['detail-type'];
}

async function reconcile(ctx, event, known = {}, detectedAt) {
  const { cfg, deps } = ctx;
  const trigger = describeEvent(event);
  const started = detectedAt !== undefined ? detectedAt : deps.now();
  const metrics = { HealthyNodes: 0, NoHealthyNode: 0, Failovers: 0, FailBacks: 0, Paused: 0 };
  const address = await readAddress(ctx);
  const tags = address.tags;

  if (/^true$/i.test(tags[TAG.paused] || '')) {
    metrics.Paused = 1;
    deps.log({ level: 'WARN', trigger, action: 'paused', reason: `tag ${TAG.paused}=true on the allocation` });
    await announce(ctx, address, tags, CONDITION_PAUSED, { reason: 'paused by an operator', trigger });
    emitMetrics(ctx, metrics);
    return { action: 'paused', holder: address.InstanceId || null, reason: `${TAG.paused} is set` };
  }

  await finishPending(ctx, address, metrics);
  await clampFuture(ctx, tags);
  const nodes = await inspect(ctx, [cfg.primary, cfg.standby], known);
  const holder = holderOf(address, nodes);
  let decision = decide(cfg, holder, tags, nodes, deps.now());
  metrics.HealthyNodes = Object.values(nodes).filter((n) => n.eligible).length;
  deps.log({
    level: decision.action === 'hold' ? 'ERROR' : 'INFO', trigger, holder: address.InstanceId || address.NetworkInterfaceId || null,
    action: decision.action, reason: decision.reason, nodes: Object.values(nodes).map(summarize),
  });
  ctx.holder = holder.kind === 'pair' ? holder.node : undefined;

  if (decision.action === 'move') {
    const result = await move(ctx, address, decision, started, metrics, trigger);
    if (result) {
      emitMetrics(ctx, metrics);
      return result;
    }
    decision = { action: 'defer', reason: `${decision.to.id} was no longer eligible when checked again before the move` };
  }

  // Fail-back hysteresis: count the primary's consecutive eligible readings while the standby holds.
  const streak = decision.streak !== undefined ? String(decision.streak) : '0';
  if ((tags[TAG.streak] || '0') !== streak) await writeTags(ctx, { [TAG.streak]: streak });
  if (decision.action === 'hold') metrics.NoHealthyNode = 1;
  if (decision.condition) await announce(ctx, address, tags, decision.condition, { reason: decision.reason, trigger, holder: address.InstanceId || null });
  emitMetrics(ctx, metrics);
  return { action: decision.action, holder: address.InstanceId || address.NetworkInterfaceId || null, reason: decision.reason };
}

/** The move: check the target again, write the intent, associate, record. Returns undefined when the target lapsed. */
async function move(ctx, address, decision, detectedAt, metrics, trigger) {
  const { cfg, deps } = ctx;
  // Re-read and re-probe the target right before the move (it may have started stopping during the probe).
  const fresh = (await inspect(ctx, [decision.to.id]))[decision.to.id];
  const again = await readAddress(ctx);
  if (!fresh.eligible) {
    deps.log({ level: 'WARN', message: `target ${fresh.id} lapsed: ${fresh.reasons.join('; ')}` });
    return undefined;
  }
  if (again.InstanceId !== address.InstanceId || again.NetworkInterfaceId !== address.NetworkInterfaceId) {
    deps.log({ level: 'WARN', message: 'the association changed while deciding (an operator?): decided again next run' });
    return undefined;
  }
  const from = address.InstanceId || null;
  const intent = {
    id: String(deps.now()), kind: decision.kind, from, to: fresh.id, toInterface: fresh.interfaceId,
    detectedAt, reason: decision.reason,
  };
  await writeTags(ctx, {
    [TAG.intent]: `${intent.id} ${intent.kind} ${from || '-'} ${intent.to} ${intent.toInterface} ${new Date(detectedAt).toISOString()}`,
  });
  const associated = () => readAddress(ctx).then((a) => (a.NetworkInterfaceId === fresh.interfaceId ? a : undefined));
  await call(ctx, 'AssociateAddress', (signal) => deps.ec2.send(new AssociateAddressCommand({
    AllocationId: cfg.allocationId, NetworkInterfaceId: fresh.interfaceId, AllowReassociation: true,
  }), { abortSignal: signal }), { confirm: associated });
  ctx.holder = fresh;
  await record(ctx, intent, address, metrics, false);
  return { action: 'moved', kind: decision.kind, from, to: fresh.id, reason: decision.reason, trigger };
}

/** Announces a changed condition once: the tag (the dedup mark) is written before the message. */
async function announce(ctx, address, tags, condition, body) {
  const previous = tags[TAG.condition];
  if (previous === condition) return;
  await writeTags(ctx, { [TAG.condition]: condition });
  tags[TAG.condition] = condition;
  if (condition === CONDITION_OK && (previous === undefined || previous === CONDITION_OK)) return;
  const ip = address.PublicIp || ctx.cfg.allocationId;
  const subject = {
    [CONDITION_NO_HEALTHY_NODE]: `No healthy node for Elastic IP ${ip}: ${address.InstanceId ? `address kept on ${address.InstanceId}` : 'address left unassociated'}`,
    [CONDITION_HELD_ELSEWHERE]: `Elastic IP ${ip} is held outside the failover pair`,
    [CONDITION_PAUSED]: `Failover of Elastic IP ${ip} is paused`,
    [CONDITION_OK]: `Elastic IP ${ip} is on a healthy node again`,
  }[condition];
  await notify(ctx, subject, { event: condition, ...body });
}

function summarize(n) {
  return { role: n.role, id: n.id, state: n.state, interface: n.interfaceId, checks: `${n.instanceStatus}/${n.systemStatus}`, alarms: n.alarms, app: n.appHealthy, eligible: n.eligible };
}

async function notify(ctx, subject, body) {
  const { cfg, deps } = ctx;
  if (!cfg.topicArn) return;
  try {
    // Retried only when the request certainly did nothing: a lost response must not send twice.
    await call(ctx, 'Publish', (signal) => deps.sns.send(new PublishCommand({
      TopicArn: cfg.topicArn,
      Subject: subject.slice(0, 99),
      Message: JSON.stringify({ allocationId: cfg.allocationId, ...body }, null, 2),
    }), { abortSignal: signal }), { retry: isThrottle });
  } catch (error) {
    // A lost notification must not undo or repeat a move; the metrics and alarms still report it.
    deps.log({ level: 'ERROR', message: `notification failed: ${error.name}` });
  }
}

function emitMetrics(ctx, values) {
  const { cfg, deps } = ctx;
  const units = { FailoverLatency: 'Milliseconds' };
  deps.emit({
    _aws: {
      Timestamp: deps.now(),
      CloudWatchMetrics: [{
        Namespace: cfg.namespace,
        Dimensions: [['AllocationId']],
        Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: units[name] || 'Count' })),
      }],
    },
    AllocationId: cfg.allocationId,
    ...values,
  });
}

/**
 * The fast probe loop of a scheduled run: every `watchInterval` it probes the holder and reads the
 * holder's alarms, until the run's deadline leaves no room for one more reading. When the holder
 * fails and at least `decisionBudgetMs` remain, it decides at once; otherwise the next scheduled
 * run (which starts by reading and probing) does. A decision that does not move ends the loop.
 */
async function watch(ctx, result) {
  const { cfg, deps } = ctx;
  const check = cfg.healthCheck;
  const reading = readingMs(check) + (cfg.probeFunction ? ctx.api.attemptTimeoutMs : 0);
  const decisionMs = cfg.decisionBudgetMs !== undefined ? Number(cfg.decisionBudgetMs) : 3000;
  while (deps.now() + check.watchIntervalMs + reading <= ctx.deadline) {
    await deps.sleep(check.watchIntervalMs);
    const holder = ctx.holder;
    if (!holder || !holder.privateIp) continue;
    const [probed, inAlarm] = await Promise.all([
      probeNodes(ctx, [{ id: holder.id, ip: holder.privateIp }]),
      readAlarms(ctx, [holder.role]).catch(() => new Set()),
    ]);
    const failed = probed[holder.id] === false || inAlarm.size > 0;
    if (!failed) continue;
    if (ctx.deadline - deps.now() < decisionMs) break;
    result = await reconcile(ctx, { watch: true }, probed[holder.id] === false ? { [holder.id]: false } : {}, deps.now());
    if (result.action !== 'moved') break;
  }
  return result;
}

function isScheduled(event) {
  return Boolean(event) && event['detail-type'] === 'Scheduled Event';
}

async function run(event, context, deps) {
  const cfg = loadConfig(deps);
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function'
    ? context.getRemainingTimeInMillis() : (cfg.timeoutSeconds || 60) * 1000;
  const ctx = { cfg, deps, api: cfg.api, deadline: deps.now() + remaining - RESERVE_MS, holder: undefined };
  const result = await reconcile(ctx, event);
  if (isScheduled(event) && cfg.healthCheck && cfg.healthCheck.watchIntervalMs > 0) return watch(ctx, result);
  return result;
}

/**
 * Makes a handler. Invocations within one execution environment run one after the other; reserved
 * concurrency 1 makes that true across environments, so two decisions never race.
 */
function createHandler(overrides = {}) {
  const deps = { ...realDeps(), ...overrides };
  let queue = Promise.resolve();
  return function handler(event, context) {
    const next = queue.then(() => run(event, context, deps));
    queue = next.catch(() => undefined);
    return next;
  };
}

/**
 * The probe function (inside the VPC, when the deciding function runs outside it): one reading of
 * each target, in parallel, within the caller's budget. It calls no AWS API.
 */
function createProbeHandler(overrides = {}) {
  const deps = { ...realDeps(), ...overrides };
  return async function probe(event, context) {
    const check = normalizeConfig({ healthCheck: event.check }).healthCheck;
    const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 30_000;
    const ctx = { deps, deadline: deps.now() + Math.min(Number(event.budgetMs) || 0, remaining - 500) };
    const targets = (event.targets || []).filter((t) => typeof t.id === 'string' && net.isIP(t.ip));
    const results = {};
    await Promise.all(targets.map(async (t) => { results[t.id] = await probeReading(ctx, check, t.ip); }));
    return { results };
  };
}

module.exports = {
  handler: createHandler(), probe: createProbeHandler(), createHandler, createProbeHandler, realDeps,
  decide, isRetryable, normalizeConfig, readingMs, API_DEFAULTS, RESERVE_MS, TAG,
};
