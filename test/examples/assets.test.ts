import * as fs from 'fs';
import * as path from 'path';
import { shellcheck } from '../shellcheck';

const ASSETS = path.join(__dirname, '..', '..', 'examples', 'assets');
const read = (file: string) => fs.readFileSync(path.join(ASSETS, file), 'utf8');

describe('example web server scripts (examples/assets)', () => {
  test('all pass ShellCheck with no findings at style level', () => {
    // GIVEN every script the examples and the reference app use
    const files = fs.readdirSync(ASSETS).filter((f) => f.endsWith('.sh')).map((f) => path.join(ASSETS, f));
    expect(files.length).toBe(4);
    // WHEN / THEN
    expect(shellcheck(files)).toEqual([]);
  });

  test('the nginx user data installs nginx only when the image lacks it, reads metadata with IMDSv2 and starts nginx', () => {
    const script = read('nginx-hello.sh');
    expect(script).toMatch(/^#!\/bin\/bash\nset -euo pipefail|^#!\/bin\/bash\n(#.*\n)*set -euo pipefail/);
    expect(script).toMatch(/command -v nginx .*\n\s+dnf install -y nginx/);
    expect(script).toContain('X-aws-ec2-metadata-token-ttl-seconds');
    expect(script).toContain('systemctl enable --now nginx');
  });

  test('the no-egress variant serves the page with the python3 Amazon Linux ships, as an unprivileged unit', () => {
    const script = read('python-hello.sh');
    expect(script).toContain('/usr/bin/python3 -m http.server 80');
    expect(script).toContain('DynamicUser=yes');
    expect(script).not.toMatch(/dnf|yum|apt/);
  });

  test('the golden image build step bakes nginx with the version hidden, and its test checks the page and the header', () => {
    expect(read('golden-nginx-install.sh')).toContain('server_tokens off;');
    expect(read('golden-nginx-install.sh')).toContain('systemctl enable nginx');
    expect(read('golden-nginx-test.sh')).toMatch(/grep -q 'Hello'/);
    expect(read('golden-nginx-test.sh')).toContain("'^server: nginx/'");
  });
});
