import { CfnTag, Duration, RemovalPolicy, Resource } from 'aws-cdk-lib';
import * as rbin from 'aws-cdk-lib/aws-rbin';
import { Construct } from 'constructs';
import { checkDurationUnit, checkLength, checkRange, checkTags, invalid } from '../core/validation';

/** What a Recycle Bin rule keeps after deletion. */
export enum RecycleBinResourceType {
  /** EBS snapshots (1-365 days). */
  EBS_SNAPSHOT = 'EBS_SNAPSHOT',
  /** EBS-backed AMIs (1-365 days). */
  EC2_IMAGE = 'EC2_IMAGE',
}

/** Properties of a {@link SnapshotRecycleBin}. */
export interface SnapshotRecycleBinProps {
  /** How long deleted snapshots (or AMIs) stay recoverable, in whole days (1-365). */
  readonly retention: Duration;
  /**
   * What the rule keeps.
   * @default RecycleBinResourceType.EBS_SNAPSHOT
   */
  readonly resourceType?: RecycleBinResourceType;
  /**
   * Keep only deleted resources carrying one of these tags (a tag-level rule; at most 50, and a
   * tag pair on at most 5 rules). For example the `tagsToAdd` of a snapshot schedule.
   * @default - a Region-level rule: every deleted resource of the type in the region
   */
  readonly resourceTags?: CfnTag[];
  /**
   * Region-level rules only: deleted resources carrying one of these tags are not kept.
   * @default - none excluded
   */
  readonly excludeResourceTags?: CfnTag[];
  /**
   * **Locks the rule, opt-in and hard to undo.** A locked rule cannot be modified or deleted, even
   * by administrators, until someone unlocks it and this delay (7-30 days) has passed; the delay
   * itself can never be changed. That is the point (a compromised account cannot empty the Recycle
   * Bin), and also why every later change of this construct's props fails to deploy, and why
   * `cdk destroy` leaves a locked rule behind (`RemovalPolicy.RETAIN`, the only removal policy a
   * locked rule takes). Region-level rules only.
   * @default - not locked: the rule can be changed or deleted at any time
   */
  readonly lockUnlockDelay?: Duration;
  /**
   * What happens to the rule on `cdk destroy`. The rule holds no data: deleting it ends the
   * protection, and resources already in the Recycle Bin stay there until their retention ends.
   * @default RemovalPolicy.RETAIN when locked (CloudFormation cannot delete it), else RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Description (at most 500 characters).
   * @default - what the rule keeps and for how long
   */
  readonly description?: string;
}

/**
 * A Recycle Bin retention rule: deleted EBS snapshots (or AMIs) stay recoverable for up to a year,
 * so that a mistaken or malicious `DeleteSnapshot` (by a person, a script, or a DLM policy
 * retention) can be undone. Opt-in lock for immutability (the counterpart of AWS Backup's vault
 * lock): read `lockUnlockDelay` before you use it.
 *
 * ```ts
 * new SnapshotRecycleBin(this, 'RecycleBin', { retention: Duration.days(30) });
 * ```
 */
export class SnapshotRecycleBin extends Resource {
  /** The rule's identifier. */
  public readonly ruleId: string;
  /** The rule's ARN. */
  public readonly ruleArn: string;
  /** Whether the rule is locked. */
  public readonly locked: boolean;

  constructor(scope: Construct, id: string, props: SnapshotRecycleBinProps) {
    super(scope, id);
    validateSnapshotRecycleBinProps(this, props);
    this.locked = props.lockUnlockDelay !== undefined;
    const type = props.resourceType ?? RecycleBinResourceType.EBS_SNAPSHOT;
    const days = props.retention.toDays();
    const tags = (t?: CfnTag[]) => (t?.length ? t.map((tag) => ({ resourceTagKey: tag.key, resourceTagValue: tag.value })) : undefined);
    const rule = new rbin.CfnRule(this, 'Resource', {
      resourceType: type,
      retentionPeriod: { retentionPeriodUnit: 'DAYS', retentionPeriodValue: days },
      resourceTags: tags(props.resourceTags),
      excludeResourceTags: tags(props.excludeResourceTags),
      lockConfiguration: props.lockUnlockDelay ? { unlockDelayUnit: 'DAYS', unlockDelayValue: props.lockUnlockDelay.toDays() } : undefined,
      description: props.description ?? `Keeps deleted ${type === RecycleBinResourceType.EBS_SNAPSHOT ? 'EBS snapshots' : 'AMIs'}`
        + `${props.resourceTags?.length ? ' with the given tags' : ' of the region'} recoverable${this.locked ? ' (locked)' : ''}`,
    });
    rule.applyRemovalPolicy(props.removalPolicy ?? (this.locked ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY));
    this.ruleId = rule.attrIdentifier;
    this.ruleArn = rule.attrArn;
  }
}

/**
 * Every synth-time check of a Recycle Bin rule (AWS::RBin::Rule: RetentionPeriodValue 1-365 days
 * for snapshots and AMIs; EC2 User Guide, "Recycle Bin" retention rules: unlock delay 7-30 days,
 * "You can't lock tag-level retention rules", exclusion tags for Region-level rules only).
 */
export function validateSnapshotRecycleBinProps(scope: Construct, props: SnapshotRecycleBinProps): void {
  const why = 'Recycle Bin takes retention and unlock delay in whole days.';
  checkDurationUnit(scope, 'retention', props.retention, ['days'], why);
  checkDurationUnit(scope, 'lockUnlockDelay', props.lockUnlockDelay, ['days'], why);
  const days = (d?: Duration) => (d && !d.isUnresolved() ? d.toDays({ integral: false }) : undefined);
  checkRange(scope, { property: 'retention', value: days(props.retention), min: 1, max: 365, unit: 'days' });
  checkRange(scope, { property: 'lockUnlockDelay', value: days(props.lockUnlockDelay), min: 7, max: 30, unit: 'days' });
  checkTags(scope, 'resourceTags', props.resourceTags, 50);
  checkTags(scope, 'excludeResourceTags', props.excludeResourceTags, 50);
  checkLength(scope, 'description', props.description, 0, 500);
  const tagLevel = (props.resourceTags?.length ?? 0) > 0;
  if (tagLevel && props.excludeResourceTags?.length) {
    invalid(scope, 'excludeResourceTags', 'set', 'left out on a tag-level rule (resourceTags given)', 'Only Region-level rules exclude tags.');
  }
  if (tagLevel && props.lockUnlockDelay) {
    invalid(scope, 'lockUnlockDelay', 'set', 'left out on a tag-level rule (resourceTags given)', 'Recycle Bin locks Region-level rules only.');
  }
  if (props.lockUnlockDelay && props.removalPolicy !== undefined && props.removalPolicy !== RemovalPolicy.RETAIN) {
    invalid(scope, 'removalPolicy', props.removalPolicy, 'RemovalPolicy.RETAIN on a locked rule',
      'CloudFormation cannot delete a locked rule, so the stack deletion would fail; unlock it and wait out the delay first.');
  }
}
