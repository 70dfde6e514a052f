import { Aws, Duration, RemovalPolicy, Size, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { createHash } from 'crypto';
import { Construct, IConstruct } from 'constructs';
import { TEMPLATE_CHECK_UNKNOWN_PROPERTY } from '../core/compliance-ids';
import { acknowledgeWildcardResources } from '../core/acknowledgements';
import { allowCloudWatchLogs, keyOrCreate } from '../core/encryption';
import { HardenedNode } from '../core/hardened-node';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { createSecureTopic } from '../core/notifications';
import { SecureVpc } from '../core/secure-vpc';
import {
  checkAccountId, checkCount, checkLength, checkPattern, checkRange, checkRegion, invalid, isKnown,
} from '../core/validation';
import { BaseImage, IImageSource, imageArnName } from './base-image';
import { ImageComponent } from './component';
import { ImageRetention } from './retention';
import { ScanSeverity, VulnerabilityScan } from './scan';
import { BuildSchedule } from './schedule';

/** A tag put on every distributed AMI. */
export interface AmiTag {
  /** Tag key (1-128 characters, not starting with `aws:`). */
  readonly key: string;
  /** Tag value (0-256 characters). */
  readonly value: string;
}

/** Who may launch the AMI besides its owner. */
export interface LaunchPermission {
  /**
   * AWS account ids.
   * @default - none
   */
  readonly accounts?: string[];
  /**
   * AWS Organizations ARNs (`arn:aws:organizations::<management account>:organization/o-...`).
   * @default - none
   */
  readonly organizationArns?: string[];
  /**
   * Organizational unit ARNs (`arn:aws:organizations::<management account>:ou/o-.../ou-...`).
   * @default - none
   */
  readonly organizationalUnitArns?: string[];
}

/** A launch template that gets a new version pointing at each new AMI. */
export interface LaunchTemplateUpdate {
  /** Id of the launch template (`lt-...`). */
  readonly launchTemplateId: string;
  /**
   * Account that owns the launch template.
   * @default - the pipeline's account
   */
  readonly accountId?: string;
  /**
   * Make the new version the default version of the template.
   * @default true
   */
  readonly setDefaultVersion?: boolean;
}

/** Copy of the AMI to another region. */
export interface RegionDistribution {
  /** Region code, for example `eu-west-1`. */
  readonly region: string;
  /**
   * Customer-managed key in that region that encrypts the copy (required to share it).
   * @default - the account's default EBS key in that region
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Accounts that receive their own copy of the AMI (each needs the
   * `EC2ImageBuilderDistributionCrossAccountRole` role).
   * @default - none
   */
  readonly targetAccounts?: string[];
  /**
   * Who may launch the copy.
   * @default - only the owner
   */
  readonly launchPermission?: LaunchPermission;
  /**
   * Launch templates in that region to update.
   * @default - none
   */
  readonly launchTemplates?: LaunchTemplateUpdate[];
}

/** Properties of a {@link GoldenImagePipeline}. */
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
   * Instance type of the build and test instances.
   * @default - t3.medium
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Security group of the build and test instances.
   * @default - a group with no ingress and all egress
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Instance role of the build and test instances. A role you bring is used as given and needs
   * what the default role gets (see the README).
   * @default - a least-privilege role in a customer-managed policy
   */
  readonly instanceRole?: iam.IRole;
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
   * How long build logs are kept (S3 objects and log groups).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
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
   * SSM parameter that receives the id of each new AMI, in every distribution region. Must start
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
   * Accounts that receive their own copy of the AMI in the pipeline's region.
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
   * Whether the schedule is active.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Options of the build event rules. */
export interface BuildEventOptions {
  /**
   * Target of the rule.
   * @default - none; add targets to the returned rule
   */
  readonly target?: events.IRuleTarget;
  /**
   * Description of the rule.
   * @default - what the rule matches
   */
  readonly description?: string;
}

const NAME = /^[-_A-Za-z0-9][-_A-Za-z0-9]{1,126}[-_A-Za-z0-9]$/;
const PIPELINE_TAG = 'golden-ami:pipeline';
const SERVICE_LINKED_ROLE = 'role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder';
const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
/** What `{{ imagebuilder:buildDate }}` expands to, for the AMI name length check. */
const BUILD_DATE_SAMPLE = '2026-11-30T04-00-00.000Z';

/**
 * A golden AMI pipeline on EC2 Image Builder: a recipe of OS updates, your components and tests on
 * a base image (latest Amazon Linux 2023 by default), built in a private subnet on a hardened
 * instance, scanned for CVEs, distributed to regions and accounts, its id written to SSM, older
 * images retired, with encrypted logs and notifications.
 *
 * `pipeline.machineImage` hands the latest AMI to a launch pattern.
 */
export class GoldenImagePipeline extends Construct implements IImageSource {
  /** The pipeline. */
  public readonly pipeline: imagebuilder.CfnImagePipeline;
  /** The recipe (its version is a hash of its content). */
  public readonly recipe: imagebuilder.CfnImageRecipe;
  /** Name of the recipe, which names the images (`image/<recipe name>/<version>/<build>`). */
  public readonly recipeName: string;
  /** Version of the recipe, derived from its content. */
  public readonly recipeVersion: string;
  /** SSM parameter that holds the id of the latest AMI in each distribution region. */
  public readonly amiParameterName: string;
  /** ARN of the pipeline. */
  public readonly pipelineArn: string;
  /** Role of the build and test instances. */
  public readonly instanceRole: iam.IRole;
  /** Security group of the build and test instances. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Bucket of the build logs. */
  public readonly logBucket: s3.IBucket;
  /** Bucket of the server access logs of the log bucket. */
  public readonly accessLogBucket: s3.IBucket;
  /** Topic Image Builder notifies when an image is AVAILABLE or FAILED. */
  public readonly topic: sns.ITopic;
  /** Key of logs and notifications. */
  public readonly encryptionKey: kms.IKey;
  /** The image built on deploy, if `buildOnDeploy`. */
  public readonly image?: imagebuilder.CfnImage;
  private readonly imageArnPrefix: string;

  constructor(scope: Construct, id: string, props: GoldenImagePipelineProps) {
    super(scope, id);
    const name = props.name;
    checkPattern(this, 'name', name, NAME, "3-128 letters, digits, '-' or '_'",
      'The name prefixes the recipe, components, log groups and the SSM parameter.');
    if (props.testTimeout?.isUnresolved() && props.testTimeout.unitLabel() !== 'minutes') {
      invalid(this, 'testTimeout', `Duration.${props.testTimeout.unitLabel()}(<token>)`, 'Duration.minutes(...) when the amount is known only at deploy',
        'Image Builder takes the test timeout in minutes, and a deploy-time amount cannot be converted at synth.');
    }
    checkRange(this, { property: 'testTimeout', value: props.testTimeout?.toMinutes(), min: 60, max: 1440, unit: 'minutes' });
    const stack = Stack.of(this);

    // Network and build node: HardenedNode gives IMDSv2 settings, a no-ingress security group and
    // a role with only the Session Manager agent permissions; Image Builder launches the instances.
    const vpc = props.vpc ?? new SecureVpc(this, 'Vpc', { maxAzs: 1 }).vpc;
    const node = new HardenedNode(this, 'BuildNode', {
      vpc,
      instanceType: props.instanceType ?? new ec2.InstanceType('t3.medium'),
      securityGroup: props.securityGroup,
      role: props.instanceRole,
      ebsEncryptionKey: props.ebsEncryptionKey,
      rootVolumeSize: props.rootVolumeSize,
      rootDeviceName: props.rootDeviceName,
      httpPutResponseHopLimit: props.httpPutResponseHopLimit,
      userData: ec2.UserData.forLinux(), // unused: Image Builder owns the instances' user data
    });
    this.instanceRole = node.role;
    this.securityGroup = node.securityGroup;

    // Logs and notifications, encrypted with one customer-managed key.
    this.encryptionKey = keyOrCreate(this, 'Key', props.encryptionKey, { description: `Build logs and notifications of the ${name} image pipeline` });
    const imageLogGroupName = `/aws/imagebuilder/${name}`;
    const pipelineLogGroupName = `/aws/imagebuilder/pipeline/${name}`;
    this.allowLogsAndNotifications([imageLogGroupName, pipelineLogGroupName]);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const imageLogs = new logs.LogGroup(this, 'ImageLogs', {
      logGroupName: imageLogGroupName, encryptionKey: this.encryptionKey, retention, removalPolicy: RemovalPolicy.RETAIN,
    });
    const pipelineLogs = new logs.LogGroup(this, 'PipelineLogs', {
      logGroupName: pipelineLogGroupName, encryptionKey: this.encryptionKey, retention, removalPolicy: RemovalPolicy.RETAIN,
    });
    const { logBucket, accessLogBucket } = this.createLogBuckets(retention);
    this.logBucket = logBucket;
    this.accessLogBucket = accessLogBucket;
    this.topic = createSecureTopic(this, 'Notifications', { displayName: `${name} image builds`.slice(0, 100), key: this.encryptionKey });

    // Components and recipe, versioned by content.
    const components = [
      ...(props.updateOperatingSystem ?? true ? [ImageComponent.awsManaged('update-linux')] : []),
      ...(props.components ?? []),
      ...(props.rebootTest ?? true ? [ImageComponent.awsManaged('reboot-test-linux')] : []),
    ];
    checkCount(this, 'components', components, 1, Number.MAX_SAFE_INTEGER,
      'Keep updateOperatingSystem or rebootTest on, or give at least one component.');
    const seen = new Set<string>();
    for (const c of components) {
      if (seen.has(c.name)) invalid(this, 'components', c.name, 'unique component names', 'Give each component its own name.');
      seen.add(c.name);
    }
    const componentScope = new Construct(this, 'Components');
    const bound = components.map((c) => c._bind(componentScope, name));
    for (const c of components.filter((x) => !x.isAwsManaged)) {
      checkLength(this, `components[${c.name}] full name`, `${name}-${c.name}`, 3, 128, 'Shorten the pipeline or component name.');
    }
    const baseImage = props.baseImage ?? BaseImage.amazonLinux2023();
    baseImage._validate(this);
    const rootSize = (props.rootVolumeSize ?? Size.gibibytes(20)).toGibibytes();
    const recipeProps = {
      parentImage: baseImage.parentImage,
      components: bound.map((b) => ({ componentArn: b.arn })),
      blockDeviceMappings: [{
        deviceName: props.rootDeviceName ?? '/dev/xvda',
        ebs: {
          encrypted: true, kmsKeyId: props.ebsEncryptionKey?.keyArn, volumeType: 'gp3', volumeSize: rootSize, deleteOnTermination: true,
        },
      }],
      additionalInstanceConfiguration: { systemsManagerAgent: { uninstallAfterBuild: false } },
    };
    this.recipeName = name;
    this.recipeVersion = contentVersion(JSON.stringify({
      recipe: stack.resolve(recipeProps), components: bound.map((b) => b.fingerprint),
    }));
    this.recipe = new imagebuilder.CfnImageRecipe(this, 'Recipe', {
      name, version: this.recipeVersion, description: props.description ?? `Recipe of the ${name} golden image`, ...recipeProps,
    });
    this.recipe.applyRemovalPolicy(RemovalPolicy.DESTROY);

    // Build infrastructure: private subnet, IMDSv2, least-privilege profile, logs, notifications.
    this.grantBuildPermissions(bound.filter((b) => !b.managedName).map((b) => b.arn),
      bound.flatMap((b) => (b.managedName ? [b.managedName] : [])), imageLogs, name);
    const profile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.instanceRole });
    const subnet = vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds[0];
    const infrastructure = new imagebuilder.CfnInfrastructureConfiguration(this, 'Infrastructure', {
      name,
      description: `Build instances of the ${name} golden image`,
      instanceProfileName: profile.instanceProfileName,
      instanceTypes: [node.instanceType.toString()],
      subnetId: subnet,
      securityGroupIds: [this.securityGroup.securityGroupId],
      instanceMetadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: node.httpPutResponseHopLimit },
      logging: { s3Logs: { s3BucketName: logBucket.bucketName, s3KeyPrefix: `${name}/` } },
      snsTopicArn: this.topic.topicArn,
      terminateInstanceOnFailure: true,
      resourceTags: { [PIPELINE_TAG]: name },
    });
    infrastructure.node.addDependency(this.instanceRole);

    // Distribution.
    this.amiParameterName = props.amiParameterName ?? `/imagebuilder/${name}/ami-id`;
    checkPattern(this, 'amiParameterName', this.amiParameterName, /^\/imagebuilder\/[a-zA-Z0-9_.\-/]{1,997}$/,
      "an SSM parameter name under '/imagebuilder/' (letters, digits, _ . - /)",
      "Image Builder's service-linked role may write AMI ids only to parameters under /imagebuilder/.");
    const distribution = new imagebuilder.CfnDistributionConfiguration(this, 'Distribution', {
      name,
      description: `Distribution of the ${name} golden image`,
      distributions: this.renderDistributions(props, name),
    });

    // Pipeline.
    const scanning = (props.vulnerabilityScan ?? VulnerabilityScan.failAbove(ScanSeverity.HIGH))._render(this);
    const tests = { imageTestsEnabled: true, timeoutMinutes: props.testTimeout?.toMinutes() ?? 90 };
    this.pipeline = new imagebuilder.CfnImagePipeline(this, 'Resource', {
      name,
      description: props.description ?? `Golden image pipeline ${name}`,
      imageRecipeArn: this.recipe.attrArn,
      infrastructureConfigurationArn: infrastructure.attrArn,
      distributionConfigurationArn: distribution.attrArn,
      imageTestsConfiguration: tests,
      imageScanningConfiguration: scanning,
      enhancedImageMetadataEnabled: true,
      schedule: (props.schedule ?? BuildSchedule.weekly())._render(this),
      status: props.enabled ?? true ? 'ENABLED' : 'DISABLED',
      imageTags: { [PIPELINE_TAG]: name },
      loggingConfiguration: { imageLogGroupName: imageLogs.logGroupName, pipelineLogGroupName: pipelineLogs.logGroupName },
    });
    this.pipeline.node.addDependency(imageLogs, pipelineLogs);
    acknowledgeScanSchema(this.pipeline, scanning);
    this.pipelineArn = this.pipeline.attrArn;
    this.imageArnPrefix = `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:${Aws.ACCOUNT_ID}:image/${imageArnName(name)}/`;

    this.createLifecyclePolicy(props.imageRetention ?? ImageRetention.deprecateAllButLatest(10), name, props);

    if (props.buildOnDeploy) {
      this.image = new imagebuilder.CfnImage(this, 'Image', {
        imageRecipeArn: this.recipe.attrArn,
        infrastructureConfigurationArn: infrastructure.attrArn,
        distributionConfigurationArn: distribution.attrArn,
        imageTestsConfiguration: tests,
        imageScanningConfiguration: scanning,
        enhancedImageMetadataEnabled: true,
        loggingConfiguration: { logGroupName: imageLogs.logGroupName },
        tags: { [PIPELINE_TAG]: name },
      });
      // The AMI must outlive the stack and a recipe change: never let CloudFormation delete the image.
      this.image.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.image.node.addDependency(this.instanceRole, imageLogs, this.topic, this.encryptionKey);
      acknowledgeScanSchema(this.image, scanning);
    }
  }

  /**
   * The latest AMI of the pipeline, read from its SSM parameter when the consuming stack deploys.
   * The parameter exists after the first build (see `buildOnDeploy`).
   */
  public get machineImage(): ec2.IMachineImage {
    if (!isKnown(this.amiParameterName)) {
      throw new Error(`${this.node.path}: machineImage needs an amiParameterName known at synth, got a Token (from name or amiParameterName). `
        + 'CloudFormation reads an SSM parameter at deploy only by a literal name: use FleetImage.fromSsmParameter(pipeline.amiParameterName, '
        + '{ resolveAtLaunch: true }), or give the pipeline a literal amiParameterName.');
    }
    return ec2.MachineImage.fromSsmParameter(this.amiParameterName, { os: ec2.OperatingSystemType.LINUX });
  }

  /** Id of the AMI built on deploy (requires `buildOnDeploy`). */
  public get imageId(): string {
    if (!this.image) throw new Error(`${this.node.path}: imageId needs buildOnDeploy: true. Use machineImage to read the latest AMI instead.`);
    return this.image.attrImageId;
  }

  /** An EventBridge rule matching this pipeline's images that became AVAILABLE. */
  public onBuildSucceeded(id: string, options: BuildEventOptions = {}): events.Rule {
    return this.stateRule(id, ['AVAILABLE'], options.description ?? `A ${this.recipeName} golden image is available`, options);
  }

  /** An EventBridge rule matching this pipeline's images that FAILED or were CANCELLED. */
  public onBuildFailed(id: string, options: BuildEventOptions = {}): events.Rule {
    return this.stateRule(id, ['FAILED', 'CANCELLED'], options.description ?? `A ${this.recipeName} golden image build failed`, options);
  }

  /** Allows a principal to start a build of this pipeline. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['imagebuilder:StartImagePipelineExecution'], resourceArns: [this.pipelineArn] });
  }

  private stateRule(id: string, statuses: string[], description: string, options: BuildEventOptions): events.Rule {
    return new events.Rule(this, id, {
      description,
      eventPattern: {
        source: ['aws.imagebuilder'],
        detailType: ['EC2 Image Builder Image State Change'],
        resources: events.Match.prefix(this.imageArnPrefix),
        detail: { state: { status: statuses } },
      },
      targets: options.target ? [options.target] : undefined,
    });
  }

  /** Key policy: CloudWatch Logs for the two log groups, the Image Builder service-linked role for SNS. */
  private allowLogsAndNotifications(logGroupNames: string[]): void {
    allowCloudWatchLogs(this.encryptionKey, {
      sid: 'CloudWatchLogsOfImageBuilder',
      logGroupArns: logGroupNames.map((g) => `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${g}`),
    });
    // EventBridge rules (onBuildSucceeded/onBuildFailed) may target the topic.
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EventBridgeNotifications',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }));
    // Image Builder publishes to the topic as its service-linked role. The role may not exist yet when
    // the key is created (first use of Image Builder in the account), and KMS rejects a key policy
    // naming a missing principal, so the role is matched by ARN in a condition instead.
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ImageBuilderNotifications',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:${SERVICE_LINKED_ROLE}`,
          'kms:CallerAccount': Aws.ACCOUNT_ID,
          'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com`,
        },
      },
    }));
  }

  private createLogBuckets(retention: logs.RetentionDays): { logBucket: s3.Bucket; accessLogBucket: s3.Bucket } {
    const days = retention === logs.RetentionDays.INFINITE ? undefined : Duration.days(retention);
    const lifecycleRules: s3.LifecycleRule[] = [{ expiration: days, noncurrentVersionExpiration: Duration.days(30) }];
    const accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logBucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Server access logging written out rather than through `serverAccessLogsBucket`, whose grant
    // depends on the app's `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag: without it, CDK
    // falls back to ACLs, which BucketOwnerEnforced forbids. The library works under any flags.
    const prefix = 'build-logs/';
    (logBucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: accessLogBucket.bucketName,
      logFilePrefix: prefix,
    };
    accessLogBucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'S3ServerAccessLogsPolicy',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogBucket.arnForObjects(`${prefix}*`)],
      conditions: {
        ArnLike: { 'aws:SourceArn': logBucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      },
    }));
    const replication = 'Build logs are diagnostic records of reproducible builds, kept for the retention period with '
      + 'versioning on; a cross-region replica would need its own bucket, key and logging for little recovery value.';
    const encryption = 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256); SSE-KMS '
      + 'is not supported for the target bucket, which is still TLS-only, versioned and private.';
    // The access log bucket itself needs no logging acknowledgement: the packs recognize a server
    // access log target by its logging.s3.amazonaws.com bucket policy.
    Validations.of(accessLogBucket).acknowledge(
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
        { id: `${pack}-S3DefaultEncryptionKMS`, reason: encryption },
        { id: `${pack}-S3BucketReplicationEnabled`, reason: replication },
      ]),
    );
    Validations.of(logBucket).acknowledge(
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-S3BucketReplicationEnabled`, reason: replication })),
    );
    return { logBucket, accessLogBucket };
  }

  /** The build instances' permissions beyond the SSM agent, equivalent to EC2InstanceProfileForImageBuilder but scoped. */
  private grantBuildPermissions(ownComponentArns: string[], managedComponents: string[], imageLogs: logs.LogGroup, name: string): void {
    const role = this.instanceRole;
    const managedArns = managedComponents.map((c) => `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:aws:component/${c}/*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadRecipeComponents',
      actions: ['imagebuilder:GetComponent'],
      resources: [...ownComponentArns, ...managedArns],
    }));
    const managedResources = `arn:${Aws.PARTITION}:s3:::ec2imagebuilder*/*`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadImageBuilderManagedResources',
      actions: ['s3:GetObject'],
      resources: [managedResources],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteBuildLogGroup',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [imageLogs.logGroupArn],
    }));
    const logObjects = this.logBucket.arnForObjects(`${name}/*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteBuildLogObjects',
      actions: ['s3:PutObject'],
      resources: [logObjects],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'EncryptBuildLogObjects',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [this.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }));
    if (role instanceof ManagedPolicyRole) {
      acknowledgeWildcardResources(role, managedArns, 'Image Builder resolves each AWS-managed component to a build version '
        + 'chosen at build time (arn:...:aws:component/<name>/<version>/<build>); the grant is limited to the named components.');
      acknowledgeWildcardResources(role, [managedResources], 'AWS-managed components download their payloads from '
        + 'AWS-owned ec2imagebuilder-* buckets whose exact names are region- and release-specific (EC2InstanceProfileForImageBuilder).');
      acknowledgeWildcardResources(role, [logObjects], 'Build instances write their logs as new objects under this pipeline\'s '
        + 'prefix of the build log bucket; object keys are generated per build, only s3:PutObject is allowed.');
    }
  }

  private renderDistributions(props: GoldenImagePipelineProps, name: string): imagebuilder.CfnDistributionConfiguration.DistributionProperty[] {
    // The default fits EC2's 128-character AMI name limit once the build date is expanded.
    const amiName = props.amiName ?? `${name.slice(0, 128 - BUILD_DATE_SAMPLE.length - 1)}-{{ imagebuilder:buildDate }}`;
    if (isKnown(amiName)) {
      if (!/\{\{\s*imagebuilder:buildDate\s*\}\}/.test(amiName)) {
        invalid(this, 'amiName', amiName, "a name containing '{{ imagebuilder:buildDate }}'",
          'AMI names are unique per account and region; without the build date the second build fails.');
      }
      const expanded = amiName.replace(/\{\{\s*imagebuilder:buildDate\s*\}\}/g, BUILD_DATE_SAMPLE).replace(/\{\{[^}]*\}\}/g, 'x');
      checkLength(this, 'amiName (with the build date expanded)', expanded, 3, 128);
      checkPattern(this, 'amiName', expanded, /^[a-zA-Z0-9()[\] ./\-'@_]+$/,
        "letters, digits, spaces and ( ) [ ] . / - ' @ _ only (plus Image Builder {{ }} variables)");
    }
    const tags = props.amiTags ?? [];
    checkCount(this, 'amiTags', tags, 0, 49, 'An AMI holds at most 50 tags and the pipeline adds one.');
    const amiTags: { [key: string]: string } = { [PIPELINE_TAG]: name };
    for (const tag of tags) {
      if (!isKnown(tag.key)) {
        invalid(this, 'amiTags key', '<token>', 'known at synth (values may come from parameters)',
          'AmiTags is a map in the template and CloudFormation map keys must be literal.');
      }
      checkLength(this, 'amiTags key', tag.key, 1, 128);
      checkLength(this, 'amiTags value', tag.value, 0, 256);
      if (isKnown(tag.key) && tag.key.toLowerCase().startsWith('aws:')) {
        invalid(this, 'amiTags key', tag.key, "a key that does not start with 'aws:'", 'The aws: prefix is reserved for AWS.');
      }
      amiTags[tag.key] = tag.value;
    }
    const primary: RegionDistribution = {
      region: Aws.REGION,
      encryptionKey: props.ebsEncryptionKey,
      targetAccounts: props.targetAccounts,
      launchPermission: props.launchPermission,
      launchTemplates: props.launchTemplates,
    };
    const additional = props.additionalRegions ?? [];
    const regions = new Set<string>();
    const stackRegion = Stack.of(this).region;
    for (const [i, d] of additional.entries()) {
      checkRegion(this, `additionalRegions[${i}].region`, d.region);
      if (!isKnown(d.region)) invalid(this, `additionalRegions[${i}].region`, 'a token', 'a region code known at synth');
      if (regions.has(d.region) || (!Token.isUnresolved(stackRegion) && d.region === stackRegion)) {
        invalid(this, `additionalRegions[${i}].region`, d.region, 'a region distributed to only once, other than the pipeline\'s region',
          'Image Builder allows one distribution per region; put the settings of the pipeline\'s region in the top-level props.');
      }
      regions.add(d.region);
      const keyRegion = d.encryptionKey?.env.region;
      if (keyRegion && !Token.isUnresolved(keyRegion) && keyRegion !== d.region) {
        invalid(this, `additionalRegions[${i}].encryptionKey`, keyRegion, `a key in ${d.region}`, 'KMS keys are regional; use kms.Key.fromKeyArn with a key of that region.');
      }
    }
    return [primary, ...additional].map((d, i) => {
      const where = i === 0 ? '' : `additionalRegions[${i - 1}].`;
      const lp = d.launchPermission ?? {};
      for (const a of d.targetAccounts ?? []) checkAccountId(this, `${where}targetAccounts`, a);
      for (const a of lp.accounts ?? []) checkAccountId(this, `${where}launchPermission.accounts`, a);
      for (const o of lp.organizationArns ?? []) {
        checkPattern(this, `${where}launchPermission.organizationArns`, o, ORGANIZATION_ARN, "'arn:aws:organizations::<account>:organization/o-<id>'");
      }
      for (const o of lp.organizationalUnitArns ?? []) {
        checkPattern(this, `${where}launchPermission.organizationalUnitArns`, o, OU_ARN, "'arn:aws:organizations::<account>:ou/o-<id>/ou-<id>'");
      }
      const shared = [d.targetAccounts, lp.accounts, lp.organizationArns, lp.organizationalUnitArns].some((l) => (l?.length ?? 0) > 0);
      if (shared && !d.encryptionKey) {
        invalid(this, i === 0 ? 'ebsEncryptionKey' : `${where}encryptionKey`, 'none',
          'a customer-managed key when the AMI is shared or copied to other accounts',
          'AMIs encrypted with the AWS-managed EBS key cannot be used by other accounts; pass a key and allow those accounts to use it.');
      }
      for (const lt of d.launchTemplates ?? []) {
        checkPattern(this, `${where}launchTemplates.launchTemplateId`, lt.launchTemplateId, /^lt-[a-z0-9-_]{17}$/, "'lt-' followed by 17 characters");
        checkAccountId(this, `${where}launchTemplates.accountId`, lt.accountId);
      }
      const launchPermissionConfiguration = (lp.accounts?.length || lp.organizationArns?.length || lp.organizationalUnitArns?.length)
        ? { userIds: lp.accounts, organizationArns: lp.organizationArns, organizationalUnitArns: lp.organizationalUnitArns }
        : undefined;
      return {
        region: d.region,
        amiDistributionConfiguration: {
          Name: amiName,
          Description: `${name} golden image`,
          KmsKeyId: i === 0 ? undefined : d.encryptionKey?.keyArn,
          TargetAccountIds: d.targetAccounts?.length ? d.targetAccounts : undefined,
          LaunchPermissionConfiguration: launchPermissionConfiguration && {
            UserIds: launchPermissionConfiguration.userIds,
            OrganizationArns: launchPermissionConfiguration.organizationArns,
            OrganizationalUnitArns: launchPermissionConfiguration.organizationalUnitArns,
          },
          AmiTags: amiTags,
        },
        ssmParameterConfigurations: [{ parameterName: this.amiParameterName, dataType: 'aws:ec2:image' }],
        launchTemplateConfigurations: d.launchTemplates?.map((lt) => ({
          launchTemplateId: lt.launchTemplateId, accountId: lt.accountId, setDefaultVersion: lt.setDefaultVersion ?? true,
        })),
      };
    });
  }

  private createLifecyclePolicy(retention: ImageRetention, name: string, props: GoldenImagePipelineProps): void {
    const details = retention._render(this);
    if (!retention.enabled) return;
    const role = new ManagedPolicyRole(this, 'LifecycleRole', {
      assumedBy: new iam.ServicePrincipal('imagebuilder.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `Retires old images of the ${name} golden image pipeline`,
    });
    const regions = [Aws.REGION, ...(props.additionalRegions ?? []).map((d) => d.region)];
    const images = regions.map((r) => `arn:${Aws.PARTITION}:ec2:${r}::image/*`);
    const snapshots = regions.map((r) => `arn:${Aws.PARTITION}:ec2:${r}::snapshot/*`);
    const createdByImageBuilder = { StringEquals: { 'aws:ResourceTag/CreatedBy': 'EC2 Image Builder' } };
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RetireImageBuilderAmis',
      actions: ['ec2:EnableImage', 'ec2:DisableImage', 'ec2:EnableImageDeprecation', 'ec2:DisableImageDeprecation',
        'ec2:DescribeImageAttribute', ...(retention.deletes ? ['ec2:DeregisterImage'] : [])],
      resources: images,
      conditions: createdByImageBuilder,
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'TagDeprecatedAmis',
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: [...images, ...snapshots],
      conditions: {
        'StringEquals': { 'aws:RequestTag/DeprecatedBy': 'EC2 Image Builder', 'aws:ResourceTag/CreatedBy': 'EC2 Image Builder' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': 'DeprecatedBy' },
      },
    }));
    const imageResources = `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:${Aws.ACCOUNT_ID}:image/${imageArnName(name)}/*`;
    if (retention.deletes) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'DeleteImageBuilderSnapshots',
        actions: ['ec2:DeleteSnapshot'],
        resources: snapshots,
        conditions: createdByImageBuilder,
      }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'DeletePipelineImages',
        actions: ['imagebuilder:DeleteImage'],
        resources: [imageResources],
      }));
    }
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindImagesByTag',
      actions: ['ec2:DescribeImages', 'tag:GetResources'],
      resources: ['*'],
    }));
    acknowledgeWildcardResources(role, ['*'], 'ec2:DescribeImages and tag:GetResources support no resource-level permissions '
      + '(Service Authorization Reference); both are read-only and used to find the images of this pipeline.');
    acknowledgeWildcardResources(role, [...images, ...snapshots], 'AMI and snapshot ids are created by each build and unknown at deploy; '
      + 'every statement is limited to the distribution regions and to resources tagged CreatedBy=EC2 Image Builder.');
    if (retention.deletes) {
      acknowledgeWildcardResources(role, [imageResources], 'Image versions are created by each build; deletion is limited to the '
        + 'images of this pipeline\'s recipe.');
    }
    const policy = new imagebuilder.CfnLifecyclePolicy(this, 'Lifecycle', {
      name,
      description: `Retires old images of the ${name} golden image pipeline`,
      executionRole: role.roleArn,
      resourceType: 'AMI_IMAGE',
      status: 'ENABLED',
      policyDetails: details,
      resourceSelection: { tagMap: { [PIPELINE_TAG]: name } },
    });
    policy.node.addDependency(role);
  }
}

/** `1.<28 bits>.<28 bits>` of the sha256 of the content: each part below Image Builder's 2^30 limit. */
function contentVersion(content: string): string {
  const hash = createHash('sha256').update(content).digest('hex');
  return `1.${parseInt(hash.slice(0, 7), 16)}.${parseInt(hash.slice(7, 14), 16)}`;
}

/**
 * The template check's bundled resource schemas predate the on-demand AMI scan (`ImageScanningTypes`)
 * and its gate (`ScanResultCondition`), which CloudFormation and aws-cdk-lib 2.276's generated L1 support.
 */
function acknowledgeScanSchema(resource: IConstruct, scanning: imagebuilder.CfnImagePipeline.ImageScanningConfigurationProperty): void {
  if (!scanning.imageScanningTypes && !scanning.scanResultCondition) return;
  Validations.of(resource).acknowledge({
    id: TEMPLATE_CHECK_UNKNOWN_PROPERTY,
    reason: 'ImageScanningConfiguration.ImageScanningTypes and .ScanResultCondition are documented properties of '
      + 'AWS::ImageBuilder::ImagePipeline and ::Image (CloudFormation Template Reference, ScanResultCondition) and typed in '
      + "aws-cdk-lib 2.276's L1; the template check's bundled schema predates them. They carry the CVE gate.",
  });
}

