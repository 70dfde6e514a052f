/**
 * The examples of lib/golden-ami/README.md deploy as written: each code block is, word for word,
 * a file of test/golden-ami/readme/ (type-checked by `tsc` in `npm test`), which these tests run
 * and synthesize.
 */
import { App } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'lib', 'golden-ami', 'README.md'), 'utf8');
const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** A README block as the repository file writes it (the library imported by path). */
const asFile = (block: string) => block.replace("from 'cdk-ec2-patterns'", "from '../../../lib'");

describe.each([['minimal.ts', 'Servers'], ['web-server.ts', 'WebServerImages']])('README example %s', (file, stackName) => {
  const source = fs.readFileSync(path.join(__dirname, 'readme', file), 'utf8');

  test('is in the README word for word', () => {
    expect(blocks.map(asFile).some((b) => source.startsWith(b))).toBe(true);
  });

  test('synthesizes (the scripts it names are read relative to the app, here examples/)', () => {
    // GIVEN the app's folder as the working directory, as `cdk synth` runs it
    const cwd = process.cwd();
    process.chdir(path.join(ROOT, 'examples'));
    try {
      // WHEN
      const { app } = require(`./readme/${file}`) as { app: App };
      const assembly = app.synth();
      // THEN
      expect(assembly.getStackByName(stackName).template.Resources).toBeDefined();
    } finally {
      process.chdir(cwd);
    }
  });
});
