import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { createHash } from 'crypto';
import * as fs from 'fs';
import { Construct, IConstruct } from 'constructs';
import { checkPattern, invalid } from '../core/validation';

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
    const phases: Array<[string, string[] | undefined]> = [
      ['build', commands], ['validate', options.validateCommands], ['test', options.testCommands],
    ];
    return new ImageComponent(name, renderDocument(name, options.description ?? name, phases), undefined, options.description);
  }

  /** A test-only component: shell run on the test instance launched from the new image. */
  public static test(name: string, commands: string[], options: DocumentComponentOptions = {}): ImageComponent {
    return new ImageComponent(name, renderDocument(name, options.description ?? name, [['test', commands]]), undefined, options.description);
  }

  /**
   * Shell scripts read from files at synth, so they can be linted (ShellCheck) and tested as files.
   * @param buildScript script run in the build phase
   * @param testScript script run on the test instance
   */
  public static fromScriptFiles(name: string, buildScript: string, testScript?: string,
    options: DocumentComponentOptions = {}): ImageComponent {
    const read = (file: string) => [fs.readFileSync(file, 'utf8')];
    return ImageComponent.shell(name, read(buildScript), {
      description: options.description,
      testCommands: testScript ? read(testScript) : undefined,
    });
  }

  /** A full component document (YAML or JSON, schemaVersion 1.0). */
  public static fromDocument(name: string, document: string, options: DocumentComponentOptions = {}): ImageComponent {
    return new ImageComponent(name, document, undefined, options.description);
  }

  private constructor(
    /** Component name. */
    public readonly name: string,
    private readonly data: string | undefined,
    private readonly managedVersion: string | undefined,
    private readonly description: string | undefined,
  ) {}

  /** Whether this is an AWS-managed component. */
  public get isAwsManaged(): boolean {
    return this.data === undefined;
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
    if (this.data === undefined) {
      checkPattern(scope, `components[${this.name}].version`, this.managedVersion, SEMVER_FILTER,
        "a version such as '1.2.3', '1.2.x', '1.x.x' or 'x.x.x' (x only rightmost)");
      return;
    }
    if (this.data.length > MAX_COMPONENT_DATA) {
      invalid(scope, `components[${this.name}] document`, `${this.data.length} characters`,
        `at most ${MAX_COMPONENT_DATA} characters (Image Builder's inline data limit)`,
        'Move large files to S3 and download them in a step, or split the component.');
    }
    if (!/\bphases\b/.test(this.data)) {
      invalid(scope, `components[${this.name}] document`, this.data.slice(0, 40),
        'a component document with `phases` (YAML or JSON, schemaVersion 1.0)');
    }
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

function renderDocument(name: string, description: string, phases: Array<[string, string[] | undefined]>): string {
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
