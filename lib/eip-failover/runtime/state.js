'use strict';
/** What the failover function reads (the address, the nodes, their alarms and probes) and the pure decision. */
const { DescribeAddressesCommand, DescribeInstancesCommand, DescribeInstanceStatusCommand } = require('@aws-sdk/client-ec2');
const { DescribeAlarmsCommand } = require('@aws-sdk/client-cloudwatch');
const { call } = require('./calls');
const { probeNodes } = require('./probe');

const TAG = {
  lastMove: 'eip-failover:last-move',
  lastTarget: 'eip-failover:last-target',
  lastFrom: 'eip-failover:last-from',
  condition: 'eip-failover:condition',
  intent: 'eip-failover:intent',
  recorded: 'eip-failover:recorded',
  streak: 'eip-failover:failback-streak',
  paused: 'eip-failover:paused',
};
const CONDITION_OK = 'ok';
const CONDITION_NO_HEALTHY_NODE = 'no-healthy-node';
const CONDITION_HELD_ELSEWHERE = 'held-outside-pair';
const CONDITION_PAUSED = 'paused';

async function readAddress(ctx) {
  const { cfg, deps } = ctx;
  const addresses = (await call(ctx, 'DescribeAddresses', (signal) => deps.ec2.send(new DescribeAddressesCommand({
    AllocationIds: [cfg.allocationId],
  }), { abortSignal: signal }))).Addresses || [];
  if (addresses.length === 0) throw new Error(`Elastic IP ${cfg.allocationId} not found`);
  const address = addresses[0];
  address.tags = Object.fromEntries((address.Tags || []).map((t) => [t.Key, t.Value]));
  return address;
}

/** EC2 state of the given nodes (all of them by default): state, private address, the interface to move to, checks. */
async function readInstances(ctx, ids) {
  const { cfg, deps } = ctx;
  // A filter instead of InstanceIds: a long-gone instance is simply absent instead of an error.
  const reservations = (await call(ctx, 'DescribeInstances', (signal) => deps.ec2.send(new DescribeInstancesCommand({
    Filters: [{ Name: 'instance-id', Values: ids }],
  }), { abortSignal: signal }))).Reservations || [];
  const found = new Map();
  for (const r of reservations) for (const i of r.Instances || []) found.set(i.InstanceId, i);
  const present = ids.filter((id) => found.has(id) && found.get(id).State && found.get(id).State.Name !== 'terminated');
  const statuses = new Map();
  if (present.length > 0) {
    const result = await call(ctx, 'DescribeInstanceStatus', (signal) => deps.ec2.send(new DescribeInstanceStatusCommand({
      InstanceIds: present, IncludeAllInstances: true,
    }), { abortSignal: signal }));
    for (const s of result.InstanceStatuses || []) statuses.set(s.InstanceId, s);
  }
  const out = {};
  for (const id of ids) {
    const role = id === cfg.primary ? 'primary' : 'standby';
    const instance = found.get(id);
    const status = statuses.get(id);
    const interfaces = instance ? instance.NetworkInterfaces || [] : [];
    const given = cfg.interfaces[role];
    const chosen = given ? interfaces.find((n) => n.NetworkInterfaceId === given)
      : interfaces.find((n) => n.Attachment && n.Attachment.DeviceIndex === 0) || (interfaces.length === 1 ? interfaces[0] : undefined);
    out[id] = {
      role, id,
      state: instance && instance.State ? instance.State.Name : 'terminated',
      interfaceId: chosen ? chosen.NetworkInterfaceId : given,
      privateIp: chosen ? chosen.PrivateIpAddress : instance ? instance.PrivateIpAddress : undefined,
      interfaceFound: Boolean(chosen),
      instanceStatus: status && status.InstanceStatus ? status.InstanceStatus.Status : 'unknown',
      systemStatus: status && status.SystemStatus ? status.SystemStatus.Status : 'unknown',
      alarms: [],
      appHealthy: undefined,
    };
  }
  return out;
}

async function readAlarms(ctx, roles) {
  const { cfg, deps } = ctx;
  const names = roles.flatMap((r) => cfg.alarms[r] || []);
  const inAlarm = new Set();
  if (names.length > 0) {
    const result = await call(ctx, 'DescribeAlarms', (signal) => deps.cloudwatch.send(new DescribeAlarmsCommand({
      AlarmNames: names, AlarmTypes: ['MetricAlarm'],
    }), { abortSignal: signal }));
    for (const a of result.MetricAlarms || []) if (a.StateValue === 'ALARM') inAlarm.add(a.AlarmName);
  }
  return inAlarm;
}

/** What the function sees of the given nodes; `known` carries probe results already taken (the watch loop). */
async function inspect(ctx, ids, known = {}) {
  const { cfg } = ctx;
  const nodes = await readInstances(ctx, ids);
  const inAlarm = await readAlarms(ctx, ids.map((id) => nodes[id].role));
  for (const node of Object.values(nodes)) node.alarms = (cfg.alarms[node.role] || []).filter((n) => inAlarm.has(n));
  if (cfg.healthCheck) {
    const targets = Object.values(nodes).filter((n) => n.state === 'running' && n.privateIp && known[n.id] === undefined);
    const results = await probeNodes(ctx, targets.map((n) => ({ id: n.id, ip: n.privateIp })));
    for (const node of Object.values(nodes)) node.appHealthy = known[node.id] !== undefined ? known[node.id] : results[node.id];
  }
  for (const node of Object.values(nodes)) assess(cfg, node);
  return nodes;
}

/** Sets `failed` (must give up the address) and `eligible` (may receive it), with the reasons. */
function assess(cfg, node) {
  const failures = [];
  if (node.state !== 'running') failures.push(`instance is ${node.state}`);
  if (node.alarms.length > 0) failures.push(`alarm in ALARM: ${node.alarms.join(', ')}`);
  if (node.appHealthy === false) failures.push('application probe failed');
  const ineligible = [...failures];
  if (node.state === 'running' && (node.instanceStatus !== 'ok' || node.systemStatus !== 'ok')) {
    ineligible.push(`status checks instance=${node.instanceStatus} system=${node.systemStatus}`);
  }
  if (cfg.healthCheck && node.state === 'running' && node.appHealthy === undefined) ineligible.push('application health unknown');
  if (node.state === 'running' && !node.interfaceFound) {
    ineligible.push(cfg.interfaces[node.role] ? `interface ${cfg.interfaces[node.role]} is not attached`
      : 'no primary network interface (device index 0) found');
  }
  node.failed = failures.length > 0;
  node.eligible = ineligible.length === 0;
  node.reasons = ineligible;
}

/** Which node holds the address: a pair node (on its failover interface), nobody, or something outside the pair. */
function holderOf(address, nodes) {
  if (!address.InstanceId && !address.NetworkInterfaceId) return { kind: 'none' };
  for (const node of Object.values(nodes)) {
    if (address.NetworkInterfaceId ? address.NetworkInterfaceId === node.interfaceId : address.InstanceId === node.id) {
      return { kind: 'pair', node };
    }
  }
  return { kind: 'outside', label: address.NetworkInterfaceId ? `interface ${address.NetworkInterfaceId}${address.InstanceId ? ` of ${address.InstanceId}` : ''}` : address.InstanceId };
}

/** A time read from a tag, never later than now (a clock ahead or a hand-edited tag cannot freeze decisions). */
function tagTime(value, now) {
  const t = value ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? undefined : Math.min(t, now);
}

/** The decision, from the holder, the tags and the nodes. Pure: no calls. */
function decide(cfg, holder, tags, nodes, now) {
  const primary = nodes[cfg.primary];
  const standby = nodes[cfg.standby];
  if (holder.kind === 'outside') {
    return { action: 'none', condition: CONDITION_HELD_ELSEWHERE, reason: `address is held by ${holder.label}, outside the pair: left alone` };
  }
  if (holder.kind === 'none') {
    const target = [primary, standby].find((n) => n.eligible);
    if (target) return { action: 'move', kind: 'failover', to: target, reason: 'address was not associated' };
    return { action: 'hold', condition: CONDITION_NO_HEALTHY_NODE, reason: 'address is not associated and no node is eligible' };
  }
  const current = holder.node;
  const other = current === primary ? standby : primary;
  if (current.failed) {
    if (!other.eligible) {
      return {
        action: 'hold', condition: CONDITION_NO_HEALTHY_NODE,
        reason: `holder ${current.id} failed (${current.reasons.join('; ')}) and ${other.id} is not eligible (${other.reasons.join('; ') || 'unknown'}): address kept`,
      };
    }
    // Never deferred: a cooldown that keeps the address on a failed node is an outage.
    return { action: 'move', kind: 'failover', from: current, to: other, reason: `holder ${current.id} failed: ${current.reasons.join('; ')}` };
  }
  if (cfg.failBack && current === standby && primary.eligible) {
    const streak = Number(tags[TAG.streak] || 0) + 1;
    if (streak < cfg.failBackReadings) {
      return { action: 'defer', streak, reason: `fail-back to ${primary.id} after ${cfg.failBackReadings} eligible readings (${streak} so far)` };
    }
    const lastMove = tagTime(tags[TAG.lastMove], now);
    const left = tags[TAG.lastFrom] === primary.id && lastMove !== undefined ? Math.max(0, lastMove + cfg.cooldownSeconds * 1000 - now) : 0;
    if (left > 0) {
      return { action: 'defer', streak, reason: `fail-back to ${primary.id}, the node the address left, waits for the cooldown (${Math.ceil(left / 1000)} s left)` };
    }
    return { action: 'move', kind: 'failback', from: current, to: primary, reason: `primary ${primary.id} was eligible ${streak} readings in a row` };
  }
  return { action: 'none', condition: CONDITION_OK, reason: `holder ${current.id} is healthy` };
}

module.exports = {
  TAG, CONDITION_OK, CONDITION_NO_HEALTHY_NODE, CONDITION_HELD_ELSEWHERE, CONDITION_PAUSED,
  readAddress, readAlarms, inspect, holderOf, tagTime, decide,
};
