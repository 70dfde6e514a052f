import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { createHash } from 'crypto';
import * as fs from 'fs';
import { Construct, IConstruct } from 'constructs';
import { checkPattern, invalid, isKnown } from '../core/validation';

/** Most characters Image Builder accepts in an inline component document (`data`). */
export const MAX_COMPONENT_DATA = 16000;

/** Options of a component built from shell steps. */
export interface ShellComponentOptions {
  /**
   * Shown in the console.
   * @default - the component name
   */
  readonly description?: string;
  /**
   * Shell run after the build steps, on the build instance; a non-zero exit fails the build.
   * @default - no validate phase
   */
  readonly validateCommands?: string[];
  /**
   * Shell run on the test instance launched from the new image; a non-zero exit fails the image.
   * @default - no test phase
   */
  readonly testCommands?: string[];
}

/** Options of an AWS-managed component. */
export interface AwsManagedComponentOptions {
  /**
   * Semantic version filter; `x` stands for "latest" and may only be used rightmost
   * (`1.2.x`, `1.x.x`, `x.x.x`).
   * @default 'x.x.x' - always the latest version
   */
  readonly version?: string;
}

/** Options of a component given as a full document. */
export interface DocumentComponentOptions {
  /**
   * Shown in the console.
   * @default - the component name
   */
  readonly description?: string;
}

/** What a component contributes to a recipe once bound to a pipeline. @internal */
export interface BoundComponent {
  readonly arn: string;
  /** Part of the recipe fingerprint: changes whenever the component content changes. */
  readonly fingerprint: string;
  /** AWS-managed component name, if it is one. */
  readonly managedName?: string;
}

const NAME = /^[a-z0-9][a-z0-9-_]{0,62}$/;
const PLATFORM = 'Linux';

/**
 * A step of the image: an AWS-managed component by name, inline shell steps, or a full
 * component document. Components you define get a version derived from a hash of their
 * document, so editing a step publishes a new version and an unchanged synth changes nothing.
 */
export class ImageComponent {
  /**
   * An AWS-managed component, for example `update-linux`, `reboot-test-linux`,
   * `amazon-cloudwatch-agent-linux`, `aws-cli-version-2-linux`, `stig-build-linux-high`.
   */
  public static awsManaged(name: string, options: AwsManagedComponentOptions = {}): ImageComponent {
    return new ImageComponent(name, undefined, options.version ?? 'x.x.x', undefined);
  }

  /** Shell steps run with bash in the build phase (and optional validate and test phases). */
  public static shell(name: string, commands: string[], options: ShellComponentOptions = {}): ImageComponent {
    const phases: Phase[] = [['build', commands], ['validate', options.validateCommands], ['test', options.testCommands]];
    return new ImageComponent(name, () => renderDocument(name, options.description ?? name, phases), undefined, options.description,
      (scope) => checkNotEmpty(scope, name, phases));
  }

  /** A test-only component: shell run on the test instance launched from the new image. */
  public static test(name: string, commands: string[], options: DocumentComponentOptions = {}): ImageComponent {
    const phases: Phase[] = [['test', commands]];
    return new ImageComponent(name, () => renderDocument(name, options.description ?? name, phases), undefined, options.description,
      (scope) => checkNotEmpty(scope, name, phases));
  }

  /**
   * Shell scripts read from files at synth, so they can be linted (ShellCheck) and tested as files.
   * Relative paths are read from the app's working directory.
   * @param buildScript script run in the build phase
   * @param testScript script run on the test instance
   */
  public static fromScriptFiles(name: string, buildScript: string, testScript?: string,
    options: DocumentComponentOptions = {}): ImageComponent {
    const files: Array<[string, string | undefined]> = [['buildScript', buildScript], ['testScript', testScript]];
    const phases = (): Phase[] => [['build', [fs.readFileSync(buildScript, 'utf8')]], ['test', testScript ? [fs.readFileSync(testScript, 'utf8')] : undefined]];
    return new ImageComponent(name, () => renderDocument(name, options.description ?? name, phases()), undefined, options.description, (scope) => {
      for (const [property, file] of files) {
        if (file !== undefined && !readable(file)) {
          invalid(scope, `components[${name}].${property}`, file, 'a readable script file',
            `Relative paths are read from the working directory, ${process.cwd()}; build them with path.join(__dirname, ...).`);
        }
      }
      checkNotEmpty(scope, name, phases());
    });
  }

  /** A full component document (YAML or JSON, schemaVersion 1.0). */
  public static fromDocument(name: string, document: string, options: DocumentComponentOptions = {}): ImageComponent {
    return new ImageComponent(name, () => document, undefined, options.description);
  }

  private loaded?: string;

  private constructor(
    /** Component name. */
    public readonly name: string,
    private readonly load: (() => string) | undefined,
    private readonly managedVersion: string | undefined,
    private readonly description: string | undefined,
    private readonly check: (scope: IConstruct) => void = () => undefined,
  ) {}

  /** Whether this is an AWS-managed component. */
  public get isAwsManaged(): boolean {
    return this.load === undefined;
  }

  /** The component document (read once: script files are read at synth). */
  private get data(): string | undefined {
    if (this.load === undefined) return undefined;
    this.loaded ??= this.load();
    return this.loaded;
  }

  /**
   * Version derived from every create-only property of the component (its platform, document and
   * description; the name is its identity): `1.<28 bits of sha256>.<next 28 bits>` (each part
   * stays below Image Builder's 2^30 limit). Any edit publishes a new version, so CloudFormation
   * never tries to create a name and version that already exist. Undefined for AWS-managed components.
   */
  public get version(): string | undefined {
    if (this.data === undefined) return undefined;
    return contentVersion(JSON.stringify({ platform: PLATFORM, data: this.data, description: this.description ?? null }));
  }

  /** Validates the component. @internal */
  public _validate(scope: IConstruct): void {
    checkPattern(scope, `components[${this.name}].name`, this.name, NAME,
      'lowercase letters, digits, - and _, starting with a letter or digit, at most 63 characters');
    if (this.isAwsManaged) {
      checkPattern(scope, `components[${this.name}].version`, this.managedVersion, SEMVER_FILTER,
        "a version such as '1.2.3', '1.2.x', '1.x.x' or 'x.x.x' (x only rightmost)");
      if (/(^|-)windows(-|$)/.test(this.name)) {
        invalid(scope, `components[${this.name}]`, this.name, 'a Linux component: the recipe builds a Linux image',
          'AWS-managed *-windows components run PowerShell; use the *-linux variant.');
      }
      return;
    }
    this.check(scope);
    const data = this.data!;
    if (data.length > MAX_COMPONENT_DATA) {
      invalid(scope, `components[${this.name}] document`, `${data.length} characters`,
        `at most ${MAX_COMPONENT_DATA} characters (Image Builder's inline data limit)`,
        'Move large files to S3 and download them in a step, or split the component.');
    }
    if (!/\bphases\b/.test(data) || !/\bsteps\b/.test(data)) {
      invalid(scope, `components[${this.name}] document`, data.slice(0, 40),
        'a component document with `phases` and their `steps` (YAML or JSON, schemaVersion 1.0)',
        'Image Builder refuses a component without steps.');
    }
    if (/\bExecutePowerShell\b/.test(data)) {
      invalid(scope, `components[${this.name}] document`, 'ExecutePowerShell', 'actions that run on Linux (ExecuteBash, not ExecutePowerShell)',
        'The recipe builds a Linux image (Platform: Linux).');
    }
    checkTopLevelIndentation(scope, this.name, data);
  }

  /** Creates the component (if it is ours) in the given scope. @internal */
  public _bind(scope: Construct, pipelineName: string): BoundComponent {
    if (this.data === undefined) {
      const arn = `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:aws:component/${this.name}/${this.managedVersion}`;
      return { arn, fingerprint: `aws:${this.name}/${this.managedVersion}`, managedName: this.name };
    }
    const component = new imagebuilder.CfnComponent(scope, this.name, {
      name: `${pipelineName}-${this.name}`,
      version: this.version!,
      platform: PLATFORM,
      data: this.data,
      description: this.description ?? `${this.name} step of the ${pipelineName} golden image`,
      changeDescription: `Content hash ${this.version}`,
    });
    // Versions are immutable and content-addressed: a change creates a new version and CloudFormation
    // deletes the old one once the recipe that used it is gone, so reverting an edit never meets a
    // leftover version ("already exists").
    component.applyRemovalPolicy(RemovalPolicy.DESTROY);
    return { arn: component.attrArn, fingerprint: `${this.name}/${this.version}` };
  }
}

/**
 * `1.<28 bits>.<28 bits>` of the sha256 of the content: each part below Image Builder's 2^30 limit,
 * so content-addressed versions are plain semantic versions. @internal
 */
export function contentVersion(content: string): string {
  const hash = createHash('sha256').update(content).digest('hex');
  return `1.${parseInt(hash.slice(0, 7), 16)}.${parseInt(hash.slice(7, 14), 16)}`;
}

/** A semantic version filter: numbers, with `x` wildcards only in the rightmost places. */
export const SEMVER_FILTER = /^(x\.x\.x|\d+\.x\.x|\d+\.\d+\.x|\d+\.\d+\.\d+)$/;

type Phase = [string, string[] | undefined];

/** A shell component needs at least one command that is not blank. */
function checkNotEmpty(scope: IConstruct, name: string, phases: Phase[]): void {
  if (!phases.some(([, commands]) => (commands ?? []).some((c) => !isKnown(c) || c.trim().length > 0))) {
    invalid(scope, `components[${name}] commands`, 'none', 'at least one command in the build, validate or test phase',
      'Image Builder refuses a component without steps; drop the component or give it a command.');
  }
}

/**
 * YAML reads a line's indentation as structure: a document written in an indented template literal
 * (every line but the first indented) puts `phases` under `name`, and Image Builder refuses it.
 * The top-level keys must start in one column.
 */
function checkTopLevelIndentation(scope: IConstruct, name: string, data: string): void {
  if (!isKnown(data) || data.trimStart().startsWith('{')) return; // JSON
  const keys = data.split('\n').filter((l) => /^\s*(name|description|schemaVersion|phases|parameters|constants)\s*:/.test(l));
  const columns = new Set(keys.map((l) => l.length - l.trimStart().length));
  if (columns.size > 1) {
    invalid(scope, `components[${name}] document`, keys.map((l) => `${l.trim().replace(/:.*/, '')} at column ${l.length - l.trimStart().length}`).join(', '),
      'a YAML document whose top-level keys (name, schemaVersion, phases) start in the same column',
      'An indented template literal indents every line but the first: dedent the document, or read it from a file.');
  }
}

function renderDocument(name: string, description: string, phases: Phase[]): string {
  const lines = [
    `name: ${name}`,
    `description: ${JSON.stringify(description)}`,
    'schemaVersion: 1.0',
    'phases:',
  ];
  for (const [phase, commands] of phases) {
    if (!commands || commands.length === 0) continue;
    lines.push(`  - name: ${phase}`, '    steps:', `      - name: ${capitalize(phase)}Steps`,
      '        action: ExecuteBash', '        inputs:', '          commands:');
    for (const command of commands) {
      lines.push('            - |-');
      for (const line of command.replace(/\s+$/, '').split('\n')) {
        lines.push(line.length ? `              ${line}` : '');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function readable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
