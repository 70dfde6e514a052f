/**
 * Building the publishable package.
 *
 * `npm pack` and `npm publish` run `build` first (the `prepack` script) and `clean` after (`postpack`):
 * jsii compiles lib/ in place, next to the sources, which is where package.json's `main`, `types`
 * and `files` expect the JavaScript, the .d.ts and the .jsii assembly (from which Python, Java, .NET
 * and Go bindings are generated). jsii writes its TypeScript settings to tsconfig.jsii.json
 * (`--generate-tsconfig`): the repository's tsconfig.json also covers tests, examples and the app, and
 * stays as it is. `clean` removes the build output again, so that tests and ts-node never pick up a
 * stale lib/*.js.
 *
 * `npm run api` regenerates API.md from a build in a clean copy of the repository (`cleanCopy`), as
 * does the package test (test/package/), so neither touches the working tree.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { writeRosettaFixture } from './rosetta';

export const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const JSII_TSCONFIG = 'tsconfig.jsii.json';

// jsii 5.9 prints an end-of-life banner on Node 20 (its support ended 2026-10-30). Node 20 is still a
// tested platform here and the compile is unaffected, so the banner is silenced for that major only.
export const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  ...(process.versions.node.startsWith('20.') ? { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } : {}),
};

/** The files jsii writes into a package folder (hand-written runtime JavaScript has no .ts sibling and stays). */
function buildOutputs(dir: string): string[] {
  const out = [JSII_TSCONFIG, '.jsii', '.jsii.tabl.json', path.join('lib', 'tsconfig.tsbuildinfo'), path.join('rosetta', 'default.ts-fixture')];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const file = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(file.replace(/\.ts$/, '.js'), file.replace(/\.ts$/, '.d.ts'));
    }
  };
  walk('lib');
  return out;
}

/** Removes jsii's output from a package folder. */
export function clean(dir = ROOT): void {
  for (const file of buildOutputs(dir)) fs.rmSync(path.join(dir, file), { force: true });
}

/**
 * Compiles lib/ in place with jsii (any jsii error or warning fails) and writes the jsii-rosetta
 * fixture for the README examples. Starts from a clean folder: jsii compiles incrementally, and a
 * stale tsbuildinfo without its .js files would emit nothing.
 */
export function build(dir = ROOT, quiet = false): void {
  clean(dir);
  execFileSync(path.join(BIN, 'jsii'), ['--silence-warnings=reserved-word', '--fail-on-warnings', '--generate-tsconfig', JSII_TSCONFIG], {
    cwd: dir, env: ENV, stdio: quiet ? 'pipe' : 'inherit',
  });
  writeRosettaFixture(dir);
}

/** The repository's files as a fresh clone has them: tracked and not ignored, so no build output, cdk.out or node_modules. */
function sourceFiles(): string[] {
  try {
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // regular files only: a node_modules symlink (a worktree sharing an install) is not matched by `node_modules/`
    return listed.split('\0').filter((f) => f && !/^node_modules(\/|$)/.test(f) && fs.lstatSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile());
  } catch {
    // not a git checkout (for example an unpacked source archive): everything but installs and output
    const skip = /^(node_modules|cdk\.out|\.git|dist)(\/|$)/;
    const out: string[] = [];
    const walk = (rel: string): void => {
      for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
        const file = rel ? path.join(rel, entry.name) : entry.name;
        if (skip.test(file)) continue;
        if (entry.isDirectory()) walk(file);
        else out.push(file);
      }
    };
    walk('');
    const outputs = new Set(buildOutputs(ROOT));
    return out.filter((f) => !outputs.has(f) && !f.endsWith('.tgz'));
  }
}

/** Copies the repository's sources to a fresh folder and links the installed node_modules; returns the folder. */
export function cleanCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ec2-patterns-src-'));
  for (const file of sourceFiles()) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `npm pack` as a release runs it (prepack builds, postpack cleans); returns the tarball's path. */
export function pack(dir: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ec2-patterns-pack-'));
  try {
    execFileSync('npm', ['pack', '--pack-destination', dest, '--loglevel=error'], {
      cwd: dir, env: { ...ENV, npm_config_update_notifier: 'false' }, stdio: 'pipe', encoding: 'utf8',
    });
  } catch (e) {
    // jsii reports what it rejects on stdout: show it, not only npm's exit status
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`npm pack failed in ${dir}:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const [tarball] = fs.readdirSync(dest).filter((f) => f.endsWith('.tgz'));
  return path.join(dest, tarball);
}

/**
 * The API reference of a compiled package folder, by jsii-docgen. docgen looks for the assemblies of
 * aws-cdk-lib and constructs in the package's own node_modules: for an installed copy (`nodeModules`
 * given), a scratch folder links the package's files next to the app's node_modules.
 */
export async function generateApiDoc(packageDir: string, nodeModules?: string): Promise<string> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'api-doc-'));
  try {
    let cwd = packageDir;
    if (nodeModules) {
      cwd = path.join(scratch, 'package');
      fs.mkdirSync(cwd);
      for (const f of ['.jsii', 'package.json']) fs.symlinkSync(path.join(packageDir, f), path.join(cwd, f));
      fs.symlinkSync(nodeModules, path.join(cwd, 'node_modules'), 'dir');
    }
    const out = path.join(scratch, 'API.md');
    await promisify(execFile)(path.join(BIN, 'jsii-docgen'), ['--output', out], { cwd, env: ENV });
    return fs.readFileSync(out, 'utf8');
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `npm run api`: API.md from a build in a clean copy of the repository; `check` only compares. */
async function updateApiDoc(check: boolean): Promise<void> {
  const start = Date.now();
  const dir = cleanCopy();
  try {
    build(dir);
    console.log(`jsii: compiled in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    const generated = await generateApiDoc(dir);
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
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'build') {
    build();
  } else if (command === 'clean') {
    clean();
  } else if (command === 'api' || command === 'api:check') {
    updateApiDoc(command === 'api:check').catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
  } else {
    console.error('usage: package-lib.ts build | clean | api | api:check');
    process.exitCode = 2;
  }
}
