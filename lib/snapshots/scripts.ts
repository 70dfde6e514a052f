import { Duration, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { checkCount, checkDurationUnit, checkPattern, checkRange, invalid, isKnown } from '../core/validation';

/** The AWS-owned SSM document for SAP HANA (DLM API reference, Script ExecutionHandler). */
const SAP_HANA_DOCUMENT = 'AWSSystemsManagerSAP-CreateDLMSnapshotForSAPHANA';
/**
 * Document names AWS reserves for its own documents (SSM API reference, CreateDocument Name:
 * "You can't use the following strings as document name prefixes ... aws, amazon, amzn").
 */
const AWS_OWNED = /^(aws|amazon|amzn)/i;
/**
 * Paths the SSM agent writes to (its state and logs, AWS Systems Manager User Guide "SSM Agent
 * ... /var/lib/amazon/ssm", "Viewing SSM Agent logs": /var/log/amazon/ssm) and the freeze
 * script's state in /run: a filesystem holding one of them must never be frozen, or the agent
 * cannot run the post-script that thaws it.
 */
const AGENT_PATHS = ['/var/lib/amazon/ssm', '/var/log/amazon/ssm', '/run/dlm-freeze'];

/** The shipped script that freezes filesystems around the snapshot. */
const FREEZE_SCRIPT = path.join(__dirname, 'scripts', 'freeze-filesystems.sh');
/** Tag DLM requires on a customer SSM document before it runs it (AWSDataLifecycleManagerSSMFullAccess). */
export const DLM_SCRIPTS_TAG = { key: 'DLMScriptsAccess', value: 'true' };

/** How DLM runs pre and post scripts. */
export interface SnapshotScriptOptions {
  /**
   * How long each script may run (10-120 seconds), pre and post separately.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * How many times DLM retries a failed script (0-3).
   * @default 0
   */
  readonly retries?: number;
  /**
   * Run the script with `pre-script` before the snapshot starts.
   * @default true
   */
  readonly preScript?: boolean;
  /**
   * Run the script with `post-script` once the snapshot started.
   * @default true
   */
  readonly postScript?: boolean;
  /**
   * When the pre script fails, take a crash-consistent snapshot anyway (true) or skip the
   * instance this time (false).
   * @default true - a crash-consistent snapshot beats none
   */
  readonly crashConsistentOnFailure?: boolean;
}

/** Options of the filesystem-freeze scripts. */
export interface FreezeFilesystemsOptions extends SnapshotScriptOptions {
  /**
   * Longest time a filesystem stays frozen if the post script never runs (a systemd timer thaws it).
   * @default Duration.seconds(60)
   */
  readonly maxFreeze?: Duration;
}

/** What binding the scripts to a policy produced. @internal */
export interface BoundScripts {
  readonly script: dlm.CfnLifecyclePolicy.ScriptProperty;
  /** ARN of the SSM document DLM sends. */
  readonly documentArn: string;
}

/**
 * Pre and post scripts for application-consistent snapshots of instances (INSTANCE policies):
 * DLM runs an SSM document on each target instance before and after it starts the snapshot.
 * The instances need the SSM agent and an instance role that lets it work (HardenedNode's does).
 */
export class SnapshotScripts {
  /**
   * Freezes the given filesystems (`fsfreeze`) before the snapshot and thaws them after, with a
   * safety thaw. Never the root filesystem: the SSM agent writes there.
   */
  public static freezeFilesystems(mountPoints: string[], options: FreezeFilesystemsOptions = {}): SnapshotScripts {
    const maxFreeze = options.maxFreeze ?? Duration.seconds(60);
    return new SnapshotScripts('FILE', options, FREEZE_SCRIPT, [
      `export FREEZE_MOUNT_POINTS='${mountPoints.join(' ')}'`,
    ], mountPoints, maxFreeze);
  }

  /**
   * Your own bash script file, embedded in an SSM document the policy creates (tagged
   * `DLMScriptsAccess=true`). DLM calls it with `pre-script`, `post-script` or `dry-run` as `$1`
   * and its execution id as `$2`; exit non-zero to report failure.
   */
  public static fromScriptFile(file: string, options: SnapshotScriptOptions = {}): SnapshotScripts {
    return new SnapshotScripts('FILE', options, file, []);
  }

  /**
   * An SSM command document you own (name or ARN). It must be tagged `DLMScriptsAccess=true`
   * and take the `command` and `executionId` parameters DLM passes.
   */
  public static fromDocumentName(documentName: string, options: SnapshotScriptOptions = {}): SnapshotScripts {
    return new SnapshotScripts('DOCUMENT', options, documentName, []);
  }

  /**
   * Application-consistent snapshots of SAP HANA through the AWS-owned
   * `AWSSystemsManagerSAP-CreateDLMSnapshotForSAPHANA` document (DLM API reference, Script
   * ExecutionHandler). The instances need the SSM agent and SAP HANA registered with AWS Systems
   * Manager for SAP.
   */
  public static sapHana(options: SnapshotScriptOptions = {}): SnapshotScripts {
    return new SnapshotScripts('DOCUMENT', options, SAP_HANA_DOCUMENT, []);
  }

  /**
   * Windows VSS (Volume Shadow Copy Service) snapshots through the AWS-owned
   * `AWSEC2-CreateVssSnapshot` document. The instances need the VSS agent and its permissions.
   */
  public static windowsVss(options: SnapshotScriptOptions = {}): SnapshotScripts {
    return new SnapshotScripts('VSS', options, 'AWS_VSS_BACKUP', []);
  }

  private constructor(
    private readonly kind: 'FILE' | 'DOCUMENT' | 'VSS',
    private readonly options: SnapshotScriptOptions,
    private readonly source: string,
    private readonly preamble: string[],
    private readonly mountPoints?: string[],
    private readonly maxFreeze?: Duration,
  ) {}

  /** Whether these are Windows VSS backups (DLM then takes no copy tags and no excluded data-volume tags). @internal */
  public get _isVss(): boolean {
    return this.kind === 'VSS';
  }

  /** Creates the SSM document when needed, and renders the script (after `_validate`). @internal */
  public _bind(scope: Construct): BoundScripts {
    const o = this.options;
    const stack = Stack.of(scope);
    const crashConsistent = (o.preScript ?? true) ? (o.crashConsistentOnFailure ?? true) : undefined;
    if (this.kind === 'VSS') {
      return {
        script: { executionHandler: 'AWS_VSS_BACKUP', executeOperationOnScriptFailure: crashConsistent, maximumRetryCount: o.retries ?? 0 },
        documentArn: stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: 'AWSEC2-CreateVssSnapshot' }),
      };
    }
    let handler = this.source;
    if (this.kind === 'FILE') {
      const document = new ssm.CfnDocument(scope, 'ScriptsDocument', {
        documentType: 'Command',
        documentFormat: 'JSON',
        content: this.documentContent(),
        tags: [DLM_SCRIPTS_TAG],
      });
      handler = document.ref;
    }
    const stages = [...((o.preScript ?? true) ? ['PRE'] : []), ...((o.postScript ?? true) ? ['POST'] : [])];
    // AWS-owned documents have no account in their ARN (as AWSEC2-CreateVssSnapshot): the handler
    // stays their name, the role may send them as arn:aws:ssm:<region>::document/<name>.
    const owned = this.kind === 'DOCUMENT' && isKnown(handler) && AWS_OWNED.test(handler);
    const documentArn = !Token.isUnresolved(handler) && handler.startsWith('arn:')
      ? handler
      : stack.formatArn({ service: 'ssm', resource: 'document', resourceName: handler, ...(owned ? { account: '' } : {}) });
    return {
      script: {
        executionHandlerService: 'AWS_SYSTEMS_MANAGER',
        executionHandler: handler,
        executionTimeout: (o.timeout ?? Duration.seconds(60)).toSeconds(),
        maximumRetryCount: o.retries ?? 0,
        stages,
        executeOperationOnScriptFailure: crashConsistent,
      },
      documentArn,
    };
  }

  /** Checks every DLM limit of the scripts. @internal */
  public _validate(scope: IConstruct, property: string): void {
    const o = this.options;
    const why = 'DLM takes the script timeout in seconds.';
    checkDurationUnit(scope, `${property}.timeout`, o.timeout, ['seconds'], why);
    checkDurationUnit(scope, `${property}.maxFreeze`, this.maxFreeze, ['seconds'], 'The freeze script takes the safety thaw delay in seconds.');
    checkRange(scope, {
      property: `${property}.timeout`, value: o.timeout?.toSeconds(), min: 10, max: 120, unit: 'seconds',
      fix: 'DLM waits 10 to 120 seconds for each pre or post script.',
    });
    checkRange(scope, { property: `${property}.retries`, value: o.retries, min: 0, max: 3, fix: 'DLM retries a failed script at most 3 times.' });
    if (o.preScript === false && o.postScript === false) {
      invalid(scope, property, 'no pre and no post script', 'at least one of preScript and postScript');
    }
    if (this.kind === 'VSS' && (o.timeout !== undefined || o.preScript !== undefined || o.postScript !== undefined)) {
      invalid(scope, property, 'timeout/preScript/postScript', 'left out for VSS', 'DLM runs VSS backups with fixed stages and timeout.');
    }
    if (this.kind === 'DOCUMENT') {
      checkPattern(scope, `${property}.documentName`, this.source, /^([a-zA-Z0-9_\-.]{3,128}|arn:[a-zA-Z0-9_\-.:/]{3,196})$/,
        'an SSM document name (3-128 letters, digits, _ - .) or ARN');
    }
    if (this.mountPoints) {
      checkCount(scope, `${property}.mountPoints`, this.mountPoints, 1, 20);
      this.mountPoints.forEach((mp, i) => {
        const q = `${property}.mountPoints[${i}]`;
        checkPattern(scope, q, mp, /^\/[A-Za-z0-9._/-]*$/, 'an absolute path (letters, digits, . _ - /)');
        if (!isKnown(mp)) return;
        const resolved = path.posix.resolve(mp);
        const held = ['/', ...AGENT_PATHS].find((p) => resolved === '/' || p === resolved || p.startsWith(`${resolved}/`));
        if (held) {
          invalid(scope, q, mp, `a mount point whose filesystem does not hold ${held} (it resolves to ${resolved})`,
            'Freezing it would hang the SSM agent that runs the post-script and thaws it; put the data on its own volume and mount it elsewhere.');
        }
      });
      checkRange(scope, { property: `${property}.maxFreeze`, value: this.maxFreeze?.toSeconds(), min: 10, max: 600, unit: 'seconds' });
    }
  }

  private documentContent(): unknown {
    const lines = fs.readFileSync(this.source, 'utf8').split('\n');
    const body = lines[0].startsWith('#!') ? lines.slice(1) : lines;
    return {
      schemaVersion: '2.2',
      description: 'Pre and post scripts run by Amazon Data Lifecycle Manager around EBS snapshots',
      parameters: {
        executionId: {
          type: 'String',
          default: 'None',
          description: 'Id of the DLM run (passed by DLM)',
          allowedPattern: '^(None|[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12})$',
        },
        command: {
          type: 'String',
          default: 'dry-run',
          description: 'pre-script before the snapshot, post-script after it, dry-run to test (passed by DLM)',
          allowedValues: ['pre-script', 'post-script', 'dry-run'],
        },
      },
      mainSteps: [{
        action: 'aws:runShellScript',
        name: 'runPrePostScript',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          // The parameters are restricted to fixed values and a UUID, so substituting them is safe.
          // A deploy-time number must reach the script as a reference, not as its raw encoding.
          runCommand: ['#!/bin/bash', "set -- '{{ command }}' '{{ executionId }}'", ...this.preamble,
            ...(this.maxFreeze ? [`export MAX_FREEZE_SECONDS='${Tokenization.stringifyNumber(this.maxFreeze.toSeconds())}'`] : []), ...body],
        },
      }],
    };
  }
}
