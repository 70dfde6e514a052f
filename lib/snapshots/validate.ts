import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkCount, checkLength, checkPattern, invalid, isKnown } from '../core/validation';
import { SnapshotPolicyProps, SnapshotResourceType } from './policy-props';

const DESCRIPTION = /^[0-9A-Za-z _-]+$/;
/** EC2 tag keys: letters, digits, spaces and + - = . _ : / @ (EC2 User Guide, "Tag restrictions"). */
const TAG_KEY = /^[\w .:/=+\-@]+$/;

/** The resource type a policy gets from its props. */
export function resolveResourceType(props: SnapshotPolicyProps): SnapshotResourceType {
  return props.resourceType ?? (props.instances?.length ? SnapshotResourceType.INSTANCE : SnapshotResourceType.VOLUME);
}

/**
 * Every synth-time check of a snapshot policy's props, run first by `SnapshotPolicy`: the
 * policy's own limits, then each schedule and the scripts (value classes check themselves in
 * `_validate`). Sources: AWS::DLM::LifecyclePolicy (CloudFormation) and the DLM user guide,
 * cited at each rule here and in schedule.ts.
 */
export function validateSnapshotPolicyProps(scope: IConstruct, props: SnapshotPolicyProps): void {
  const p = props;
  const resourceType = resolveResourceType(p);
  checkCount(scope, 'schedules', p.schedules, 1, 4, 'A DLM policy has one to four schedules; make a second policy for more.');
  checkPattern(scope, 'description', p.description, DESCRIPTION, "letters, digits, spaces, '_' and '-'");
  checkLength(scope, 'description', p.description, 1, 500);
  checkCount(scope, 'targetTags', p.targetTags, 0, 50, 'DLM matches at most 50 target tags.');
  checkLength(scope, 'targetTagKey', p.targetTagKey, 1, 128);
  checkPattern(scope, 'targetTagKey', p.targetTagKey, TAG_KEY, 'a tag key of letters, digits, spaces and + - = . _ : / @');
  if (p.volumes?.length && p.instances?.length) {
    invalid(scope, 'volumes and instances', 'both', 'only one of them', 'A policy snapshots either volumes or instances; make two policies.');
  }
  if (p.volumes?.length && resourceType !== SnapshotResourceType.VOLUME) {
    invalid(scope, 'resourceType', resourceType, 'VOLUME when volumes are given');
  }
  const instanceOnly = (what: string, given: boolean) => {
    if (given && resourceType !== SnapshotResourceType.INSTANCE) {
      invalid(scope, what, 'set', 'used on INSTANCE policies only', 'Set resourceType: SnapshotResourceType.INSTANCE or remove it.');
    }
  };
  instanceOnly('scripts', p.scripts !== undefined);
  instanceOnly('excludeBootVolumes', p.excludeBootVolumes !== undefined);
  instanceOnly('excludeDataVolumeTags', (p.excludeDataVolumeTags?.length ?? 0) > 0);
  const vss = p.scripts?._isVss ?? false;
  if (vss && p.excludeDataVolumeTags?.length) {
    invalid(scope, 'excludeDataVolumeTags', p.excludeDataVolumeTags.map((t) => t.key).join(','), 'left out with SnapshotScripts.windowsVss()',
      'DLM takes every volume of the instance into a VSS snapshot set; exclude nothing, or drop VSS.');
  }
  p.scripts?._validate(scope, 'scripts');
  validateSchedules(scope, p, resourceType, vss);
}

function validateSchedules(scope: IConstruct, p: SnapshotPolicyProps, resourceType: SnapshotResourceType, vss: boolean): void {
  const names = new Set<string>();
  p.schedules.forEach((s, i) => {
    const name = s._name();
    if (isKnown(name) && names.has(name)) {
      invalid(scope, `schedules[${i}].name`, name, 'unique in the policy',
        'Give the schedules distinct names; DLM manages snapshots by schedule name, so keep them once deployed.');
    }
    names.add(name);
  });
  // DLM user guide, "Create a snapshot lifecycle policy": "All schedules must have the same retention
  // type (age-based or count-based). ... Schedules 2, 3, and 4 inherit the retention type from Schedule 1."
  const first = p.schedules[0]?.retention;
  p.schedules.forEach((s, i) => {
    if (first && s.retention.kind !== first.kind) {
      invalid(scope, `schedules[${i}].retention`, s.retention.toString(), `${first.isCount ? 'a count' : 'an age'}, like schedules[0] (${first})`,
        'DLM keeps every schedule of a policy by count or every one by age; use one kind, or two policies.');
    }
  });
  // "You can specify an archiving rule for only one schedule for each policy" (same guide, considerations).
  const archiving = p.schedules.map((s, i) => (s._features().archive ? i : -1)).filter((i) => i >= 0);
  if (archiving.length > 1) {
    invalid(scope, `schedules[${archiving[1]}].archive`, 'set', `left out (schedules[${archiving[0]}] archives already)`,
      'DLM archives the snapshots of one schedule per policy; make a second policy for another archive.');
  }
  // "Sharing: you can't share snapshots that are encrypted with the default EBS encryption KMS key":
  // snapshots found by tag or taken of instances need the customer-managed keys named.
  const shares = p.schedules.some((s) => s._shareAccounts().length > 0);
  const byTagOrInstance = (p.targetTags?.length ?? 0) > 0 || resourceType === SnapshotResourceType.INSTANCE;
  if (shares && byTagOrInstance && !p.sourceEncryptionKeys?.length) {
    invalid(scope, 'sourceEncryptionKeys', undefined, 'the customer-managed keys of the targeted volumes when snapshots are shared',
      'Snapshots under the AWS-managed EBS key cannot be shared, and the accounts need the key too: name the keys so their policies let the accounts use them.');
  }
  const sourceHasCmk = (p.sourceEncryptionKeys?.length ?? 0) > 0 || (p.volumes ?? []).some((v) => v.encryptionKey);
  p.schedules.forEach((schedule, i) => schedule._validate(scope, {
    property: `schedules[${i}]`, resourceType, sourceRegion: Stack.of(scope).region, sourceHasCmk, vss,
  }));
}
