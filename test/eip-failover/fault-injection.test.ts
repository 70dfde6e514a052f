/**
 * Fault injection: the real failover handler driven through a simulated EC2 / CloudWatch / SNS
 * world on a virtual clock (./sim.ts). Each scenario names the behaviour it expects.
 *
 * AWS pages the expectations rest on:
 * - AssociateAddress (Amazon EC2 API Reference; AssociateAddressCommandInput in the AWS SDK for
 *   JavaScript v3): reassociation moves the address in one call; InstanceId needs an instance with
 *   exactly one network interface, otherwise give NetworkInterfaceId; the call is idempotent but a
 *   remap may be charged each time.
 * - Lambda "Asynchronous invocation": failed async invocations are retried twice, then sent to the
 *   dead-letter queue; events can arrive more than once and late (at-least-once delivery, EventBridge
 *   "Event retry policy and using dead-letter queues").
 * - Lambda context object, `getRemainingTimeInMillis()` ("Using the Lambda context object to
 *   retrieve Node.js function information"): the run deadline.
 */
import {
  ALLOCATION, ENI, HTTP_CHECK, IPS, OUTSIDER, PRIMARY, STANDBY, T0, World, alarmChange, scheduled, stateChange,
} from './sim';

const MINUTE = 60_000;
const stopped = (w: World, id: string) => { w.nodes[id].state = 'stopped'; w.nodes[id].checks = 'not-applicable'; };
const associations = (w: World) => w.callsOf('ec2:AssociateAddress');
const moved = (w: World) => w.metrics.reduce((n, m) => n + (m.Failovers ?? 0) + (m.FailBacks ?? 0), 0);

describe('events: duplicate, late, out of order', () => {
  test('a duplicate state-change event makes one move, one message and one Failovers count', async () => {
    // GIVEN the primary stopped
    const w = new World();
    stopped(w, PRIMARY);
    // WHEN EventBridge delivers the same event twice
    await w.invoke(stateChange(PRIMARY, 'stopped'));
    const second = await w.invoke(stateChange(PRIMARY, 'stopped'));
    // THEN the address moved once, by the standby's interface, and was announced once
    expect(associations(w)).toHaveLength(1);
    expect(associations(w)[0].input).toEqual({ AllocationId: ALLOCATION, NetworkInterfaceId: ENI[STANDBY], AllowReassociation: true });
    expect(second).toMatchObject({ action: 'none', holder: STANDBY });
    expect(w.published).toHaveLength(1);
    expect(moved(w)).toBe(1);
  });

  test('a late event (an hour old) measures latency from detection, not from the event time', async () => {
    // GIVEN the primary stopped; the event is delivered an hour late (retries, a throttled target)
    const w = new World();
    stopped(w, PRIMARY);
    // WHEN it arrives
    await w.invoke(stateChange(PRIMARY, 'stopped', T0 - 60 * MINUTE));
    // THEN FailoverLatency is the time from the deciding read to the association: about a second
    const latency = w.metrics.find((m) => m.Failovers === 1)!.FailoverLatency;
    expect(latency).toBeGreaterThan(0);
    expect(latency).toBeLessThan(5_000);
  });

  test('an out-of-order "stopped" event about a primary that runs again changes nothing', async () => {
    // GIVEN the primary stopped and started again; its "stopped" event arrives after that
    const w = new World();
    // WHEN
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    // THEN the real state wins: no move, no tag, no message
    expect(result).toMatchObject({ action: 'none', holder: PRIMARY });
    expect(associations(w)).toHaveLength(0);
    expect(w.callsOf('ec2:CreateTags')).toHaveLength(0);
    expect(w.published).toHaveLength(0);
  });

  test('an alarm OK event processed after the alarm fired again still fails over (the alarm state is read)', async () => {
    // GIVEN the primary's system check alarm is in ALARM; the OK event of an earlier episode arrives late
    const w = new World();
    w.nodes[PRIMARY].alarms = ['p-system'];
    w.nodes[PRIMARY].checks = 'impaired';
    // WHEN
    const result = await w.invoke(alarmChange('p-system', 'OK'));
    // THEN
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(associations(w)[0].input).toMatchObject({ NetworkInterfaceId: ENI[STANDBY] });
  });
});

describe('throttling, 5xx, refused connections and hung calls on each call', () => {
  const ops = ['ec2:DescribeAddresses', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'cloudwatch:DescribeAlarms',
    'ec2:CreateTags', 'ec2:AssociateAddress', 'sns:Publish'];
  const faults = ['throttle', '5xx', 'refused', 'hang'] as const;
  test.each(ops.flatMap((op) => faults.map((fault) => [op, fault] as const)))(
    '%s failing once with %s: the failover completes within the invocation, one association, one message', async (op, fault) => {
      // GIVEN the primary stopped and the call fails once
      const w = new World();
      stopped(w, PRIMARY);
      w.fail(op, fault);
      // WHEN the event arrives
      const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
      // THEN the standby holds the address, moved once; the message is sent once (or, for a
      // Publish that may have been received, not repeated)
      expect(result).toMatchObject({ action: 'moved', to: STANDBY });
      expect(w.address).toMatchObject({ instanceId: STANDBY, eni: ENI[STANDBY] });
      expect(w.moves).toHaveLength(1);
      expect(associations(w).every((c) => c.input.NetworkInterfaceId === ENI[STANDBY] && c.input.InstanceId === undefined)).toBe(true);
      const publishRepeatable = op !== 'sns:Publish' || fault === 'throttle' || fault === 'refused';
      expect(w.published).toHaveLength(publishRepeatable ? 1 : 0);
      expect(w.clock.now - T0).toBeLessThan(60_000);
    });

  test('persistent throttling of AssociateAddress fails the run before its deadline, without recording a move', async () => {
    // GIVEN AssociateAddress is throttled on every attempt
    const w = new World();
    stopped(w, PRIMARY);
    w.fail('ec2:AssociateAddress', 'throttle', 4);
    // WHEN
    await expect(w.invoke(stateChange(PRIMARY, 'stopped'))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    // THEN 4 attempts, nothing recorded or sent, the intent is left for the next run to void
    expect(associations(w)).toHaveLength(4);
    expect(w.tag('last-move')).toBeUndefined();
    expect(w.published).toHaveLength(0);
    expect(w.tag('intent')).toBeDefined();
    // AND the next run voids the intent (the move did not happen) and makes the move
    await w.invoke(scheduled(w.clock.now));
    expect(w.address.instanceId).toBe(STANDBY);
    expect(w.published).toHaveLength(1);
  });

  test('every call hanging: the run stops at its deadline, inside the invocation timeout', async () => {
    // GIVEN DescribeAddresses never answers
    const w = new World({ timeoutMs: 30_000 });
    w.fail('ec2:DescribeAddresses', 'hang', 100);
    // WHEN
    await expect(w.invoke(scheduled())).rejects.toMatchObject({ name: expect.stringMatching(/TimeoutError|DeadlineExceeded/) });
    // THEN it gave up before Lambda would kill it
    expect(w.clock.now - T0).toBeLessThan(30_000);
  });
});

describe('lost responses', () => {
  test('AssociateAddress took effect but its response was lost: confirmed by a read, never repeated', async () => {
    // GIVEN the association happens but the answer never arrives
    const w = new World();
    stopped(w, PRIMARY);
    w.fail('ec2:AssociateAddress', 'lost');
    // WHEN
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    // THEN one AssociateAddress call, one move, recorded and announced once
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(associations(w)).toHaveLength(1);
    expect(w.moves).toHaveLength(1);
    expect(w.published).toHaveLength(1);
    expect(w.tag('recorded')).toBe(w.tag('intent')!.split(' ')[0]);
  });

  test('a Publish whose response was lost is not sent again', async () => {
    const w = new World();
    stopped(w, PRIMARY);
    w.fail('sns:Publish', 'lost');
    await w.invoke(stateChange(PRIMARY, 'stopped'));
    expect(w.published).toHaveLength(1);
    expect(w.callsOf('sns:Publish')).toHaveLength(1);
  });
});

describe('moves recorded exactly once', () => {
  test('the run dies after AssociateAddress (tagging fails): the next run records the move, notifies once, counts once', async () => {
    // GIVEN every CreateTags after the intent fails until the run gives up
    const w = new World();
    stopped(w, PRIMARY);
    const event = stateChange(PRIMARY, 'stopped');
    await w.clock.drive((async () => {
      const first = w.start(event);
      // the intent tag succeeds, then tagging breaks
      await w.clock.sleep(950);
      w.fail('ec2:CreateTags', '5xx', 4);
      return first.catch((e: Error) => e);
    })());
    expect(w.address.instanceId).toBe(STANDBY);
    expect(w.tag('last-move')).toBeUndefined();
    expect(w.published).toHaveLength(0);
    // WHEN the next run comes
    const next = await w.invoke(scheduled(w.clock.now));
    // THEN it finishes the bookkeeping: tags, one Failovers count, one message; no second move
    expect(next).toMatchObject({ action: 'none', holder: STANDBY });
    expect(w.tag('last-target')).toBe(STANDBY);
    expect(w.tag('recorded')).toBe(w.tag('intent')!.split(' ')[0]);
    expect(w.moves).toHaveLength(1);
    expect(moved(w)).toBe(1);
    expect(w.published).toHaveLength(1);
    expect(w.published[0].Message).toMatch(/recorded by a later run/);
    // AND a third run does nothing more
    await w.invoke(scheduled(w.clock.now));
    expect(moved(w)).toBe(1);
    expect(w.published).toHaveLength(1);
  });

  test('both nodes down: the condition tag is written before the message, so a failed tag never repeats it', async () => {
    // GIVEN both nodes stopped and CreateTags fails on the first run
    const w = new World();
    stopped(w, PRIMARY);
    stopped(w, STANDBY);
    w.fail('ec2:CreateTags', '5xx', 4);
    await expect(w.invoke(scheduled())).rejects.toBeDefined();
    // WHEN the schedule runs three more times
    for (let i = 1; i <= 3; i++) await w.invoke(scheduled(w.clock.now + MINUTE));
    // THEN exactly one "no healthy node" message, NoHealthyNode on every completed run
    expect(w.published).toHaveLength(1);
    expect(w.published[0].Subject).toMatch(/No healthy node/);
    expect(w.metrics.every((m) => m.NoHealthyNode === 1)).toBe(true);
    expect(associations(w)).toHaveLength(0);
    // AND when the standby comes back it gets the address, and the recovery is announced with the move
    w.nodes[STANDBY] = { ...w.nodes[STANDBY], state: 'running', checks: 'ok' };
    await w.invoke(scheduled(w.clock.now));
    expect(w.address.instanceId).toBe(STANDBY);
    expect(w.published).toHaveLength(2);
  });

  test('a last-move tag from the future is clamped: fail-back waits at most the cooldown, not until that time', async () => {
    // GIVEN the standby holds after leaving the primary; the last-move tag says "tomorrow"
    const w = new World({ config: { failBack: true } });
    w.associate(STANDBY, ENI[STANDBY]);
    Object.assign(w.address.tags, {
      'eip-failover:last-move': new Date(T0 + 24 * 60 * MINUTE).toISOString(), 'eip-failover:last-from': PRIMARY,
    });
    // WHEN the schedule runs every minute for ten minutes
    for (let i = 0; i < 10 && w.address.instanceId !== PRIMARY; i++) {
      w.clock.now = T0 + i * MINUTE;
      await w.invoke(scheduled(w.clock.now));
    }
    // THEN the address is back on the primary within the cooldown (5 min) plus one reading
    expect(w.address.instanceId).toBe(PRIMARY);
    expect(w.clock.now - T0).toBeLessThanOrEqual(6 * MINUTE);
  });
});

describe('decision rules', () => {
  test('a failed holder is left at once when the other node is eligible, even right after a move (no cooldown)', async () => {
    // GIVEN the address moved to the standby a minute ago and now the standby's instance check alarm fires
    const w = new World();
    w.associate(STANDBY, ENI[STANDBY]);
    Object.assign(w.address.tags, { 'eip-failover:last-move': new Date(T0 - MINUTE).toISOString(), 'eip-failover:last-from': PRIMARY });
    w.nodes[STANDBY].alarms = ['s-instance'];
    w.nodes[STANDBY].checks = 'impaired';
    // WHEN the alarm event arrives
    const result = await w.invoke(alarmChange('s-instance', 'ALARM'));
    // THEN the address returns to the eligible primary now
    expect(result).toMatchObject({ action: 'moved', to: PRIMARY });
  });

  test('the cooldown gates only a fail-back to the node the address just left', async () => {
    // GIVEN the address went to the standby a minute ago from nowhere (it was unassociated), fail-back on
    const w = new World({ config: { failBack: true, failBackReadings: 1 } });
    w.associate(STANDBY, ENI[STANDBY]);
    Object.assign(w.address.tags, { 'eip-failover:last-move': new Date(T0 - MINUTE).toISOString(), 'eip-failover:last-from': '-' });
    // WHEN the schedule runs
    const result = await w.invoke(scheduled());
    // THEN the fail-back does not wait for the cooldown: the primary is not the node just left
    expect(result).toMatchObject({ action: 'moved', kind: 'failback', to: PRIMARY });
  });

  test('flapping primary: fail-back needs 3 consecutive eligible readings', async () => {
    // GIVEN the standby holds since long ago; the primary alternates healthy / failing its probe each minute
    const w = new World({ config: { failBack: true, healthCheck: HTTP_CHECK, cooldownSeconds: 60 } });
    w.associate(STANDBY, ENI[STANDBY]);
    Object.assign(w.address.tags, { 'eip-failover:last-move': new Date(T0 - 60 * MINUTE).toISOString(), 'eip-failover:last-from': PRIMARY });
    const pattern: Array<'up' | 'down'> = ['up', 'up', 'down', 'up', 'down', 'up', 'up', 'up'];
    const holders: Array<string | undefined> = [];
    // WHEN the schedule runs once a minute
    for (let i = 0; i < pattern.length; i++) {
      w.clock.now = T0 + i * MINUTE;
      w.nodes[PRIMARY].app = pattern[i];
      await w.invoke({ ...scheduled(w.clock.now), 'detail-type': 'Scheduled Event' });
      holders.push(w.address.instanceId);
    }
    // THEN only the third consecutive healthy reading (the last one) brings the address back
    expect(holders.slice(0, -1).every((h) => h === STANDBY)).toBe(true);
    expect(holders[holders.length - 1]).toBe(PRIMARY);
    expect(w.moves.filter((m) => m.to === PRIMARY)).toHaveLength(1);
  });

  test('the target is read and probed again right before the move: a standby that starts stopping meanwhile gets nothing', async () => {
    // GIVEN the primary stopped; the standby starts stopping while the first probe runs
    const w = new World({ config: { healthCheck: HTTP_CHECK } });
    stopped(w, PRIMARY);
    w.clock.at(T0 + 410, () => { w.nodes[STANDBY].state = 'stopping'; });
    // WHEN
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    // THEN no association onto the stopping standby
    expect(associations(w)).toHaveLength(0);
    expect(result.action).toBe('defer');
    expect(result.reason).toMatch(/no longer eligible/);
  });

  test('both nodes down: keeps the address, NoHealthyNode = 1, one message, no association', async () => {
    const w = new World();
    stopped(w, PRIMARY);
    stopped(w, STANDBY);
    for (let i = 0; i < 3; i++) await w.invoke(scheduled(w.clock.now + i * MINUTE));
    expect(associations(w)).toHaveLength(0);
    expect(w.address.instanceId).toBe(PRIMARY);
    expect(w.published).toHaveLength(1);
    expect(w.metrics.map((m) => m.NoHealthyNode)).toEqual([1, 1, 1]);
  });
});

describe('operators and other association forms', () => {
  test('an operator moving the address to an instance outside the pair: left alone, announced once', async () => {
    const w = new World();
    w.associate(OUTSIDER, 'eni-0ccccccccccccccc0');
    stopped(w, PRIMARY);
    await w.invoke(scheduled());
    await w.invoke(scheduled(T0 + MINUTE));
    expect(associations(w)).toHaveLength(0);
    expect(w.published).toHaveLength(1);
    expect(w.published[0].Subject).toMatch(/outside the failover pair/);
  });

  test('an address held by a network interface outside the pair (no instance) is respected, not taken back', async () => {
    // GIVEN an operator associated the address with a free-standing interface (a NAT appliance, say)
    const w = new World();
    w.associate(undefined, 'eni-0ddddddddddddddd0');
    // WHEN
    const result = await w.invoke(scheduled());
    // THEN it stays there
    expect(result.action).toBe('none');
    expect(associations(w)).toHaveLength(0);
    expect(w.published[0].Subject).toMatch(/outside the failover pair/);
  });

  test('an address on a second interface of a pair node is outside the pair\'s interfaces: left alone', async () => {
    const w = new World();
    w.nodes[PRIMARY].interfaces.push({ id: 'eni-0aaaaaaaaaaaaaaa1', ip: '10.0.0.11', deviceIndex: 1 });
    w.associate(PRIMARY, 'eni-0aaaaaaaaaaaaaaa1');
    stopped(w, PRIMARY);
    await w.invoke(scheduled());
    expect(associations(w)).toHaveLength(0);
  });

  test('a standby with two network interfaces receives the address on its primary interface', async () => {
    // GIVEN the standby has a second interface (device index 1) listed first
    const w = new World();
    w.nodes[STANDBY].interfaces.unshift({ id: 'eni-0bbbbbbbbbbbbbbb1', ip: '10.0.1.11', deviceIndex: 1 });
    stopped(w, PRIMARY);
    // WHEN
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    // THEN by NetworkInterfaceId of device index 0 (InstanceId would fail for two interfaces)
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(associations(w)[0].input).toMatchObject({ NetworkInterfaceId: ENI[STANDBY] });
    expect(w.address.eni).toBe(ENI[STANDBY]);
  });

  test('the interface given in the configuration is the one used', async () => {
    const w = new World({ config: { interfaces: { standby: 'eni-0bbbbbbbbbbbbbbb1' } } });
    w.nodes[STANDBY].interfaces.push({ id: 'eni-0bbbbbbbbbbbbbbb1', ip: '10.0.1.11', deviceIndex: 1 });
    stopped(w, PRIMARY);
    await w.invoke(stateChange(PRIMARY, 'stopped'));
    expect(w.address.eni).toBe('eni-0bbbbbbbbbbbbbbb1');
  });

  test('the pause tag stops every decision, announced once; removing it resumes', async () => {
    // GIVEN an operator set eip-failover:paused=true for maintenance and stopped the primary
    const w = new World();
    w.address.tags['eip-failover:paused'] = 'true';
    stopped(w, PRIMARY);
    // WHEN events and the schedule arrive
    await w.invoke(stateChange(PRIMARY, 'stopped'));
    const result = await w.invoke(scheduled(T0 + MINUTE));
    // THEN nothing moves; one message; the Paused metric says why
    expect(result.action).toBe('paused');
    expect(associations(w)).toHaveLength(0);
    expect(w.published).toHaveLength(1);
    expect(w.published[0].Subject).toMatch(/paused/);
    expect(w.metrics.map((m) => m.Paused)).toEqual([1, 1]);
    // AND after the tag is removed the next run fails over
    delete w.address.tags['eip-failover:paused'];
    await w.invoke(scheduled(T0 + 2 * MINUTE));
    expect(w.address.instanceId).toBe(STANDBY);
  });

  test('an operator move within the pair is accepted (no fail-back without failBack)', async () => {
    const w = new World();
    w.associate(STANDBY, ENI[STANDBY]);
    const result = await w.invoke(scheduled());
    expect(result).toMatchObject({ action: 'none', holder: STANDBY });
    expect(associations(w)).toHaveLength(0);
  });
});

describe('concurrency and probes', () => {
  test('concurrent triggers (state change, alarm and schedule at once) make one move', async () => {
    const w = new World();
    stopped(w, PRIMARY);
    const runs = [w.start(stateChange(PRIMARY, 'stopped')), w.start(alarmChange('p-system', 'ALARM')), w.start(scheduled())];
    const results = await w.clock.drive(Promise.all(runs));
    expect(results.map((r) => r.action)).toEqual(['moved', 'none', 'none']);
    expect(associations(w)).toHaveLength(1);
    expect(associations(w)[0].input).toMatchObject({ NetworkInterfaceId: ENI[STANDBY] });
    expect(w.published).toHaveLength(1);
  });

  test('a holder whose application hangs (trickles) fails its probe within attempts x timeout and loses the address', async () => {
    // GIVEN the primary accepts connections but never answers
    const w = new World({ config: { healthCheck: HTTP_CHECK } });
    w.nodes[PRIMARY].app = 'hang';
    // WHEN the schedule runs
    const result = await w.invoke({ ...scheduled(), 'detail-type': 'Direct' });
    // THEN the probe gave up after 2 x 2 s + 1 s and the address moved
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(w.clock.now - T0).toBeLessThan(10_000);
  });

  test('through the probe function (deciding function outside the VPC): a failing holder loses the address', async () => {
    const w = new World({ config: { healthCheck: HTTP_CHECK, probeFunction: 'probe' }, remoteProbe: true });
    w.nodes[PRIMARY].app = 'down';
    const result = await w.invoke(alarmChange('p-system', 'OK'));
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
    expect(w.callsOf('lambda:Invoke').length).toBeGreaterThan(0);
    expect(w.probes.map((p) => p.ip)).toEqual(expect.arrayContaining([IPS[PRIMARY], IPS[STANDBY]]));
  });

  test.each(['throttle', '5xx'] as const)('the probe function\'s invocation failing once with %s is repeated: the failover completes', async (fault) => {
    const w = new World({ config: { healthCheck: HTTP_CHECK, probeFunction: 'probe' }, remoteProbe: true });
    stopped(w, PRIMARY);
    w.fail('lambda:Invoke', fault);
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    expect(result).toMatchObject({ action: 'moved', to: STANDBY });
  });

  test('probe function unreachable: health unknown, the address stays and is never moved onto an unprobed node', async () => {
    const w = new World({ config: { healthCheck: HTTP_CHECK, probeFunction: 'probe' } });
    stopped(w, PRIMARY);
    // no probe function is wired: every invoke fails
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    expect(result.action).toBe('hold');
    expect(associations(w)).toHaveLength(0);
  });
});

describe('basics kept from the first handler suite', () => {
  const runtime: { isRetryable: (e: unknown) => boolean } = require('../../lib/eip-failover/runtime/index.js');

  test('an unknown allocation fails loudly (Lambda retries, then the dead-letter queue)', async () => {
    const w = new World({ config: { allocationId: 'eipalloc-00000000' } });
    w.address = { tags: {} };
    const original = w.handler;
    // the world answers every allocation; an empty answer is what EC2 gives for a released address
    (w as unknown as { apply: (op: string) => unknown }).apply = (op: string) => (op === 'ec2:DescribeAddresses' ? { Addresses: [] } : {});
    await expect(w.clock.drive(original(scheduled()))).rejects.toThrow(/Elastic IP eipalloc-00000000 not found/);
  });

  test('a failed status check before its alarm fires does not move the address (the alarm debounces)', async () => {
    const w = new World();
    w.nodes[PRIMARY].checks = 'impaired';
    expect(await w.invoke(scheduled())).toMatchObject({ action: 'none' });
    expect(associations(w)).toHaveLength(0);
  });

  test('a standby still initializing when the primary stops: the address stays, one message', async () => {
    const w = new World();
    stopped(w, PRIMARY);
    w.nodes[STANDBY].checks = 'initializing';
    const result = await w.invoke(stateChange(PRIMARY, 'stopped'));
    expect(result).toMatchObject({ action: 'hold', holder: PRIMARY });
    expect(result.reason).toMatch(/status checks instance=initializing/);
    expect(w.published).toHaveLength(1);
  });

  test('a standby whose own alarm is in ALARM is not eligible', async () => {
    const w = new World();
    stopped(w, PRIMARY);
    w.nodes[STANDBY].alarms = ['s-instance'];
    expect((await w.invoke(scheduled())).action).toBe('hold');
  });

  test('with failBack, never fails back to a primary that is not eligible; without it, the standby keeps the address', async () => {
    const back = new World({ config: { failBack: true, failBackReadings: 1 } });
    back.associate(STANDBY, ENI[STANDBY]);
    back.nodes[PRIMARY].checks = 'initializing';
    expect((await back.invoke(scheduled())).action).toBe('none');
    const stay = new World();
    stay.associate(STANDBY, ENI[STANDBY]);
    expect((await stay.invoke(scheduled())).action).toBe('none');
  });

  test('classifies errors: throttling, 5xx, timeouts, refused and unresolved connections retry; authorization errors and the run deadline do not', () => {
    for (const retryable of [{ name: 'RequestLimitExceeded' }, { name: 'Throttling' }, { $metadata: { httpStatusCode: 503 } },
      { $metadata: { httpStatusCode: 429 } }, { name: 'TimeoutError' }, { code: 'ECONNREFUSED' }, { code: 'ENOTFOUND' }, { code: 'EAI_AGAIN' }]) {
      expect(runtime.isRetryable(retryable)).toBe(true);
    }
    for (const final of [{ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }, { name: 'DeadlineExceeded' }, undefined]) {
      expect(runtime.isRetryable(final)).toBe(false);
    }
  });
});

describe('a run that finishes a dead run\'s move decides from the state it just wrote', () => {
  test('the fail-back after a recovered move still waits for the cooldown and the readings', async () => {
    // GIVEN a dead run moved the address from the primary to the standby a second ago and left only its intent;
    // the primary is eligible again at once (fail-back on, one reading suffices)
    const w = new World({ config: { failBack: true, failBackReadings: 1 } });
    w.associate(STANDBY, ENI[STANDBY]);
    w.address.tags['eip-failover:intent'] = `${T0 - 1000} failover ${PRIMARY} ${STANDBY} ${ENI[STANDBY]} ${new Date(T0 - 2000).toISOString()}`;
    // WHEN the next run records the move
    const result = await w.invoke(scheduled());
    // THEN it does not fail back in the same run: the cooldown counts from the recovered move
    expect(w.tag('recorded')).toBe(String(T0 - 1000));
    expect(w.tag('last-from')).toBe(PRIMARY);
    expect(result.action).toBe('defer');
    expect(w.address.instanceId).toBe(STANDBY);
  });
});
