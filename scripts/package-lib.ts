/**
 * Building the publishable package. jsii owns the tsconfig.json of the folder it compiles, so
 * the library is compiled from a staging copy of lib/ (the repository's tsconfig also covers
 * tests, examples and the app). jsii's output is the package: JavaScript, .d.ts and the .jsii
 * assembly from which Python, Java, .NET and Go bindings are generated.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');

// jsii 5.9 prints a banner on Node 20 (its support ended 2026-10-30); Node 20 is this project's
// stated platform and the compile is unaffected, so the banner is silenced for that major only.
const ENV = { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0] };

/** Copies the package sources to a fresh folder and compiles them with jsii; returns the folder. */
export function compileWithJsii(quiet = false): string {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-stage-'));
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'API.md']) {
    if (fs.existsSync(path.join(ROOT, f))) fs.copyFileSync(path.join(ROOT, f), path.join(stage, f));
  }
  fs.cpSync(path.join(ROOT, 'lib'), path.join(stage, 'lib'), {
    recursive: true,
    // output of a local build is not source; Lambda handlers under runtime/ are
    filter: (src) => !/\.d\.ts$/.test(src) && !(/\.js$/.test(src) && !src.includes(`${path.sep}runtime${path.sep}`)),
  });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  execFileSync(path.join(BIN, 'jsii'), ['--silence-warnings=reserved-word', '--fail-on-warnings'], {
    cwd: stage, env: ENV, stdio: quiet ? 'pipe' : 'inherit',
  });
  return stage;
}

/** Generates the API reference of a compiled stage with jsii-docgen. */
export function generateApiDoc(stage: string): string {
  const out = path.join(stage, 'API.generated.md');
  execFileSync(path.join(BIN, 'jsii-docgen'), ['--output', out], { cwd: stage, env: ENV, stdio: 'pipe' });
  return fs.readFileSync(out, 'utf8');
}

/** Packs a compiled stage with `npm pack`; returns the tarball path. */
export function pack(stage: string): string {
  fs.rmSync(path.join(stage, 'API.generated.md'), { force: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', stage], { cwd: stage, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [info] = JSON.parse(out);
  return path.join(stage, info.filename);
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const start = Date.now();
  const stage = compileWithJsii();
  try {
    console.log(`jsii: compiled in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    const generated = generateApiDoc(stage);
    const apiFile = path.join(ROOT, 'API.md');
    const current = fs.existsSync(apiFile) ? fs.readFileSync(apiFile, 'utf8') : '';
    if (!check) {
      fs.writeFileSync(apiFile, generated);
      console.log('API.md written.');
    } else if (generated !== current) {
      console.error('API.md is out of date: run `npm run api` and commit the result.');
      process.exitCode = 1;
    } else {
      console.log('API.md is current.');
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
