/**
 * The library as a release ships it and a user gets it:
 * - packed the way a release packs it: `npm pack` in a clean copy of the repository (tracked files
 *   only, no build output), so the `prepack` script must compile it (scripts/package-lib.ts);
 * - installed into an empty app next to that app's own aws-cdk-lib and constructs (from the npm cache
 *   that `npm ci` filled where it can: `--prefer-offline`, because `npm ci` caches tarballs but not
 *   the registry metadata that a plain `npm install` of a version range needs);
 * - used from TypeScript against the installed typings (strict), and synthesized;
 * - its examples compiled by jsii-rosetta in strict mode, as Construct Hub translates them.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { ENV, ROOT, cleanCopy, generateApiDoc, pack } from '../../scripts/package-lib';
import { extractExamples } from '../../scripts/rosetta';

jest.setTimeout(240_000);
const run = promisify(execFile);

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let source: string;
let sourceFilesBefore: string[];
let tarball: string;
let packedFiles: string[];
let consumer: string;
let installed: string;
// started as soon as the tarball is installed, so that they run side by side
let examples: Promise<{ status: number | null; output: string }>;
let typescriptApps: Promise<unknown>;
let apiDoc: Promise<string>;
let synthesized: Promise<string>;

/** The files under a folder, relative, sorted, without node_modules. */
function listFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const file = path.join(rel, e.name);
    if (e.name === 'node_modules') return [];
    return e.isDirectory() ? listFiles(dir, file) : [file];
  }).sort();
}

beforeAll(() => {
  // GIVEN a clean copy of the repository, packed as a release packs it
  source = cleanCopy();
  sourceFilesBefore = listFiles(source);
  tarball = pack(source);
  packedFiles = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));

  // WHEN installed into an empty app
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const peers = [`aws-cdk-lib@${pkg.devDependencies['aws-cdk-lib']}`, `constructs@${pkg.devDependencies.constructs}`];
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...peers], {
    cwd: consumer, stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  installed = path.join(fs.realpathSync(consumer), 'node_modules', pkg.name);

  examples = extractExamples(installed, ENV);
  typescriptApps = compileApps();
  synthesized = synthApps();
  apiDoc = generateApiDoc(installed, path.join(consumer, 'node_modules'));
});

afterAll(async () => {
  await Promise.allSettled([examples, typescriptApps, apiDoc, synthesized]);
  for (const dir of [source, consumer, tarball && path.dirname(tarball)]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The TypeScript apps (test/package/app/consumer.ts and the README quick start), compiled in one strict tsc run against the installed typings. */
async function compileApps(): Promise<void> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the library'));
  const snippet = /```ts[^\n]*\n([\s\S]*?)```/.exec(section)![1];
  fs.writeFileSync(path.join(consumer, 'readme.ts'), `${snippet}\napp.synth();\n`);
  fs.copyFileSync(path.join(__dirname, 'app', 'consumer.ts'), path.join(consumer, 'app.ts'));
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, skipLibCheck: true, outDir: 'out', types: [] },
    files: ['app.ts', 'readme.ts'],
  }));
  await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer });
}

/** Runs both compiled apps in one process (one load of aws-cdk-lib) into one cloud assembly; returns its folder. */
async function synthApps(): Promise<string> {
  await typescriptApps;
  const outdir = path.join(consumer, 'cdk.out');
  const script = "require('./out/app.js'); require('./out/readme.js'); console.log(require.resolve(process.argv[1]))";
  const { stdout } = await run(process.execPath, ['-e', script, pkg.name], { cwd: consumer, env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' } });
  fs.writeFileSync(path.join(outdir, 'resolved.txt'), stdout.trim());
  return outdir;
}

/** The resource types of an app's stacks: those whose name starts with the app's prefix (an app may put the golden AMI pipeline in a stack of its own). */
function resourceTypes(outdir: string, prefix: string): Set<string> {
  const types = new Set<string>();
  for (const file of fs.readdirSync(outdir).filter((f) => f.startsWith(prefix) && f.endsWith('.template.json'))) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
    for (const r of Object.values<{ Type: string }>(template.Resources)) types.add(r.Type);
  }
  return types;
}

test('npm pack on a clean copy compiles the library (prepack) and leaves the copy as it found it (postpack)', () => {
  // THEN the tarball has the compiled library, its typings, the jsii assembly and the rosetta fixture
  expect(packedFiles).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'rosetta/default.ts-fixture', 'README.md',
    'API.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'lib/eip-failover/runtime/index.js', 'lib/multi-attach/scripts/gfs2-bootstrap.sh',
    'lib/snapshots/scripts/freeze-filesystems.sh', 'lib/golden-ami/README.md']));
  // every TypeScript source of lib/ is shipped compiled
  const sources = listFiles(path.join(source, 'lib')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  expect(sources.length).toBeGreaterThan(20);
  expect(sources.map((f) => `lib/${f.replace(/\.ts$/, '.js')}`).filter((f) => !packedFiles.includes(f))).toEqual([]);
  // and nothing from sources, tests, examples, the app, build state or cdk.out
  expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  expect(packedFiles.filter((f) => /^(test|examples|bin|cdk\.out|scripts|node_modules|dist)\/|tsconfig|tsbuildinfo|\.tgz$/.test(f))).toEqual([]);
  // the source tree is unchanged: no lib/*.js left behind for ts-node or jest to pick up
  expect(listFiles(source)).toEqual(sourceFilesBefore);
});

test('the package declares its stability and the Node.js versions it supports', () => {
  // THEN (jsii records package.json's stability in the assembly, which Construct Hub shows)
  const assembly = JSON.parse(fs.readFileSync(path.join(installed, '.jsii'), 'utf8'));
  expect(pkg.version).toMatch(/^0\./);
  expect(assembly.docs?.stability).toBe('experimental');
  // engines is a floor no lower than that of the aws-cdk-lib the library runs in, and this Node.js meets it
  const floor = (range: string): number => Number(/^>=\s*(\d+)/.exec(range)![1]);
  const cdk = JSON.parse(fs.readFileSync(path.join(consumer, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8'));
  expect(floor(pkg.engines.node)).toBeGreaterThanOrEqual(floor(cdk.engines.node));
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(floor(pkg.engines.node));
});

test('API.md is the jsii-docgen reference of the shipped assembly', async () => {
  // THEN (the jsii compile itself failed the pack on any jsii error or warning)
  expect(await apiDoc).toEqual(fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8'));
});

test('an empty TypeScript app imports every pattern from the installed package, with typings, and synthesizes', async () => {
  // WHEN compiled with strict tsc against the installed typings, and run
  const outdir = await synthesized;
  const types = resourceTypes(outdir, 'Consumer');
  // THEN the app used the installed copy, not the repository
  expect(fs.readFileSync(path.join(outdir, 'resolved.txt'), 'utf8')).toEqual(path.join(installed, 'lib', 'index.js'));
  expect([...types]).toEqual(expect.arrayContaining([
    'AWS::EC2::VPC', 'AWS::ImageBuilder::ImagePipeline', 'AWS::EC2::Instance', 'AWS::AutoScaling::AutoScalingGroup',
    'AWS::DLM::LifecyclePolicy', 'AWS::EC2::Volume', 'AWS::EC2::VolumeAttachment', 'AWS::EC2::EIPAssociation', 'AWS::Lambda::Function',
  ]));
});

test('the README quick start compiles as written against the installed typings, and synthesizes', async () => {
  // WHEN the TypeScript block of the README's "Using the library" section is compiled and run
  const types = resourceTypes(await synthesized, 'Demo');
  // THEN
  expect([...types]).toEqual(expect.arrayContaining([
    'AWS::ImageBuilder::ImagePipeline', 'AWS::EC2::Instance', 'AWS::DLM::LifecyclePolicy', 'AWS::EC2::VolumeAttachment', 'AWS::EC2::EIPAssociation',
  ]));
});

test('every example of the README, the pattern READMEs and the API docs compiles with jsii-rosetta --strict', async () => {
  // WHEN jsii-rosetta extracts and translates the examples of the installed package
  const { status, output } = await examples;
  // THEN (the output names each failing example and its compiler error)
  expect({ status, failing: output.split('\n').filter((l) => / - error /.test(l)) }).toEqual({ status: 0, failing: [] });
  expect(output).not.toMatch(/diagnostics encountered/);
});
