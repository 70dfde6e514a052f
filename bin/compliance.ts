import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

/**
 * An App with the four compliance packs registered, so any finding fails `cdk synth` (cdk-nag 3:
 * packs are validation plugins, not aspects). The reference app and every example use it.
 */
export function createCompliantApp(props: AppProps = {}): App {
  const app = new App(props);
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
  );
  return app;
}

/**
 * The environment of the stacks: `-c account=... -c region=...`, else the CLI's
 * CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION, else region us-east-1 with no account, which
 * synthesizes offline (no Availability Zone lookup; AZs become Fn::GetAZs).
 */
export function resolveEnv(app: App): { account?: string; region: string } {
  const account = app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
  return account ? { account, region } : { region };
}
