import { CfnTag, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { wildcardResourceFindingId } from '../core/acknowledgements';
import { allow } from '../core/iam';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { isKnown } from '../core/validation';
import { SnapshotResourceType } from './policy-props';
import { SnapshotSchedule } from './schedule';

/** Tag keys the role's CreateSnapshot conditions name one by one before falling back to the policy's region and account. */
const MAX_CONDITION_KEYS = 10;

/** What the execution role is made for. */
export interface ExecutionRoleSpec {
  readonly resourceType: SnapshotResourceType;
  readonly schedules: SnapshotSchedule[];
  readonly targetTagKey: string;
  readonly targetTagValue: string;
  readonly targetTags?: CfnTag[];
  /** ARN of the SSM document the scripts run, when there are scripts. */
  readonly scriptsDocumentArn?: string;
}

/**
 * The execution role of a snapshot policy: a `ManagedPolicyRole` trusting DLM with the statements
 * of `AWSDataLifecycleManagerServiceRole` and `AWSDataLifecycleManagerSSMFullAccess` that the
 * schedules use, scoped to this account and the regions involved.
 */
export function createExecutionRole(scope: Construct, spec: ExecutionRoleSpec): ManagedPolicyRole {
  const stack = Stack.of(scope);
  const role = new ManagedPolicyRole(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
    description: `Execution role of the DLM snapshot policy ${scope.node.path}`.slice(0, 1000),
  });
  const features = spec.schedules.map((s) => s._features());
  const copyRegions = [...new Set(features.flatMap((f) => f.copyRegions))];
  const snapshots = (region: string) => stack.formatArn({ service: 'ec2', account: '', region, resource: 'snapshot', resourceName: '*' });
  const local = snapshots(stack.region);
  const everywhere = [local, ...copyRegions.map(snapshots)];
  const targets = spec.resourceType === SnapshotResourceType.VOLUME ? 'volume' : 'instance';
  const add = (sid: string, actions: string[], resources: string[], conditions?: { [operator: string]: unknown }) =>
    allow(role, sid, actions, resources, conditions);

  add('DescribeResources', ['ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeAvailabilityZones',
    'ec2:DescribeSnapshotAttribute', 'ec2:DescribeFastSnapshotRestores', 'ec2:DescribeSnapshotTierStatus'], ['*']);
  add('CreateSnapshots', ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'], [local]);
  // The source side of CreateSnapshot(s): only resources that carry one of the policy's target tags
  // (IAM evaluates each resource of the request against the statements separately). One statement
  // per tag key; past MAX_CONDITION_KEYS keys the policy document would outgrow its 6,144 characters.
  const targetArn = stack.formatArn({ service: 'ec2', resource: targets, resourceName: '*' });
  const byKey = new Map<string, string[]>([[spec.targetTagKey, [spec.targetTagValue]]]);
  for (const tag of spec.targetTags ?? []) byKey.set(tag.key, [...(byKey.get(tag.key) ?? []), tag.value]);
  const conditioned = sourcesConditioned(spec);
  if (!conditioned) {
    add('SnapshotTargets', ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'], [targetArn]);
  } else {
    [...byKey.entries()].forEach(([key, values], i) => add(`SnapshotTaggedTargets${i}`, ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'], [targetArn],
      { StringEquals: { [`aws:ResourceTag/${key}`]: values.length === 1 ? values[0] : values } }));
  }
  const volumes = stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: '*' });
  // Multi-volume snapshots also read the attached volumes, which carry no target tag.
  if (spec.resourceType === SnapshotResourceType.INSTANCE) add('SnapshotAttachedVolumes', ['ec2:CreateSnapshots'], [volumes]);
  add('ManageSnapshots', ['ec2:CreateTags', 'ec2:DeleteSnapshot', ...(copyRegions.length ? ['ec2:CopySnapshot'] : [])], everywhere);
  const optional: Array<[boolean, string, string[]]> = [
    [features.some((f) => f.fastRestore), 'FastSnapshotRestore', ['ec2:EnableFastSnapshotRestores', 'ec2:DisableFastSnapshotRestores']],
    [features.some((f) => f.share), 'ShareSnapshots', ['ec2:ModifySnapshotAttribute']],
    [features.some((f) => f.archive), 'ArchiveSnapshots', ['ec2:ModifySnapshotTier']],
  ];
  for (const [needed, sid, actions] of optional) if (needed) add(sid, actions, [local]);
  if (spec.scriptsDocumentArn) {
    add('TrackScripts', ['ssm:GetCommandInvocation', 'ssm:ListCommands', 'ssm:DescribeInstanceInformation'], ['*']);
    add('RunScriptsDocument', ['ssm:SendCommand', 'ssm:DescribeDocument', 'ssm:GetDocument'], [spec.scriptsDocumentArn]);
    add('RunScriptsOnTargets', ['ssm:SendCommand'], [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
      { StringNotLike: { 'aws:ResourceTag/DLMScriptsAccess': 'false' } });
  }
  const wildcards = [...everywhere, targetArn, ...(spec.resourceType === SnapshotResourceType.INSTANCE ? [volumes] : [])];
  acknowledgeRole(role, [...new Set(wildcards)], conditioned);
  return role;
}

/**
 * The KMS statements of a created role, grown as keys arrive (`protect()` brings the volumes'
 * keys). Granted only where an AWS page requires it, with the actions of that page:
 * - cross-region copies: the source keys and the copy keys (DLM user guide, "Permissions for
 *   encryption": "ensure that the default roles have permission to use both the source and
 *   destination KMS keys");
 * - archiving: the source keys, `kms:Decrypt`, `kms:DescribeKey` and `kms:CreateGrant` (same page:
 *   "If you enable snapshot archiving for encrypted snapshots, ensure that the ... role has
 *   permission to use the KMS key used to encrypt the snapshot"; the snapshot-archiving IAM
 *   permissions name these three).
 * `kms:CreateGrant` only for grants to AWS resources (`kms:GrantIsForAWSResource`, EBS User Guide
 * "Amazon EBS encryption": "do not allow full access to kms:CreateGrant").
 */
export class ExecutionRoleKeys {
  private readonly copies: boolean;
  private readonly archives: boolean;
  private readonly granted: kms.IKey[] = [];
  private statements?: iam.PolicyStatement[];

  /** The keys a role needs for these schedules. */
  public static forSchedules(role: iam.IRole, schedules: SnapshotSchedule[]): ExecutionRoleKeys {
    return new ExecutionRoleKeys(role, schedules.some((s) => s._features().copyRegions.length > 0), schedules.some((s) => s._features().archive));
  }

  constructor(private readonly role: iam.IRole, copies: boolean, archives: boolean) {
    this.copies = copies;
    this.archives = archives;
  }

  /** Lets the role use a key: a source key (of the protected volumes) or a copy key (target region). */
  public add(key: kms.IKey, source: boolean): void {
    if (!(this.copies || (this.archives && source)) || this.granted.includes(key)) return;
    this.granted.push(key);
    if (!this.statements) {
      const use = this.copies
        ? ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey']
        : ['kms:Decrypt', 'kms:DescribeKey'];
      this.statements = [
        new iam.PolicyStatement({ sid: 'UseSnapshotKeys', actions: use }),
        new iam.PolicyStatement({ sid: 'UseSnapshotKeysGrants', actions: ['kms:CreateGrant'], conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
      ];
      this.statements.forEach((st) => this.role.addToPrincipalPolicy(st));
    }
    this.statements.forEach((st) => st.addResources(key.keyArn));
  }
}

/**
 * Whether the role names each target tag key in an aws:ResourceTag condition: at most
 * MAX_CONDITION_KEYS keys, all known at synth (a condition key is a map key in the policy
 * document, and CloudFormation map keys must be literal).
 */
function sourcesConditioned(spec: ExecutionRoleSpec): boolean {
  const keys = new Set([spec.targetTagKey, ...(spec.targetTags ?? []).map((t) => t.key)]);
  return keys.size <= MAX_CONDITION_KEYS && [...keys].every((k) => isKnown(k));
}

function acknowledgeRole(role: iam.Role, arns: string[], conditioned: boolean): void {
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

/** Acknowledges `Resource: *` of read-only describe calls, which take no resource-level permissions. */
export function acknowledgeDescribeCalls(role: iam.Role, calls: string): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${calls} support no resource-level permissions (Service Authorization Reference); they are read-only.`,
  });
}
