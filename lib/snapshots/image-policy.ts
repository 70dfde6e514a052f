import { CfnTag, Lazy, Stack, Tags } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/acknowledgements';
import { allow } from '../core/iam';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { checkCount, checkLength, checkPattern, invalid, isKnown } from '../core/validation';
import { SnapshotPolicyBase, claimTargetTagKey } from './policy';
import { ExecutionRoleKeys, acknowledgeDescribeCalls } from './role';
import { SnapshotSchedule } from './schedule';

/** Properties of an {@link InstanceImagePolicy}. */
export interface InstanceImagePolicyProps {
  /**
   * One to four schedules: when AMIs are made, how many or how long they are kept, copies to other
   * regions, `deprecateAfter`. No fast restore, archive or sharing (snapshot policies only).
   */
  readonly schedules: SnapshotSchedule[];
  /**
   * Instances to back up as AMIs; the policy tags each with its own target tag.
   * @default - none; use `targetTags` or `protectInstance()`
   */
  readonly instances?: ec2.Instance[];
  /**
   * Back up every instance that carries any of these tags (case-sensitive).
   * @default - only the instances passed in or protected
   */
  readonly targetTags?: CfnTag[];
  /**
   * The tag key the policy puts on the instances it protects (value `true`). Changing it orphans
   * the AMIs made so far (DLM no longer deregisters them).
   * @default `image-policy:<stack name>-<construct id>`
   */
  readonly targetTagKey?: string;
  /**
   * Reboot each instance before its AMI is made, so that the filesystems are consistent. DLM's
   * default is not to reboot (a crash-consistent AMI); rebooting interrupts the service, and
   * several targeted instances may reboot at once.
   * @default false - no reboot (DLM's default)
   */
  readonly reboot?: boolean;
  /**
   * Keys of the instances' encrypted volumes, when AMIs are copied to other regions.
   * @default - none
   */
  readonly sourceEncryptionKeys?: kms.IKey[];
  /**
   * Description (letters, digits, spaces, `_` and `-`, at most 500 characters).
   * @default - 'AMI policy ' and the construct path
   */
  readonly description?: string;
  /**
   * Whether the policy runs.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Execution role DLM assumes. One you bring is used as given.
   * @default - a role trusting dlm.amazonaws.com with what AMI policies use
   */
  readonly role?: iam.IRole;
}

const DESCRIPTION = /^[0-9A-Za-z _-]+$/;

/**
 * A DLM *EBS-backed AMI policy* (`IMAGE_MANAGEMENT`): instance backups as AMIs on up to four
 * schedules, kept by count or age, optionally deprecated and copied to other regions. These are
 * backups of running instances (their state, all volumes); they are unrelated to the golden AMI
 * pipeline's image retention (`GoldenImagePipeline`), which manages the images that pipeline builds.
 *
 * ```ts
 * new InstanceImagePolicy(this, 'WeeklyImages', { instances: [web], schedules: [SnapshotSchedule.weekly()] });
 * ```
 */
export class InstanceImagePolicy extends SnapshotPolicyBase {
  public readonly policyId: string;
  public readonly policyArn: string;
  /** Execution role DLM assumes. */
  public readonly role: iam.IRole;
  /** The tag key this policy puts on what it protects (value `true`). */
  public readonly targetTagKey: string;
  /** The tag value this policy puts on what it protects. */
  public readonly targetTagValue = 'true';

  private readonly protectedInstances: ec2.CfnInstance[] = [];
  private readonly props: InstanceImagePolicyProps;

  constructor(scope: Construct, id: string, props: InstanceImagePolicyProps) {
    super(scope, id);
    validateInstanceImagePolicyProps(this, props);
    this.props = props;
    this.targetTagKey = props.targetTagKey ?? `image-policy:${Stack.of(this).stackName}-${id.replace(/[^\w.:/=+@-]/g, '-')}`.slice(0, 128);
    claimTargetTagKey(this, this.targetTagKey);
    this.role = props.role ?? this.createRole(props);
    if (!props.role) {
      const keys = ExecutionRoleKeys.forSchedules(this.role, props.schedules);
      for (const key of props.sourceEncryptionKeys ?? []) keys.add(key, true);
      for (const key of props.schedules.flatMap((s) => s._features().copyKeys)) keys.add(key, false);
    }
    const resource = new dlm.CfnLifecyclePolicy(this, 'Resource', {
      description: props.description ?? `AMI policy ${this.node.path.replace(/[^0-9A-Za-z _-]/g, ' ')}`.slice(0, 500),
      executionRoleArn: this.role.roleArn,
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      policyDetails: {
        policyType: 'IMAGE_MANAGEMENT',
        policyLanguage: 'STANDARD',
        resourceTypes: ['INSTANCE'],
        targetTags: Lazy.any({ produce: () => this.renderTargetTags() }) as unknown as CfnTag[],
        parameters: { noReboot: !(props.reboot ?? false) },
        schedules: props.schedules.map((s) => s._render(undefined, false)),
      },
    });
    if (!props.role) resource.node.addDependency(this.role);
    this.policyId = resource.ref;
    this.policyArn = resource.attrArn;
    for (const instance of props.instances ?? []) this.protectInstance(instance);
    this.node.addValidation({
      validate: () => (this.renderTargetTags().length === 0
        ? [`${this.node.path}: the policy must target 1 to 50 tags, got 0. Pass instances or targetTags, or call protectInstance().`] : []),
    });
  }

  /** Puts an instance under this policy by tagging it with the policy's target tag. */
  public protectInstance(instance: ec2.Instance): void {
    if (this.protectedInstances.includes(instance.instance)) return;
    this.protectedInstances.push(instance.instance);
    Tags.of(instance.instance).add(this.targetTagKey, this.targetTagValue);
  }

  private renderTargetTags(): CfnTag[] {
    const own = this.protectedInstances.length > 0 ? [{ key: this.targetTagKey, value: this.targetTagValue }] : [];
    return [...own, ...(this.props.targetTags ?? [])];
  }

  /**
   * The statements of AWS's AMI-management role (DLM user guide, "Custom service roles",
   * permissions for managing AMI lifecycle policies), scoped to this account and the regions
   * involved; `CreateImage` only on instances carrying one of the target tags.
   */
  private createRole(props: InstanceImagePolicyProps): iam.IRole {
    const stack = Stack.of(this);
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
      description: `Execution role of the DLM AMI policy ${this.node.path}`.slice(0, 1000),
    });
    const regions = [stack.region, ...new Set(props.schedules.flatMap((s) => s._features().copyRegions))];
    const arns = (resource: string) => regions.map((region) => stack.formatArn({ service: 'ec2', account: '', region, resource, resourceName: '*' }));
    const [images, snapshots] = [arns('image'), arns('snapshot')];
    const instances = stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
    const copies = regions.length > 1;
    allow(role, 'DescribeResources', ['ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeImageAttribute', 'ec2:DescribeVolumes',
      'ec2:DescribeSnapshots'], ['*']);
    const byKey = new Map<string, string[]>([[this.targetTagKey, [this.targetTagValue]]]);
    for (const tag of props.targetTags ?? []) byKey.set(tag.key, [...(byKey.get(tag.key) ?? []), tag.value]);
    if ([...byKey.keys()].every((k) => isKnown(k)) && byKey.size <= 10) {
      [...byKey.entries()].forEach(([key, values], i) => allow(role, `ImageTaggedInstances${i}`, ['ec2:CreateImage'], [instances],
        { StringEquals: { [`aws:ResourceTag/${key}`]: values.length === 1 ? values[0] : values } }));
    } else {
      allow(role, 'ImageInstances', ['ec2:CreateImage'], [instances]);
    }
    allow(role, 'ManageImages', ['ec2:CreateImage', 'ec2:DeregisterImage', 'ec2:ModifyImageAttribute', 'ec2:ResetImageAttribute',
      'ec2:EnableImageDeprecation', 'ec2:DisableImageDeprecation', 'ec2:CreateTags', ...(copies ? ['ec2:CopyImage'] : [])], images);
    allow(role, 'ManageImageSnapshots', ['ec2:CreateImage', 'ec2:CreateTags', 'ec2:DeleteSnapshot'], snapshots);
    acknowledgeWildcardResources(role, [...images, ...snapshots, instances],
      'DLM creates, tags, copies, deprecates and deregisters AMIs and their snapshots whose ids do not exist yet, in the regions '
      + 'the policy writes to; it images only instances that carry a target tag (aws:ResourceTag condition where the keys are known).');
    acknowledgeDescribeCalls(role, 'ec2:DescribeImages/Instances/ImageAttribute/Volumes/Snapshots');
    return role;
  }
}

/** Every synth-time check of an AMI policy (AWS::DLM::LifecyclePolicy; the schedules check themselves). */
export function validateInstanceImagePolicyProps(scope: Construct, props: InstanceImagePolicyProps): void {
  checkCount(scope, 'schedules', props.schedules, 1, 4, 'A DLM policy has one to four schedules; make a second policy for more.');
  checkCount(scope, 'targetTags', props.targetTags, 0, 50, 'DLM matches at most 50 target tags.');
  checkPattern(scope, 'description', props.description, DESCRIPTION, "letters, digits, spaces, '_' and '-'");
  checkLength(scope, 'description', props.description, 1, 500);
  checkLength(scope, 'targetTagKey', props.targetTagKey, 1, 128);
  const names = new Set<string>();
  const first = props.schedules[0]?.retention;
  props.schedules.forEach((s, i) => {
    if (isKnown(s._name()) && names.has(s._name())) invalid(scope, `schedules[${i}].name`, s._name(), 'unique in the policy');
    names.add(s._name());
    // DLM user guide, "Create a snapshot lifecycle policy" (AMI policies alike): one retention type per policy.
    if (first && s.retention.kind !== first.kind) {
      invalid(scope, `schedules[${i}].retention`, s.retention.toString(), `${first.isCount ? 'a count' : 'an age'}, like schedules[0] (${first})`);
    }
    s._validate(scope, { property: `schedules[${i}]`, resourceType: 'INSTANCE', sourceRegion: Stack.of(scope).region,
      sourceHasCmk: (props.sourceEncryptionKeys?.length ?? 0) > 0, vss: false, images: true });
  });
}
