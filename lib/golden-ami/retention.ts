import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/acknowledgements';
import { allow } from '../core/iam';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { checkDurationUnit, checkRange, invalid } from '../core/validation';
import { imageArnName } from './base-image';
import { PIPELINE_TAG } from './distribution';

/** Options of a rule that deletes images. */
export interface DeleteImagesOptions {
  /**
   * Never delete an AMI that launched an instance within this many days, whatever its rank.
   * @default 30
   */
  readonly keepIfLaunchedWithinDays?: number;
}

/** Options of an age-based rule. */
export interface AgeRuleOptions extends DeleteImagesOptions {
  /**
   * However old they are, keep at least this many images (1-10).
   * @default 3
   */
  readonly retainAtLeast?: number;
}

interface Rule {
  readonly action: 'DEPRECATE' | 'DELETE';
  readonly type: 'COUNT' | 'AGE';
  /** The count of a COUNT rule. */
  readonly value?: number;
  /** The age of an AGE rule. */
  readonly age?: Duration;
  readonly retainAtLeast?: number;
  readonly keepIfLaunchedWithinDays?: number;
}

/**
 * What happens to the pipeline's older images (an Image Builder lifecycle policy). Deprecated
 * AMIs stay launchable by their owner; deleted ones are deregistered with their snapshots.
 */
export class ImageRetention {
  /** Keep the `count` latest images as they are and deprecate older ones (nothing is deleted). */
  public static deprecateAllButLatest(count: number): ImageRetention {
    return new ImageRetention([{ action: 'DEPRECATE', type: 'COUNT', value: count }]);
  }

  /** Keep the `count` latest images and delete older AMIs and their snapshots. */
  public static deleteAllButLatest(count: number, options: DeleteImagesOptions = {}): ImageRetention {
    return new ImageRetention([{ action: 'DELETE', type: 'COUNT', value: count, keepIfLaunchedWithinDays: options.keepIfLaunchedWithinDays ?? 30 }]);
  }

  /** Delete images older than `age` (whole days), keeping at least `retainAtLeast`. */
  public static deleteOlderThan(age: Duration, options: AgeRuleOptions = {}): ImageRetention {
    return new ImageRetention([{
      action: 'DELETE', type: 'AGE', age, retainAtLeast: options.retainAtLeast ?? 3,
      keepIfLaunchedWithinDays: options.keepIfLaunchedWithinDays ?? 30,
    }]);
  }

  /** Several rules in one policy, for example deprecate beyond 5 and delete beyond 20 (at most 3 rules, one per action). */
  public static combine(retentions: ImageRetention[]): ImageRetention {
    return new ImageRetention(retentions.flatMap((r) => r.rules));
  }

  /** Keep every image (no lifecycle policy). */
  public static keepAll(): ImageRetention {
    return new ImageRetention([]);
  }

  private constructor(private readonly rules: Rule[]) {}

  /** Whether a lifecycle policy is needed. */
  public get enabled(): boolean {
    return this.rules.length > 0;
  }

  /** Whether a rule deletes images. */
  public get deletes(): boolean {
    return this.rules.some((r) => r.action === 'DELETE');
  }

  /** Validates the rules. @internal */
  public _validate(scope: IConstruct): void {
    if (this.rules.length > 3) {
      invalid(scope, 'imageRetention (rules)', this.rules.length, 'at most 3 rules', 'An Image Builder lifecycle policy holds at most 3 rules.');
    }
    const actions = this.rules.map((r) => r.action);
    if (new Set(actions).size !== actions.length) {
      invalid(scope, 'imageRetention (actions)', actions.join(', '), 'at most one rule per action (DEPRECATE, DELETE)',
        'Combine the conditions into one rule per action.');
    }
    for (const rule of this.rules) {
      const unit = rule.type === 'COUNT' ? 'images' : 'days';
      checkDurationUnit(scope, 'imageRetention age', rule.age, ['days'],
        'The lifecycle policy counts in days, and a deploy-time amount cannot be converted at synth.');
      checkRange(scope, {
        property: `imageRetention ${rule.action.toLowerCase()} ${rule.type === 'COUNT' ? 'count' : 'age'}`,
        value: valueOf(rule), min: 1, max: 1000, unit,
        fix: rule.type === 'AGE' ? 'Give the age in whole days (Duration.days(n)).' : undefined,
      });
      checkRange(scope, { property: 'imageRetention retainAtLeast', value: rule.retainAtLeast, min: 1, max: 10, unit: 'images' });
      checkRange(scope, { property: 'imageRetention keepIfLaunchedWithinDays', value: rule.keepIfLaunchedWithinDays, min: 1, max: 365, unit: 'days' });
    }
  }

  /** Renders the policy details of validated rules. @internal */
  public _render(): imagebuilder.CfnLifecyclePolicy.PolicyDetailProperty[] {
    return this.rules.map((rule) => {
      // A deploy-time number of days is kept as is: dropping it would let the rule delete AMIs in use.
      const lastLaunched = rule.keepIfLaunchedWithinDays !== undefined
        ? { amis: { lastLaunched: { unit: 'DAYS', value: rule.keepIfLaunchedWithinDays } } } : undefined;
      return {
        action: {
          type: rule.action,
          includeResources: rule.action === 'DELETE' ? { amis: true, snapshots: true } : { amis: true },
        },
        filter: {
          type: rule.type,
          value: valueOf(rule)!,
          unit: rule.type === 'AGE' ? 'DAYS' : undefined,
          retainAtLeast: rule.retainAtLeast,
        },
        exclusionRules: lastLaunched,
      };
    });
  }

  /**
   * Creates the lifecycle policy of a pipeline and its execution role, limited to the images of the
   * pipeline's recipe and to AMIs and snapshots Image Builder created in the distribution regions.
   * Nothing is created when every image is kept. @internal
   */
  public _bind(scope: Construct, pipelineName: string, regions: string[]): imagebuilder.CfnLifecyclePolicy | undefined {
    if (!this.enabled) return undefined;
    const role = new ManagedPolicyRole(scope, 'LifecycleRole', {
      assumedBy: new iam.ServicePrincipal('imagebuilder.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Retires old images of the ${pipelineName} golden image pipeline`,
    });
    const images = regions.map((r) => `arn:${Aws.PARTITION}:ec2:${r}::image/*`);
    const snapshots = regions.map((r) => `arn:${Aws.PARTITION}:ec2:${r}::snapshot/*`);
    const createdByImageBuilder = { StringEquals: { 'aws:ResourceTag/CreatedBy': 'EC2 Image Builder' } };
    allow(role, 'RetireImageBuilderAmis', ['ec2:EnableImage', 'ec2:DisableImage', 'ec2:EnableImageDeprecation',
      'ec2:DisableImageDeprecation', 'ec2:DescribeImageAttribute', ...(this.deletes ? ['ec2:DeregisterImage'] : [])],
      images, createdByImageBuilder);
    allow(role, 'TagDeprecatedAmis', ['ec2:CreateTags', 'ec2:DeleteTags'], [...images, ...snapshots], {
      'StringEquals': { 'aws:RequestTag/DeprecatedBy': 'EC2 Image Builder', 'aws:ResourceTag/CreatedBy': 'EC2 Image Builder' },
      'ForAllValues:StringEquals': { 'aws:TagKeys': 'DeprecatedBy' },
    });
    const imageResources = `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:${Aws.ACCOUNT_ID}:image/${imageArnName(pipelineName)}/*`;
    if (this.deletes) {
      allow(role, 'DeleteImageBuilderSnapshots', ['ec2:DeleteSnapshot'], snapshots, createdByImageBuilder);
      allow(role, 'DeletePipelineImages', ['imagebuilder:DeleteImage'], [imageResources]);
    }
    allow(role, 'FindImagesByTag', ['ec2:DescribeImages', 'tag:GetResources'], ['*']);
    acknowledgeWildcardResources(role, ['*'], 'ec2:DescribeImages and tag:GetResources support no resource-level permissions '
      + '(Service Authorization Reference); both are read-only and used to find the images of this pipeline.');
    acknowledgeWildcardResources(role, [...images, ...snapshots], 'AMI and snapshot ids are created by each build and unknown at deploy; '
      + 'every statement is limited to the distribution regions and to resources tagged CreatedBy=EC2 Image Builder.');
    if (this.deletes) {
      acknowledgeWildcardResources(role, [imageResources], 'Image versions are created by each build; deletion is limited to the '
        + 'images of this pipeline\'s recipe.');
    }
    const policy = new imagebuilder.CfnLifecyclePolicy(scope, 'Lifecycle', {
      name: pipelineName,
      description: `Retires old images of the ${pipelineName} golden image pipeline`,
      executionRole: role.roleArn,
      resourceType: 'AMI_IMAGE',
      status: 'ENABLED',
      policyDetails: this._render(),
      resourceSelection: { tagMap: { [PIPELINE_TAG]: pipelineName } },
    });
    policy.node.addDependency(role);
    return policy;
  }
}

/** The count, or the age in days, of a rule. */
function valueOf(rule: Rule): number | undefined {
  return rule.age ? rule.age.toDays({ integral: false }) : rule.value;
}
