import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * The README's day-2 procedures are commands; each cluster command in them is run here against
 * the real tools (pcs 0.11 on an offline CIB, gfs2-utils on an image file), or, for the ones that
 * need a live cluster or a mounted file system, checked against the tool's own usage text.
 */
const README = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'multi-attach', 'README.md'), 'utf8');
/** Every `sudo ...` command of the README, as written. */
const COMMANDS = [...README.matchAll(/`sudo ([^`]+)`/g)].map((m) => m[1]);

const usage = (cmd: string, ...args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.stdout + r.stderr;
};

describe('README day-2 procedures', () => {
  test('name the commands this test checks, and no pcsd-only command', () => {
    // THEN
    expect(COMMANDS.length).toBeGreaterThan(8);
    // `pcs cluster stop --all`, `pcs cluster start --all` and `pcs host auth` need pcsd, which is off
    expect(README).not.toMatch(/--all|pcs host auth|pcs cluster node add/);
  });

  test('the pcs resource commands run against the real pcs on a cluster configuration', () => {
    // GIVEN a CIB with a GFS2 Filesystem clone, as the bootstrap creates it
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-pcs-'));
    const cib = path.join(dir, 'cib.xml');
    fs.writeFileSync(cib, execFileSync('cibadmin', ['--empty']));
    const pcs = (args: string[]) => execFileSync('pcs', ['-f', cib, ...args], { encoding: 'utf8' });
    pcs(['resource', 'create', 'fs-data', 'ocf:heartbeat:Filesystem', 'device=/dev/x', 'directory=/shared/data', 'fstype=gfs2']);
    pcs(['resource', 'clone', 'fs-data', 'interleave=true']);
    const resourceCommands = COMMANDS.filter((c) => c.startsWith('pcs resource '));
    expect(resourceCommands).toEqual(['pcs resource disable fs-<name>-clone --wait=120', 'pcs resource delete fs-<name>']);
    // WHEN each runs (pcs refuses --wait together with -f: --wait is checked against the usage below)
    for (const command of resourceCommands) {
      pcs(command.replace(/<name>/g, 'data').replace(/ --wait=\d+/, '').split(' ').slice(1));
    }
    // THEN the file system resource is gone
    expect(spawnSync('pcs', ['-f', cib, 'resource', 'config', 'fs-data-clone']).status).not.toBe(0);
    expect(usage('pcs', 'resource', 'disable', '--help')).toMatch(/disable <resource id \| tag id>\.\.\. \[--safe \[--brief\] \[--no-strict\]\]\s*\[--simulate \[--brief\]\] \[--wait\[=n\]\]/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the node commands are local pcs commands of pcs 0.11', () => {
    // THEN
    expect(COMMANDS).toEqual(expect.arrayContaining(['pcs cluster stop', 'pcs node standby']));
    expect(usage('pcs', 'cluster', 'stop', '--help')).toMatch(/stop \[--all \| <node>\.\.\. ?\] \[--request-timeout=<seconds>\]/);
    expect(usage('pcs', 'node', 'standby', '--help')).toMatch(/standby \[--all \| <node>\.\.\.\] \[--wait\[=n\]\]/);
  });

  test('tunegfs2 rewrites the lock table of a restored file system, as step 2 of "move data" says', () => {
    // GIVEN a GFS2 image restored under the old name
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-gfs2-'));
    const image = path.join(dir, 'vol');
    fs.writeFileSync(image, '');
    fs.truncateSync(image, 256 * 1024 * 1024);
    execFileSync('mkfs.gfs2', ['-O', '-p', 'lock_dlm', '-t', 'pg:data', '-j', '2', image], { stdio: 'ignore' });
    const command = COMMANDS.find((c) => c.startsWith('tunegfs2'))!;
    // WHEN
    execFileSync('bash', ['-c', command.replace('<cluster name>', 'pg').replace(/\/dev\/disk\/by-id\/\S+/, image)]);
    // THEN
    expect(execFileSync('tunegfs2', ['-l', image], { encoding: 'utf8' })).toContain('Lock table: pg:data2');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('gfs2_jadd and gfs2_grow take a mount point with the options written (they need a mounted file system)', () => {
    // THEN
    expect(COMMANDS).toEqual(expect.arrayContaining(['gfs2_jadd -j 1 /shared/<volume name>', 'gfs2_grow /shared/<name>']));
    expect(usage('gfs2_jadd', '-h')).toMatch(/gfs2_jadd \[options\] <device>[\s\S]*-j <number>\s+Number of journals/);
    expect(usage('gfs2_grow', '-h')).toMatch(/gfs2_grow \[options\] <device>/);
  });

  test('the bootstrap re-runs it names are the ones the script accepts', () => {
    // THEN
    const script = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'multi-attach', 'scripts', 'gfs2-bootstrap.sh'), 'utf8');
    expect(COMMANDS).toEqual(expect.arrayContaining(['/opt/multi-attach/bootstrap.sh', '/opt/multi-attach/bootstrap.sh --reconfigure']));
    expect(script).toContain('if [ "$mode" = --reconfigure ]; then');
    expect(README).toContain('`sudo FORMAT_VOLUMES=<new volume id> /opt/multi-attach/bootstrap.sh`');
  });
});
