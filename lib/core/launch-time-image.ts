import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Options of {@link LaunchTimeImage.latestAmazonLinux2023}. */
export interface LaunchTimeAmazonLinuxOptions {
  /**
   * Processor architecture; must match the instance type.
   * @default ec2.AmazonLinuxCpuType.X86_64
   */
  readonly cpuType?: ec2.AmazonLinuxCpuType;
}

/** Options of {@link LaunchTimeImage.fromSsmParameter}. */
export interface LaunchTimeImageOptions {
  /**
   * Operating system of the image, which decides the user data format.
   * @default ec2.OperatingSystemType.LINUX
   */
  readonly os?: ec2.OperatingSystemType;
}

/**
 * An image whose AMI id an SSM parameter holds, read when an instance launches rather than on
 * every deploy, so that a new AMI in the parameter never replaces running instances by itself.
 *
 * - Standalone instances (`AWS::EC2::Instance`) get a `{{resolve:ssm:<name>}}` dynamic reference.
 *   CloudFormation resolves it when it creates the instance and does not read it again on later
 *   updates while the reference text stays the same (CloudFormation User Guide, "Get a plaintext
 *   value from Systems Manager Parameter Store"; AWS Knowledge Center
 *   "cloudformation-stack-update-secrets").
 * - Launch templates (through `HardenedNode.createLaunchTemplate`) get `resolve:ssm:<name>`, which
 *   EC2 reads at every launch (EC2 User Guide, "Use a Systems Manager parameter instead of an AMI ID").
 *
 * By contrast `ec2.MachineImage.latestAmazonLinux2023()` and `fromSsmParameter` are template
 * parameters of type `AWS::SSM::Parameter::Value<...>`, read on every deploy: the first deploy
 * after an AMI release replaces every instance at once.
 */
export class LaunchTimeImage implements ec2.IMachineImage {
  /** The latest Amazon Linux 2023 (kernel-default), from its public SSM parameter. */
  public static latestAmazonLinux2023(options: LaunchTimeAmazonLinuxOptions = {}): LaunchTimeImage {
    const arch = options.cpuType === ec2.AmazonLinuxCpuType.ARM_64 ? 'arm64' : 'x86_64';
    return new LaunchTimeImage(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`, undefined, '/dev/xvda');
  }

  /**
   * The current Ubuntu 24.04 LTS server image (gp3 root volume at `/dev/sda1`), from Canonical's
   * public SSM parameter (Ubuntu on AWS documentation, "Find Ubuntu images on AWS": `/aws/service/canonical/...`).
   */
  public static ubuntu2404(options: LaunchTimeAmazonLinuxOptions = {}): LaunchTimeImage {
    const arch = options.cpuType === ec2.AmazonLinuxCpuType.ARM_64 ? 'arm64' : 'amd64';
    return new LaunchTimeImage(`/aws/service/canonical/ubuntu/server/24.04/stable/current/${arch}/hvm/ebs-gp3/ami-id`, undefined, '/dev/sda1');
  }

  /** The AMI whose id the named SSM parameter holds (a public `/aws/service/...` parameter or yours). */
  public static fromSsmParameter(parameterName: string, options: LaunchTimeImageOptions = {}): LaunchTimeImage {
    return new LaunchTimeImage(parameterName, options.os);
  }

  /** Name of the SSM parameter that holds the AMI id. */
  public readonly parameterName: string;
  /** Operating system of the image. */
  public readonly os: ec2.OperatingSystemType;
  /** Device name of the image's root volume, where the library knows it. */
  public readonly rootDeviceName?: string;
  /** Customer-managed key of the AMI's snapshots, where the library knows it (a golden AMI pipeline's). */
  public readonly encryptionKey?: kms.IKey;

  protected constructor(parameterName: string, os?: ec2.OperatingSystemType, rootDeviceName?: string, encryptionKey?: kms.IKey) {
    this.parameterName = parameterName;
    this.os = os ?? ec2.OperatingSystemType.LINUX;
    this.rootDeviceName = rootDeviceName;
    this.encryptionKey = encryptionKey;
  }

  /** The dynamic reference, for standalone instances. */
  public getImage(_scope: Construct): ec2.MachineImageConfig {
    return {
      imageId: `{{resolve:ssm:${this.parameterName}}}`,
      osType: this.os,
      userData: this.os === ec2.OperatingSystemType.WINDOWS ? ec2.UserData.forWindows() : ec2.UserData.forLinux(),
    };
  }

  /** The same parameter in the form EC2 reads at every launch from a launch template. */
  public forLaunchTemplate(): ec2.IMachineImage {
    return ec2.MachineImage.resolveSsmParameterAtLaunch(this.parameterName, { os: this.os });
  }
}
