/**
 * The real probe (runtime/probe.js `probeOnce`) against real sockets on 127.0.0.1: the deadline is
 * a hard one on the whole attempt (connection and answer), not Node's idle `timeout` option, so a
 * server that accepts and then trickles (or never sends) its answer still fails within the deadline.
 * And the probe function's handler probes only addresses, nothing else it is sent.
 */
import * as http from 'http';
import * as net from 'net';

const probe: { probeOnce: (check: unknown, ip: string, timeoutMs: number) => Promise<boolean> } = require('../../lib/eip-failover/runtime/probe.js');
const runtime: {
  createProbeHandler: (deps: Record<string, unknown>) => (event: unknown) => Promise<{ results: Record<string, boolean> }>;
  realDeps: () => unknown;
} =
  require('../../lib/eip-failover/runtime/index.js');

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('probeOnce', () => {
  const servers: net.Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  test('a healthy HTTP server answers 200: healthy', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    servers.push(server);
    const port = await listen(server);
    expect(await probe.probeOnce({ protocol: 'http', port, path: '/' }, '127.0.0.1', 1000)).toBe(true);
  });

  test('a server that accepts and trickles its headers fails at the deadline, though bytes keep arriving', async () => {
    // GIVEN a server that sends a valid status line, then one byte of a header every 50 ms, never ending the headers
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
      sockets.push(socket);
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      const timer = setInterval(() => socket.write('a'), 50);
      socket.on('close', () => clearInterval(timer));
    });
    servers.push(server);
    const port = await listen(server);
    // WHEN probed with a 300 ms deadline
    const started = Date.now();
    const ok = await probe.probeOnce({ protocol: 'http', port, path: '/' }, '127.0.0.1', 300);
    // THEN unhealthy, within the deadline (an idle timeout would never fire)
    expect(ok).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(1000);
    sockets.forEach((s) => s.destroy());
  });

  test('a 500 answer and a closed TCP port are unhealthy; an open one is healthy', async () => {
    const failing = http.createServer((_req, res) => { res.statusCode = 500; res.end(); });
    const open = net.createServer((s) => s.end());
    servers.push(failing, open);
    const [failingPort, openPort] = [await listen(failing), await listen(open)];
    expect(await probe.probeOnce({ protocol: 'http', port: failingPort, path: '/' }, '127.0.0.1', 1000)).toBe(false);
    expect(await probe.probeOnce({ protocol: 'tcp', port: openPort }, '127.0.0.1', 1000)).toBe(true);
    open.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(await probe.probeOnce({ protocol: 'tcp', port: openPort }, '127.0.0.1', 1000)).toBe(false);
  });
});

describe('probe function handler', () => {
  test('probes each address target once and ignores anything that is not an IP address', async () => {
    // GIVEN a probe function whose probe records what it is asked
    const asked: string[] = [];
    const handler = runtime.createProbeHandler({ probeOnce: async (_c: unknown, ip: string) => { asked.push(ip); return ip === '10.0.0.10'; } });
    // WHEN sent two good targets and two that are not addresses
    const out = await handler({
      check: { protocol: 'tcp', port: 80, attempts: 1, timeoutMs: 500, intervalMs: 0 }, budgetMs: 2000,
      targets: [{ id: 'i-1', ip: '10.0.0.10' }, { id: 'i-2', ip: '10.0.1.10' }, { id: 'i-3', ip: 'example.com' }, { id: 'i-4', ip: '10.0.0.1; rm' }],
    });
    // THEN
    expect(out.results).toEqual({ 'i-1': true, 'i-2': false });
    expect(asked.sort()).toEqual(['10.0.0.10', '10.0.1.10']);
  });
});

describe('SDK clients of the deployed function', () => {
  test('one SDK attempt each (the function retries itself), with connection and request timeouts on the HTTP handler', async () => {
    // GIVEN the clients the handler builds for Lambda
    const deps = runtime.realDeps() as { ec2: SdkClient; cloudwatch: SdkClient; sns: SdkClient };
    for (const client of [deps.ec2, deps.cloudwatch, deps.sns]) {
      // WHEN / THEN (@smithy/node-http-handler keeps its options in configProvider)
      expect(await client.config.maxAttempts()).toBe(1);
      const handler = client.config.requestHandler as unknown as { configProvider: Promise<{ connectionTimeout: number; requestTimeout: number }> };
      expect(await handler.configProvider).toMatchObject({ connectionTimeout: 1000, requestTimeout: 2500 });
    }
  });
});

interface SdkClient { config: { maxAttempts: () => Promise<number>; requestHandler: unknown } }
