import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as path from 'path';

/** The context of cdk.json (feature flags and validation settings), so tests synthesize like `cdk synth`. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/** An App with the project's feature flags, for unit tests. */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...CDK_CONTEXT, ...props.context } });
}

/** A stack in a fresh test App, in us-east-1 with no account (as the reference app synthesizes offline). */
export function testStack(props: StackProps = {}): Stack {
  return new Stack(testApp(), 'Test', { env: { region: 'us-east-1' }, ...props });
}

/** A template with asset hashes masked, so a Lambda code change does not churn snapshots. */
export function maskedTemplate(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '[ASSET-HASH]'));
}

export { Template };
