/**
 * A simulated EC2 / CloudWatch / SNS world on a virtual clock that drives the real failover
 * handler (lib/eip-failover/runtime/index.js). Every API call takes virtual time, can be
 * throttled, fail with a 5xx, be refused, hang, or lose its response after taking effect; the
 * probe can answer, refuse or hang; nodes change state at given times. Nothing waits in real
 * time, so hours of virtual time run in milliseconds.
 *
 * AWS behaviour the world reproduces (cited where the tests rely on it):
 * - AssociateAddress moves an associated address in one call (AllowReassociation) and, given
 *   InstanceId, fails for an instance with more than one network interface ("The instance must
 *   have exactly one attached network interface"; "If the instance has more than one network
 *   interface, you must specify a network interface ID"): AssociateAddress, Amazon EC2 API
 *   Reference / AssociateAddressCommandInput, AWS SDK for JavaScript v3.
 * - AssociateAddress is idempotent, but each remap may be charged (same page): the handler must
 *   not repeat a move it already made.
 */

export const T0 = Date.parse('2026-11-20T12:00:00Z');
export const ALLOCATION = 'eipalloc-0123456789abcdef0';
export const PRIMARY = 'i-0aaaaaaaaaaaaaaaa';
export const STANDBY = 'i-0bbbbbbbbbbbbbbbb';
export const OUTSIDER = 'i-0cccccccccccccccc';
export const ENI: Record<string, string> = { [PRIMARY]: 'eni-0aaaaaaaaaaaaaaa0', [STANDBY]: 'eni-0bbbbbbbbbbbbbbb0' };
export const IPS: Record<string, string> = { [PRIMARY]: '10.0.0.10', [STANDBY]: '10.0.1.10' };
export const ALARMS = { primary: ['p-system', 'p-instance'], standby: ['s-system', 's-instance'] };

interface Timer { at: number; seq: number; fire: () => void }

/** A virtual clock: `sleep` registers a timer; `drive` runs timers in order until a promise settles. */
export class VirtualClock {
  public now = T0;
  private timers: Timer[] = [];
  private seq = 0;

  public sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
    const timer: Timer = { at: this.now + Math.max(0, ms), seq: this.seq++, fire: resolve };
    this.timers.push(timer);
    signal?.addEventListener('abort', () => {
      this.timers = this.timers.filter((t) => t !== timer);
      resolve();
    }, { once: true });
  });

  /** Calls `fn` at a virtual time. */
  public at(time: number, fn: () => void): void {
    this.timers.push({ at: time, seq: this.seq++, fire: fn });
  }

  /** Runs the clock until every promise settled (or, with `until`, up to that time). */
  public async drive<T>(work: Promise<T>, until?: number, stop?: () => boolean): Promise<T> {
    let settled = false;
    work.then(() => { settled = true; }, () => { settled = true; });
    for (let step = 0; step < 1_000_000; step++) {
      await flush();
      if (settled && until === undefined) return work;
      if (stop?.()) return work;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || (until !== undefined && next.at > until)) {
        if (until !== undefined) {
          this.now = until;
          return work;
        }
        throw new Error('deadlock: the handler waits on nothing the clock can fire');
      }
      this.timers.shift();
      this.now = next.at;
      next.fire();
    }
    throw new Error('the simulation did not settle');
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

export type Fault = 'throttle' | '5xx' | 'refused' | 'hang' | 'lost';
export type App = 'up' | 'down' | 'hang';

export interface SimNode {
  state: string;
  checks: string;
  alarms: string[];
  app: App;
  interfaces: Array<{ id: string; ip: string; deviceIndex: number }>;
}

export interface Address { instanceId?: string; eni?: string; tags: Record<string, string> }
export interface Call { op: string; input: Record<string, unknown>; at: number }
export interface Result { action: string; kind?: string; from?: string | null; to?: string; holder?: string | null; reason: string }

type Handler = (event: unknown, context?: unknown) => Promise<Result>;
const runtime: {
  createHandler: (deps: Record<string, unknown>) => Handler;
  createProbeHandler: (deps: Record<string, unknown>) => Handler;
} = require('../../lib/eip-failover/runtime/index.js');

export interface WorldOptions {
  /** Virtual latency of every API call. @default 100 ms */
  readonly latencyMs?: number;
  /** Invocation timeout given to the handler's context. @default 60 s */
  readonly timeoutMs?: number;
  /** Config overrides. */
  readonly config?: Record<string, unknown>;
  /** Probe through a simulated probe function (the deciding function outside the VPC). */
  readonly remoteProbe?: boolean;
  /** Virtual answer time of a healthy node. @default 20 ms */
  readonly probeMs?: number;
}

export const HTTP_CHECK = { protocol: 'http', port: 80, path: '/', timeoutMs: 2000, attempts: 2, intervalMs: 1000 };

export class World {
  public readonly clock = new VirtualClock();
  public address: Address = { instanceId: PRIMARY, eni: ENI[PRIMARY], tags: { 'eip-failover:condition': 'ok' } };
  public nodes: Record<string, SimNode> = { [PRIMARY]: node(PRIMARY), [STANDBY]: node(STANDBY) };
  public readonly calls: Call[] = [];
  public readonly published: Array<{ Subject: string; Message: string }> = [];
  public readonly metrics: Array<Record<string, number>> = [];
  public readonly logs: Array<Record<string, unknown>> = [];
  /** Association changes: when, and to which instance. */
  public readonly moves: Array<{ at: number; to?: string }> = [];
  public readonly probes: Array<{ ip: string; at: number }> = [];
  private readonly faults: Array<{ op: string; fault: Fault }> = [];
  private readonly latency: number;
  private readonly probeMs: number;
  public timeoutMs: number;
  public readonly handler: Handler;

  constructor(options: WorldOptions = {}) {
    this.latency = options.latencyMs ?? 100;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.probeMs = options.probeMs ?? 20;
    const client = (service: string) => ({
      send: (command: { constructor: { name: string }; input: Record<string, unknown> }) =>
        this.api(`${service}:${command.constructor.name.replace(/Command$/, '')}`, command.input),
    });
    const deps: Record<string, unknown> = {
      config: {
        allocationId: ALLOCATION, primary: PRIMARY, standby: STANDBY, alarms: ALARMS, cooldownSeconds: 300,
        failBack: false, topicArn: 'arn:aws:sns:us-east-1:123456789012:failover', namespace: 'EipFailover',
        ...options.config,
      },
      ec2: client('ec2'), cloudwatch: client('cloudwatch'), sns: client('sns'),
      sleep: this.clock.sleep, now: () => this.clock.now, random: () => 0.5,
      log: (entry: Record<string, unknown>) => this.logs.push(entry),
      emit: (record: Record<string, number>) => this.metrics.push(record),
      probeOnce: (_check: unknown, ip: string) => this.probe(ip),
    };
    if (options.remoteProbe) {
      const probeHandler = runtime.createProbeHandler({ sleep: this.clock.sleep, now: () => this.clock.now, probeOnce: deps.probeOnce });
      deps.invokeProbe = async (_name: string, payload: unknown) => {
        this.calls.push({ op: 'lambda:Invoke', input: payload as Record<string, unknown>, at: this.clock.now });
        await this.delay('lambda:Invoke');
        const fault = this.takeFault('lambda:Invoke');
        if (fault === 'hang') return new Promise(() => undefined);
        if (fault === 'throttle') throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
        if (fault === '5xx') throw Object.assign(new Error('internal'), { name: 'ServiceException', $metadata: { httpStatusCode: 500 } });
        return probeHandler(payload, { getRemainingTimeInMillis: () => 30_000 });
      };
    }
    this.handler = runtime.createHandler(deps);
  }

  /** The next call of `op` (e.g. 'ec2:AssociateAddress') fails this way; repeat to fail several times. */
  public fail(op: string, fault: Fault, times = 1): this {
    for (let i = 0; i < times; i++) this.faults.push({ op, fault });
    return this;
  }

  /** Invokes the handler now with an event, driving the clock until it settles. */
  public invoke(event: unknown): Promise<Result> {
    return this.clock.drive(this.start(event));
  }

  /** Starts an invocation without driving the clock (for concurrent triggers). */
  public start(event: unknown): Promise<Result> {
    const started = this.clock.now;
    return this.handler(event, { getRemainingTimeInMillis: () => Math.max(0, started + this.timeoutMs - this.clock.now) });
  }

  /** Scheduled invocations every `intervalMs` from `from` to `until`, as EventBridge would send them. */
  public schedule(intervalMs: number, from: number, until: number): void {
    for (let t = from; t <= until; t += intervalMs) {
      this.clock.at(t, () => { this.start(scheduled(t)).catch(() => undefined); });
    }
  }

  /** Runs the virtual clock up to a time. */
  public runUntil(time: number, stop?: () => boolean): Promise<void> {
    return this.clock.drive(Promise.resolve(), time, stop);
  }

  public callsOf(op: string): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  public tag(name: string): string | undefined {
    return this.address.tags[`eip-failover:${name}`];
  }

  private async delay(op: string): Promise<void> {
    await this.clock.sleep(this.latency);
    void op;
  }

  private takeFault(op: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.op === op);
    return i < 0 ? undefined : this.faults.splice(i, 1)[0].fault;
  }

  private async api(op: string, input: Record<string, unknown>): Promise<unknown> {
    this.calls.push({ op, input, at: this.clock.now });
    await this.delay(op);
    const fault = this.takeFault(op);
    if (fault === 'hang') return new Promise(() => undefined);
    if (fault === 'throttle') throw Object.assign(new Error('Rate exceeded'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    if (fault === '5xx') throw Object.assign(new Error('internal'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    if (fault === 'refused') throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error', code: 'ECONNREFUSED' });
    const result = this.apply(op, input);
    if (fault === 'lost') return new Promise(() => undefined);
    return result;
  }

  private apply(op: string, input: Record<string, unknown>): unknown {
    switch (op) {
      case 'ec2:DescribeAddresses':
        return {
          Addresses: [{
            AllocationId: ALLOCATION, PublicIp: '203.0.113.10', InstanceId: this.address.instanceId, NetworkInterfaceId: this.address.eni,
            Tags: Object.entries(this.address.tags).map(([Key, Value]) => ({ Key, Value })),
          }],
        };
      case 'ec2:DescribeInstances': {
        const ids = (input.Filters as Array<{ Values: string[] }>)[0].Values;
        return {
          Reservations: [{
            Instances: ids.filter((id) => this.nodes[id] && this.nodes[id].state !== 'gone').map((id) => ({
              InstanceId: id, State: { Name: this.nodes[id].state }, PrivateIpAddress: this.nodes[id].interfaces[0]?.ip,
              NetworkInterfaces: this.nodes[id].interfaces.map((n) => ({ NetworkInterfaceId: n.id, PrivateIpAddress: n.ip, Attachment: { DeviceIndex: n.deviceIndex } })),
            })),
          }],
        };
      }
      case 'ec2:DescribeInstanceStatus':
        return {
          InstanceStatuses: (input.InstanceIds as string[]).map((id) => ({
            InstanceId: id, InstanceStatus: { Status: this.nodes[id].checks }, SystemStatus: { Status: this.nodes[id].checks },
          })),
        };
      case 'cloudwatch:DescribeAlarms':
        return {
          MetricAlarms: (input.AlarmNames as string[]).map((name) => ({
            AlarmName: name, StateValue: Object.values(this.nodes).some((n) => n.alarms.includes(name)) ? 'ALARM' : 'OK',
          })),
        };
      case 'ec2:AssociateAddress': {
        if (input.InstanceId) {
          const target = this.nodes[input.InstanceId as string];
          if (target.interfaces.length !== 1) {
            throw Object.assign(new Error('There are multiple interfaces attached to instance'), { name: 'InvalidInstanceID', $metadata: { httpStatusCode: 400 } });
          }
          this.associate(input.InstanceId as string, target.interfaces[0].id);
        } else {
          const owner = Object.keys(this.nodes).find((id) => this.nodes[id].interfaces.some((n) => n.id === input.NetworkInterfaceId));
          if (!owner) throw Object.assign(new Error('no such interface'), { name: 'InvalidNetworkInterfaceID.NotFound', $metadata: { httpStatusCode: 400 } });
          this.associate(owner, input.NetworkInterfaceId as string);
        }
        return { AssociationId: 'eipassoc-1' };
      }
      case 'ec2:CreateTags':
        for (const t of input.Tags as Array<{ Key: string; Value: string }>) {
          if (!t.Key.startsWith('eip-failover:')) throw new Error(`tag ${t.Key} outside the function's IAM condition`);
          this.address.tags[t.Key] = t.Value;
        }
        return {};
      case 'sns:Publish':
        this.published.push({ Subject: input.Subject as string, Message: input.Message as string });
        return { MessageId: `m-${this.published.length}` };
      default:
        throw new Error(`unexpected call ${op}`);
    }
  }

  /** An operator or CloudFormation moving the address. */
  public associate(instanceId: string | undefined, eni: string | undefined): void {
    this.address.instanceId = instanceId;
    this.address.eni = eni;
    this.moves.push({ at: this.clock.now, to: instanceId });
  }

  private async probe(ip: string): Promise<boolean> {
    this.probes.push({ ip, at: this.clock.now });
    const id = Object.keys(this.nodes).find((k) => this.nodes[k].interfaces.some((n) => n.ip === ip));
    const n = id ? this.nodes[id] : undefined;
    if (!n || n.state !== 'running' || n.app === 'down') {
      await this.clock.sleep(5);
      return false;
    }
    if (n.app === 'hang') return new Promise(() => undefined);
    await this.clock.sleep(this.probeMs);
    return true;
  }
}

function node(id: string): SimNode {
  return { state: 'running', checks: 'ok', alarms: [], app: 'up', interfaces: [{ id: ENI[id], ip: IPS[id], deviceIndex: 0 }] };
}

export const stateChange = (id: string, state: string, time: string | number = T0 - 10_000) => ({
  'source': 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification',
  'time': new Date(time).toISOString(), 'detail': { 'instance-id': id, state },
});
export const alarmChange = (name: string, value: string, time: number = T0 - 20_000) => ({
  'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', 'time': new Date(time).toISOString(),
  'detail': { alarmName: name, state: { value, timestamp: new Date(time).toISOString() } },
});
export const scheduled = (time: number = T0) => ({ 'source': 'aws.events', 'detail-type': 'Scheduled Event', 'time': new Date(time).toISOString() });
