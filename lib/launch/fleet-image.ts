import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { LaunchTimeImage } from '../core/launch-time-image';
import { checkAmiId, checkRegion, invalid, isKnown } from '../core/validation';
import { IImageSource } from '../golden-ami/base-image';

/** One AMI id for one region, for {@link FleetImage.fromAmiIds}. */
export interface RegionalAmi {
  /** Region code, for example `eu-west-1`. */
  readonly region: string;
  /** AMI id in that region: `ami-` followed by 8 or 17 hex digits. */
  readonly amiId: string;
}

/** Options of {@link FleetImage.fromAmiIds}. */
export interface AmiIdsOptions {
  /**
   * Operating system of the image, which decides the user data format.
   * @default ec2.OperatingSystemType.LINUX
   */
  readonly os?: ec2.OperatingSystemType;
}

/** Options of {@link FleetImage.fromSsmParameter}. */
export interface SsmImageOptions {
  /**
   * Resolve the parameter each time an instance launches instead of at each deploy.
   *
   * - `false` (deploy): CloudFormation reads the parameter on every deploy; a new AMI replaces
   *   every standalone instance at once and rolls an Auto Scaling group on the next deploy
   *   (an `InstanceFleet` refuses this for more than one instance or kept data volumes).
   * - `true` (launch): Auto Scaling groups write `resolve:ssm:<name>` into the launch template,
   *   so every instance the group launches (scale-out, replacement) gets the AMI the parameter
   *   holds at that moment, and deploys never roll the group by themselves. Standalone instances
   *   use a `{{resolve:ssm:<name>}}` dynamic reference, read when CloudFormation creates them;
   *   running instances are never replaced because the parameter changed.
   * @default true
   */
  readonly resolveAtLaunch?: boolean;
  /**
   * Operating system of the image, which decides the user data format.
   * @default ec2.OperatingSystemType.LINUX
   */
  readonly os?: ec2.OperatingSystemType;
  /**
   * Customer-managed key that encrypts the image's snapshots. An `AutoScalingFleet` adds the key
   * policy statements that let the Auto Scaling service-linked role launch from the image.
   * @default - the image is unencrypted or uses the AWS-managed key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options of {@link FleetImage.fromMachineImage}. */
export interface MachineImageOptions {
  /**
   * For an image that CloudFormation reads from SSM on every deploy (`ec2.MachineImage.fromSsmParameter`,
   * `ec2.MachineImage.latestAmazonLinux2023()`, `GoldenImagePipeline.machineImage`), read the same
   * parameter when each instance launches instead (see {@link SsmImageOptions.resolveAtLaunch}).
   * Other images are used as given.
   * @default true
   */
  readonly resolveAtLaunch?: boolean;
  /**
   * Customer-managed key that encrypts the image's snapshots (see {@link SsmImageOptions.encryptionKey}).
   * @default - the image is unencrypted or uses the AWS-managed key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options of {@link FleetImage.latestAmazonLinux2023}. */
export interface LatestAmazonLinuxOptions {
  /**
   * Resolve at each launch instead of at each deploy (see {@link SsmImageOptions.resolveAtLaunch}).
   * @default true
   */
  readonly resolveAtLaunch?: boolean;
  /**
   * Processor architecture; must match the instance type.
   * @default ec2.AmazonLinuxCpuType.X86_64
   */
  readonly cpuType?: ec2.AmazonLinuxCpuType;
}

/** SSM parameter names: letters, digits and `_ . - /`; a hierarchy starts with `/` (SSM PutParameter). */
const SSM_NAME = /^(\/[a-zA-Z0-9_.-]+)+$|^[a-zA-Z0-9_.-]+$/;
/** The longest parameter name SSM accepts (the API counts up to 1,011 characters with the ARN prefix). */
const SSM_NAME_MAX = 1011;

/**
 * The image a fleet launches from: a literal AMI id per region, an SSM parameter read at deploy or
 * at launch, or any `ec2.IMachineImage` (for example the golden AMI pipeline's `machineImage`).
 */
export class FleetImage {
  /**
   * A literal AMI id per region (AMIs are regional). The stack's region must be in the list when
   * it is known at synth; a region-agnostic stack gets a CloudFormation mapping.
   */
  public static fromAmiIds(amis: RegionalAmi[], options: AmiIdsOptions = {}): FleetImage {
    const os = options.os ?? ec2.OperatingSystemType.LINUX;
    return new FleetImage({ source: 'amiIds', os }, (scope) => {
      validateAmis(scope, amis);
      const map: { [region: string]: string } = {};
      for (const a of amis) map[a.region] = a.amiId;
      const region = Stack.of(scope).region;
      if (!Token.isUnresolved(region) && map[region] === undefined) {
        invalid(scope, 'image (AMI ids)', Object.keys(map).join(', '), `a list that includes the stack's region ${region}`,
          'Copy the AMI to that region (`aws ec2 copy-image`) and add its id.');
      }
      const image = os === ec2.OperatingSystemType.WINDOWS ? ec2.MachineImage.genericWindows(map) : ec2.MachineImage.genericLinux(map);
      return { instances: image, launchTemplate: image };
    });
  }

  /**
   * The AMI id held by an SSM parameter (`String` with data type `aws:ec2:image`, as EC2 Image Builder
   * and the golden AMI pipeline write it), read at each launch (default) or at each deploy.
   */
  public static fromSsmParameter(parameterName: string, options: SsmImageOptions = {}): FleetImage {
    const os = options.os ?? ec2.OperatingSystemType.LINUX;
    const atLaunch = options.resolveAtLaunch ?? true;
    return new FleetImage({ source: 'ssm', atLaunch, os, key: options.encryptionKey }, (scope) => {
      validateParameterName(scope, parameterName);
      if (!atLaunch && !isKnown(parameterName)) {
        // The deploy-time read is a template parameter of type AWS::SSM::Parameter::Value<...> whose
        // default is the parameter name, and a template parameter default must be literal.
        invalid(scope, 'image (SSM parameter name)', '<token>', 'a name known at synth unless resolveAtLaunch is true',
          'CloudFormation reads an SSM parameter at deploy only by a literal name; with a name known only at deploy, '
          + 'leave resolveAtLaunch at its default (true), which reads it when instances launch.');
      }
      if (!atLaunch) {
        const image = ec2.MachineImage.fromSsmParameter(parameterName, { os });
        return { instances: image, launchTemplate: image };
      }
      // The template check rejects `resolve:ssm:` as an instance ImageId (E1152); a dynamic
      // reference is read when CloudFormation launches the instance, which is the same moment.
      const image = LaunchTimeImage.fromSsmParameter(parameterName, { os });
      return { instances: image, launchTemplate: image.forLaunchTemplate() };
    });
  }

  /**
   * The latest AMI of a golden image pipeline, read from its SSM parameter when each instance
   * launches, with the pipeline's EBS key (so an `AutoScalingFleet` can launch from it).
   */
  public static fromPipeline(pipeline: IImageSource): FleetImage {
    return FleetImage.fromMachineImage(pipeline.machineImage, { encryptionKey: pipeline.ebsEncryptionKey });
  }

  /**
   * The latest Amazon Linux 2023 from its public SSM parameter.
   */
  public static latestAmazonLinux2023(options: LatestAmazonLinuxOptions = {}): FleetImage {
    const arch = options.cpuType === ec2.AmazonLinuxCpuType.ARM_64 ? 'arm64' : 'x86_64';
    return FleetImage.fromSsmParameter(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`,
      { resolveAtLaunch: options.resolveAtLaunch });
  }

  /**
   * Any machine image. One that CloudFormation would read from SSM on every deploy (for example
   * `GoldenImagePipeline.machineImage`) is read at launch instead, unless `resolveAtLaunch` is false;
   * a `LaunchTimeImage` is read at launch; others are used as given.
   */
  public static fromMachineImage(image: ec2.IMachineImage, options: MachineImageOptions = {}): FleetImage {
    const key = options.encryptionKey ?? (image instanceof LaunchTimeImage ? image.encryptionKey : undefined);
    if (image instanceof LaunchTimeImage) {
      return new FleetImage({ source: 'ssm', atLaunch: true, os: image.os, key }, () => ({ instances: image, launchTemplate: image.forLaunchTemplate() }));
    }
    const parameter = deployTimeParameterOf(image);
    if (parameter) {
      return FleetImage.fromSsmParameter(parameter.name, { resolveAtLaunch: options.resolveAtLaunch ?? true, os: parameter.os, encryptionKey: key });
    }
    return new FleetImage({ source: 'machineImage', key }, () => ({ instances: image, launchTemplate: image }));
  }

  /** Whether each launch reads the latest AMI (true) or each deploy does (false). */
  public readonly resolvesAtLaunch: boolean;
  /** Where the image comes from: `amiIds`, `ssm` or `machineImage`. */
  public readonly source: string;
  /** Customer-managed key of the image's snapshots, when known. */
  public readonly encryptionKey?: kms.IKey;
  private readonly bindFn: (scope: IConstruct) => BoundImages;
  private readonly os?: ec2.OperatingSystemType;

  private constructor(how: ImageSpec, bind: (scope: IConstruct) => BoundImages) {
    this.source = how.source;
    this.resolvesAtLaunch = how.atLaunch ?? false;
    this.os = how.os;
    this.encryptionKey = how.key;
    this.bindFn = bind;
  }

  /**
   * True when CloudFormation reads the AMI on every deploy, so a new AMI replaces every standalone
   * instance in one deploy.
   * @internal
   */
  public get _resolvesAtDeploy(): boolean {
    return this.source === 'ssm' && !this.resolvesAtLaunch;
  }

  /**
   * Empty user data in the format of the image's operating system. Known without rendering the
   * image, which for a mapping-based image would leave an unused mapping (template check W7001).
   * @internal
   */
  public _defaultUserData(scope: IConstruct, image: ec2.IMachineImage): ec2.UserData {
    if (this.os === undefined) return image.getImage(scope).userData;
    return this.os === ec2.OperatingSystemType.WINDOWS ? ec2.UserData.forWindows() : ec2.UserData.forLinux();
  }

  /**
   * The machine image for standalone instances, validated against the scope.
   * @internal
   */
  public _forInstances(scope: IConstruct): ec2.IMachineImage {
    return this.bindFn(scope).instances;
  }

  /**
   * The machine image for launch templates, validated against the scope.
   * @internal
   */
  public _forLaunchTemplate(scope: IConstruct): ec2.IMachineImage {
    return this.bindFn(scope).launchTemplate;
  }
}

interface BoundImages {
  readonly instances: ec2.IMachineImage;
  readonly launchTemplate: ec2.IMachineImage;
}

interface ImageSpec {
  readonly source: string;
  readonly atLaunch?: boolean;
  readonly os?: ec2.OperatingSystemType;
  readonly key?: kms.IKey;
}

/**
 * The SSM parameter of an aws-cdk-lib image that CloudFormation reads on every deploy
 * (`MachineImage.fromSsmParameter`, `latestAmazonLinux*()`), read from the classes' public
 * `parameterName` or their props; images cached in context or resolved at launch are not.
 */
function deployTimeParameterOf(image: ec2.IMachineImage): { name: string; os: ec2.OperatingSystemType } | undefined {
  if (image instanceof ec2.ResolveSsmParameterAtLaunchImage) return undefined;
  const fields = image as unknown as {
    parameterName?: unknown;
    os?: ec2.OperatingSystemType;
    props?: { parameterName?: unknown; cachedInContext?: boolean; os?: ec2.OperatingSystemType };
  };
  if (fields.props?.cachedInContext) return undefined;
  if (image instanceof ec2.AmazonLinuxImageSsmParameterBase && typeof fields.props?.parameterName === 'string') {
    return { name: fields.props.parameterName, os: ec2.OperatingSystemType.LINUX };
  }
  if (typeof fields.parameterName === 'string') {
    return { name: fields.parameterName, os: fields.props?.os ?? fields.os ?? ec2.OperatingSystemType.LINUX };
  }
  return undefined;
}

function validateAmis(scope: IConstruct, amis: RegionalAmi[]): void {
  if (amis.length === 0) {
    invalid(scope, 'image (AMI ids)', '[]', 'a list of at least one { region, amiId }', 'Give the AMI id of each region you deploy to.');
  }
  const seen = new Set<string>();
  amis.forEach((a, i) => {
    checkRegion(scope, `image.amis[${i}].region`, a.region);
    checkAmiId(scope, `image.amis[${i}].amiId`, a.amiId);
    if (!isKnown(a.region)) {
      invalid(scope, `image.amis[${i}].region`, a.region, 'a region code known at synth (a mapping key)', 'Write the region literally.');
    }
    if (seen.has(a.region)) {
      invalid(scope, `image.amis[${i}].region`, a.region, 'listed once', 'Give one AMI id per region.');
    }
    seen.add(a.region);
  });
}

function validateParameterName(scope: IConstruct, name: string): void {
  if (!isKnown(name)) return;
  if (name.length > SSM_NAME_MAX || !SSM_NAME.test(name)) {
    invalid(scope, 'image (SSM parameter name)', name,
      `letters, digits and _ . - / with at most ${SSM_NAME_MAX} characters, a hierarchy starting with '/'`,
      'Use the parameter name, not its ARN, for example /imagebuilder/web/ami-id.');
  }
}
