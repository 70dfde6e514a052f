import { Annotations, CfnTag, Lazy, Names, Resource, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { wildcardResourceFindingId } from '../core/acknowledgements';
import { BACKUP_PLAN_RULES, acknowledgeRules } from '../core/compliance-ids';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { checkCount, checkLength, checkPattern, invalid, isKnown } from '../core/validation';
import { SnapshotSchedule } from './schedule';
import { BoundScripts, SnapshotScripts } from './scripts';

/** What a policy snapshots. */
export enum SnapshotResourceType {
  /** Each targeted volume on its own. */
  VOLUME = 'VOLUME',
  /** All volumes of each targeted instance together (multi-volume, crash-consistent across volumes). */
  INSTANCE = 'INSTANCE',
}

/** Properties of a {@link SnapshotPolicy}. */
export interface SnapshotPolicyProps {
  /** One to four schedules, for example `[SnapshotSchedule.daily()]`. */
  readonly schedules: SnapshotSchedule[];
  /**
   * Volumes to snapshot; the policy tags each with its own target tag (see `protect`).
   * @default - none; use `targetTags` or `protect()`
   */
  readonly volumes?: ec2.IVolume[];
  /**
   * Instances to snapshot (all their volumes); the policy tags each with its own target tag.
   * @default - none; use `targetTags` or `protectInstance()`
   */
  readonly instances?: ec2.Instance[];
  /**
   * Snapshot every resource of the type that carries any of these tags (case-sensitive), for
   * resources the stack does not own.
   * @default - only the resources passed in or protected
   */
  readonly targetTags?: CfnTag[];
  /**
   * Volumes one by one, or instances with all their volumes.
   * @default - INSTANCE when `instances` are given, else VOLUME
   */
  readonly resourceType?: SnapshotResourceType;
  /**
   * Description (letters, digits, spaces, `_` and `-`, at most 500 characters).
   * @default - 'Snapshot policy ' and the construct path
   */
  readonly description?: string;
  /**
   * Whether the policy runs. A disabled policy takes no snapshots, so protected volumes are no
   * longer reported as backed up.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Pre and post scripts for application-consistent snapshots (INSTANCE policies only).
   * @default - crash-consistent snapshots
   */
  readonly scripts?: SnapshotScripts;
  /**
   * Leave the root volume out of instance snapshots (INSTANCE policies only).
   * @default false
   */
  readonly excludeBootVolumes?: boolean;
  /**
   * Leave out data volumes carrying any of these tags (INSTANCE policies only).
   * @default - none
   */
  readonly excludeDataVolumeTags?: CfnTag[];
  /**
   * Customer-managed keys of volumes found by `targetTags`, so DLM can copy their snapshots to
   * other regions (keys of volumes passed in are known already).
   * @default - the keys of the protected volumes
   */
  readonly sourceEncryptionKeys?: kms.IKey[];
  /**
   * Execution role DLM assumes. One you bring is used as given.
   * @default - a role trusting dlm.amazonaws.com with only what the schedules need
   */
  readonly role?: iam.IRole;
}

const DESCRIPTION = /^[0-9A-Za-z _-]+$/;
/** Tag keys the role's CreateSnapshot conditions name one by one before falling back to the policy's region and account. */
const MAX_CONDITION_KEYS = 10;

/**
 * An Amazon Data Lifecycle Manager policy that snapshots EBS volumes (or whole instances) on
 * up to four schedules, keeps the right number, and optionally copies them to other regions,
 * enables fast snapshot restore, archives and shares them. Every DLM limit is checked at synth.
 *
 * ```ts
 * new SnapshotPolicy(this, 'Nightly', { volumes: [dataVolume], schedules: [SnapshotSchedule.daily()] });
 * ```
 */
export class SnapshotPolicy extends Resource {
  /** The DLM policy id, for example `policy-0123456789abcdef0`. */
  public readonly policyId: string;
  /** The policy ARN. */
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

  private readonly props: SnapshotPolicyProps;
  private readonly protectedResources: ec2.CfnVolume[] = [];
  private readonly protectedInstances: ec2.CfnInstance[] = [];
  private readonly sourceKeys: kms.IKey[] = [];
  private readonly grantedKeys: kms.IKey[] = [];
  private readonly boundScripts?: BoundScripts;
  private kmsStatements?: iam.PolicyStatement[];

  constructor(scope: Construct, id: string, props: SnapshotPolicyProps) {
    super(scope, id);
    this.props = props;
    this.schedules = props.schedules;
    this.enabled = props.enabled ?? true;
    this.resourceType = props.resourceType ?? (props.instances?.length ? SnapshotResourceType.INSTANCE : SnapshotResourceType.VOLUME);
    this.targetTagKey = `snapshot-policy:${Names.uniqueResourceName(this, { maxLength: 100, separator: '-' })}`;

    this.validateProps();
    const sourceHasCmk = (props.sourceEncryptionKeys?.length ?? 0) > 0 || (props.volumes ?? []).some((v) => v.encryptionKey);
    props.schedules.forEach((schedule, i) => schedule._validate(this, {
      property: `schedules[${i}]`, resourceType: this.resourceType, sourceRegion: Stack.of(this).region, sourceHasCmk,
    }, i));
    this.boundScripts = props.scripts?._bind(this, 'scripts');

    this.role = props.role ?? this.createRole();
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
        schedules: props.schedules.map((s, i) => s._render(i, this.boundScripts ? [this.boundScripts.script] : undefined)),
      },
    });
    if (props.role === undefined) resource.node.addDependency(this.role);
    for (const key of props.sourceEncryptionKeys ?? []) this.addKey(key, true);
    for (const key of props.schedules.flatMap((s) => s._features().copyKeys)) this.addKey(key, false);
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
        'An INSTANCE policy snapshots the volumes of the instances it targets: protect the instance with protectInstance().');
    }
    const cfn = volume.node.defaultChild;
    if (!(cfn instanceof ec2.CfnVolume)) {
      invalid(this, 'protect(volume)', volume.node.path, 'a volume defined in this app (ec2.Volume)',
        `Imported volumes cannot be tagged here: tag the volume '${this.targetTagKey}=${this.targetTagValue}' yourself or use targetTags.`);
    }
    this.checkSameRegion(volume);
    if (this.protectedResources.includes(cfn)) return;
    this.protectedResources.push(cfn);
    if (volume.encryptionKey) this.addKey(volume.encryptionKey, true);
    this.shareKey(volume);
    Tags.of(cfn).add(this.targetTagKey, this.targetTagValue);
    if (this.enabled) {
      const schedules = this.schedules.map((s, i) => s._describe(i)).join('; ');
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

  /** Snapshots shared with other accounts are only usable there when the volume's key is shared too. */
  private shareKey(volume: ec2.IVolume): void {
    const accounts = [...new Set(this.schedules.flatMap((s) => s._shareAccounts()))];
    if (accounts.length === 0) return;
    if (!volume.encryptionKey) {
      invalid(this, 'protect(volume)', volume.node.path, 'encrypted with a customer-managed key when snapshots are shared',
        'Snapshots under the AWS-managed EBS key cannot be shared: give the volume an encryptionKey.');
    }
    const added = volume.encryptionKey!.addToResourcePolicy(new iam.PolicyStatement({
      sid: `ShareSnapshots${Names.uniqueId(this).slice(-40)}`,
      principals: accounts.map((a) => new iam.AccountPrincipal(a)),
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ReEncryptFrom', 'kms:GenerateDataKeyWithoutPlaintext'],
      resources: ['*'],
    }), true);
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2('snapshots:share-key', `The key of ${volume.node.path} is imported: let accounts `
        + `${accounts.join(', ')} use it (kms:Decrypt, DescribeKey, CreateGrant, ReEncryptFrom) or they cannot use the shared snapshots.`);
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

  private validateProps(): void {
    const p = this.props;
    checkCount(this, 'schedules', p.schedules, 1, 4, 'A DLM policy has one to four schedules; make a second policy for more.');
    checkPattern(this, 'description', p.description, DESCRIPTION, "letters, digits, spaces, '_' and '-'");
    checkLength(this, 'description', p.description, 1, 500);
    checkCount(this, 'targetTags', p.targetTags, 0, 50, 'DLM matches at most 50 target tags.');
    if (p.volumes?.length && p.instances?.length) {
      invalid(this, 'volumes and instances', 'both', 'only one of them', 'A policy snapshots either volumes or instances; make two policies.');
    }
    if (p.volumes?.length && this.resourceType !== SnapshotResourceType.VOLUME) {
      invalid(this, 'resourceType', this.resourceType, 'VOLUME when volumes are given');
    }
    const instanceOnly = (what: string, given: boolean) => {
      if (given && this.resourceType !== SnapshotResourceType.INSTANCE) {
        invalid(this, what, 'set', 'used on INSTANCE policies only', 'Set resourceType: SnapshotResourceType.INSTANCE or remove it.');
      }
    };
    instanceOnly('scripts', p.scripts !== undefined);
    instanceOnly('excludeBootVolumes', p.excludeBootVolumes !== undefined);
    instanceOnly('excludeDataVolumeTags', (p.excludeDataVolumeTags?.length ?? 0) > 0);
    const names = new Set<string>();
    p.schedules.forEach((s, i) => {
      const name = s._name(i);
      if (names.has(name)) invalid(this, `schedules[${i}].name`, name, 'unique in the policy', 'Give the schedules distinct names.');
      names.add(name);
    });
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

  /** A role trusting DLM with only what the schedules use, scoped to this account and the regions involved. */
  private createRole(): iam.IRole {
    const stack = Stack.of(this);
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
      description: `Execution role of the DLM snapshot policy ${this.node.path}`.slice(0, 1000),
    });
    const features = this.schedules.map((s) => s._features());
    const copyRegions = [...new Set(features.flatMap((f) => f.copyRegions))];
    const snapshots = (region: string) => stack.formatArn({ service: 'ec2', account: '', region, resource: 'snapshot', resourceName: '*' });
    const local = snapshots(stack.region);
    const everywhere = [local, ...copyRegions.map(snapshots)];
    const targets = this.resourceType === SnapshotResourceType.VOLUME ? 'volume' : 'instance';

    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeResources',
      actions: ['ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeAvailabilityZones',
        'ec2:DescribeSnapshotAttribute', 'ec2:DescribeFastSnapshotRestores', 'ec2:DescribeSnapshotTierStatus'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'CreateSnapshots',
      actions: ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'],
      resources: [local],
    }));
    // The source side of CreateSnapshot(s): only resources that carry one of the policy's target tags
    // (IAM evaluates each resource of the request against the statements separately). One statement
    // per tag key; past MAX_CONDITION_KEYS keys the policy document would outgrow its 6,144 characters.
    const targetArn = stack.formatArn({ service: 'ec2', resource: targets, resourceName: '*' });
    const byKey = new Map<string, string[]>([[this.targetTagKey, [this.targetTagValue]]]);
    for (const tag of this.props.targetTags ?? []) byKey.set(tag.key, [...(byKey.get(tag.key) ?? []), tag.value]);
    const keys = [...byKey.entries()];
    if (!this.sourcesConditioned()) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SnapshotTargets', actions: ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'], resources: [targetArn] }));
    } else {
      keys.forEach(([key, values], i) => role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: `SnapshotTaggedTargets${i}`,
        actions: ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'],
        resources: [targetArn],
        conditions: { StringEquals: { [`aws:ResourceTag/${key}`]: values.length === 1 ? values[0] : values } },
      })));
    }
    if (this.resourceType === SnapshotResourceType.INSTANCE) {
      // Multi-volume snapshots also read the attached volumes, which carry no target tag.
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'SnapshotAttachedVolumes',
        actions: ['ec2:CreateSnapshots'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: '*' })],
      }));
    }
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageSnapshots',
      actions: ['ec2:CreateTags', 'ec2:DeleteSnapshot', ...(copyRegions.length ? ['ec2:CopySnapshot'] : [])],
      resources: everywhere,
    }));
    const optional: Array<[boolean, string, string[]]> = [
      [features.some((f) => f.fastRestore), 'FastSnapshotRestore', ['ec2:EnableFastSnapshotRestores', 'ec2:DisableFastSnapshotRestores']],
      [features.some((f) => f.share), 'ShareSnapshots', ['ec2:ModifySnapshotAttribute']],
      [features.some((f) => f.archive), 'ArchiveSnapshots', ['ec2:ModifySnapshotTier']],
    ];
    for (const [needed, sid, actions] of optional) {
      if (needed) role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources: [local] }));
    }
    if (this.boundScripts) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'TrackScripts',
        actions: ['ssm:GetCommandInvocation', 'ssm:ListCommands', 'ssm:DescribeInstanceInformation'],
        resources: ['*'],
      }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'RunScriptsDocument',
        actions: ['ssm:SendCommand', 'ssm:DescribeDocument', 'ssm:GetDocument'],
        resources: [this.boundScripts.documentArn],
      }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'RunScriptsOnTargets',
        actions: ['ssm:SendCommand'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: { StringNotLike: { 'aws:ResourceTag/DLMScriptsAccess': 'false' } },
      }));
    }
    const wildcards = [...everywhere, targetArn];
    if (this.resourceType === SnapshotResourceType.INSTANCE) wildcards.push(stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: '*' }));
    this.acknowledgeRole(role, [...new Set(wildcards)]);
    return role;
  }

  /**
   * Lets the created role use a key of copied snapshots: decrypt with the source keys, encrypt
   * with the targets'. Keys arrive with protect(), so the statements grow as they do.
   */
  private addKey(key: kms.IKey, source: boolean): void {
    if (source && !this.sourceKeys.includes(key)) {
      this.sourceKeys.push(key);
      this.schedules.forEach((schedule, i) => schedule._checkCopyKeys(this, `schedules[${i}]`));
    }
    if (this.grantedKeys.includes(key)) return;
    this.grantedKeys.push(key);
    if (this.props.role || !this.schedules.some((s) => s._features().copyRegions.length > 0)) return;
    if (!this.kmsStatements) {
      this.kmsStatements = [
        new iam.PolicyStatement({
          sid: 'CopyEncryptedSnapshots',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        }),
        new iam.PolicyStatement({
          sid: 'CopyEncryptedSnapshotsGrants',
          actions: ['kms:CreateGrant'],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      ];
      this.kmsStatements.forEach((st) => this.role.addToPrincipalPolicy(st));
    }
    this.kmsStatements.forEach((st) => st.addResources(key.keyArn));
  }

  /**
   * Whether the role names each target tag key in an aws:ResourceTag condition: at most
   * MAX_CONDITION_KEYS keys, all known at synth (a condition key is a map key in the policy
   * document, and CloudFormation map keys must be literal).
   */
  private sourcesConditioned(): boolean {
    const keys = new Set([this.targetTagKey, ...(this.props.targetTags ?? []).map((t) => t.key)]);
    return keys.size <= MAX_CONDITION_KEYS && [...keys].every((k) => isKnown(k));
  }

  private acknowledgeRole(role: iam.Role, arns: string[]): void {
    const conditioned = this.sourcesConditioned();
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:Describe* and ssm:GetCommandInvocation/ListCommands/DescribeInstanceInformation support no resource-level '
          + 'permissions (Service Authorization Reference); they are read-only and listed one by one.',
      },
      ...arns.map((arn) => ({
        id: wildcardResourceFindingId(role, arn),
        reason: arn.includes(':snapshot/')
          ? 'DLM creates, tags, copies and deletes snapshots whose ids do not exist yet; the ARN is bounded to the regions the '
            + 'policy writes to, and deleted snapshots are only those the policy created (retention).'
          : conditioned
            ? 'Snapshot sources are only resources that carry one of the policy\'s target tags (aws:ResourceTag condition), and for '
              + 'multi-volume snapshots the volumes attached to those instances; their ids are not known in advance.'
            : 'The policy targets more tag keys than the role can name in conditions within the 6,144-character policy limit, '
              + 'or a tag key known only at deploy, which IAM condition keys cannot take; sources stay bounded to this account '
              + 'and region, and DLM only snapshots resources matching its target tags.',
      })),
    );
  }

}

