import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/acknowledgements';
import { allow } from '../core/iam';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import {
  checkCount, checkDurationUnit, checkLength, checkPattern, checkRange, checkRegion, invalid, isKnown,
} from '../core/validation';
import { SnapshotPolicyBase } from './policy';
import { ExecutionRoleKeys, acknowledgeDescribeCalls } from './role';

/** Properties of a {@link DefaultSnapshotPolicy}. */
export interface DefaultSnapshotPolicyProps {
  /**
   * How often each volume is snapshotted, in whole days (1-7).
   * @default Duration.days(1)
   */
  readonly createEvery?: Duration;
  /**
   * How long snapshots are kept, in whole days (2-14), longer than `createEvery` so that every
   * volume always has a snapshot.
   * @default Duration.days(7)
   */
  readonly retain?: Duration;
  /**
   * Copy the volumes' tags to their snapshots.
   * @default true
   */
  readonly copyTags?: boolean;
  /**
   * Keep deleting snapshots past the retention when their volume is deleted, or when the policy is
   * in error, disabled or deleted, including the last snapshot of each volume. **This deletes
   * the last copy of data whose volume is gone.** Leave it off unless you really want that.
   * @default false - DLM keeps the last snapshot of a deleted volume, and deletes nothing while the policy is not running
   */
  readonly extendDeletion?: boolean;
  /**
   * Leave out volumes attached as boot volumes.
   * @default false
   */
  readonly excludeBootVolumes?: boolean;
  /**
   * Leave out volumes of these types (at most 6).
   * @default - every volume type
   */
  readonly excludeVolumeTypes?: ec2.EbsDeviceVolumeType[];
  /**
   * Regions (at most 3) to copy each snapshot to.
   * @default - no copies
   */
  readonly copyRegions?: string[];
  /**
   * Customer-managed keys of volumes in the region, for copies of their snapshots (DLM user guide,
   * "Permissions for encryption": the role must be able to use the source keys).
   * @default - none: copies of snapshots under a customer-managed key fail until the role may use it
   */
  readonly encryptionKeys?: kms.IKey[];
  /**
   * Description (letters, digits, spaces, `_` and `-`, at most 500 characters).
   * @default 'Default snapshot policy of <stack name>'
   */
  readonly description?: string;
  /**
   * Whether the policy runs.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Execution role DLM assumes. One you bring is used as given.
   * @default - a role trusting dlm.amazonaws.com with what a default snapshot policy uses
   */
  readonly role?: iam.IRole;
}

/** Regions that have a default snapshot policy in this app: DLM allows one per resource type per region. */
const DEFAULT_POLICIES = new WeakMap<Construct, Map<string, string>>();
const DESCRIPTION = /^[0-9A-Za-z _-]+$/;

/**
 * A Data Lifecycle Manager *default policy for EBS snapshots* (`DefaultPolicy: VOLUME`): one
 * statement protects every volume of the region that has no recent backup, with no tags to
 * maintain. Snapshots are taken every 1-7 days and kept 2-14 days (the DLM limits of default
 * policies, checked at synth). For schedules, archive, sharing or fast restore, use a
 * `SnapshotPolicy` (custom policy) for the volumes that need them.
 *
 * ```ts
 * new DefaultSnapshotPolicy(this, 'RegionBackups', { retain: Duration.days(14) });
 * ```
 */
export class DefaultSnapshotPolicy extends SnapshotPolicyBase {
  public readonly policyId: string;
  public readonly policyArn: string;
  /** Execution role DLM assumes. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: DefaultSnapshotPolicyProps = {}) {
    super(scope, id);
    validateDefaultSnapshotPolicyProps(this, props);
    const createDays = (props.createEvery ?? Duration.days(1)).toDays();
    const retainDays = (props.retain ?? Duration.days(7)).toDays();
    this.role = props.role ?? this.createRole(props);
    if (!props.role) {
      const keys = new ExecutionRoleKeys(this.role, (props.copyRegions?.length ?? 0) > 0, false);
      for (const key of props.encryptionKeys ?? []) keys.add(key, true);
    }
    const resource = new dlm.CfnLifecyclePolicy(this, 'Resource', {
      description: props.description ?? `Default snapshot policy of ${Stack.of(this).stackName.replace(/[^0-9A-Za-z _-]/g, ' ')}`.slice(0, 500),
      executionRoleArn: this.role.roleArn,
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      defaultPolicy: 'VOLUME',
      createInterval: createDays,
      retainInterval: retainDays,
      copyTags: props.copyTags ?? true,
      extendDeletion: props.extendDeletion ?? false,
      exclusions: {
        excludeBootVolumes: props.excludeBootVolumes ?? false,
        excludeVolumeTypes: props.excludeVolumeTypes?.length ? props.excludeVolumeTypes : undefined,
      },
      crossRegionCopyTargets: props.copyRegions?.length ? props.copyRegions.map((targetRegion) => ({ targetRegion })) : undefined,
    });
    if (!props.role) resource.node.addDependency(this.role);
    this.policyId = resource.ref;
    this.policyArn = resource.attrArn;
  }

  /** The statements of `AWSDataLifecycleManagerServiceRole` a default snapshot policy uses, in this account. */
  private createRole(props: DefaultSnapshotPolicyProps): iam.IRole {
    const stack = Stack.of(this);
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
      description: `Execution role of the DLM default snapshot policy ${this.node.path}`.slice(0, 1000),
    });
    const snapshots = (region: string) => stack.formatArn({ service: 'ec2', account: '', region, resource: 'snapshot', resourceName: '*' });
    const local = snapshots(stack.region);
    const everywhere = [local, ...(props.copyRegions ?? []).map(snapshots)];
    const sources = ['volume', 'instance'].map((resource) => stack.formatArn({ service: 'ec2', resource, resourceName: '*' }));
    allow(role, 'DescribeResources', ['ec2:DescribeInstances', 'ec2:DescribeVolumes', 'ec2:DescribeSnapshots', 'ec2:DescribeAvailabilityZones'], ['*']);
    allow(role, 'CreateSnapshots', ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'], [local, ...sources]);
    allow(role, 'ManageSnapshots', ['ec2:CreateTags', 'ec2:DeleteSnapshot', ...(props.copyRegions?.length ? ['ec2:CopySnapshot'] : [])], everywhere);
    acknowledgeWildcardResources(role, [...everywhere, ...sources],
      'A default policy snapshots every volume of the region that has no recent backup, so its sources are all volumes (and, '
      + 'for crash-consistent sets, instances) of this account and region; snapshot ids do not exist before DLM creates them, '
      + 'and it deletes only those it created.');
    acknowledgeDescribeCalls(role, 'ec2:DescribeInstances/Volumes/Snapshots/AvailabilityZones');
    return role;
  }
}

/**
 * Every synth-time check of a default snapshot policy (AWS::DLM::LifecyclePolicy, "[Default
 * policies only]": CreateInterval 1-7 days, RetainInterval 2-14 days and greater than the
 * creation frequency, at most 3 CrossRegionCopyTargets; Exclusions.ExcludeVolumeTypes at most 6).
 */
export function validateDefaultSnapshotPolicyProps(scope: Construct, props: DefaultSnapshotPolicyProps): void {
  const why = 'DLM takes the intervals of default policies in whole days.';
  checkDurationUnit(scope, 'createEvery', props.createEvery, ['days'], why);
  checkDurationUnit(scope, 'retain', props.retain, ['days'], why);
  const create = props.createEvery && !props.createEvery.isUnresolved() ? props.createEvery.toDays({ integral: false }) : 1;
  const retain = props.retain && !props.retain.isUnresolved() ? props.retain.toDays({ integral: false }) : 7;
  checkRange(scope, { property: 'createEvery', value: props.createEvery?.isUnresolved() ? undefined : create, min: 1, max: 7, unit: 'days',
    fix: 'A default policy snapshots every 1 to 7 days; use a SnapshotPolicy for other schedules.' });
  checkRange(scope, { property: 'retain', value: props.retain?.isUnresolved() ? undefined : retain, min: 2, max: 14, unit: 'days',
    fix: 'A default policy keeps snapshots 2 to 14 days; use a SnapshotPolicy for longer retention.' });
  if (!props.createEvery?.isUnresolved() && !props.retain?.isUnresolved() && retain <= create) {
    invalid(scope, 'retain', `${retain} days`, `longer than createEvery (${create} days)`,
      'DLM keeps snapshots longer than the time between them, so that every volume always has one.');
  }
  checkPattern(scope, 'description', props.description, DESCRIPTION, "letters, digits, spaces, '_' and '-'");
  checkLength(scope, 'description', props.description, 1, 500);
  checkCount(scope, 'excludeVolumeTypes', props.excludeVolumeTypes, 0, 6);
  if (new Set(props.excludeVolumeTypes ?? []).size !== (props.excludeVolumeTypes?.length ?? 0)) {
    invalid(scope, 'excludeVolumeTypes', props.excludeVolumeTypes!.join(','), 'unique volume types');
  }
  checkCount(scope, 'copyRegions', props.copyRegions, 0, 3, 'DLM copies a default policy\'s snapshots to at most 3 regions.');
  const region = Stack.of(scope).region;
  const seen = new Set<string>();
  (props.copyRegions ?? []).forEach((r, i) => {
    checkRegion(scope, `copyRegions[${i}]`, r);
    if (isKnown(r) && isKnown(region) && r === region) invalid(scope, `copyRegions[${i}]`, r, 'another region than the policy\'s own');
    if (isKnown(r) && seen.has(r)) invalid(scope, 'copyRegions', r, 'unique regions');
    seen.add(r);
  });
  claimRegion(scope);
}

/** DLM user guide, "Default policies": one default policy per resource type per account and region. */
function claimRegion(scope: Construct): void {
  const stack = Stack.of(scope);
  const where = `${Token.isUnresolved(stack.account) ? '<account>' : stack.account}/${Token.isUnresolved(stack.region) ? stack.stackName : stack.region}`;
  const root = scope.node.root;
  const claimed = DEFAULT_POLICIES.get(root) ?? new Map<string, string>();
  DEFAULT_POLICIES.set(root, claimed);
  const other = claimed.get(where);
  if (other) {
    invalid(scope, 'DefaultSnapshotPolicy', where, `the only default snapshot policy of its account and region (${other} is one)`,
      'DLM allows one default policy for EBS snapshots per region; change that one instead.');
  }
  claimed.set(where, scope.node.path);
}
