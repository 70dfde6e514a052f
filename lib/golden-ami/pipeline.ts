import { Aws, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { TEMPLATE_CHECK_UNKNOWN_PROPERTY } from '../core/compliance-ids';
import { keyOrCreate } from '../core/encryption';
import { HardenedNode } from '../core/hardened-node';
import { grantTarget } from '../core/iam';
import { createSecureTopic } from '../core/notifications';
import { SecureVpc } from '../core/secure-vpc';
import { isKnown } from '../core/validation';
import { IImageSource, imageArnName } from './base-image';
import { createBuildLogs } from './build-logs';
import { grantBuildPermissions } from './build-role';
import { PIPELINE_TAG, amiParameterNameOf, renderDistributions } from './distribution';
import { GoldenImagePipelineProps, pipelineDefaults, validateGoldenImagePipelineProps } from './props';
import { PipelineMachineImage } from './hand-off';
import { baseImageOf, createRecipe } from './recipe';

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
  public readonly role: iam.IRole;
  /** Security group of the build and test instances. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Bucket of the build logs, if `s3Logs`. */
  public readonly logBucket?: s3.IBucket;
  /** Bucket of the server access logs of the log bucket, if `s3Logs`. */
  public readonly accessLogBucket?: s3.IBucket;
  /** Topic Image Builder notifies when an image is AVAILABLE or FAILED. */
  public readonly topic: sns.ITopic;
  /** Key of logs and notifications. */
  public readonly encryptionKey: kms.IKey;
  /** Customer-managed key of the AMIs' snapshots, if `ebsEncryptionKey` was given. */
  public readonly ebsEncryptionKey?: kms.IKey;
  /** The image built on deploy, if `buildOnDeploy`. */
  public readonly image?: imagebuilder.CfnImage;
  private readonly imageArnPrefix: string;

  constructor(scope: Construct, id: string, props: GoldenImagePipelineProps) {
    super(scope, id);
    validateGoldenImagePipelineProps(this, props);
    const name = props.name;
    const { schedule, vulnerabilityScan, imageRetention } = pipelineDefaults(props);

    // Network and build node: HardenedNode gives IMDSv2 settings, a no-ingress security group and
    // a role with only the Session Manager agent permissions; Image Builder launches the instances.
    const vpc = props.vpc ?? new SecureVpc(this, 'Vpc', { maxAzs: 1 }).vpc;
    const node = new HardenedNode(this, 'BuildNode', {
      vpc,
      instanceType: props.instanceType ?? baseImageOf(props)._defaultInstanceType(),
      securityGroup: props.securityGroup,
      role: props.role,
      ebsEncryptionKey: props.ebsEncryptionKey,
      rootVolumeSize: props.rootVolumeSize,
      rootDeviceName: props.rootDeviceName,
      httpPutResponseHopLimit: props.httpPutResponseHopLimit,
      userData: ec2.UserData.forLinux(), // unused: Image Builder owns the instances' user data
    });
    this.role = node.role;
    this.securityGroup = node.securityGroup;

    // Logs and notifications, encrypted with one customer-managed key.
    this.ebsEncryptionKey = props.ebsEncryptionKey;
    this.encryptionKey = keyOrCreate(this, 'Key', props.encryptionKey, { description: `Build logs and notifications of the ${name} image pipeline` });
    const buildLogs = createBuildLogs(this, name, this.encryptionKey, props.logRetention ?? logs.RetentionDays.ONE_YEAR, props.s3Logs ?? false);
    this.logBucket = buildLogs.logBucket;
    this.accessLogBucket = buildLogs.accessLogBucket;
    this.topic = createSecureTopic(this, 'Notifications', { displayName: `${name} image builds`.slice(0, 100), key: this.encryptionKey });

    // Components and recipe, versioned by content.
    const recipe = createRecipe(this, props, name);
    this.recipe = recipe.resource;
    this.recipeName = name;
    this.recipeVersion = recipe.version;

    // Build infrastructure: private subnet, IMDSv2, least-privilege profile, logs, notifications.
    grantBuildPermissions(grantTarget(this, 'RolePermissions', this.role), {
      name,
      ownComponentArns: recipe.components.filter((b) => !b.managedName).map((b) => b.arn),
      managedComponents: recipe.components.flatMap((b) => (b.managedName ? [b.managedName] : [])),
      imageLogs: buildLogs.imageLogs,
      logBucket: this.logBucket,
      encryptionKey: this.encryptionKey,
      enhancedImageMetadata: props.enhancedImageMetadata ?? false,
    });
    const profile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.role });
    const infrastructure = new imagebuilder.CfnInfrastructureConfiguration(this, 'Infrastructure', {
      name,
      description: `Build instances of the ${name} golden image`,
      instanceProfileName: profile.instanceProfileName,
      instanceTypes: [node.instanceType.toString()],
      subnetId: vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds[0],
      securityGroupIds: [this.securityGroup.securityGroupId],
      instanceMetadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: node.httpPutResponseHopLimit },
      logging: this.logBucket ? { s3Logs: { s3BucketName: this.logBucket.bucketName, s3KeyPrefix: `${name}/` } } : undefined,
      snsTopicArn: this.topic.topicArn,
      terminateInstanceOnFailure: true,
      resourceTags: { [PIPELINE_TAG]: name },
    });
    infrastructure.node.addDependency(this.role);

    this.amiParameterName = amiParameterNameOf(props, name);
    const distribution = new imagebuilder.CfnDistributionConfiguration(this, 'Distribution', {
      name,
      description: `Distribution of the ${name} golden image`,
      distributions: renderDistributions(props, name),
    });

    // Pipeline, and the image built on deploy: one build definition for both.
    const scanning = vulnerabilityScan._render();
    const build = {
      imageRecipeArn: this.recipe.attrArn,
      infrastructureConfigurationArn: infrastructure.attrArn,
      distributionConfigurationArn: distribution.attrArn,
      imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: props.testTimeout?.toMinutes() ?? 90 },
      imageScanningConfiguration: scanning,
      enhancedImageMetadataEnabled: props.enhancedImageMetadata ?? false,
    };
    this.pipeline = new imagebuilder.CfnImagePipeline(this, 'Resource', {
      name,
      description: props.description ?? `Golden image pipeline ${name}`,
      ...build,
      schedule: schedule._render(),
      status: props.enabled ?? true ? 'ENABLED' : 'DISABLED',
      imageTags: { [PIPELINE_TAG]: name },
      loggingConfiguration: { imageLogGroupName: buildLogs.imageLogs.logGroupName, pipelineLogGroupName: buildLogs.pipelineLogs.logGroupName },
    });
    this.pipeline.node.addDependency(buildLogs.imageLogs, buildLogs.pipelineLogs);
    acknowledgeScanSchema(this.pipeline, scanning);
    this.pipelineArn = this.pipeline.attrArn;
    this.imageArnPrefix = `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:${Aws.ACCOUNT_ID}:image/${imageArnName(name)}/`;

    imageRetention._bind(this, name, [Aws.REGION, ...(props.additionalRegions ?? []).map((d) => d.region)]);

    if (props.buildOnDeploy) {
      this.image = new imagebuilder.CfnImage(this, 'Image', {
        ...build,
        loggingConfiguration: { logGroupName: buildLogs.imageLogs.logGroupName },
        tags: { [PIPELINE_TAG]: name },
      });
      // The AMI must outlive the stack and a recipe change: never let CloudFormation delete the image.
      this.image.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.image.node.addDependency(this.role, buildLogs.imageLogs, this.topic, this.encryptionKey);
      acknowledgeScanSchema(this.image, scanning);
    }
  }

  /**
   * The latest AMI of the pipeline, read from its SSM parameter when an instance launches (a
   * `LaunchTimeImage` carrying the pipeline's `ebsEncryptionKey`): a later build replaces no
   * running instance by itself; roll instances onto it explicitly (`imageGenerations`,
   * `imageRevision`). The parameter exists only after the first build, so: launch from another
   * stack than the pipeline's (refused at synth otherwise), which is made to depend on the
   * pipeline's stack, and give the pipeline `buildOnDeploy: true` (or run it once before that
   * stack deploys).
   */
  public get machineImage(): ec2.IMachineImage {
    if (!isKnown(this.amiParameterName)) {
      throw new Error(`${this.node.path}: machineImage needs an amiParameterName known at synth, got a Token (from name or amiParameterName). `
        + 'CloudFormation reads an SSM parameter at deploy only by a literal name: use FleetImage.fromSsmParameter(pipeline.amiParameterName, '
        + '{ resolveAtLaunch: true }), or give the pipeline a literal amiParameterName.');
    }
    return new PipelineMachineImage(this, this.amiParameterName, this.ebsEncryptionKey);
  }

  /**
   * Id of the AMI built on deploy (requires `buildOnDeploy`). It is that one build's AMI: the
   * scheduled builds that follow never change it (only a recipe change, which builds again on
   * deploy, does). Launch from `machineImage` in another stack to follow the latest AMI.
   */
  public get imageId(): string {
    if (!this.image) throw new Error(`${this.node.path}: imageId needs buildOnDeploy: true. Use machineImage to read the latest AMI instead.`);
    return this.image.attrImageId;
  }

  /**
   * An EventBridge rule matching this pipeline's images that became AVAILABLE
   * (EC2 Image Builder User Guide, "Event messages that Image Builder sends").
   */
  public onBuildSucceeded(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.imageBuilderRule(id, `A ${this.recipeName} golden image is available`, {
      detailType: ['EC2 Image Builder Image State Change'],
      resources: events.Match.prefix(this.imageArnPrefix),
      detail: { state: { status: ['AVAILABLE'] } },
    }, options);
  }

  /** An EventBridge rule matching this pipeline's images that FAILED or were CANCELLED. */
  public onBuildFailed(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.imageBuilderRule(id, `A ${this.recipeName} golden image build failed`, {
      detailType: ['EC2 Image Builder Image State Change'],
      resources: events.Match.prefix(this.imageArnPrefix),
      detail: { state: { status: ['FAILED', 'CANCELLED'] } },
    }, options);
  }

  /**
   * An EventBridge rule matching a CVE scan of this pipeline's images that found at least one
   * CRITICAL, HIGH or MEDIUM finding (`finding-severity-counts.all` above 0), whether or not the
   * gate failed the image.
   */
  public onCveDetected(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.imageBuilderRule(id, `The CVE scan of a ${this.recipeName} golden image found vulnerabilities`, {
      detailType: ['EC2 Image Builder CVE Detected'],
      resources: events.Match.prefix(this.imageArnPrefix),
      detail: { 'finding-severity-counts': { all: events.Match.greaterThan(0) } },
    }, options);
  }

  /**
   * An EventBridge rule matching Image Builder disabling this pipeline after too many consecutive
   * failed scheduled builds (`schedule.autoDisableAfterFailures`). Scheduled builds stop until the
   * pipeline is enabled again.
   */
  public onPipelineAutoDisabled(id: string, options: events.OnEventOptions = {}): events.Rule {
    return this.imageBuilderRule(id, `The ${this.recipeName} golden image pipeline was disabled after consecutive failures`, {
      detailType: ['EC2 Image Builder Image Pipeline Automatically Disabled'],
      resources: [this.pipelineArn],
    }, options);
  }

  /** Allows a principal to start a build of this pipeline. */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['imagebuilder:StartImagePipelineExecution'], resourceArns: [this.pipelineArn] });
  }

  /** A rule in the style of aws-cdk-lib's `onEvent`: the user's options, then this pipeline's pattern. */
  private imageBuilderRule(id: string, description: string, pattern: events.EventPattern, options: events.OnEventOptions): events.Rule {
    const rule = new events.Rule(this, id, { ...options, description: options.description ?? description });
    rule.addEventPattern({ source: ['aws.imagebuilder'], ...pattern });
    if (options.target) rule.addTarget(options.target);
    return rule;
  }
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
