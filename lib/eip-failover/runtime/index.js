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
 *     alarm in ALARM, passes the probe and has exactly one network interface ("eligible").
 *  2. The holder is left when it is not running, one of its alarms is in ALARM, or it fails the probe.
 *  3. Moves away from a holder that still runs, and fail-backs, wait for the cooldown since the
 *     last move. A holder that is not running is left at once (nothing to flap with).
 *  4. No eligible node: the address stays where it is, NoHealthyNode = 1, one notification.
 *  5. The address held by an instance outside the pair is left alone (an operator moved it), once notified.
 *  6. Optional fail-back to the primary once it is eligible and the cooldown has passed.
 *
 * State (time and target of the last move, the notified condition) lives in tags on the Elastic
 * IP allocation: it is read in the same DescribeAddresses call as the association, survives
 * redeployments and cold starts, and needs no table.
 */
const http = require('http');
const net = require('net');
const {
  EC2Client, DescribeAddressesCommand, DescribeInstancesCommand, DescribeInstanceStatusCommand,
  AssociateAddressCommand, CreateTagsCommand,
} = require('@aws-sdk/client-ec2');
const { CloudWatchClient, DescribeAlarmsCommand } = require('@aws-sdk/client-cloudwatch');
const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');

const TAG_LAST_MOVE = 'eip-failover:last-move';
const TAG_LAST_TARGET = 'eip-failover:last-target';
const TAG_CONDITION = 'eip-failover:condition';
const CONDITION_OK = 'ok';
const CONDITION_NO_HEALTHY_NODE = 'no-healthy-node';
const CONDITION_HELD_ELSEWHERE = 'held-outside-pair';

const RETRYABLE = new Set([
  'RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException',
  'RequestThrottled', 'RequestThrottledException', 'ServiceUnavailable', 'Unavailable', 'InternalError',
  'InternalFailure', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE',
]);
const MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5000;

/** Whether an SDK error is worth another try (throttling, 5xx, a dropped connection). */
function isRetryable(error) {
  if (!error) return false;
  if (RETRYABLE.has(error.name) || RETRYABLE.has(error.code) || RETRYABLE.has(error.Code)) return true;
  if (error.$retryable) return true;
  const status = error.$metadata && error.$metadata.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

/** Runs an SDK call, retrying throttling and transient errors with capped exponential backoff and jitter. */
async function withRetry(call, deps, label) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      const delay = Math.round(ceiling / 2 + deps.random() * (ceiling / 2));
      deps.log({ level: 'WARN', message: `${label} failed with ${error.name}; retry ${attempt} in ${delay} ms` });
      await deps.sleep(delay);
    }
  }
}

/** One probe attempt against a private address. Resolves true when healthy, never rejects. */
function probeOnce(check, ip) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok) => { if (!settled) { settled = true; resolve(ok); } };
    if (check.protocol === 'tcp') {
      const socket = net.connect({ host: ip, port: check.port, timeout: check.timeoutMs });
      socket.once('connect', () => { socket.destroy(); done(true); });
      socket.once('timeout', () => { socket.destroy(); done(false); });
      socket.once('error', () => done(false));
      return;
    }
    const request = http.request({ host: ip, port: check.port, path: check.path, method: 'GET', timeout: check.timeoutMs }, (response) => {
      response.resume();
      done(response.statusCode >= 200 && response.statusCode < 400);
    });
    request.once('timeout', () => { request.destroy(); done(false); });
    request.once('error', () => done(false));
    request.end();
  });
}

/** Probes a node up to `attempts` times; healthy at the first success. */
async function probeNode(check, ip, deps) {
  for (let attempt = 1; attempt <= check.attempts; attempt++) {
    if (await deps.probeOnce(check, ip)) return true;
    if (attempt < check.attempts && check.intervalMs > 0) await deps.sleep(check.intervalMs);
  }
  return false;
}

function defaultDeps() {
  return {
    // The function retries itself (withRetry): one SDK attempt each, so retries do not multiply.
    ec2: new EC2Client({ maxAttempts: 1 }),
    cloudwatch: new CloudWatchClient({ maxAttempts: 1 }),
    sns: new SNSClient({ maxAttempts: 1 }),
    probeOnce,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    random: Math.random,
    log: (entry) => console.log(JSON.stringify(entry)),
    // Embedded Metric Format: written raw to stdout so CloudWatch Logs extracts the metrics.
    emit: (record) => process.stdout.write(`${JSON.stringify(record)}\n`),
    config: undefined,
  };
}

function loadConfig(deps) {
  if (deps.config) return deps.config;
  if (!process.env.CONFIG) throw new Error('CONFIG environment variable is missing');
  return normalizeConfig(JSON.parse(process.env.CONFIG));
}

/** Probe timings given at deploy in seconds (`timeoutSeconds`, `intervalSeconds`) become the `...Ms` fields. */
function normalizeConfig(cfg) {
  const check = cfg.healthCheck;
  if (!check) return cfg;
  const ms = (name) => (check[`${name}Ms`] !== undefined ? Number(check[`${name}Ms`]) : Number(check[`${name}Seconds`]) * 1000);
  return {
    ...cfg,
    healthCheck: { ...check, port: Number(check.port), attempts: Number(check.attempts), timeoutMs: ms('timeout'), intervalMs: ms('interval') },
  };
}

/** What the function sees of one node. */
async function inspectNodes(cfg, deps, call) {
  const ids = [cfg.primary, cfg.standby];
  // A filter instead of InstanceIds: a long-gone instance is simply absent instead of an error.
  const reservations = (await call('DescribeInstances', () => deps.ec2.send(new DescribeInstancesCommand({
    Filters: [{ Name: 'instance-id', Values: ids }],
  })))).Reservations || [];
  const found = new Map();
  for (const r of reservations) for (const i of r.Instances || []) found.set(i.InstanceId, i);

  const present = ids.filter((id) => found.has(id) && found.get(id).State && found.get(id).State.Name !== 'terminated');
  const statuses = new Map();
  if (present.length > 0) {
    const result = await call('DescribeInstanceStatus', () => deps.ec2.send(new DescribeInstanceStatusCommand({
      InstanceIds: present, IncludeAllInstances: true,
    })));
    for (const s of result.InstanceStatuses || []) statuses.set(s.InstanceId, s);
  }

  const alarmNames = [...(cfg.alarms.primary || []), ...(cfg.alarms.standby || [])];
  const inAlarm = new Set();
  if (alarmNames.length > 0) {
    const result = await call('DescribeAlarms', () => deps.cloudwatch.send(new DescribeAlarmsCommand({
      AlarmNames: alarmNames, AlarmTypes: ['MetricAlarm'],
    })));
    for (const a of result.MetricAlarms || []) if (a.StateValue === 'ALARM') inAlarm.add(a.AlarmName);
  }

  const nodes = {};
  for (const [role, id] of [['primary', cfg.primary], ['standby', cfg.standby]]) {
    const instance = found.get(id);
    const status = statuses.get(id);
    nodes[role] = {
      role,
      id,
      state: instance && instance.State ? instance.State.Name : 'terminated',
      privateIp: instance ? instance.PrivateIpAddress : undefined,
      interfaces: instance ? (instance.NetworkInterfaces || []).length : 0,
      instanceStatus: status && status.InstanceStatus ? status.InstanceStatus.Status : 'unknown',
      systemStatus: status && status.SystemStatus ? status.SystemStatus.Status : 'unknown',
      alarms: (cfg.alarms[role] || []).filter((n) => inAlarm.has(n)),
      appHealthy: undefined,
    };
  }

  if (cfg.healthCheck) {
    await Promise.all(Object.values(nodes).map(async (node) => {
      if (node.state === 'running' && node.privateIp) node.appHealthy = await probeNode(cfg.healthCheck, node.privateIp, deps);
    }));
  }
  for (const node of Object.values(nodes)) assess(node);
  return nodes;
}

/** Sets `failed` (must give up the address) and `eligible` (may receive it), with the reasons. */
function assess(node) {
  const failures = [];
  if (node.state !== 'running') failures.push(`instance is ${node.state}`);
  if (node.alarms.length > 0) failures.push(`alarm in ALARM: ${node.alarms.join(', ')}`);
  if (node.appHealthy === false) failures.push('application probe failed');
  const ineligible = [...failures];
  if (node.state === 'running' && (node.instanceStatus !== 'ok' || node.systemStatus !== 'ok')) {
    ineligible.push(`status checks instance=${node.instanceStatus} system=${node.systemStatus}`);
  }
  if (node.state === 'running' && node.interfaces !== 1) {
    ineligible.push(`has ${node.interfaces} network interfaces (AssociateAddress by instance needs exactly one)`);
  }
  node.failed = failures.length > 0;
  node.eligible = ineligible.length === 0;
  node.reasons = ineligible;
}

/** The decision, from the association, the tags and the nodes. Pure: no calls. */
function decide(cfg, holderId, tags, nodes, now) {
  const { primary, standby } = nodes;
  const lastMove = tags[TAG_LAST_MOVE] ? Date.parse(tags[TAG_LAST_MOVE]) : NaN;
  const cooldownLeft = Number.isNaN(lastMove) ? 0 : Math.max(0, lastMove + cfg.cooldownSeconds * 1000 - now);

  if (!holderId) {
    const target = [primary, standby].find((n) => n.eligible);
    if (target) return { action: 'move', kind: 'failover', to: target, reason: 'address was not associated' };
    return { action: 'hold', condition: CONDITION_NO_HEALTHY_NODE, reason: 'address is not associated and no node is eligible' };
  }
  const holder = holderId === primary.id ? primary : holderId === standby.id ? standby : undefined;
  if (!holder) {
    return { action: 'none', condition: CONDITION_HELD_ELSEWHERE, reason: `address is held by ${holderId}, outside the pair: left alone` };
  }
  const other = holder === primary ? standby : primary;

  if (holder.failed) {
    if (!other.eligible) {
      return {
        action: 'hold', condition: CONDITION_NO_HEALTHY_NODE,
        reason: `holder ${holder.id} failed (${holder.reasons.join('; ')}) and ${other.id} is not eligible (${other.reasons.join('; ') || 'unknown'}): address kept`,
      };
    }
    if (holder.state === 'running' && cooldownLeft > 0) {
      return {
        action: 'defer',
        reason: `holder ${holder.id} failed (${holder.reasons.join('; ')}) but still runs; cooldown has ${Math.ceil(cooldownLeft / 1000)} s left`,
      };
    }
    return { action: 'move', kind: 'failover', from: holder, to: other, reason: `holder ${holder.id} failed: ${holder.reasons.join('; ')}` };
  }

  if (cfg.failBack && holder === standby && primary.eligible) {
    if (cooldownLeft > 0) {
      return { action: 'defer', reason: `fail-back to ${primary.id} waits for the cooldown (${Math.ceil(cooldownLeft / 1000)} s left)` };
    }
    return { action: 'move', kind: 'failback', from: holder, to: primary, reason: `primary ${primary.id} is healthy again` };
  }
  return { action: 'none', condition: CONDITION_OK, reason: `holder ${holder.id} is healthy` };
}

/** When the failure behind this invocation was first seen, for the latency metric. */
function triggerTime(event, fallback) {
  const candidates = [
    event && event.detail && event.detail.state && event.detail.state.timestamp,
    event && event.time,
  ];
  for (const c of candidates) {
    const t = c ? Date.parse(c) : NaN;
    if (!Number.isNaN(t)) return t;
  }
  return fallback;
}

function describeEvent(event) {
  if (!event || !event['detail-type']) return 'direct invocation';
  const d = event.detail || {};
  if (event['detail-type'] === 'EC2 Instance State-change Notification') return `${d['instance-id']} is ${d.state}`;
  if (event['detail-type'] === 'CloudWatch Alarm State Change') return `alarm ${d.alarmName} is ${d.state && d.state.value}`;
  return event['detail-type'];
}

async function reconcile(event, deps) {
  const cfg = loadConfig(deps);
  const started = deps.now();
  const call = (label, fn) => withRetry(fn, deps, label);
  const trigger = describeEvent(event);

  const addresses = (await call('DescribeAddresses', () => deps.ec2.send(new DescribeAddressesCommand({
    AllocationIds: [cfg.allocationId],
  })))).Addresses || [];
  if (addresses.length === 0) throw new Error(`Elastic IP ${cfg.allocationId} not found`);
  const address = addresses[0];
  const tags = Object.fromEntries((address.Tags || []).map((t) => [t.Key, t.Value]));
  const holderId = address.InstanceId;

  const nodes = await inspectNodes(cfg, deps, call);
  const decision = decide(cfg, holderId, tags, nodes, deps.now());
  const healthyNodes = [nodes.primary, nodes.standby].filter((n) => n.eligible).length;
  deps.log({
    level: decision.action === 'hold' ? 'ERROR' : 'INFO', trigger, holder: holderId || null, action: decision.action,
    reason: decision.reason, nodes: [nodes.primary, nodes.standby].map(summarize),
  });

  const metrics = { HealthyNodes: healthyNodes, NoHealthyNode: decision.action === 'hold' ? 1 : 0, Failovers: 0, FailBacks: 0 };
  let result;
  if (decision.action === 'move') {
    await call('AssociateAddress', () => deps.ec2.send(new AssociateAddressCommand({
      AllocationId: cfg.allocationId, InstanceId: decision.to.id, AllowReassociation: true,
    })));
    const movedAt = deps.now();
    metrics[decision.kind === 'failback' ? 'FailBacks' : 'Failovers'] = 1;
    metrics.FailoverLatency = Math.max(0, movedAt - triggerTime(event, started));
    // Recorded after the move: a failed association must not start a cooldown.
    try {
      await call('CreateTags', () => deps.ec2.send(new CreateTagsCommand({
        Resources: [cfg.allocationId],
        Tags: [
          { Key: TAG_LAST_MOVE, Value: new Date(movedAt).toISOString() },
          { Key: TAG_LAST_TARGET, Value: decision.to.id },
          { Key: TAG_CONDITION, Value: CONDITION_OK },
        ],
      })));
    } catch (error) {
      deps.log({ level: 'ERROR', message: `address moved but its state tags were not written: ${error.name}` });
    }
    await notify(cfg, deps, call, `Elastic IP ${address.PublicIp || cfg.allocationId} moved to ${decision.to.id}`,
      { event: decision.kind, from: holderId || null, to: decision.to.id, reason: decision.reason, trigger });
    result = { action: 'moved', kind: decision.kind, from: holderId || null, to: decision.to.id, reason: decision.reason };
  } else {
    // Announce a changed condition once (and remember it in a tag), never on every run.
    const previous = tags[TAG_CONDITION];
    if (decision.condition && previous !== decision.condition) {
      const announce = decision.condition !== CONDITION_OK || (previous !== undefined && previous !== CONDITION_OK);
      if (announce) {
        const subject = decision.condition === CONDITION_NO_HEALTHY_NODE
          ? `No healthy node for Elastic IP ${address.PublicIp || cfg.allocationId}: ${holderId ? `address kept on ${holderId}` : 'address left unassociated'}`
          : decision.condition === CONDITION_HELD_ELSEWHERE
            ? `Elastic IP ${address.PublicIp || cfg.allocationId} is held outside the failover pair`
            : `Elastic IP ${address.PublicIp || cfg.allocationId} is on a healthy node again`;
        await notify(cfg, deps, call, subject, { event: decision.condition, holder: holderId || null, reason: decision.reason, trigger });
      }
      await call('CreateTags', () => deps.ec2.send(new CreateTagsCommand({
        Resources: [cfg.allocationId], Tags: [{ Key: TAG_CONDITION, Value: decision.condition }],
      })));
    }
    result = { action: decision.action, holder: holderId || null, reason: decision.reason };
  }

  emitMetrics(cfg, deps, metrics);
  return result;
}

function summarize(n) {
  return { role: n.role, id: n.id, state: n.state, checks: `${n.instanceStatus}/${n.systemStatus}`, alarms: n.alarms, app: n.appHealthy, eligible: n.eligible };
}

async function notify(cfg, deps, call, subject, body) {
  if (!cfg.topicArn) return;
  try {
    await call('Publish', () => deps.sns.send(new PublishCommand({
      TopicArn: cfg.topicArn,
      Subject: subject.slice(0, 99),
      Message: JSON.stringify({ allocationId: cfg.allocationId, ...body }, null, 2),
    })));
  } catch (error) {
    // A lost notification must not undo or repeat a move; the metrics and alarms still report it.
    deps.log({ level: 'ERROR', message: `notification failed: ${error.name}` });
  }
}

function emitMetrics(cfg, deps, values) {
  const units = { HealthyNodes: 'Count', NoHealthyNode: 'Count', Failovers: 'Count', FailBacks: 'Count', FailoverLatency: 'Milliseconds' };
  deps.emit({
    _aws: {
      Timestamp: deps.now(),
      CloudWatchMetrics: [{
        Namespace: cfg.namespace,
        Dimensions: [['AllocationId']],
        Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: units[name] })),
      }],
    },
    AllocationId: cfg.allocationId,
    ...values,
  });
}

/**
 * Makes a handler. Invocations within one execution environment run one after the other; reserved
 * concurrency 1 makes that true across environments, so two decisions never race.
 */
function createHandler(overrides = {}) {
  const deps = { ...defaultDeps(), ...overrides };
  let queue = Promise.resolve();
  return function handler(event) {
    const run = queue.then(() => reconcile(event, deps));
    queue = run.catch(() => undefined);
    return run;
  };
}

module.exports = { handler: createHandler(), createHandler, decide, isRetryable, normalizeConfig };
