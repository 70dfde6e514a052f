import { Aws, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { checkAmiId, checkPattern, invalid, isKnown } from '../core/validation';

/**
 * The recipe name as Image Builder writes it in image ARNs (lowercase). A name known only at deploy
 * (a Token) cannot be lowercased at synth and is used as is: lowercasing its text would break the Token.
 * Not part of the public index.
 */
export function imageArnName(recipeName: string): string {
  return Token.isUnresolved(recipeName) ? recipeName : recipeName.toLowerCase();
}

/** CPU architecture of an Amazon Linux base image. */
export class ImageArchitecture {
  /** 64-bit x86 (Intel, AMD). */
  public static readonly X86_64 = new ImageArchitecture('x86_64', ec2.InstanceArchitecture.X86_64);
  /** 64-bit Arm (Graviton). */
  public static readonly ARM_64 = new ImageArchitecture('arm64', ec2.InstanceArchitecture.ARM_64);
  private constructor(
    /** Name used in AMI parameter names. */ public readonly name: string,
    /** The matching instance architecture. @internal */ public readonly _instanceArchitecture: ec2.InstanceArchitecture,
  ) {}
}

/** Something that produces images a recipe can start from (another golden image pipeline). */
export interface IImageSource {
  /** Name of the recipe whose output images are used (Image Builder image ARNs are keyed by recipe name). */
  readonly recipeName: string;
  /** Name of the SSM parameter that holds the id of the latest AMI. */
  readonly amiParameterName: string;
  /**
   * Customer-managed key that encrypts the AMIs' snapshots, which whoever launches from them needs
   * (an Auto Scaling group's service-linked role in particular).
   * @default - the AMIs use the AWS-managed `aws/ebs` key
   */
  readonly ebsEncryptionKey?: kms.IKey;
  /** The latest AMI, read when an instance launches, for a launch pattern. */
  readonly machineImage: ec2.IMachineImage;
}

/**
 * The image a recipe starts from. The default, Amazon Linux 2023 through its public SSM
 * parameter, is always the latest release, so a scheduled rebuild picks up new base AMIs.
 */
export class BaseImage {
  /** The latest Amazon Linux 2023 (kernel-default) AMI, read by Image Builder from its public SSM parameter. */
  public static amazonLinux2023(architecture: ImageArchitecture = ImageArchitecture.X86_64): BaseImage {
    // The AL2023 kernel-default AMIs have an 8 GiB root snapshot (aws ec2 describe-images).
    return BaseImage.ssm(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture.name}`, architecture, 8);
  }

  /**
   * The AMI whose id is in an SSM parameter Image Builder can read: a public one (`/aws/service/...`)
   * or yours under `/imagebuilder/` (the only parameters the Image Builder service-linked role may read).
   */
  public static fromSsmParameter(parameterName: string): BaseImage {
    return BaseImage.ssm(parameterName, architectureIn(parameterName), undefined);
  }

  /** A fixed AMI id in the pipeline's region. */
  public static fromAmiId(amiId: string): BaseImage {
    return new BaseImage(amiId, (scope) => checkAmiId(scope, 'baseImage (AMI id)', amiId));
  }

  /** The latest image produced by another golden image pipeline in the same account and region. */
  public static fromPipeline(pipeline: IImageSource): BaseImage {
    return new BaseImage(
      `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:${Aws.ACCOUNT_ID}:image/${imageArnName(pipeline.recipeName)}/x.x.x`,
      () => undefined);
  }

  /** An Image Builder image ARN, for example an AWS-managed image such as `.../aws:image/amazon-linux-2023-x86/x.x.x`. */
  public static fromImageArn(arn: string): BaseImage {
    return new BaseImage(arn, (scope) => checkPattern(scope, 'baseImage (image ARN)', arn,
      /^arn:aws[^:]*:imagebuilder:[^:]+:(\d{12}|aws):image\/[a-z0-9-_]+\/(x|\d+)\.(x|\d+)\.(x|\d+)(\/\d+)?$/,
      "an Image Builder image ARN such as 'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x'"), architectureIn(arn));
  }

  private static ssm(parameterName: string, architecture: ImageArchitecture | undefined, minimumRootGiB: number | undefined): BaseImage {
    return new BaseImage(`ssm:${parameterName}`, (scope) => {
      checkPattern(scope, 'baseImage (SSM parameter name)', parameterName, /^\/[a-zA-Z0-9_.\-/]{1,1010}$/,
        "an SSM parameter name starting with '/' (letters, digits, _ . - /)");
      checkPattern(scope, 'baseImage (SSM parameter name)', parameterName, /^\/(aws\/service|imagebuilder)\//,
        "a parameter Image Builder can read: public ones under '/aws/service/' or yours under '/imagebuilder/'",
        'The Image Builder service-linked role reads parent image parameters only there; copy the AMI id to /imagebuilder/<name>.');
    }, architecture, minimumRootGiB);
  }

  private constructor(
    /** The value of the recipe's ParentImage. */
    public readonly parentImage: string,
    private readonly check: (scope: IConstruct) => void,
    /** CPU architecture of the image, when its name tells. */
    public readonly architecture?: ImageArchitecture,
    /** Size of the image's root snapshot, when known: the recipe's root volume cannot be smaller. */
    private readonly minimumRootGiB?: number,
  ) {}

  /** Validates the base image, and the recipe's root volume and build instance type against it. @internal */
  public _validate(scope: IConstruct, rootVolumeGiB: number | undefined, instanceType: ec2.InstanceType | undefined): void {
    this.check(scope);
    if (this.minimumRootGiB !== undefined && rootVolumeGiB !== undefined && isKnown(rootVolumeGiB) && rootVolumeGiB < this.minimumRootGiB) {
      invalid(scope, 'rootVolumeSize', `${rootVolumeGiB} GiB`, `at least ${this.minimumRootGiB} GiB, the size of the base image's root snapshot`,
        'EC2 refuses a block device smaller than the snapshot it is created from.');
    }
    const type = instanceType?.toString();
    const typeArchitecture = this.architecture && type && isKnown(type) ? architectureOf(instanceType!) : undefined;
    if (this.architecture && typeArchitecture && typeArchitecture !== this.architecture._instanceArchitecture) {
      invalid(scope, 'instanceType', type, `an ${this.architecture.name} instance type for an ${this.architecture.name} base image`,
        this.architecture === ImageArchitecture.ARM_64 ? "Use a Graviton type such as 't4g.medium' or 'c7g.large', or leave instanceType out."
          : "Use an x86_64 type such as 't3.medium', or leave instanceType out.");
    }
  }

  /** The build instance type when none is given: Graviton for an Arm image. @internal */
  public _defaultInstanceType(): ec2.InstanceType {
    return new ec2.InstanceType(this.architecture === ImageArchitecture.ARM_64 ? 't4g.medium' : 't3.medium');
  }
}

/** The architecture an SSM parameter name or image ARN spells out (`arm64`, `aarch64`, `x86_64`, `-x86`). */
function architectureIn(name: string): ImageArchitecture | undefined {
  if (!isKnown(name)) return undefined;
  if (/(arm64|aarch64)/i.test(name)) return ImageArchitecture.ARM_64;
  if (/(x86_64|amd64|-x86\b)/i.test(name)) return ImageArchitecture.X86_64;
  return undefined;
}

/** aws-cdk-lib's reading of an instance type's architecture; undefined for names it cannot parse (`u-6tb1.112xlarge`). */
function architectureOf(instanceType: ec2.InstanceType): ec2.InstanceArchitecture | undefined {
  try {
    return instanceType.architecture;
  } catch {
    return undefined;
  }
}
