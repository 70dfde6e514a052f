import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { checkDurationUnit, checkPattern, checkRange, invalid, isKnown } from '../core/validation';
import { BaseImage } from './base-image';
import { ImageComponent } from './component';
import { AmiTag, LaunchPermission, LaunchTemplateUpdate, RegionDistribution, validateDistribution } from './distribution';
import { validateRecipe } from './recipe';
import { ImageRetention } from './retention';
import { ScanSeverity, VulnerabilityScan } from './scan';
import { BuildSchedule } from './schedule';

/** Properties of a `GoldenImagePipeline`. */
export interface GoldenImagePipelineProps {
  /**
   * Name of the pipeline, and prefix of its recipe, components and SSM parameter
   * (3-128 characters: letters, digits, `-`, `_`). A name known only at deploy (a parameter)
   * should be lowercase: image ARNs, which the build rules and the lifecycle role match, use the
   * name in lowercase, and a Token cannot be lowercased at synth.
   */
  readonly name: string;
  /**
   * Shown in the console.
   * @default - a description naming the construct
   */
  readonly description?: string;
  /**
   * Image the recipe starts from.
   * @default BaseImage.amazonLinux2023() - always the latest release, through its public SSM parameter
   */
  readonly baseImage?: BaseImage;
  /**
   * Run the AWS-managed `update-linux` component first (all OS updates).
   * @default true
   */
  readonly updateOperatingSystem?: boolean;
  /**
   * Your build and test components, run in order after the OS update.
   * @default - none
   */
  readonly components?: ImageComponent[];
  /**
   * Run the AWS-managed `reboot-test-linux` test component last.
   * @default true
   */
  readonly rebootTest?: boolean;
  /**
   * VPC of the build and test instances.
   * @default - a SecureVpc with one Availability Zone and one NAT gateway
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the build and test instances; the first selected subnet is used. They need
   * egress (NAT or VPC endpoints) to reach Image Builder, Systems Manager and package repositories.
   * @default - the private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Instance type of the build and test instances; its architecture must match the base image's.
   * @default - t3.medium, or t4g.medium (Graviton) for an Arm base image
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Security group of the build and test instances.
   * @default - a group with no ingress and all egress
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Role of the build and test instances. The pipeline's build permissions are attached to a role
   * you bring as a customer-managed policy (an immutable or foreign role gets a synth warning
   * listing the statements instead); the Systems Manager agent permissions it needs
   * (`HardenedNode.grantSessionManager`) are yours to give.
   * @default - a least-privilege role in a customer-managed policy
   */
  readonly role?: iam.IRole;
  /**
   * Hop limit of instance metadata on build instances (IMDSv2 is always required).
   * @default 1
   */
  readonly httpPutResponseHopLimit?: number;
  /**
   * Customer-managed key that encrypts the AMI's root volume. Required to share the AMI with
   * other accounts (the AWS-managed key cannot be shared).
   * @default - the account's default EBS key
   */
  readonly ebsEncryptionKey?: kms.IKey;
  /**
   * Size of the image's root volume.
   * @default Size.gibibytes(20)
   */
  readonly rootVolumeSize?: Size;
  /**
   * Device name of the base image's root volume.
   * @default '/dev/xvda' (Amazon Linux)
   */
  readonly rootDeviceName?: string;
  /**
   * Key that encrypts build logs and notifications. A key you bring must allow CloudWatch Logs
   * and the Image Builder service-linked role (see the README).
   * @default - a customer-managed key with rotation, retained on destroy
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long build logs are kept (log groups, and the S3 objects with `s3Logs`).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether the build instances also upload their logs to an S3 bucket (the infrastructure
   * configuration's `Logging.S3Logs`): a KMS-encrypted, versioned bucket with server access logs to a
   * second bucket, both retained. Image Builder streams every build's logs to the image log group in
   * CloudWatch Logs anyway (EC2 Image Builder User Guide, "Monitor Image Builder logs with Amazon
   * CloudWatch Logs"), so the buckets hold a second copy: they cost storage and requests, and fail
   * AWS Control Tower's proactive controls CT.S3.PR.2, .4, .9 and .10. Turn it on when your log
   * archive is S3-based.
   * @default false - build logs go to the encrypted CloudWatch Logs group only; no buckets, and no
   * S3 permissions in the build role
   */
  readonly s3Logs?: boolean;
  /**
   * When the pipeline builds on its own.
   * @default BuildSchedule.weekly() - Sundays 04:00 UTC, disabled after 3 consecutive failures
   */
  readonly schedule?: BuildSchedule;
  /**
   * CVE scan of each new image.
   * @default VulnerabilityScan.failAbove(ScanSeverity.HIGH) - a CRITICAL finding with a fix available fails the image
   */
  readonly vulnerabilityScan?: VulnerabilityScan;
  /**
   * How long the test phase may run (60-1440 minutes).
   * @default Duration.minutes(90)
   */
  readonly testTimeout?: Duration;
  /**
   * Name of the AMIs; must contain `{{ imagebuilder:buildDate }}` so every build gets a unique name.
   * @default '<name>-{{ imagebuilder:buildDate }}'
   */
  readonly amiName?: string;
  /**
   * Tags on every distributed AMI.
   * @default - only `golden-ami:pipeline = <name>`
   */
  readonly amiTags?: AmiTag[];
  /**
   * SSM parameter that receives the id of each new AMI, in every distribution region and every
   * target account. Must start
   * with `/imagebuilder/`: Image Builder's service-linked role may write only there.
   * @default '/imagebuilder/<name>/ami-id'
   */
  readonly amiParameterName?: string;
  /**
   * Who may launch the AMI in the pipeline's region besides its owner.
   * @default - only the owner
   */
  readonly launchPermission?: LaunchPermission;
  /**
   * Accounts that receive their own copy of the AMI in the pipeline's region; the AMI id parameter
   * (`amiParameterName`) is written in each of them too.
   * @default - none
   */
  readonly targetAccounts?: string[];
  /**
   * Launch templates in the pipeline's region that get a new version with each new AMI.
   * @default - none
   */
  readonly launchTemplates?: LaunchTemplateUpdate[];
  /**
   * Copies of the AMI in other regions (one per region).
   * @default - the pipeline's region only
   */
  readonly additionalRegions?: RegionDistribution[];
  /**
   * What happens to older images.
   * @default ImageRetention.deprecateAllButLatest(10) - nothing is deleted
   */
  readonly imageRetention?: ImageRetention;
  /**
   * Build the first image during `cdk deploy` (20-45 minutes) so the AMI and its SSM parameter
   * exist when the deployment ends, and rebuild on deploy whenever the recipe changes.
   * The image resource is retained on destroy and replacement: AMIs are never deleted by CloudFormation.
   * @default false
   */
  readonly buildOnDeploy?: boolean;
  /**
   * Enhanced image metadata: Image Builder runs an SSM Inventory association
   * (`AWS-GatherSoftwareInventory`) on the build instance and records the image's packages. An
   * instance holds one inventory association only, so in accounts that already inventory every
   * instance (Systems Manager Quick Setup, common in landing zones) the build waits for an
   * association it cannot create and times out. Turning it on adds the inventory permissions to the
   * build role. It cannot be changed on an image once built.
   * @default false
   */
  readonly enhancedImageMetadata?: boolean;
  /**
   * Whether the schedule is active.
   * @default true
   */
  readonly enabled?: boolean;
}

const NAME = /^[-_A-Za-z0-9][-_A-Za-z0-9]{1,126}[-_A-Za-z0-9]$/;
/** Family (series, generation, options), a dot, the size: `t3.medium`, `c7gn.16xlarge`, `u-6tb1.112xlarge`, `mac2-m2pro.metal`. */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** The pipelines of an app, by account, region and name. */
const PIPELINES = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Image Builder names are unique per account and region: a second pipeline of the same name
 * (in any stack or stage of the app) would fail its deploy with "already exists".
 */
function checkUniqueName(scope: IConstruct, name: string): void {
  if (!isKnown(name)) return;
  const stack = Stack.of(scope);
  const key = `${stack.account}|${stack.region}|${name.toLowerCase()}`;
  const names = PIPELINES.get(scope.node.root) ?? new Map<string, string>();
  PIPELINES.set(scope.node.root, names);
  const other = names.get(key);
  if (other !== undefined && other !== scope.node.path) {
    invalid(scope, 'name', name, `a name no other pipeline of this account and region uses (${other} does)`,
      'Image Builder resource names are unique per account and region; stacks without an explicit env count as one account and region.');
  }
  names.set(key, scope.node.path);
}

/** The defaults of the value-class props, shared by validation and the construct. @internal */
export function pipelineDefaults(props: GoldenImagePipelineProps) {
  return {
    schedule: props.schedule ?? BuildSchedule.weekly(),
    vulnerabilityScan: props.vulnerabilityScan ?? VulnerabilityScan.failAbove(ScanSeverity.HIGH),
    imageRetention: props.imageRetention ?? ImageRetention.deprecateAllButLatest(10),
  };
}

/**
 * Checks every prop of a pipeline against what Image Builder, EC2 and SSM accept, before anything
 * is created; errors name the property, the value, what is allowed and what to do. @internal
 */
export function validateGoldenImagePipelineProps(scope: IConstruct, props: GoldenImagePipelineProps): void {
  const name = props.name;
  checkPattern(scope, 'name', name, NAME, "3-128 letters, digits, '-' or '_'",
    'The name prefixes the recipe, components, log groups and the SSM parameter.');
  checkDurationUnit(scope, 'testTimeout', props.testTimeout, ['minutes'],
    'Image Builder takes the test timeout in minutes, and a deploy-time amount cannot be converted at synth.');
  checkRange(scope, { property: 'testTimeout', value: props.testTimeout?.toMinutes(), min: 60, max: 1440, unit: 'minutes' });
  checkPattern(scope, 'instanceType', props.instanceType?.toString(), INSTANCE_TYPE, "an instance type such as 't3.medium' or 'c7g.2xlarge'",
    'Write the family, a dot and the size (EC2 User Guide, "Amazon EC2 instance type naming conventions").');
  checkUniqueName(scope, name);
  validateRecipe(scope, props, name);
  validateDistribution(scope, props, name);
  const { schedule, vulnerabilityScan, imageRetention } = pipelineDefaults(props);
  vulnerabilityScan._validate(scope);
  schedule._validate(scope);
  imageRetention._validate(scope);
}
