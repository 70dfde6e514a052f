import { Stack } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/acknowledgements';
import { allow } from '../core/iam';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { checkAccountId, checkCount, checkLength, checkPattern, checkRegion, invalid, isKnown } from '../core/validation';
import { SnapshotPolicyBase } from './policy';
import { SnapshotRetention } from './retention';
import { acknowledgeDescribeCalls } from './role';

/** Where a shared snapshot is copied to, in this (the backup) account. */
export interface CrossAccountCopy {
  /** Region of the copy: this policy's own region, or another. */
  readonly region: string;
  /** How long the copies are kept (an age: DLM keeps event-policy copies by age only). */
  readonly retention: SnapshotRetention;
  /**
   * Customer-managed key of this account in `region` that encrypts the copies.
   * @default - the region's default EBS key of this account (copies are always encrypted)
   */
  readonly encryptionKey?: kms.IKey;
}

/** Properties of a {@link CrossAccountCopyPolicy}. */
export interface CrossAccountCopyPolicyProps {
  /** The accounts (1-50) whose shared snapshots are copied, for example the production account. */
  readonly sourceAccounts: string[];
  /** One to three copies of each shared snapshot. */
  readonly copies: CrossAccountCopy[];
  /**
   * Only snapshots whose description matches this regular expression are copied (at most 1,000
   * characters). `.*` copies every snapshot the accounts share.
   * @default '^Created for policy: .*' - snapshots that DLM policies created and shared
   */
  readonly descriptionFilter?: string;
  /**
   * The customer-managed keys of the source accounts that encrypt the shared snapshots (import
   * them with `kms.Key.fromKeyArn`); their key policies must let this account use them.
   * @default - none: only snapshots that are unencrypted can be copied
   */
  readonly sourceKeys?: kms.IKey[];
  /**
   * Name of the copy action (letters, digits, spaces, `_` and `-`, at most 120).
   * @default 'CopySharedSnapshots'
   */
  readonly actionName?: string;
  /**
   * Description (letters, digits, spaces, `_` and `-`, at most 500 characters).
   * @default - 'Copies of snapshots shared by ' and the accounts
   */
  readonly description?: string;
  /**
   * Whether the policy runs.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Execution role DLM assumes. One you bring is used as given.
   * @default - a role trusting dlm.amazonaws.com with only what the copies need
   */
  readonly role?: iam.IRole;
}

const NAME = /^[0-9A-Za-z _-]+$/;

/**
 * A DLM *cross-account copy event policy* (`EVENT_BASED_POLICY`) for a backup account: whenever
 * one of the source accounts shares a snapshot with this account, DLM copies it here (up to three
 * regions), encrypted with this account's key, and keeps the copies for an age. A compromised
 * source account then cannot delete the copies. The source account shares the snapshots with a
 * `SnapshotPolicy` schedule's `share` (and its key with `sourceEncryptionKeys`).
 *
 * ```ts
 * new CrossAccountCopyPolicy(this, 'FromProduction', {
 *   sourceAccounts: ['111111111111'],
 *   copies: [{ region: 'eu-west-1', retention: SnapshotRetention.days(35), encryptionKey: backupKey }],
 * });
 * ```
 */
export class CrossAccountCopyPolicy extends SnapshotPolicyBase {
  public readonly policyId: string;
  public readonly policyArn: string;
  /** Execution role DLM assumes. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: CrossAccountCopyPolicyProps) {
    super(scope, id);
    validateCrossAccountCopyPolicyProps(this, props);
    this.role = props.role ?? this.createRole(props);
    const resource = new dlm.CfnLifecyclePolicy(this, 'Resource', {
      description: props.description ?? `Copies of snapshots shared by ${props.sourceAccounts.join(' ')}`.replace(/[^0-9A-Za-z _-]/g, ' ').slice(0, 500),
      executionRoleArn: this.role.roleArn,
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      policyDetails: {
        policyType: 'EVENT_BASED_POLICY',
        eventSource: {
          type: 'MANAGED_CWE',
          parameters: {
            eventType: 'shareSnapshot',
            snapshotOwner: props.sourceAccounts,
            descriptionRegex: props.descriptionFilter ?? '^Created for policy: .*',
          },
        },
        actions: [{
          name: props.actionName ?? 'CopySharedSnapshots',
          crossRegionCopy: props.copies.map((copy) => {
            const r = copy.retention._renderRetainRule();
            return {
              target: copy.region,
              encryptionConfiguration: { encrypted: true, cmkArn: copy.encryptionKey?.keyArn },
              retainRule: { interval: r.interval!, intervalUnit: r.intervalUnit! },
            };
          }),
        }],
      },
    });
    if (!props.role) resource.node.addDependency(this.role);
    this.policyId = resource.ref;
    this.policyArn = resource.attrArn;
  }

  /**
   * The cross-account copy statements of `AWSDataLifecycleManagerServiceRole` (DLM user guide,
   * "Custom service roles": events on `AwsDataLifecycleRule.managed-cwe.*`) and the KMS
   * statements of "Automate cross-account snapshot copies", step 4, scoped to this account.
   */
  private createRole(props: CrossAccountCopyPolicyProps): iam.IRole {
    const stack = Stack.of(this);
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
      description: `Execution role of the DLM cross-account copy policy ${this.node.path}`.slice(0, 1000),
    });
    const snapshots = (region: string) => stack.formatArn({ service: 'ec2', account: '', region, resource: 'snapshot', resourceName: '*' });
    const targets = [...new Set(props.copies.map((c) => c.region))].map(snapshots);
    const local = snapshots(stack.region);
    const rules = stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'AwsDataLifecycleRule.managed-cwe.*' });
    allow(role, 'DescribeSnapshots', ['ec2:DescribeSnapshots', 'ec2:DescribeSnapshotAttribute'], ['*']);
    allow(role, 'CopySharedSnapshots', ['ec2:CopySnapshot'], [...new Set([local, ...targets])]);
    allow(role, 'ManageCopies', ['ec2:CreateTags', 'ec2:DeleteSnapshot'], targets);
    allow(role, 'ManageEventRule', ['events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:EnableRule', 'events:DisableRule',
      'events:ListTargetsByRule', 'events:PutTargets', 'events:RemoveTargets'], [rules]);
    const keys = [...(props.sourceKeys ?? []), ...props.copies.flatMap((c) => (c.encryptionKey ? [c.encryptionKey] : []))].map((k) => k.keyArn);
    if (keys.length) {
      allow(role, 'UseSnapshotKeys', ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'], keys);
      allow(role, 'UseSnapshotKeysGrants', ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'], keys,
        { Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    }
    acknowledgeWildcardResources(role, [...new Set([local, ...targets]), rules],
      'The shared snapshots and their copies get ids only when they are shared and copied; DLM deletes only the copies it made '
      + '(their retention). The event rule is the one DLM manages for the policy, named AwsDataLifecycleRule.managed-cwe.<id>.');
    acknowledgeDescribeCalls(role, 'ec2:DescribeSnapshots and ec2:DescribeSnapshotAttribute');
    return role;
  }
}

/**
 * Every synth-time check of a cross-account copy event policy (AWS::DLM::LifecyclePolicy
 * EventParameters: SnapshotOwner account ids, DescriptionRegex up to 1,000 characters; Action:
 * one action, 1-3 CrossRegionCopy, RetainRule an age; DLM user guide, "Automate cross-account
 * snapshot copies": copies to up to three regions, encrypted).
 */
export function validateCrossAccountCopyPolicyProps(scope: Construct, props: CrossAccountCopyPolicyProps): void {
  checkCount(scope, 'sourceAccounts', props.sourceAccounts, 1, 50);
  const own = Stack.of(scope).account;
  props.sourceAccounts.forEach((a, i) => {
    checkAccountId(scope, `sourceAccounts[${i}]`, a);
    if (isKnown(a) && isKnown(own) && a === own) {
      invalid(scope, `sourceAccounts[${i}]`, a, 'another account than the policy\'s own', 'The policy copies snapshots other accounts share with this one.');
    }
  });
  checkLength(scope, 'descriptionFilter', props.descriptionFilter, 1, 1000);
  checkPattern(scope, 'actionName', props.actionName, NAME, "letters, digits, spaces, '_' and '-'");
  checkLength(scope, 'actionName', props.actionName, 1, 120);
  checkPattern(scope, 'description', props.description, NAME, "letters, digits, spaces, '_' and '-'");
  checkLength(scope, 'description', props.description, 1, 500);
  checkCount(scope, 'copies', props.copies, 1, 3, 'DLM copies each shared snapshot to at most 3 regions.');
  const regions = new Set<string>();
  props.copies.forEach((copy, i) => {
    const q = `copies[${i}]`;
    checkRegion(scope, `${q}.region`, copy.region);
    if (isKnown(copy.region) && regions.has(copy.region)) invalid(scope, `${q}.region`, copy.region, 'a region not already copied to');
    regions.add(copy.region);
    copy.retention._requireAge(scope, `${q}.retention`);
    copy.retention._check(scope, `${q}.retention`, 1);
    const key = copy.encryptionKey;
    if (key && JSON.stringify(Stack.of(scope).resolve(key.keyArn)).includes(':alias/')) {
      invalid(scope, `${q}.encryptionKey`, key.keyArn, "a key ARN ('arn:aws:kms:<region>:<account>:key/<key id>'), not an alias",
        'DLM EncryptionConfiguration CmkArn takes the key ARN: import the key with kms.Key.fromKeyArn(...).');
    }
    const keyRegion = key?.env.region;
    if (keyRegion !== undefined && isKnown(keyRegion) && isKnown(copy.region) && keyRegion !== copy.region) {
      invalid(scope, `${q}.encryptionKey`, keyRegion, `a key in the copy's region ${copy.region}`, 'KMS keys are regional.');
    }
  });
}
