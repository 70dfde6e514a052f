import { App, Stage, Stack, Validations } from 'aws-cdk-lib';
import * as fs from 'fs';
import { IConstruct } from 'constructs';

/** One finding of a validation plugin (a cdk-nag pack or the CloudFormation template check). */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly constructPath: string;
  readonly description: string;
}

/** One `Validations.of(construct).acknowledge(...)` in the app. */
export interface Acknowledgement {
  readonly constructPath: string;
  readonly id: string;
  readonly reason: string;
  /** Whether the construct is an App, Stage or Stack (too broad for a security review). */
  readonly onStackOrApp: boolean;
}

export interface ComplianceResult {
  readonly findings: Finding[];
  readonly acknowledgements: Acknowledgement[];
  /** What is wrong with the acknowledgements (empty when they pass review). */
  readonly acknowledgementProblems: string[];
  /** Templates by stack artifact id. */
  readonly templates: Record<string, unknown>;
}

/**
 * Rules that report one finding per offending value (`Rule[Detail]`) in cdk-nag 3: an
 * acknowledgement of the bare rule id hides nothing and only reads as a blanket waiver.
 * Source: cdk-nag 3.0.2 rules returning finding arrays (rules/iam/IAMNoManagedPolicies.js,
 * rules/iam/IAMNoWildcardPermissions.js).
 */
export const GRANULAR_RULES = ['AwsSolutions-IAM4', 'AwsSolutions-IAM5'];

/** A reason shorter than this is not a reason a reviewer can check. */
export const MIN_REASON_LENGTH = 40;

/**
 * Synthesizes the app with its registered plugins plus the built-in template check in strict
 * mode, and returns every finding from the validation report (an empty list means compliant).
 * The app must have been created with the CDK context of cdk.json and its own outdir.
 */
export function checkCompliance(app: App): ComplianceResult {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  let synthError: unknown;
  let templates: Record<string, unknown> = {};
  try {
    const assembly = app.synth();
    templates = Object.fromEntries(assembly.stacks.map((s) => [s.id, s.template]));
  } catch (e) {
    synthError = e;
  } finally {
    process.env.CDK_VALIDATION = previous;
  }

  const reportFile = `${app.outdir}/validation-report.json`;
  if (!fs.existsSync(reportFile)) {
    if (synthError) throw synthError;
    throw new Error(`no validation report at ${reportFile}: were the plugins registered?`);
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const findings: Finding[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      for (const c of v.violatingConstructs ?? [{ constructPath: '(unknown)' }]) {
        findings.push({
          plugin: plugin.pluginName, rule: v.ruleName, severity: v.severity,
          constructPath: c.constructPath, description: v.description,
        });
      }
    }
  }
  if (synthError && findings.length === 0) throw synthError;

  const acknowledgements = collectAcknowledgements(app);
  return { findings, acknowledgements, acknowledgementProblems: reviewAcknowledgements(acknowledgements), templates };
}

/** Every acknowledgement recorded in the construct tree. */
export function collectAcknowledgements(root: IConstruct): Acknowledgement[] {
  const result: Acknowledgement[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [qualifiedId, reason] of Object.entries(entry.data as Record<string, string>)) {
        result.push({
          constructPath: c.node.path || '(app)',
          id: qualifiedId.replace(/^annotation::/i, ''),
          reason: String(reason ?? ''),
          onStackOrApp: Stack.isStack(c) || Stage.isStage(c),
        });
      }
    }
  }
  return result;
}

/**
 * Acknowledgements aws-cdk-lib makes itself. `Stack` acknowledges the template check's W3010
 * (literal AZ) on the whole stack when code reads `stack.availabilityZones` (aws-cdk-lib 2.276,
 * core/lib/stack.js `_silenceLiteralAzWarning`). Matched on id and reason, so ours are still reviewed.
 */
export const FRAMEWORK_ACKNOWLEDGEMENTS = [
  { id: 'CloudFormation-Validate::W3010', reasonPrefix: 'Literal AZs in template are the result of accessing stack.availabilityZones' },
];

function isFrameworkAcknowledgement(a: Acknowledgement): boolean {
  return FRAMEWORK_ACKNOWLEDGEMENTS.some((f) => f.id === a.id && a.reason.startsWith(f.reasonPrefix));
}

/** What a security reviewer would reject: no reason, a blanket waiver of a granular rule, or a stack-wide scope. */
export function reviewAcknowledgements(acks: Acknowledgement[]): string[] {
  const problems: string[] = [];
  for (const a of acks.filter((x) => !isFrameworkAcknowledgement(x))) {
    const where = `${a.id} on ${a.constructPath}`;
    if (a.reason.trim().length < MIN_REASON_LENGTH) {
      problems.push(`${where}: the reason "${a.reason}" is missing or too short to review (at least ${MIN_REASON_LENGTH} characters)`);
    }
    if (GRANULAR_RULES.includes(a.id)) {
      problems.push(`${where}: acknowledges the whole rule; acknowledge the granular finding (${a.id}[...]) instead`);
    }
    if (a.onStackOrApp) {
      problems.push(`${where}: acknowledged on a whole stack or app; acknowledge it on the construct that has the finding`);
    }
  }
  return problems;
}

/** One line per finding, for readable test failures. */
export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.severity} ${f.rule} at ${f.constructPath}: ${f.description.slice(0, 120)}`).join('\n');
}
