import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** Canonical's public SSM parameter of the current Ubuntu 24.04 LTS image (gp3 root). */
export const UBUNTU_2404_PARAMETER = '/aws/service/canonical/ubuntu/server/24.04/stable/current/{arch}/hvm/ebs-gp3/ami-id';
/** AWS's public SSM parameter of the current Amazon Linux 2023 image. */
export const AL2023_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}';

/**
 * An image read from a public SSM parameter when CloudFormation creates the instance, through a
 * `{{resolve:ssm:<name>}}` dynamic reference. CloudFormation does not read the reference again on
 * later stack updates unless its text changes (CloudFormation User Guide, "Get a plaintext value
 * from Systems Manager Parameter Store"), so an upstream AMI release never replaces a node;
 * `ec2.MachineImage.fromSsmParameter` would (a template parameter, read on every deploy).
 */
export class LaunchTimeImage implements ec2.IMachineImage {
  /** Ubuntu 24.04 LTS for the GFS2 mode (Amazon Linux 2023 ships no gfs2-utils). */
  public static ubuntu2404(arm: boolean): LaunchTimeImage {
    return new LaunchTimeImage(UBUNTU_2404_PARAMETER.replace('{arch}', arm ? 'arm64' : 'amd64'), '/dev/sda1');
  }

  /** Amazon Linux 2023 for the raw block mode (it supports NVMe reservations). */
  public static amazonLinux2023(arm: boolean): LaunchTimeImage {
    return new LaunchTimeImage(AL2023_PARAMETER.replace('{arch}', arm ? 'arm64' : 'x86_64'), '/dev/xvda');
  }

  private constructor(public readonly parameterName: string, public readonly rootDeviceName: string) {}

  public getImage(): ec2.MachineImageConfig {
    return {
      imageId: `{{resolve:ssm:${this.parameterName}}}`,
      osType: ec2.OperatingSystemType.LINUX,
      userData: ec2.UserData.forLinux(),
    };
  }
}
