/**
 * The library as a user gets it: compiled with jsii, packed with `npm pack`, installed into an
 * empty CDK app next to that app's own aws-cdk-lib and constructs (from the npm cache
 * that `npm ci` filled where it can: `--prefer-offline`, because `npm ci` caches tarballs but not
 * the registry metadata that a plain `npm install` of a version range needs), imported with plain `require`, and synthesized.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, compileWithJsii, generateApiDoc, pack } from '../../scripts/package-lib';

jest.setTimeout(240_000);

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let stage: string;
let tarball: string;
let packedFiles: string[];
let consumer: string;
let apiDoc: string;

beforeAll(() => {
  stage = compileWithJsii(true);
  apiDoc = generateApiDoc(stage);
  tarball = pack(stage);
  packedFiles = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));

  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  const peers = [`aws-cdk-lib@${pkg.devDependencies['aws-cdk-lib']}`, `constructs@${pkg.devDependencies.constructs}`];
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...peers], {
    cwd: consumer, stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  fs.copyFileSync(path.join(__dirname, 'consumer-app.js'), path.join(consumer, 'app.js'));
});

afterAll(() => {
  for (const dir of [stage, consumer]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the jsii compile of the public API passes and API.md is current', () => {
  // THEN (compileWithJsii throws on any jsii error or warning)
  expect(fs.existsSync(path.join(stage, '.jsii'))).toBe(true);
  expect(apiDoc).toEqual(fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8'));
});

test('the tarball ships compiled JavaScript, typings and runtime assets, and nothing from tests, examples or cdk.out', () => {
  expect(packedFiles).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'README.md', 'API.md', 'LICENSE',
    'CHANGELOG.md', 'package.json', 'lib/eip-failover/runtime/index.js', 'lib/multi-attach/scripts/gfs2-bootstrap.sh',
    'lib/snapshots/scripts/freeze-filesystems.sh', 'lib/golden-ami/README.md']));
  expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  expect(packedFiles.filter((f) => /^(test|examples|bin|cdk\.out|scripts|node_modules)\//.test(f))).toEqual([]);
});

test('an empty CDK app imports every pattern with plain require and synthesizes', () => {
  // WHEN
  const outdir = path.join(consumer, 'cdk.out');
  const stdout = execFileSync(process.execPath, ['app.js'], {
    cwd: consumer, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' },
  });
  // THEN the app used the installed copy, not the repository
  const resolved = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(resolved.library).toEqual(path.join(fs.realpathSync(consumer), 'node_modules', 'cdk-ec2-patterns', 'lib', 'index.js'));
  expect([...resourceTypes(outdir)]).toEqual(expect.arrayContaining(resolved.expectedTypes));
});

test('the README quick start compiles as written against the installed typings, and synthesizes', () => {
  // GIVEN the TypeScript block of the README's "Using the library" section
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the library'));
  const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const dir = path.join(consumer, 'readme');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.ts'), `${snippet}\napp.synth();\n`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, skipLibCheck: true, outDir: 'out', types: [] },
    files: ['app.ts'],
  }));
  // WHEN compiled by a plain tsc (node_modules resolve from the consumer app above) and run
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, stdio: 'pipe' });
  const outdir = path.join(dir, 'cdk.out');
  execFileSync(process.execPath, [path.join(dir, 'out', 'app.js')], { cwd: dir, env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' } });
  // THEN
  expect([...resourceTypes(outdir)]).toEqual(expect.arrayContaining([
    'AWS::ImageBuilder::ImagePipeline', 'AWS::EC2::Instance', 'AWS::DLM::LifecyclePolicy', 'AWS::EC2::VolumeAttachment', 'AWS::EC2::EIPAssociation',
  ]));
});

/** The resource types of every stack of an assembly (the golden AMI pipeline has a stack of its own). */
function resourceTypes(outdir: string): Set<string> {
  const types = new Set<string>();
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
    for (const r of Object.values<{ Type: string }>(template.Resources)) types.add(r.Type);
  }
  return types;
}
