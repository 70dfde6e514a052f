import { Annotations, ArnFormat, CfnTag, IResource, Lazy, Names, Resource, Stack, Tags, Token } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { BACKUP_PLAN_RULES, acknowledgeRules } from '../core/compliance-ids';
import { invalid, isKnown } from '../core/validation';
import { SnapshotPolicyProps, SnapshotResourceType } from './policy-props';
import { SnapshotRetentionKind } from './retention';
import { ExecutionRoleKeys, createExecutionRole } from './role';
import { SnapshotSchedule } from './schedule';
import { BoundScripts } from './scripts';
import { resolveResourceType, validateSnapshotPolicyProps } from './validate';

/** Target tag keys per stack, so that two policies never share one (each would snapshot the other's volumes). */
const TAG_KEYS = new WeakMap<Stack, Map<string, string>>();

/** Makes sure no two policies of a stack target one tag key (each would snapshot the other's resources). */
export function claimTargetTagKey(scope: Construct, key: string): void {
  const stack = Stack.of(scope);
  const keys = TAG_KEYS.get(stack) ?? new Map<string, string>();
  TAG_KEYS.set(stack, keys);
  const other = keys.get(key);
  if (other !== undefined) {
    invalid(scope, 'targetTagKey', key, `a key no other policy of the stack uses (${other} does)`,
      'Two policies with one target tag would each snapshot the other\'s resources: give one of them its own targetTagKey.');
  }
  if (isKnown(key)) keys.set(key, scope.node.path);
}

/** A Data Lifecycle Manager policy, created here or imported. */
export interface ISnapshotPolicy extends IResource {
  /**
   * The DLM policy id, for example `policy-0123456789abcdef0`.
   * @attribute
   */
  readonly policyId: string;
  /**
   * The policy ARN.
   * @attribute
   */
  readonly policyArn: string;
  /**
   * An EventBridge rule on the policy entering its error state ("DLM Policy State Change", for
   * example when its role lacks a permission or a snapshot limit is reached): DLM then stops
   * taking snapshots until the cause is fixed. Add a target (an SNS topic) to be told.
   */
  onPolicyError(id: string, options?: events.OnEventOptions): events.Rule;
}

/** What created and imported policies share. */
export abstract class SnapshotPolicyBase extends Resource implements ISnapshotPolicy {
  public abstract readonly policyId: string;
  public abstract readonly policyArn: string;

  /**
   * Source `aws.dlm`, detail type `DLM Policy State Change`, state `ERROR` (EC2 User Guide,
   * "Monitor your policies using CloudWatch Events").
   */
  public onPolicyError(id: string, options: events.OnEventOptions = {}): events.Rule {
    const rule = new events.Rule(this, id, options);
    rule.addEventPattern({
      source: ['aws.dlm'],
      detailType: ['DLM Policy State Change'],
      resources: [this.policyArn],
      detail: { state: ['ERROR'] },
    });
    rule.addTarget(options.target);
    return rule;
  }
}

/**
 * An Amazon Data Lifecycle Manager policy that snapshots EBS volumes (or whole instances) on
 * up to four schedules, keeps the right number, and optionally copies them to other regions,
 * enables fast snapshot restore, archives and shares them. Every DLM limit is checked at synth.
 *
 * ```ts
 * new SnapshotPolicy(this, 'Nightly', { volumes: [dataVolume], schedules: [SnapshotSchedule.daily()] });
 * ```
 */
export class SnapshotPolicy extends SnapshotPolicyBase {
  /** A policy of this account and region, by its id (`policy-0123456789abcdef0`). */
  public static fromPolicyId(scope: Construct, id: string, policyId: string): ISnapshotPolicy {
    const arn = Stack.of(scope).formatArn({ service: 'dlm', resource: 'policy', resourceName: policyId });
    return SnapshotPolicy.imported(scope, id, policyId, arn);
  }

  /** A policy by its ARN (`arn:aws:dlm:<region>:<account>:policy/policy-0123456789abcdef0`). */
  public static fromPolicyArn(scope: Construct, id: string, policyArn: string): ISnapshotPolicy {
    const policyId = Stack.of(scope).splitArn(policyArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    if (isKnown(policyArn) && !/^arn:aws[a-z-]*:dlm:[a-z0-9-]+:\d{12}:policy\/policy-[0-9a-f]+$/.test(policyArn)) {
      invalid(scope, 'fromPolicyArn(policyArn)', policyArn, "a DLM policy ARN 'arn:aws:dlm:<region>:<account>:policy/policy-<id>'");
    }
    return SnapshotPolicy.imported(scope, id, policyId, policyArn);
  }

  private static imported(scope: Construct, id: string, policyId: string, policyArn: string): ISnapshotPolicy {
    class Import extends SnapshotPolicyBase {
      public readonly policyId = policyId;
      public readonly policyArn = policyArn;
    }
    return new Import(scope, id);
  }

  public readonly policyId: string;
  public readonly policyArn: string;
  /** Execution role DLM assumes. */
  public readonly role: iam.IRole;
  /** Volumes or instances. */
  public readonly resourceType: SnapshotResourceType;
  /** The tag key this policy puts on what it protects (value `true`); unique to the policy. */
  public readonly targetTagKey: string;
  /** The tag value this policy puts on what it protects. */
  public readonly targetTagValue = 'true';
  /** Whether the policy runs. */
  public readonly enabled: boolean;
  /** The schedules. */
  public readonly schedules: SnapshotSchedule[];
  /**
   * Count or age, the one retention kind of every schedule. DLM cannot change it on an existing
   * policy: a change needs a new policy (a new construct id), which orphans the snapshots taken so far.
   */
  public readonly retentionKind: SnapshotRetentionKind;

  private readonly props: SnapshotPolicyProps;
  private readonly protectedResources: ec2.CfnVolume[] = [];
  private readonly protectedInstances: ec2.CfnInstance[] = [];
  private readonly sourceKeys: kms.IKey[] = [];
  private readonly sharedKeys: kms.IKey[] = [];
  private readonly boundScripts?: BoundScripts;
  private readonly keys?: ExecutionRoleKeys;

  constructor(scope: Construct, id: string, props: SnapshotPolicyProps) {
    super(scope, id);
    validateSnapshotPolicyProps(this, props);
    this.props = props;
    this.schedules = props.schedules;
    this.retentionKind = props.schedules[0].retention.kind;
    this.enabled = props.enabled ?? true;
    this.resourceType = resolveResourceType(props);
    this.targetTagKey = props.targetTagKey ?? this.defaultTargetTagKey();
    claimTargetTagKey(this, this.targetTagKey);
    this.boundScripts = props.scripts?._bind(this);
    const vss = props.scripts?._isVss ?? false;

    this.role = props.role ?? createExecutionRole(this, {
      resourceType: this.resourceType, schedules: this.schedules, targetTagKey: this.targetTagKey,
      targetTagValue: this.targetTagValue, targetTags: props.targetTags, scriptsDocumentArn: this.boundScripts?.documentArn,
    });
    if (!props.role) this.keys = ExecutionRoleKeys.forSchedules(this.role, this.schedules);
    const resource = new dlm.CfnLifecyclePolicy(this, 'Resource', {
      description: props.description ?? `Snapshot policy ${this.node.path.replace(/[^0-9A-Za-z _-]/g, ' ')}`.slice(0, 500),
      executionRoleArn: this.role.roleArn,
      state: this.enabled ? 'ENABLED' : 'DISABLED',
      policyDetails: {
        policyType: 'EBS_SNAPSHOT_MANAGEMENT',
        policyLanguage: 'STANDARD',
        resourceTypes: [this.resourceType],
        resourceLocations: ['CLOUD'],
        targetTags: Lazy.any({ produce: () => this.renderTargetTags() }) as unknown as CfnTag[],
        parameters: this.resourceType === SnapshotResourceType.INSTANCE ? {
          excludeBootVolume: props.excludeBootVolumes ?? false,
          excludeDataVolumeTags: props.excludeDataVolumeTags?.length ? props.excludeDataVolumeTags : undefined,
        } : undefined,
        schedules: props.schedules.map((s) => s._render(this.boundScripts ? [this.boundScripts.script] : undefined, vss)),
      },
    });
    if (props.role === undefined) resource.node.addDependency(this.role);
    for (const key of props.sourceEncryptionKeys ?? []) this.addSourceKey(key, `sourceEncryptionKeys`);
    for (const key of props.schedules.flatMap((s) => s._features().copyKeys)) this.keys?.add(key, false);
    this.policyId = resource.ref;
    this.policyArn = resource.attrArn;

    for (const volume of props.volumes ?? []) this.protect(volume);
    for (const instance of props.instances ?? []) this.protectInstance(instance);
    this.node.addValidation({ validate: () => this.validateTree() });
  }

  /**
   * Puts a volume under this policy: tags it with the policy's own target tag and, while the
   * policy is enabled, records on the volume that DLM backs it up (the HIPAA and NIST
   * "EBS volume in a backup plan" rules), naming this policy and its schedules.
   */
  public protect(volume: ec2.IVolume): void {
    if (this.resourceType !== SnapshotResourceType.VOLUME) {
      invalid(this, 'protect(volume)', volume.node.path, 'used on a VOLUME policy',
        'An INSTANCE policy snapshots every volume attached to the instances it targets: attach the volume to a protected instance instead.');
    }
    const cfn = volume.node.defaultChild;
    if (!(cfn instanceof ec2.CfnVolume)) {
      invalid(this, 'protect(volume)', volume.node.path, 'a volume defined in this app (ec2.Volume)',
        `Imported volumes cannot be tagged here: tag the volume '${this.targetTagKey}=${this.targetTagValue}' yourself or use targetTags.`);
    }
    this.checkSameRegion(volume);
    if (this.protectedResources.includes(cfn)) return;
    this.protectedResources.push(cfn);
    if (volume.encryptionKey) {
      this.addSourceKey(volume.encryptionKey, volume.node.path);
    } else if (this.shareAccounts().length > 0) {
      invalid(this, 'protect(volume)', volume.node.path, 'encrypted with a customer-managed key when snapshots are shared',
        'Snapshots under the AWS-managed EBS key cannot be shared: give the volume an encryptionKey.');
    }
    Tags.of(cfn).add(this.targetTagKey, this.targetTagValue);
    if (this.enabled) {
      const schedules = this.schedules.map((s) => s._describe()).join('; ');
      const reason = `Backed up by the Data Lifecycle Manager snapshot policy ${this.node.path} (${schedules}), which targets this `
        + `volume through its tag ${this.targetTagKey}=${this.targetTagValue}; the policy checks at synth that the tag is on the volume.`;
      acknowledgeRules(cfn, BACKUP_PLAN_RULES, reason);
    }
  }

  /** Puts an instance (all its attached volumes) under this INSTANCE policy by tagging it with the policy's target tag. */
  public protectInstance(instance: ec2.Instance): void {
    if (this.resourceType !== SnapshotResourceType.INSTANCE) {
      invalid(this, 'protectInstance(instance)', instance.node.path, 'used on an INSTANCE policy',
        'Set resourceType: SnapshotResourceType.INSTANCE, or protect the instance\'s volumes on a VOLUME policy.');
    }
    this.checkSameRegion(instance);
    if (this.protectedInstances.includes(instance.instance)) return;
    this.protectedInstances.push(instance.instance);
    Tags.of(instance.instance).add(this.targetTagKey, this.targetTagValue);
  }

  /** `snapshot-policy:<stack name>-<id>`: neither the construct path nor the schedules change it. */
  private defaultTargetTagKey(): string {
    const id = this.node.id.replace(/[^\w.:/=+@-]/g, '-');
    return `snapshot-policy:${Stack.of(this).stackName}-${id}`.slice(0, 128);
  }

  /** A key of snapshots this policy takes: the role may use it where DLM needs that, and share accounts get it. */
  private addSourceKey(key: kms.IKey, owner: string): void {
    if (this.sourceKeys.includes(key)) return;
    this.sourceKeys.push(key);
    this.schedules.forEach((schedule, i) => schedule._checkCopyKeys(this, `schedules[${i}]`));
    this.keys?.add(key, true);
    this.shareKey(key, owner);
  }

  private shareAccounts(): string[] {
    return [...new Set(this.schedules.flatMap((s) => s._shareAccounts()))];
  }

  /**
   * Shared snapshots are only usable where the key is shared too (DLM user guide, sharing
   * considerations; KMS Developer Guide, "Allowing users in other accounts to use a KMS key").
   * The accounts may create grants only for AWS resources (`kms:GrantIsForAWSResource`), as EBS
   * does when they copy or restore the snapshots.
   */
  private shareKey(key: kms.IKey, owner: string): void {
    const accounts = this.shareAccounts();
    if (accounts.length === 0 || this.sharedKeys.includes(key)) return;
    this.sharedKeys.push(key);
    const principals = accounts.map((a) => new iam.AccountPrincipal(a));
    const sid = `ShareSnapshots${Names.uniqueId(this).slice(-40)}`;
    const use = key.addToResourcePolicy(new iam.PolicyStatement({
      sid, principals, resources: ['*'],
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:ReEncryptFrom', 'kms:GenerateDataKeyWithoutPlaintext'],
    }), true);
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: `${sid}Grants`, principals, resources: ['*'], actions: ['kms:CreateGrant'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }), true);
    if (!use.statementAdded) {
      Annotations.of(this).addWarningV2('snapshots:share-key', `The key of ${owner} is imported: let accounts ${accounts.join(', ')} `
        + 'use it (kms:Decrypt, DescribeKey, ReEncryptFrom, GenerateDataKeyWithoutPlaintext, and CreateGrant with '
        + 'kms:GrantIsForAWSResource) or they cannot use the shared snapshots.');
    }
  }

  private checkSameRegion(target: IConstruct): void {
    const [mine, theirs] = [Stack.of(this), Stack.of(target)];
    const known = (v: string) => !Token.isUnresolved(v);
    if ((known(mine.region) && known(theirs.region) && mine.region !== theirs.region)
      || (known(mine.account) && known(theirs.account) && mine.account !== theirs.account)) {
      invalid(this, 'protect', `${target.node.path} in ${theirs.account}/${theirs.region}`, `in the policy's account and region ${mine.account}/${mine.region}`,
        'DLM policies only target resources of their own account and region; create a policy there.');
    }
  }

  private renderTargetTags(): CfnTag[] {
    const own = this.protectedResources.length + this.protectedInstances.length > 0
      ? [{ key: this.targetTagKey, value: this.targetTagValue }] : [];
    return [...own, ...(this.props.targetTags ?? [])];
  }

  /** Checks that need the finished tree: the targets, and that the target tag really is on every protected resource. */
  private validateTree(): string[] {
    const errors: string[] = [];
    const tags = this.renderTargetTags();
    if (tags.length < 1 || tags.length > 50) {
      errors.push(`${this.node.path}: the policy must target 1 to 50 tags, got ${tags.length}. Pass volumes, instances or targetTags, or call protect().`);
    }
    for (const tag of tags) {
      if (isKnown(tag.key) && (tag.key.length < 1 || tag.key.length > 128)) errors.push(`${this.node.path}: target tag key '${tag.key}' must be 1-128 characters.`);
    }
    for (const cfn of [...this.protectedResources, ...this.protectedInstances]) {
      const rendered: CfnTag[] = Stack.of(cfn).resolve(cfn.tags.renderTags()) ?? [];
      if (!rendered.some((t) => t.key === this.targetTagKey && t.value === this.targetTagValue)) {
        errors.push(`${this.node.path}: ${cfn.node.path} no longer carries the target tag ${this.targetTagKey}=${this.targetTagValue} `
          + '(removed or overridden by a Tags aspect), so the policy would not snapshot it. Keep the tag on it.');
      }
    }
    return errors;
  }
}
