/**
 * AWS Control Tower proactive controls, run offline on synthesized templates with the cfn-guard
 * rules and binary that `@cdklabs/cdk-validator-cfnguard` bundles (AWS Control Tower User Guide,
 * "Proactive controls": CloudFormation hooks that refuse non-compliant resources at deploy time in
 * an OU that enables them).
 *
 * The controls do not honour cfn-guard's metadata suppressions (cdklabs/cdk-validator-cfnguard#202)
 * and the real hooks cannot be bypassed by template metadata, so the harness compares failures with
 * an exemption list (control-tower-exemptions.ts) instead of acknowledging them in the app.
 */
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RULES_DIR = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/** One resource that fails one control. */
export interface ControlFailure {
  /** Control id, for example `CT.KMS.PR.3`. */
  readonly control: string;
  /** cfn-guard rule name, for example `kms_create_grant_aws_service_check`. */
  readonly rule: string;
  /** Stack artifact id. */
  readonly stack: string;
  /** Construct path of the resource, else its logical id. */
  readonly constructPath: string;
}

interface RuleFile {
  readonly file: string;
  readonly control: string;
  readonly rules: string[];
  readonly resourceTypes: string[];
}

/** Every bundled rule file with its control id, rule names and the resource types it reads. */
function ruleFiles(): RuleFile[] {
  const result: RuleFile[] = [];
  for (const service of fs.readdirSync(RULES_DIR)) {
    for (const name of fs.readdirSync(path.join(RULES_DIR, service))) {
      const file = path.join(RULES_DIR, service, name);
      const text = fs.readFileSync(file, 'utf8');
      result.push({
        file,
        control: /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1] ?? name.replace(/\.guard$/, ''),
        rules: [...new Set([...text.matchAll(/^rule (\w+) when is_cfn_template/gm)].map((m) => m[1]))],
        resourceTypes: [...new Set(text.match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [])],
      });
    }
  }
  return result;
}

const RULE_FILES = ruleFiles();
const CONTROL_OF_RULE = new Map(RULE_FILES.flatMap((f) => f.rules.map((r): [string, string] => [r, f.control])));

/**
 * Weak cross-stack references (`@aws-cdk/core:defaultCrossStackReferences: weak`) synthesize to
 * `Fn::GetStackOutput`, which cfn-guard's CloudFormation parser does not know: a placeholder string
 * stands in (docs/toolchain.md, "Cross-stack references").
 */
function withoutStackOutputs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutStackOutputs);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === 'Fn::GetStackOutput') return 'cross-stack-output';
    return Object.fromEntries(entries.map(([k, v]) => [k, withoutStackOutputs(v)]));
  }
  return value;
}

/**
 * Runs every Control Tower control that reads a resource type present in the templates (one
 * cfn-guard run for all of them; the controls of absent types would only SKIP) and returns the
 * failures.
 */
export function checkControlTower(templates: Record<string, unknown>, app: IConstruct): ControlFailure[] {
  const paths = constructPaths(app);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
  try {
    const types = new Set<string>();
    const files = Object.entries(templates).map(([stack, template]) => {
      const resources = (template as { Resources?: Record<string, { Type: string }> }).Resources ?? {};
      for (const r of Object.values(resources)) types.add(r.Type);
      const file = path.join(dir, `${stack}.template.json`);
      fs.writeFileSync(file, JSON.stringify(withoutStackOutputs(template)));
      return file;
    });
    const disabledRules = RULE_FILES.filter((f) => !f.resourceTypes.some((t) => types.has(t))).map((f) => path.parse(f.file).name);
    // cfn-guard refuses to run without rules: templates whose types no control reads pass
    if (disabledRules.length === RULE_FILES.length) return [];
    const validator = new CfnGuardValidator({ disabledRules, maxBuffer: 256 * 1024 * 1024 });
    const report = validator.validate({ templatePaths: files, appConstruct: app });
    const failures: ControlFailure[] = [];
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        // cfn-guard 0.0.62 also reports a location-less copy of each failure, without a logical id
        if (!resource.resourceLogicalId) continue;
        const stack = path.basename(resource.templatePath).replace(/\.template\.json$/, '');
        failures.push({
          control: CONTROL_OF_RULE.get(violation.ruleName) ?? violation.ruleName,
          rule: violation.ruleName,
          stack,
          constructPath: paths.get(`${stack}/${resource.resourceLogicalId}`) ?? `${stack}/${resource.resourceLogicalId}`,
        });
      }
    }
    return dedupe(failures);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `<stack artifact id>/<logical id>` to construct path, for every resource of the app. */
function constructPaths(app: IConstruct): Map<string, string> {
  const result = new Map<string, string>();
  for (const c of app.node.findAll()) {
    if (!CfnElement.isCfnElement(c)) continue;
    const stack = Stack.of(c);
    result.set(`${stack.artifactId}/${stack.resolve(c.logicalId)}`, c.node.path);
  }
  return result;
}

function dedupe(failures: ControlFailure[]): ControlFailure[] {
  const seen = new Map<string, ControlFailure>();
  for (const f of failures) seen.set(`${f.control} ${f.constructPath}`, f);
  return [...seen.values()].sort((a, b) => `${a.constructPath} ${a.control}`.localeCompare(`${b.constructPath} ${b.control}`));
}

/** One failure the harness accepts: one resource, one control, and why. */
export interface ControlExemption {
  /** Construct path of the resource, for example `CatPhotos-Web/Servers/Node0/Resource`. */
  readonly constructPath: string;
  /** Control id, for example `CT.EC2.PR.19`. */
  readonly control: string;
  /** Why the default does not pass, and the setting that makes it pass. */
  readonly reason: string;
}

/** Failures not on the list, entries without a reason, and entries that match no failure. */
export function reviewControlTower(failures: ControlFailure[], exemptions: ControlExemption[]): string[] {
  const problems: string[] = [];
  const key = (x: { constructPath: string; control: string }) => `${x.control} on ${x.constructPath}`;
  const exempt = new Set(exemptions.map(key));
  const failed = new Set(failures.map(key));
  for (const f of failures) if (!exempt.has(key(f))) problems.push(`${key(f)} fails and is not on the exemption list`);
  for (const e of exemptions) {
    if (e.reason.trim().length < 40) problems.push(`${key(e)}: the exemption needs a reason a reviewer can check (at least 40 characters)`);
    if (!failed.has(key(e))) problems.push(`${key(e)}: exempted but does not fail; remove the entry`);
  }
  return problems;
}
