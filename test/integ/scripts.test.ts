/**
 * The cluster check the Multi-Attach integ test runs on each node through Run Command, run here
 * against stub binaries: `crm_mon` prints real output of Debian 12's pacemaker 2.1.5
 * (`CIB_file=cib.xml crm_mon --one-shot --output-as=xml` on a two-node CIB, fixtures/), and
 * `mountpoint`, `pcs` and `sleep` are stubs. A wrong count or a missing mount must fail the check,
 * so that the integ test cannot pass on a half-formed cluster.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shellcheck } from '../shellcheck';
import { clusterUpScript } from './integ.multi-attach';

const FIXTURES = path.join(__dirname, 'fixtures');

interface World {
  /** crm_mon output file, or undefined when crm_mon is not installed yet. */
  readonly crmMon?: string;
  /** Whether the file system is mounted. */
  readonly mounted: boolean;
}

function runCheck(world: World): { status: number | null; stdout: string; sleeps: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-cluster-check-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const stub = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  if (world.crmMon) stub('crm_mon', `cat '${path.join(FIXTURES, world.crmMon)}'`);
  else stub('crm_mon', 'echo "crm_mon: command not found" >&2; exit 127');
  stub('mountpoint', world.mounted ? 'exit 0' : 'exit 32');
  stub('pcs', 'echo "pcs status output"');
  stub('sleep', `echo x >> '${path.join(dir, 'sleeps')}'`);
  const script = path.join(dir, 'check.sh');
  fs.writeFileSync(script, clusterUpScript(2, '/shared/data', 3).join('\n') + '\n');
  const result = spawnSync('bash', [script], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  const sleepsFile = path.join(dir, 'sleeps');
  const sleeps = fs.existsSync(sleepsFile) ? fs.readFileSync(sleepsFile, 'utf8').trim().split('\n').length : 0;
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status, stdout: result.stdout, sleeps };
}

describe('the Multi-Attach integ test\'s cluster check', () => {
  test('passes ShellCheck', () => {
    // Given: the script as Run Command receives it
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'integ-cluster-sc-')), 'check.sh');
    fs.writeFileSync(file, '#!/bin/bash\n' + clusterUpScript(2, '/shared/data').join('\n') + '\n');
    // When / Then: no findings
    expect(shellcheck([file])).toEqual([]);
  });

  test('passes when every node is online and the file system is mounted', () => {
    // Given: two nodes online (real crm_mon XML) and the mount present
    // When: the check runs
    const { status, stdout, sleeps } = runCheck({ crmMon: 'crm_mon-two-online.xml', mounted: true });
    // Then: it succeeds at once with the marker the assertion matches
    expect(status).toBe(0);
    expect(stdout).toContain('CLUSTER-UP nodes=2');
    expect(sleeps).toBe(0);
  });

  test('fails when a node is offline, after trying every attempt', () => {
    // Given: one of two nodes offline
    const { status, stdout, sleeps } = runCheck({ crmMon: 'crm_mon-one-offline.xml', mounted: true });
    // Then: no marker, a non-zero exit after the 3 attempts
    expect(status).toBe(1);
    expect(stdout).not.toContain('CLUSTER-UP');
    expect(sleeps).toBe(3);
  });

  test('fails when the file system is not mounted on this node', () => {
    // Given: both nodes online, no mount
    const { status, stdout } = runCheck({ crmMon: 'crm_mon-two-online.xml', mounted: false });
    // Then: it fails
    expect(status).toBe(1);
    expect(stdout).not.toContain('CLUSTER-UP');
  });

  test('keeps waiting, without an error of its own, while pacemaker is not installed yet', () => {
    // Given: crm_mon missing (the node still installs packages at first boot)
    const { status, stdout, sleeps } = runCheck({ mounted: false });
    // Then: it counts 0 nodes, retries and fails cleanly (set -u does not trip)
    expect(status).toBe(1);
    expect(stdout).not.toContain('CLUSTER-UP');
    expect(sleeps).toBe(3);
  });
});
