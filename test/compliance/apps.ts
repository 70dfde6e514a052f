import { App, AppProps } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createReferenceApp } from '../../bin/reference-app';
import { CDK_CONTEXT } from '../util';

/** A function that builds a complete app (the reference app, or an example's `createApp`). */
export type AppFactory = (props?: AppProps) => App;

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');

/**
 * The reference app and every example. Examples are discovered, not listed, so a new example
 * is checked without touching the tests: each `examples/*.ts` exports `createApp(props)`.
 */
export function allApps(): Array<[string, AppFactory]> {
  const examples = fs.readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f): [string, AppFactory] => {
      const mod = require(path.join(EXAMPLES_DIR, f));
      if (typeof mod.createApp !== 'function') throw new Error(`examples/${f} must export createApp(props)`);
      return [`examples/${f}`, mod.createApp];
    });
  return [['bin/reference-app.ts', createReferenceApp], ...examples];
}

/** App props as `cdk synth` would give them (cdk.json context), with strict template checks and a temp outdir. */
export function strictAppProps(): AppProps {
  return {
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ec2-patterns-')),
    context: {
      ...CDK_CONTEXT,
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      '@aws-cdk/core:strictCfnValidateErrors': true,
    },
  };
}
