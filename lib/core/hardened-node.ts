import { Aws, CfnResource, Size, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { INSTANCE_IN_VPC_RULES, acknowledgeRules } from './compliance-ids';
import { grantTarget } from './iam';
import { LaunchTimeImage } from './launch-time-image';
import { ManagedPolicyRole } from './managed-policy-role';
import { checkExclusive, checkPattern, checkRange, invalid, isKnown } from './validation';

/**
 * The instance settings every pattern that runs EC2 shares. Patterns extend this interface
 * for their own props, so the same names mean the same thing everywhere.
 */
export interface HardenedNodeOptions {
  /**
   * Instance type.
   * @default - t3.small
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Image to launch. An image read at deploy (`ec2.MachineImage.latestAmazonLinux2023()`,
   * `fromSsmParameter`) replaces every instance on the first deploy after a new AMI; a
   * `LaunchTimeImage` is read only when an instance launches.
   * @default - `LaunchTimeImage.latestAmazonLinux2023()` for the architecture of `instanceType`:
   *   the latest Amazon Linux 2023 when each instance launches; later releases never replace running instances
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Role of the instances. A role you bring keeps its own permissions: it needs what Session
   * Manager needs (see `HardenedNode.grantSessionManager`) for shell access. What a pattern grants
   * to the instances goes to a customer-managed policy attached to it; a role imported as immutable
   * (or from another account) gets nothing attached, and synthesis fails with a warning per
   * statement you must attach yourself (acknowledge it once you have).
   * @default - a role with only the Session Manager and Run Command permissions
   */
  readonly role?: iam.IRole;
  /**
   * Instance profile of the instances, instead of `role`, for an organization that manages
   * profiles itself. It must carry its role (`iam.InstanceProfile` does; import one with
   * `InstanceProfile.fromInstanceProfileAttributes({ instanceProfileArn, role })`), because the
   * patterns grant their permissions to that role. Used as given.
   * @default - a profile for `role`
   */
  readonly instanceProfile?: iam.IInstanceProfile;
  /**
   * Security group of the instances. One you bring is used as given.
   * @default - a group with no ingress and all egress
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /**
   * Customer-managed key for the EBS volumes.
   * @default - the AWS-managed `aws/ebs` key
   */
  readonly ebsEncryptionKey?: kms.IKey;
  /**
   * Size of the encrypted root volume.
   * @default Size.gibibytes(20)
   */
  readonly rootVolumeSize?: Size;
  /**
   * Device name of the root volume of the image, so the encrypted gp3 settings replace the
   * image's root volume instead of adding a second disk. Amazon Linux uses `/dev/xvda`;
   * Ubuntu, Debian, RHEL and Windows use `/dev/sda1`.
   * @default '/dev/xvda'
   */
  readonly rootDeviceName?: string;
  /**
   * Hop limit of instance metadata (IMDSv2 is always required). 1 keeps the credentials on the
   * host; use 2 where containers on the instance need the instance's role.
   * @default 1
   */
  readonly httpPutResponseHopLimit?: number;
  /**
   * One-minute CloudWatch metrics (detailed monitoring).
   * @default true
   */
  readonly detailedMonitoring?: boolean;
  /**
   * Key pair for SSH. Prefer Session Manager; with a key pair you still have to open port 22 yourself.
   * @default - no key pair: shell access is through Session Manager only
   */
  readonly keyPair?: ec2.IKeyPair;
  /**
   * User data run at first boot.
   * @default - none beyond what the pattern adds
   */
  readonly userData?: ec2.UserData;
}

/** Properties of a {@link HardenedNode}. */
export interface HardenedNodeProps extends HardenedNodeOptions {
  /** VPC the nodes run in. */
  readonly vpc: ec2.IVpc;
}

/** Options for one instance made by {@link HardenedNode.createInstance}. */
export interface HardenedInstanceOptions {
  /**
   * Where the instance goes.
   * @default - the private subnets of the VPC
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Termination protection. On by default because a standalone instance may hold data; turn it
   * off (and deploy) before `cdk destroy`.
   * @default true
   */
  readonly disableApiTermination?: boolean;
  /**
   * Extra block devices besides the root volume; every one must be encrypted.
   * @default - none
   */
  readonly extraBlockDevices?: ec2.BlockDevice[];
  /**
   * User data for this instance.
   * @default - the node's user data
   */
  readonly userData?: ec2.UserData;
  /**
   * Name tag.
   * @default - the construct path
   */
  readonly instanceName?: string;
}

/** Options for a launch template made by {@link HardenedNode.createLaunchTemplate}. */
export interface HardenedLaunchTemplateOptions {
  /**
   * User data for instances of the template.
   * @default - the node's user data
   */
  readonly userData?: ec2.UserData;
  /**
   * Extra block devices besides the root volume; every one must be encrypted.
   * @default - none
   */
  readonly extraBlockDevices?: ec2.BlockDevice[];
}

/**
 * The shared hardened-node layer: IMDSv2 required, encrypted gp3 root volume, detailed
 * monitoring, Session Manager instead of SSH, a least-privilege role whose permissions are a
 * customer-managed policy, and a security group with no ingress. Launch, cluster and failover
 * patterns make their instances and launch templates through it.
 */
export class HardenedNode extends Construct implements iam.IGrantable {
  /** Grants the Session Manager and Run Command agent permissions to a principal. */
  public static grantSessionManager(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SsmAgentRegistration',
      actions: ['ssm:UpdateInstanceInformation', 'ssm:ListInstanceAssociations', 'ssm:UpdateInstanceAssociationStatus'],
      resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`],
    }));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SsmAgentChannels',
      actions: [
        'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
        'ec2messages:AcknowledgeMessage', 'ec2messages:DeleteMessage', 'ec2messages:FailMessage',
        'ec2messages:GetEndpoint', 'ec2messages:GetMessages', 'ec2messages:SendReply',
      ],
      resources: ['*'],
    }));
  }

  public readonly role: iam.IRole;
  /**
   * Where grants to the instances land: the role's own customer-managed policy, or one attached to
   * a role you bring (never an inline policy, never a silently dropped statement).
   */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The instance profile given by the user, if any (otherwise instances get a profile for `role`). */
  public readonly instanceProfile?: iam.IInstanceProfile;
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly instanceType: ec2.InstanceType;
  public readonly machineImage: ec2.IMachineImage;
  /** User data given by the user or the pattern; when absent, instances get the image's default. */
  public readonly userData?: ec2.UserData;
  public readonly vpc: ec2.IVpc;
  /** Hop limit applied to IMDSv2. */
  public readonly httpPutResponseHopLimit: number;
  private readonly props: HardenedNodeProps;

  constructor(scope: Construct, id: string, props: HardenedNodeProps) {
    super(scope, id);
    checkRange(this, {
      property: 'httpPutResponseHopLimit', value: props.httpPutResponseHopLimit, min: 1, max: 64,
      fix: 'Use 1 for hosts and 2 where containers need instance credentials.',
    });
    checkRange(this, {
      property: 'rootVolumeSize', value: props.rootVolumeSize?.toGibibytes(), min: 1, max: 65536, unit: 'GiB',
      fix: 'gp3 volumes are 1-65,536 GiB and the root volume must be at least the size of the image snapshot.',
    });
    checkPattern(this, 'rootDeviceName', props.rootDeviceName, /^\/dev\/(xvd[a-z]|sd[a-z]1?)$/,
      "a device name such as '/dev/xvda' or '/dev/sda1'");

    this.props = props;
    this.vpc = props.vpc;
    this.httpPutResponseHopLimit = props.httpPutResponseHopLimit ?? 1;
    this.instanceType = props.instanceType ?? new ec2.InstanceType('t3.small');
    this.machineImage = props.machineImage ?? LaunchTimeImage.latestAmazonLinux2023({ cpuType: cpuTypeOf(this.instanceType) });
    // Not `machineImage.getImage(this).userData`: resolving the image here, outside the instance,
    // leaves an unused region mapping for genericLinux images (template check W7001).
    this.userData = props.userData;
    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Nodes of ${this.node.path}: no ingress unless a pattern or you add it`,
      allowAllOutbound: true,
    });

    checkExclusive(this, 'role', props.role, 'instanceProfile', props.instanceProfile);
    this.instanceProfile = props.instanceProfile;
    if (props.instanceProfile) {
      if (!props.instanceProfile.role) {
        invalid(this, 'instanceProfile', props.instanceProfile.node.path, 'an instance profile that carries its role',
          'Import it with iam.InstanceProfile.fromInstanceProfileAttributes({ instanceProfileArn, role }) so the pattern can grant to the role.');
      }
      this.role = props.instanceProfile.role!;
    } else if (props.role) {
      this.role = props.role;
    } else {
      const role = new ManagedPolicyRole(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: `Instance role of ${this.node.path}`,
      });
      HardenedNode.grantSessionManager(role);
      this.role = role;
      Validations.of(role).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'ssmmessages:* channel and ec2messages:* actions used by the SSM agent support no resource-level '
            + 'permissions (Service Authorization Reference); they are listed one by one, no action wildcards.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
          reason: 'The SSM agent registers the instance it runs on; the instance ids do not exist when the role is '
            + 'created (the role is an input of the instance), so the ARN is bounded to instances of this account and region.',
        },
      );
    }
    this.grantPrincipal = grantTarget(this, 'RolePermissions', this.role).grantPrincipal;
  }

  /** The encrypted root volume and any extra devices. */
  public blockDevices(extra: ec2.BlockDevice[] = []): ec2.BlockDevice[] {
    return [
      {
        deviceName: this.props.rootDeviceName ?? '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs((this.props.rootVolumeSize ?? Size.gibibytes(20)).toGibibytes(), {
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          encrypted: true,
          kmsKey: this.props.ebsEncryptionKey,
          deleteOnTermination: true,
        }),
      },
      ...extra,
    ];
  }

  /** Makes one instance with the hardened settings in the given scope. */
  public createInstance(scope: Construct, id: string, options: HardenedInstanceOptions = {}): ec2.Instance {
    const instance = new ec2.Instance(scope, id, {
      ...this.settings(options.userData, options.extraBlockDevices),
      vpc: this.vpc,
      vpcSubnets: options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      // An explicit primary network interface without a public IP, whatever the subnet's
      // MapPublicIpOnLaunch (Control Tower CT.EC2.PR.8: "Require that an Amazon EC2 instance ... not
      // have a public IP address"). Elastic IPs still associate with the interface's private address.
      associatePublicIpAddress: false,
      machineImage: this.machineImage,
      httpTokens: ec2.HttpTokens.REQUIRED,
      disableApiTermination: options.disableApiTermination ?? true,
      instanceName: options.instanceName,
      propagateTagsToVolumeOnCreation: true,
    });
    this.setDeployTimeHopLimit(instance.node.defaultChild as ec2.CfnInstance, 'MetadataOptions');
    acknowledgeRules(instance.node.defaultChild!, INSTANCE_IN_VPC_RULES, 'The instance is in the VPC: its subnet is the SubnetId '
      + 'of its primary network interface (NetworkInterfaces[0]), which CloudFormation requires instead of a root SubnetId '
      + 'when interfaces are given; cdk-nag 3.0.2 EC2InstancesInVPC reads only the root SubnetId. Control Tower CT.EC2.PR.8 '
      + 'needs the explicit interface without a public IP.');
    return instance;
  }

  /** What instances and launch templates share (the IMDSv2 token setting differs only in its enum type). */
  private settings(userData: ec2.UserData | undefined, extraBlockDevices: ec2.BlockDevice[] | undefined) {
    return {
      instanceType: this.instanceType,
      role: this.instanceProfile ? undefined : this.role,
      instanceProfile: this.instanceProfile,
      securityGroup: this.securityGroup,
      userData: userData ?? this.userData,
      keyPair: this.props.keyPair,
      blockDevices: this.blockDevices(extraBlockDevices),
      httpEndpoint: true,
      httpPutResponseHopLimit: this.knownHopLimit,
      detailedMonitoring: this.props.detailedMonitoring ?? true,
    };
  }

  /** The hop limit for the L2s, which range-check it without a Token guard (aws-cdk-lib 2.276). */
  private get knownHopLimit(): number | undefined {
    return isKnown(this.httpPutResponseHopLimit) ? this.httpPutResponseHopLimit : undefined;
  }

  /** Writes a deploy-time (Token) hop limit on the L1 the L2 rendered without it. */
  private setDeployTimeHopLimit(resource: CfnResource, metadataOptionsPath: string): void {
    if (!isKnown(this.httpPutResponseHopLimit)) {
      resource.addPropertyOverride(`${metadataOptionsPath}.HttpPutResponseHopLimit`, this.httpPutResponseHopLimit);
    }
  }

  /** Makes a launch template with the hardened settings (for Auto Scaling groups). */
  public createLaunchTemplate(scope: Construct, id: string, options: HardenedLaunchTemplateOptions = {}): ec2.LaunchTemplate {
    const template = new ec2.LaunchTemplate(scope, id, {
      ...this.settings(options.userData, options.extraBlockDevices),
      machineImage: this.machineImage instanceof LaunchTimeImage ? this.machineImage.forLaunchTemplate() : this.machineImage,
      httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
    });
    this.setDeployTimeHopLimit(template.node.defaultChild as ec2.CfnLaunchTemplate, 'LaunchTemplateData.MetadataOptions');
    return template;
  }
}

/** The Amazon Linux CPU type matching an instance type (x86_64 when the type is not known at synth). */
export function cpuTypeOf(instanceType: ec2.InstanceType): ec2.AmazonLinuxCpuType {
  if (!isKnown(instanceType.toString())) return ec2.AmazonLinuxCpuType.X86_64;
  try {
    return instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64;
  } catch {
    return ec2.AmazonLinuxCpuType.X86_64; // a type aws-cdk-lib cannot parse: its own check reports it
  }
}
