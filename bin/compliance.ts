import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';

/** Context key that turns on the AWS Control Tower proactive controls: `cdk synth -c controlTower=true`. */
export const CONTROL_TOWER_CONTEXT = 'controlTower';

/**
 * An App with the four compliance packs registered, so any finding fails `cdk synth` (cdk-nag 3:
 * packs are validation plugins, not aspects). The reference app and every example use it.
 *
 * With context `controlTower=true` (or the `controlTower` argument), the AWS Control Tower
 * proactive controls of `@cdklabs/cdk-validator-cfnguard` run too, as an OU that enables them
 * would at deploy. They are opt-in: the defaults of some patterns fail controls on purpose (for
 * example CT.EC2.PR.19 wants instance types with in-transit encryption, several times the price
 * of a t3.small); each pattern README lists them with the setting that makes them pass.
 */
export function createCompliantApp(props: AppProps = {}, controlTower?: boolean): App {
  const app = new App(props);
  if (controlTower ?? [true, 'true'].includes(app.node.tryGetContext(CONTROL_TOWER_CONTEXT))) {
    Validations.of(app).addPlugins(new CfnGuardValidator());
  }
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
