/**
 * The offline check of the integ tests (`npm run integ`, and part of `npm test`): no deploy, no
 * credentials. Every `test/integ/integ.*.ts` app is synthesized in-process, with its assertion
 * stack, and compared with its committed snapshot (asset hashes masked), so a change that alters
 * what an integ test deploys or asserts shows up in review. It also checks what holds for every
 * integ test: it asserts something through the DeployAssert stack, says how long it takes and what
 * it costs, and cleans up after itself.
 *
 * `npm test` synthesizes without the validation plugins (fast); `npm run integ` sets
 * INTEG_VALIDATION=true and runs the four cdk-nag packs and the strict template check as well,
 * as `cdk deploy` of an integ app does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CDK_CONTEXT, maskedTemplate } from '../util';
import { IMAGE_REVISION_CONTEXT } from './integ.launch';
import { IntegAppFactory } from './support';

const DIR = __dirname;
/** The integ apps: `integ.<name>.ts`, the names integ-runner looks for in TypeScript. */
const INTEG_FILES = fs.readdirSync(DIR).filter((f) => /^integ\.[^.]+\.ts$/.test(f)).sort();

interface Synthesized {
  readonly manifest: { testCases: Record<string, { stacks: string[]; assertionStack: string }> };
  readonly templates: Record<string, { Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }> }>;
}

function synth(file: string, context: Record<string, unknown> = {}): Synthesized {
  const createApp: IntegAppFactory = require(path.join(DIR, file)).createApp;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ec2-patterns-integ-'));
  const previous = process.env.CDK_VALIDATION;
  if (process.env.INTEG_VALIDATION === 'true') process.env.CDK_VALIDATION = 'true';
  try {
    const assembly = createApp({ outdir, context: { ...CDK_CONTEXT, ...context } }).synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'integ.json'), 'utf8'));
    const templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template]));
    return { manifest, templates };
  } finally {
    process.env.CDK_VALIDATION = previous;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const cache = new Map<string, Synthesized>();
function synthOnce(file: string): Synthesized {
  if (!cache.has(file)) cache.set(file, synth(file));
  return cache.get(file)!;
}

function unsalted(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/"salt":"\d+"/g, '"salt":"[SYNTH-TIME]"'));
}

/** Resource types that hold data or cost money after a test if they were retained. */
const MUST_BE_DELETED = ['AWS::EC2::Volume', 'AWS::EC2::EIP', 'AWS::KMS::Key', 'AWS::ImageBuilder::Image', 'AWS::Logs::LogGroup', 'AWS::EC2::Instance'];

test('there is an integ test per pattern and one for the reference app', () => {
  // Given / When: the integ apps in test/integ
  // Then: one per pattern plus the reference app
  expect(INTEG_FILES).toEqual([
    'integ.eip-failover.ts', 'integ.golden-ami.ts', 'integ.launch.ts',
    'integ.multi-attach.ts', 'integ.reference-app.ts', 'integ.snapshots.ts',
  ]);
});

describe.each(INTEG_FILES)('%s', (file) => {
  test('synthesizes with its assertion stack, as in the committed snapshot', () => {
    // Given: the integ app
    // When: it is synthesized offline
    const { manifest, templates } = synthOnce(file);
    // Then: it matches its snapshot (asset hashes masked, and the salt integ-tests sets to the synth
    // time so that every deploy runs the assertions again)
    expect({ testCases: manifest.testCases, templates: unsalted(maskedTemplate(templates)) }).toMatchSnapshot();
  });

  test('asserts through a DeployAssert stack in the test cases\' environment', () => {
    // Given / When: the synthesized app
    const { manifest, templates } = synthOnce(file);
    const cases = Object.values(manifest.testCases);
    // Then: one test case with stacks under test and an assertion stack full of API calls
    expect(cases).toHaveLength(1);
    expect(cases[0].stacks.length).toBeGreaterThan(0);
    const assertions = Object.values(templates[cases[0].assertionStack].Resources)
      .filter((r) => r.Type.startsWith('Custom::DeployAssert@SdkCall'));
    expect(assertions.length).toBeGreaterThanOrEqual(3);
    // and every expectation waits: only a waiter's failure fails `cdk deploy` (see SETTLED in support.ts)
    const notWaiting = assertions.filter((r) => r.Properties?.expected !== undefined && r.Properties?.stateMachineArn === undefined);
    expect(notWaiting).toEqual([]);
  });

  test('cleans up after itself: nothing that holds data or costs money is retained, no instance is protected', () => {
    // Given / When: the stacks under test
    const { manifest, templates } = synthOnce(file);
    const stacks = Object.values(manifest.testCases)[0].stacks;
    for (const stackName of stacks) {
      for (const [logicalId, resource] of Object.entries(templates[stackName].Resources)) {
        // Then: deleted on destroy (S3 buckets with logs are listed in the README for manual removal)
        if (MUST_BE_DELETED.includes(resource.Type)) {
          expect(`${stackName}/${logicalId}: ${resource.DeletionPolicy ?? 'Delete'}`).toBe(`${stackName}/${logicalId}: Delete`);
        }
        if (resource.Type === 'AWS::EC2::Instance') expect(resource.Properties?.DisableApiTermination).not.toBe(true);
        if (resource.Type === 'AWS::ImageBuilder::Image') expect(resource.Properties?.DeletionSettings).toBeDefined();
      }
    }
  });

  test('says how long it takes and roughly what it costs', () => {
    // Given: the file's header comment
    const header = fs.readFileSync(path.join(DIR, file), 'utf8').split('*/')[0];
    // Then: duration, cost and clean-up are stated
    expect(header).toMatch(/Duration: .*\d+ min/);
    expect(header).toMatch(/Cost: .*US\$\d/);
    expect(header).toMatch(/Clean-up: /);
  });
});

test('launch: a new image revision adds the instance refresh assertion (the update deploy)', () => {
  // Given: the launch integ app deployed a second time with a new revision
  const first = synthOnce('integ.launch.ts');
  const update = synth('integ.launch.ts', { [IMAGE_REVISION_CONTEXT]: 'r2' });
  const refreshes = (s: Synthesized) => Object.values(s.templates.LaunchAssertions.Resources)
    .filter((r) => r.Type.startsWith('Custom::DeployAssert@SdkCall') && r.Properties?.api === 'describeInstanceRefreshes');
  // Then: only the update waits for a successful refresh; the launch template carries the new revision
  expect(refreshes(first)).toHaveLength(0);
  expect(refreshes(update)).toHaveLength(1);
  const revisionTags = (s: Synthesized) => JSON.stringify(Object.values(s.templates.IntegLaunchGroup.Resources)
    .filter((r) => r.Type === 'AWS::EC2::LaunchTemplate'));
  expect(revisionTags(update)).toContain('"Value":"r2"');
  expect(revisionTags(first)).not.toContain('"Value":"r2"');
});
