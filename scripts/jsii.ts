/**
 * Compiles the public API (`lib/`) with jsii in a staging folder, proving that Python, Java,
 * .NET and Go bindings can be generated, and writes or checks API.md (jsii-docgen).
 *
 *   ts-node scripts/jsii.ts          compile, then regenerate API.md
 *   ts-node scripts/jsii.ts --check  compile, then fail if API.md is not current
 *
 * jsii owns the tsconfig.json of the folder it compiles, so it runs on a copy of lib/ rather
 * than on the repository (whose tsconfig also covers tests, examples and the app).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const check = process.argv.includes('--check');
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-stage-'));
// jsii 5.9 prints a banner on Node 20 (its support ended 2026-10-30); Node 20 is this project's
// stated platform and the compile is unaffected, so the banner is silenced for that major only.
const env = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };

try {
  for (const f of ['package.json', 'README.md']) fs.copyFileSync(path.join(root, f), path.join(stage, f));
  fs.cpSync(path.join(root, 'lib'), path.join(stage, 'lib'), {
    recursive: true,
    // compiled output of a local `npm run build` is not source
    filter: (src) => !/\.d\.ts$/.test(src) && !(/\.js$/.test(src) && !src.includes(`${path.sep}runtime${path.sep}`)),
  });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');

  const start = Date.now();
  execFileSync(path.join(root, 'node_modules', '.bin', 'jsii'), ['--silence-warnings=reserved-word'], { cwd: stage, stdio: 'inherit', env });
  console.log(`jsii: compiled in ${((Date.now() - start) / 1000).toFixed(1)} s`);

  execFileSync(path.join(root, 'node_modules', '.bin', 'jsii-docgen'), ['--output', 'API.md'], { cwd: stage, stdio: 'inherit', env });
  const generated = fs.readFileSync(path.join(stage, 'API.md'), 'utf8');
  const apiFile = path.join(root, 'API.md');
  const current = fs.existsSync(apiFile) ? fs.readFileSync(apiFile, 'utf8') : '';
  if (check) {
    if (generated !== current) {
      console.error('API.md is out of date: run `npm run api` and commit the result.');
      process.exit(1);
    }
    console.log('API.md is current.');
  } else {
    fs.writeFileSync(apiFile, generated);
    console.log('API.md written.');
  }
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
