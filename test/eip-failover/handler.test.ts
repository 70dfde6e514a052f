/**
 * Unit tests of the failover function (lib/eip-failover/runtime/index.js) against a fake EC2 /
 * CloudWatch / SNS world built with aws-sdk-client-mock. Every fault case asserts what the
 * handler called and what it did not call.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  AssociateAddressCommand, CreateTagsCommand, DescribeAddressesCommand, DescribeInstanceStatusCommand,
  DescribeInstancesCommand, EC2Client,
} from '@aws-sdk/client-ec2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';

interface ProbeCheck { readonly protocol: string; readonly port: number; readonly attempts: number; readonly intervalMs: number; readonly timeoutMs: number }
interface Config {
  allocationId: string; primary: string; standby: string;
  alarms: { primary: string[]; standby: string[] };
  cooldownSeconds: number; failBack: boolean; healthCheck?: ProbeCheck; topicArn: string; namespace: string;
}
interface Result { action: string; kind?: string; from?: string | null; to?: string; holder?: string | null; reason: string }
interface Deps {
  config: Config; sleep: jest.Mock; now: () => number; random: () => number;
  log: (entry: unknown) => void; emit: (record: Record<string, unknown>) => void;
  probeOnce: (check: ProbeCheck, ip: string) => Promise<boolean>;
}
type Handler = (event: unknown) => Promise<Result>;
const runtime: { createHandler: (deps: Partial<Deps>) => Handler; isRetryable: (e: unknown) => boolean } =
  require('../../lib/eip-failover/runtime/index.js');

const ALLOCATION = 'eipalloc-0123456789abcdef0';
const PRIMARY = 'i-0aaaaaaaaaaaaaaaa';
const STANDBY = 'i-0bbbbbbbbbbbbbbbb';
const IPS: Record<string, string> = { [PRIMARY]: '10.0.0.10', [STANDBY]: '10.0.1.10' };
const NOW = Date.parse('2026-11-20T12:00:00Z');
const ALARMS = { primary: ['p-system', 'p-instance'], standby: ['s-system', 's-instance'] };

interface NodeState { state: string; checks: string; interfaces?: number; alarms?: string[]; app?: boolean }
interface World { holder?: string; tags: Record<string, string>; nodes: Record<string, NodeState> }

const ec2 = mockClient(EC2Client);
const cloudwatch = mockClient(CloudWatchClient);
const sns = mockClient(SNSClient);

const healthy = (): NodeState => ({ state: 'running', checks: 'ok' });
function world(overrides: Partial<World> = {}): World {
  return {
    holder: PRIMARY,
    tags: { 'eip-failover:condition': 'ok' },
    nodes: { [PRIMARY]: healthy(), [STANDBY]: healthy() },
    ...overrides,
  };
}

/** Wires the mocks to a mutable world: AssociateAddress and CreateTags change it like EC2 would. */
const addressesOf = (w: World) => () => ({
  Addresses: [{
    AllocationId: ALLOCATION, PublicIp: '203.0.113.10', InstanceId: w.holder,
    Tags: Object.entries(w.tags).map(([Key, Value]) => ({ Key, Value })),
  }],
});

function install(w: World): void {
  ec2.on(DescribeAddressesCommand).callsFake(addressesOf(w));
  ec2.on(DescribeInstancesCommand).callsFake(() => ({
    Reservations: [{
      Instances: Object.entries(w.nodes).map(([id, n]) => ({
        InstanceId: id, State: { Name: n.state }, PrivateIpAddress: IPS[id],
        NetworkInterfaces: Array.from({ length: n.interfaces ?? 1 }, (_, i) => ({ NetworkInterfaceId: `eni-${i}` })),
      })),
    }],
  }));
  ec2.on(DescribeInstanceStatusCommand).callsFake((input: { InstanceIds: string[] }) => ({
    InstanceStatuses: input.InstanceIds.map((id) => ({
      InstanceId: id, InstanceStatus: { Status: w.nodes[id].checks }, SystemStatus: { Status: w.nodes[id].checks },
    })),
  }));
  cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
    MetricAlarms: input.AlarmNames.map((name) => ({
      AlarmName: name,
      StateValue: Object.values(w.nodes).some((n) => n.alarms?.includes(name)) ? 'ALARM' : 'OK',
    })),
  }));
  ec2.on(AssociateAddressCommand).callsFake((input: { InstanceId: string }) => {
    w.holder = input.InstanceId;
    return { AssociationId: 'eipassoc-0123456789abcdef0' };
  });
  ec2.on(CreateTagsCommand).callsFake((input: { Tags: Array<{ Key: string; Value: string }> }) => {
    for (const t of input.Tags) w.tags[t.Key] = t.Value;
    return {};
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
}

interface Harness { handler: Handler; metrics: Array<Record<string, unknown>>; sleep: jest.Mock; probes: string[] }
function harness(w: World, config: Partial<Config> = {}): Harness {
  const metrics: Array<Record<string, unknown>> = [];
  const probes: string[] = [];
  const sleep = jest.fn(async () => undefined);
  const handler = runtime.createHandler({
    config: {
      allocationId: ALLOCATION, primary: PRIMARY, standby: STANDBY, alarms: ALARMS, cooldownSeconds: 300,
      failBack: false, topicArn: 'arn:aws:sns:us-east-1:123456789012:failover', namespace: 'EipFailover', ...config,
    },
    sleep, now: () => NOW, random: () => 0.5, log: () => undefined, emit: (r) => metrics.push(r),
    probeOnce: async (_check, ip) => {
      probes.push(ip);
      const id = Object.keys(IPS).find((k) => IPS[k] === ip)!;
      return w.nodes[id].app !== false;
    },
  });
  return { handler, metrics, sleep, probes };
}

const stateChange = (id: string, state: string, time = '2026-11-20T11:59:50Z') => ({
  'source': 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', time,
  'detail': { 'instance-id': id, state },
});
const alarmChange = (name: string, value: string) => ({
  'source': 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', 'time': '2026-11-20T11:59:40Z',
  'detail': { alarmName: name, state: { value, timestamp: '2026-11-20T11:59:30.000+0000' } },
});
const scheduled = { 'source': 'aws.events', 'detail-type': 'Scheduled Event', 'time': '2026-11-20T12:00:00Z' };

const throttle = () => Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
const associateCalls = () => ec2.commandCalls(AssociateAddressCommand);
const tagCalls = () => ec2.commandCalls(CreateTagsCommand);
const publishCalls = () => sns.commandCalls(PublishCommand);

beforeEach(() => {
  ec2.reset();
  cloudwatch.reset();
  sns.reset();
});

describe('failover', () => {
  test('primary stopped: moves the address to the healthy standby, records the move, notifies and measures latency', async () => {
    // GIVEN the primary holds the address and has stopped; the standby is healthy
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'not-applicable' }, [STANDBY]: healthy() } });
    install(w);
    const { handler, metrics } = harness(w);

    // WHEN the state-change event arrives
    const result = await handler(stateChange(PRIMARY, 'stopped'));

    // THEN one reassociation to the standby, tags after it, one notification
    expect(result).toMatchObject({ action: 'moved', kind: 'failover', from: PRIMARY, to: STANDBY });
    expect(associateCalls()).toHaveLength(1);
    expect(associateCalls()[0].args[0].input).toEqual({ AllocationId: ALLOCATION, InstanceId: STANDBY, AllowReassociation: true });
    expect(tagCalls()).toHaveLength(1);
    expect(tagCalls()[0].args[0].input).toEqual({
      Resources: [ALLOCATION],
      Tags: [
        { Key: 'eip-failover:last-move', Value: '2026-11-20T12:00:00.000Z' },
        { Key: 'eip-failover:last-target', Value: STANDBY },
        { Key: 'eip-failover:condition', Value: 'ok' },
      ],
    });
    expect(publishCalls()).toHaveLength(1);
    expect(publishCalls()[0].args[0].input.Subject).toMatch(/moved to i-0bbbbbbbbbbbbbbbb/);
    // latency from the event time (11:59:50) to the move (12:00:00)
    expect(metrics[0]).toMatchObject({ AllocationId: ALLOCATION, Failovers: 1, FailBacks: 0, FailoverLatency: 10_000, HealthyNodes: 1, NoHealthyNode: 0 });
    expect(metrics[0]._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'EipFailover', Dimensions: [['AllocationId']] }] });
    // and it never disassociated (reassociation moves the address in one call)
    expect(ec2.calls().map((c) => c.args[0].constructor.name)).not.toContain('DisassociateAddressCommand');
  });

  test('primary impaired: a status-check alarm in ALARM on a running primary moves the address', async () => {
    // GIVEN the primary runs but its system check alarm fired
    const w = world({ nodes: { [PRIMARY]: { state: 'running', checks: 'impaired', alarms: ['p-system'] }, [STANDBY]: healthy() } });
    install(w);
    const { handler, metrics } = harness(w);

    // WHEN the alarm event arrives
    const result = await handler(alarmChange('p-system', 'ALARM'));

    // THEN the alarms of both nodes were read and the address moved
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toEqual({
      AlarmNames: ['p-system', 'p-instance', 's-system', 's-instance'], AlarmTypes: ['MetricAlarm'],
    });
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(associateCalls()).toHaveLength(1);
    // latency from the alarm transition (11:59:30)
    expect(metrics[0]).toMatchObject({ Failovers: 1, FailoverLatency: 30_000 });
  });

  test('primary impaired before its alarm fires: a failed status check alone does not move the address (the alarm debounces)', async () => {
    // GIVEN the primary's checks show impaired but no alarm is in ALARM yet
    const w = world({ nodes: { [PRIMARY]: { state: 'running', checks: 'impaired' }, [STANDBY]: healthy() } });
    install(w);
    const { handler } = harness(w);

    // WHEN the schedule runs
    const result = await handler(scheduled);

    // THEN nothing moves
    expect(result).toMatchObject({ action: 'none' });
    expect(associateCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(0);
  });

  test('unassociated address: associates it with the primary when it is eligible', async () => {
    const w = world({ holder: undefined });
    install(w);
    const { handler } = harness(w);

    const result = await handler(scheduled);

    expect(result).toMatchObject({ action: 'moved', to: PRIMARY });
    expect(associateCalls()[0].args[0].input).toMatchObject({ InstanceId: PRIMARY });
  });
});

describe('never onto an unhealthy node', () => {
  test('standby still initializing when the primary stops: the address stays, no association, one notification', async () => {
    // GIVEN the primary stopped and the standby is running but its checks are still initializing
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'not-applicable' }, [STANDBY]: { state: 'running', checks: 'initializing' } } });
    install(w);
    const { handler, metrics } = harness(w);

    // WHEN
    const result = await handler(stateChange(PRIMARY, 'stopped'));

    // THEN
    expect(result).toMatchObject({ action: 'hold', holder: PRIMARY });
    expect(result.reason).toMatch(/status checks instance=initializing/);
    expect(associateCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ NoHealthyNode: 1, HealthyNodes: 0, Failovers: 0 });
  });

  test('standby stopped while the primary is healthy: nothing moves, nothing is written or sent', async () => {
    const w = world({ nodes: { [PRIMARY]: healthy(), [STANDBY]: { state: 'stopped', checks: 'not-applicable' } } });
    install(w);
    const { handler, metrics } = harness(w);

    const result = await handler(stateChange(STANDBY, 'stopped'));

    expect(result).toMatchObject({ action: 'none', holder: PRIMARY });
    expect(associateCalls()).toHaveLength(0);
    expect(tagCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(0);
    expect(metrics[0]).toMatchObject({ HealthyNodes: 1, NoHealthyNode: 0 });
    // a stopped standby is not asked for status checks
    expect(ec2.commandCalls(DescribeInstanceStatusCommand)[0].args[0].input).toMatchObject({ InstanceIds: [PRIMARY, STANDBY] });
  });

  test('standby with its own alarm in ALARM is not eligible', async () => {
    const w = world({
      nodes: { [PRIMARY]: { state: 'stopping', checks: 'ok' }, [STANDBY]: { state: 'running', checks: 'ok', alarms: ['s-instance'] } },
    });
    install(w);
    const { handler } = harness(w);

    const result = await handler(stateChange(PRIMARY, 'stopping'));

    expect(result.action).toEqual('hold');
    expect(associateCalls()).toHaveLength(0);
  });

  test('standby with two network interfaces is not eligible (AssociateAddress by instance needs exactly one)', async () => {
    const w = world({ nodes: { [PRIMARY]: { state: 'terminated', checks: 'not-applicable' }, [STANDBY]: { ...healthy(), interfaces: 2 } } });
    install(w);
    const { handler } = harness(w);

    const result = await handler(stateChange(PRIMARY, 'terminated'));

    expect(result.reason).toMatch(/2 network interfaces/);
    expect(associateCalls()).toHaveLength(0);
  });

  test('both down: keeps the address, notifies once across runs, and recovers when the standby is healthy again', async () => {
    // GIVEN both nodes are stopped
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'x' }, [STANDBY]: { state: 'stopped', checks: 'x' } } });
    install(w);
    const { handler, metrics } = harness(w);

    // WHEN the event and two scheduled runs arrive
    await handler(stateChange(PRIMARY, 'stopped'));
    await handler(scheduled);
    await handler(scheduled);

    // THEN no association, exactly one notification and one tag write, the metric on every run
    expect(associateCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(1);
    expect(publishCalls()[0].args[0].input.Subject).toMatch(/No healthy node .* address kept on i-0aaaaaaaaaaaaaaaa/);
    expect(tagCalls()).toHaveLength(1);
    expect(tagCalls()[0].args[0].input.Tags).toEqual([{ Key: 'eip-failover:condition', Value: 'no-healthy-node' }]);
    expect(metrics.map((m) => m.NoHealthyNode)).toEqual([1, 1, 1]);

    // WHEN the standby comes back healthy
    w.nodes[STANDBY] = healthy();
    const result = await handler(scheduled);

    // THEN the address moves to it
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(associateCalls()).toHaveLength(1);
    expect(w.tags['eip-failover:condition']).toEqual('ok');
  });
});

describe('idempotence and concurrency', () => {
  test('already failed over: a late event about the primary changes nothing', async () => {
    // GIVEN the standby already holds the address
    const w = world({ holder: STANDBY, nodes: { [PRIMARY]: { state: 'stopped', checks: 'x' }, [STANDBY]: healthy() } });
    install(w);
    const { handler } = harness(w);

    // WHEN the primary's (duplicate or late) stopped event arrives
    const result = await handler(stateChange(PRIMARY, 'stopped'));

    // THEN it reads the association and does nothing
    expect(result).toMatchObject({ action: 'none', holder: STANDBY });
    expect(ec2.commandCalls(DescribeAddressesCommand)).toHaveLength(1);
    expect(associateCalls()).toHaveLength(0);
    expect(tagCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(0);
  });

  test('concurrent events: two invocations at once make one move; the second sees it done', async () => {
    // GIVEN the primary stopped, and both its state change and its alarm arrive together
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'x', alarms: ['p-system'] }, [STANDBY]: healthy() } });
    install(w);
    const { handler } = harness(w);

    // WHEN
    const [first, second] = await Promise.all([handler(stateChange(PRIMARY, 'stopped')), handler(alarmChange('p-system', 'ALARM'))]);

    // THEN
    expect(first).toMatchObject({ action: 'moved', to: STANDBY });
    expect(second).toMatchObject({ action: 'none', holder: STANDBY });
    expect(associateCalls()).toHaveLength(1);
    expect(publishCalls()).toHaveLength(1);
  });

  test('a failed invocation does not block the next one', async () => {
    const w = world();
    install(w);
    ec2.on(DescribeAddressesCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' })).callsFake(addressesOf(w));
    const { handler } = harness(w);

    await expect(handler(scheduled)).rejects.toThrow('denied');
    await expect(handler(scheduled)).resolves.toMatchObject({ action: 'none' });
  });

  test('an unknown allocation fails loudly (the Lambda retries, then the dead-letter queue)', async () => {
    install(world());
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
    const { handler } = harness(world());

    await expect(handler(scheduled)).rejects.toThrow(/eipalloc-0123456789abcdef0 not found/);
    expect(associateCalls()).toHaveLength(0);
  });

  test('address held outside the pair: left alone, announced once', async () => {
    const w = world({ holder: 'i-0cccccccccccccccc' });
    install(w);
    const { handler } = harness(w);

    await handler(scheduled);
    await handler(scheduled);

    expect(associateCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(1);
    expect(publishCalls()[0].args[0].input.Subject).toMatch(/held outside the failover pair/);
  });
});

describe('throttling', () => {
  test('retries throttled reads with growing backoff, then completes the failover', async () => {
    // GIVEN DescribeAddresses is throttled twice
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'x' }, [STANDBY]: healthy() } });
    install(w);
    ec2.on(DescribeAddressesCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).callsFake(addressesOf(w));
    const { handler, sleep } = harness(w);

    // WHEN
    const result = await handler(stateChange(PRIMARY, 'stopped'));

    // THEN three reads, two pauses (jitter fixed at the middle: 150 ms then 300 ms), one move
    expect(ec2.commandCalls(DescribeAddressesCommand)).toHaveLength(3);
    expect(sleep.mock.calls).toEqual([[150], [300]]);
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(associateCalls()).toHaveLength(1);
  });

  test('persistent throttling of AssociateAddress gives up after 6 attempts and fails the invocation without tagging or notifying', async () => {
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'x' }, [STANDBY]: healthy() } });
    install(w);
    ec2.on(AssociateAddressCommand).rejects(throttle());
    const { handler, sleep } = harness(w);

    await expect(handler(stateChange(PRIMARY, 'stopped'))).rejects.toThrow('Request limit exceeded.');

    expect(associateCalls()).toHaveLength(6);
    expect(sleep).toHaveBeenCalledTimes(5);
    expect(Math.max(...sleep.mock.calls.map((c) => c[0] as number))).toBeLessThanOrEqual(5000);
    expect(tagCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(0);
    expect(w.holder).toEqual(PRIMARY);
  });

  test('classifies errors: throttling, 5xx and dropped connections retry; authorization errors do not', () => {
    expect(runtime.isRetryable(throttle())).toBe(true);
    expect(runtime.isRetryable({ name: 'SomethingElse', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(runtime.isRetryable({ name: 'Error', code: 'ECONNRESET' })).toBe(true);
    expect(runtime.isRetryable({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(runtime.isRetryable({ name: 'InvalidAllocationID.NotFound', $metadata: { httpStatusCode: 400 } })).toBe(false);
  });
});

describe('cooldown', () => {
  const recentMove = { 'eip-failover:condition': 'ok', 'eip-failover:last-move': '2026-11-20T11:58:00.000Z' };

  test('an impaired but running holder is not left within the cooldown', async () => {
    // GIVEN the address moved 2 minutes ago (cooldown 5 minutes) and the holder's alarm fired
    const w = world({ holder: STANDBY, tags: { ...recentMove }, nodes: { [PRIMARY]: healthy(), [STANDBY]: { ...healthy(), alarms: ['s-instance'] } } });
    install(w);
    const { handler, metrics } = harness(w);

    // WHEN
    const result = await handler(alarmChange('s-instance', 'ALARM'));

    // THEN deferred: no association, no tags, no notification
    expect(result).toMatchObject({ action: 'defer' });
    expect(result.reason).toMatch(/cooldown has 180 s left/);
    expect(associateCalls()).toHaveLength(0);
    expect(tagCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(0);
    expect(metrics[0]).toMatchObject({ Failovers: 0, NoHealthyNode: 0 });
  });

  test('a holder that stopped is left at once, even within the cooldown', async () => {
    const w = world({ holder: STANDBY, tags: { ...recentMove }, nodes: { [PRIMARY]: healthy(), [STANDBY]: { state: 'stopped', checks: 'x' } } });
    install(w);
    const { handler } = harness(w);

    const result = await handler(stateChange(STANDBY, 'stopped'));

    expect(result).toMatchObject({ action: 'moved', to: PRIMARY });
    expect(associateCalls()).toHaveLength(1);
  });

  test('after the cooldown the scheduled run moves the address off the impaired holder', async () => {
    const w = world({
      holder: STANDBY, tags: { 'eip-failover:condition': 'ok', 'eip-failover:last-move': '2026-11-20T11:54:59.000Z' },
      nodes: { [PRIMARY]: healthy(), [STANDBY]: { ...healthy(), alarms: ['s-instance'] } },
    });
    install(w);
    const { handler } = harness(w);

    const result = await handler(scheduled);

    expect(result).toMatchObject({ action: 'moved', to: PRIMARY });
    expect(associateCalls()).toHaveLength(1);
  });
});

describe('fail-back', () => {
  const oldMove = { 'eip-failover:condition': 'ok', 'eip-failover:last-move': '2026-11-20T11:00:00.000Z' };

  test('with failBack, returns the address to the recovered primary after the cooldown', async () => {
    const w = world({ holder: STANDBY, tags: { ...oldMove } });
    install(w);
    const { handler, metrics } = harness(w, { failBack: true });

    const result = await handler(scheduled);

    expect(result).toMatchObject({ action: 'moved', kind: 'failback', from: STANDBY, to: PRIMARY });
    expect(associateCalls()[0].args[0].input).toMatchObject({ InstanceId: PRIMARY });
    expect(metrics[0]).toMatchObject({ FailBacks: 1, Failovers: 0 });
  });

  test('with failBack, waits while the cooldown runs', async () => {
    const w = world({ holder: STANDBY, tags: { 'eip-failover:condition': 'ok', 'eip-failover:last-move': '2026-11-20T11:59:00.000Z' } });
    install(w);
    const { handler } = harness(w, { failBack: true });

    const result = await handler(scheduled);

    expect(result).toMatchObject({ action: 'defer' });
    expect(associateCalls()).toHaveLength(0);
  });

  test('with failBack, never fails back to a primary that is not eligible', async () => {
    const w = world({ holder: STANDBY, tags: { ...oldMove }, nodes: { [PRIMARY]: { state: 'running', checks: 'initializing' }, [STANDBY]: healthy() } });
    install(w);
    const { handler } = harness(w, { failBack: true });

    await handler(scheduled);

    expect(associateCalls()).toHaveLength(0);
  });

  test('without failBack (the default), the address stays on the healthy standby', async () => {
    const w = world({ holder: STANDBY, tags: { ...oldMove } });
    install(w);
    const { handler } = harness(w);

    const result = await handler(scheduled);

    expect(result).toMatchObject({ action: 'none', holder: STANDBY });
    expect(associateCalls()).toHaveLength(0);
    expect(publishCalls()).toHaveLength(0);
  });
});

describe('application probe', () => {
  const check: ProbeCheck = { protocol: 'http', port: 80, attempts: 3, intervalMs: 5000, timeoutMs: 5000 };

  test('a holder that fails every probe attempt loses the address to a standby that passes', async () => {
    const w = world({ nodes: { [PRIMARY]: { ...healthy(), app: false }, [STANDBY]: healthy() } });
    install(w);
    const { handler, probes, sleep } = harness(w, { healthCheck: check });

    const result = await handler(scheduled);

    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(result.reason).toMatch(/application probe failed/);
    expect(probes.filter((ip) => ip === IPS[PRIMARY])).toHaveLength(3);
    expect(probes.filter((ip) => ip === IPS[STANDBY])).toHaveLength(1);
    expect(sleep.mock.calls).toEqual([[5000], [5000]]);
  });

  test('a standby that fails the probe does not receive the address', async () => {
    const w = world({ nodes: { [PRIMARY]: { state: 'stopped', checks: 'x' }, [STANDBY]: { ...healthy(), app: false } } });
    install(w);
    const { handler, probes } = harness(w, { healthCheck: check });

    const result = await handler(stateChange(PRIMARY, 'stopped'));

    expect(result.action).toEqual('hold');
    expect(associateCalls()).toHaveLength(0);
    // a stopped node is not probed
    expect(probes).not.toContain(IPS[PRIMARY]);
  });
});
