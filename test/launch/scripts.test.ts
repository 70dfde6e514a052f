import * as fs from 'fs';
import * as path from 'path';
import { shellcheck } from '../shellcheck';

const SCRIPTS = path.join(__dirname, '..', '..', 'lib', 'launch', 'scripts');

describe('user data scripts', () => {
  test('pass ShellCheck with no findings at style level', () => {
    // GIVEN every script of the pattern
    const files = fs.readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh')).map((f) => path.join(SCRIPTS, f));
    expect(files.length).toBeGreaterThan(0);
    // WHEN / THEN
    expect(shellcheck(files)).toEqual([]);
  });

  test('the hello page script installs nginx only when missing, uses IMDSv2 and enables nginx', () => {
    const script = fs.readFileSync(path.join(SCRIPTS, 'hello-web-server.sh'), 'utf8');
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toMatch(/command -v nginx .*\n\s+dnf install -y nginx/);
    expect(script).toContain('X-aws-ec2-metadata-token-ttl-seconds');
    expect(script).toContain('/usr/share/nginx/html/index.html');
    expect(script).toContain('systemctl enable --now nginx');
  });
});
