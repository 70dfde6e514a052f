import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shellcheck } from '../shellcheck';

describe('shellcheck helper', () => {
  test('reports an unquoted variable and passes a clean script', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-'));
    fs.writeFileSync(path.join(dir, 'bad.sh'), '#!/bin/bash\necho $FOO\n');
    fs.writeFileSync(path.join(dir, 'good.sh'), '#!/bin/bash\nset -euo pipefail\necho "${FOO:-x}"\n');
    // WHEN
    const findings = shellcheck([path.join(dir, 'bad.sh'), path.join(dir, 'good.sh')]);
    // THEN
    expect(findings).toEqual([expect.objectContaining({ file: path.join(dir, 'bad.sh'), line: 2, code: 2086 })]);
  });
});
