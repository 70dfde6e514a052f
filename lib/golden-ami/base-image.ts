import { Aws, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { checkAmiId, checkPattern } from '../core/validation';

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
  public static readonly X86_64 = new ImageArchitecture('x86_64');
  /** 64-bit Arm (Graviton). */
  public static readonly ARM_64 = new ImageArchitecture('arm64');
  private constructor(/** Name used in AMI parameter names. */ public readonly name: string) {}
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
}

/**
 * The image a recipe starts from. The default, Amazon Linux 2023 through its public SSM
 * parameter, is always the latest release, so a scheduled rebuild picks up new base AMIs.
 */
export class BaseImage {
  /** The latest Amazon Linux 2023 (kernel-default) AMI, read by Image Builder from its public SSM parameter. */
  public static amazonLinux2023(architecture: ImageArchitecture = ImageArchitecture.X86_64): BaseImage {
    return BaseImage.fromSsmParameter(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture.name}`);
  }

  /** The AMI whose id is in an SSM parameter (public `/aws/service/...` or yours under `/imagebuilder/`). */
  public static fromSsmParameter(parameterName: string): BaseImage {
    return new BaseImage(`ssm:${parameterName}`, (scope) => checkPattern(scope, 'baseImage (SSM parameter name)', parameterName,
      /^\/[a-zA-Z0-9_.\-/]{1,1010}$/, "an SSM parameter name starting with '/' (letters, digits, _ . - /)",
      'Image Builder can read public parameters (/aws/service/...) and yours under /imagebuilder/.'));
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
      "an Image Builder image ARN such as 'arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x'"));
  }

  private constructor(
    /** The value of the recipe's ParentImage. */
    public readonly parentImage: string,
    private readonly check: (scope: IConstruct) => void,
  ) {}

  /** Validates the base image in the context of a construct. @internal */
  public _validate(scope: IConstruct): void {
    this.check(scope);
  }
}
