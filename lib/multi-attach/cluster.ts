import { Aws, CfnDeletionPolicy, CfnResource, Duration, Names, RemovalPolicy, Stack, Tags, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BACKUP_PLAN_RULES, acknowledgeRules } from '../core/compliance-ids';
import { HardenedNode, HardenedNodeOptions } from '../core/hardened-node';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { SecureVpc } from '../core/secure-vpc';
import { checkCount, checkPattern, checkRange, invalid, isKnown } from '../core/validation';
import { ClusterBackup } from './backup';
import { ClusterFilesystem } from './filesystem';
import { checkNitro } from './nitro';
import { renderScript } from './render';
import { MultiAttachVolume, MultiAttachVolumeOptions } from './volume';

/** Device names of the shared volumes, by position in `volumes`: append new volumes, never reorder. */
const DEVICE_NAMES = ['/dev/sdf', '/dev/sdg', '/dev/sdh', '/dev/sdi', '/dev/sdj', '/dev/sdk', '/dev/sdl', '/dev/sdm', '/dev/sdn', '/dev/sdo'];

/** Canonical's public SSM parameter of the current Ubuntu 24.04 LTS image (gp3 root). */
const UBUNTU_2404_PARAMETER = '/aws/service/canonical/ubuntu/server/24.04/stable/current/{arch}/hvm/ebs-gp3/ami-id';

/** Keeps the old resource when CloudFormation replaces it; deleting the stack still deletes it. */
function keepOnReplace(resource: CfnResource): void {
  resource.cfnOptions.updateReplacePolicy = CfnDeletionPolicy.RETAIN;
  resource.cfnOptions.deletionPolicy = CfnDeletionPolicy.DELETE;
}

/** Properties of a {@link MultiAttachCluster}. */
export interface MultiAttachClusterProps extends HardenedNodeOptions {
  /**
   * VPC of the cluster.
   * @default - a new SecureVpc
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets to choose from; the nodes all go into the first subnet (in `availabilityZone` when
   * given), because a Multi-Attach volume and every instance it is attached to share one AZ.
   * The subnet needs egress (packages, KMS, EC2 API) through NAT or VPC endpoints.
   * @default - the private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Availability Zone of the nodes and volumes.
   * @default - the AZ of the first selected subnet
   */
  readonly availabilityZone?: string;
  /**
   * Number of nodes, 2-16 (a Multi-Attach volume attaches to at most 16 instances).
   * @default 2
   */
  readonly nodeCount?: number;
  /**
   * The shared volumes, each attached to every node. 1-10 volumes; append new ones at the end
   * (the position sets the device name).
   * @default - one volume `data`: io2, 100 GiB, 3,000 IOPS, retained
   */
  readonly volumes?: MultiAttachVolumeOptions[];
  /**
   * How the nodes use the volumes.
   * @default ClusterFilesystem.gfs2()
   */
  readonly filesystem?: ClusterFilesystem;
  /**
   * Cluster name (corosync cluster name and the first half of each GFS2 lock table). Changing it
   * on a formatted volume makes the mount fail until `tunegfs2 -o locktable=` is run.
   * @default - derived from the construct path, at most 32 characters
   */
  readonly clusterName?: string;
  /**
   * Instance families to accept as Nitro besides the built-in allow-list (for families AWS added
   * later). Xen families are refused regardless.
   * @default - none
   */
  readonly additionalNitroInstanceFamilies?: string[];
  /**
   * How the volumes are backed up.
   * @default ClusterBackup.awsBackup() - daily, kept 35 days
   */
  readonly backup?: ClusterBackup;
  /**
   * Termination protection of the nodes. Turn it off (and deploy) before `cdk destroy`.
   * @default true
   */
  readonly terminationProtection?: boolean;
}

/**
 * 2-16 Nitro instances in one Availability Zone sharing io2 Multi-Attach volumes, with a cluster
 * file system (GFS2 with corosync, pacemaker, dlm and `fence_aws` fencing) or raw block devices.
 * Every node is a HardenedNode (IMDSv2, encrypted root, Session Manager, no SSH); the members
 * talk only to each other on the cluster ports; the volumes are encrypted, kept on removal and
 * replacement, and backed up.
 */
export class MultiAttachCluster extends Construct {
  /** Tag key whose value (`clusterId`) marks the members: peer discovery and fencing rely on it. */
  public static readonly CLUSTER_TAG_KEY = 'multi-attach:cluster';

  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The nodes, `Node1` to `NodeN`. */
  public readonly instances: ec2.Instance[];
  /** The shared volumes as constructs (device paths, resources). */
  public readonly sharedVolumes: MultiAttachVolume[];
  /** The shared volumes, for snapshot policies and grants. */
  public readonly volumes: ec2.IVolume[];
  /** The group that admits the members' cluster traffic, and only theirs. */
  public readonly clusterSecurityGroup: ec2.SecurityGroup;
  /** Role of the nodes. */
  public readonly role: iam.IRole;
  /** The corosync cluster name. */
  public readonly clusterName: string;
  /** Value of the `multi-attach:cluster` tag on the members. */
  public readonly clusterId: string;
  /** Availability Zone of the nodes and volumes. */
  public readonly availabilityZone: string;
  /** Number of nodes. */
  public readonly nodeCount: number;
  /** How the nodes use the volumes. */
  public readonly filesystem: ClusterFilesystem;
  /** The user data every node runs. */
  public readonly userData: ec2.UserData;
  /** The AWS Backup plan of the volumes, unless they are protected elsewhere. */
  public readonly backupPlan?: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: MultiAttachClusterProps = {}) {
    super(scope, id);
    this.nodeCount = props.nodeCount ?? 2;
    this.filesystem = props.filesystem ?? ClusterFilesystem.gfs2();
    const volumeOptions = props.volumes ?? [{ name: 'data' }];
    const journals = this.filesystem.journals ?? this.nodeCount;
    this.clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 32, separator: '-' });
    this.clusterId = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const instanceType = props.instanceType ?? new ec2.InstanceType('m6i.large');
    this.validateProps(props, volumeOptions, journals, instanceType);

    this.vpc = props.vpc ?? new SecureVpc(this, 'Vpc').vpc;
    const subnet = this.chooseSubnet(props);
    this.availabilityZone = subnet.availabilityZone;

    const machineImage = props.machineImage ?? this.defaultImage(instanceType);
    const os = machineImage.getImage(this).osType;
    if (os === ec2.OperatingSystemType.WINDOWS) {
      if (this.filesystem.isGfs2) {
        invalid(this, 'filesystem', 'gfs2 on Windows', 'ClusterFilesystem.rawBlock() for a Windows image',
          'GFS2 is a Linux file system; Windows clusters share a volume through Windows Server Failover Clustering.');
      }
      volumeOptions.forEach((v, i) => {
        if (v.volumeType === ec2.EbsDeviceVolumeType.IO1) {
          invalid(this, `volumes[${i}].volumeType`, 'io1 on Windows', 'io2', 'Windows supports Multi-Attach on io2 volumes only.');
        }
      });
    }

    const volumesScope = new Construct(this, 'Volumes');
    this.sharedVolumes = volumeOptions.map((v) => new MultiAttachVolume(volumesScope, v.name, {
      ...v,
      encryptionKey: v.encryptionKey ?? props.ebsEncryptionKey,
      availabilityZone: this.availabilityZone,
    }));
    this.volumes = this.sharedVolumes;

    this.clusterSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: this.vpc,
      description: `Cluster traffic between the members of ${this.node.path} only`,
      allowAllOutbound: false,
    });

    const linux = os !== ec2.OperatingSystemType.WINDOWS;
    this.userData = linux ? ec2.UserData.forLinux() : (props.userData ?? machineImage.getImage(this).userData);
    const hardened = new HardenedNode(this, 'Nodes', {
      ...props,
      vpc: this.vpc,
      instanceType,
      machineImage,
      userData: this.userData,
      rootDeviceName: props.rootDeviceName ?? (!props.machineImage && this.filesystem.isGfs2 ? '/dev/sda1' : undefined),
    });
    this.role = hardened.role;

    let macKey: kms.IKey | undefined;
    if (this.filesystem.isGfs2) {
      macKey = this.configureGfs2Permissions(!props.role);
    }
    if (linux) {
      this.userData.addCommands(this.renderBootstrap(journals, macKey));
      if (props.userData) this.userData.addCommands(props.userData.render());
    }

    this.instances = [];
    for (let i = 1; i <= this.nodeCount; i++) {
      const instance = hardened.createInstance(this, `Node${i}`, {
        vpcSubnets: { subnets: [subnet] },
        disableApiTermination: props.terminationProtection ?? true,
      });
      instance.addSecurityGroup(this.clusterSecurityGroup);
      Tags.of(instance).add(MultiAttachCluster.CLUSTER_TAG_KEY, this.clusterId);
      // A replaced node (a new Ubuntu image at the next deploy, a new instance type...) must not
      // take the running cluster down: the old node and its attachments are left running, and
      // the new nodes refuse to form a second cluster until an operator retires the old ones.
      keepOnReplace(instance.node.defaultChild as ec2.CfnInstance);
      this.instances.push(instance);
    }
    // Every volume on every node, on a fixed device name: a replacement volume cannot be attached
    // while the original still occupies the device, so CloudFormation rolls such an update back.
    this.sharedVolumes.forEach((volume, v) => this.instances.forEach((instance, n) => {
      const attachment = new ec2.CfnVolumeAttachment(volume, `Node${n + 1}`, {
        instanceId: instance.instanceId,
        volumeId: volume.volumeId,
        device: DEVICE_NAMES[v],
      });
      keepOnReplace(attachment);
    }));

    this.backupPlan = this.configureBackup(props.backup ?? ClusterBackup.awsBackup());
  }

  /**
   * Admits traffic between the members on a port (for applications that coordinate their
   * writes themselves, in raw block mode).
   */
  public allowBetweenMembers(port: ec2.Port, description: string): void {
    this.clusterSecurityGroup.addIngressRule(this.clusterSecurityGroup, port, description);
    this.clusterSecurityGroup.addEgressRule(this.clusterSecurityGroup, port, description);
  }

  private validateProps(props: MultiAttachClusterProps, volumes: MultiAttachVolumeOptions[], journals: number,
    instanceType: ec2.InstanceType): void {
    checkRange(this, {
      property: 'nodeCount', value: props.nodeCount, min: 2, max: 16,
      fix: 'A Multi-Attach volume attaches to at most 16 Nitro instances; a cluster needs at least 2.',
    });
    if (Token.isUnresolved(this.nodeCount)) invalid(this, 'nodeCount', 'a token', 'a number known at synth');
    checkCount(this, 'volumes', volumes, 1, DEVICE_NAMES.length, `Device names ${DEVICE_NAMES[0]}-${DEVICE_NAMES[DEVICE_NAMES.length - 1]} are used.`);
    const names = volumes.map((v) => v.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate !== undefined) invalid(this, 'volumes[].name', duplicate, 'unique within the cluster');
    checkPattern(this, 'clusterName', props.clusterName, /^[A-Za-z0-9_-]{1,32}$/,
      '1-32 letters, digits, - or _', 'It is the corosync cluster name and the first half of the GFS2 lock table.');
    if (this.filesystem.isGfs2) {
      // A deploy-time journal count (a Token) is the user's to match with the node count.
      if (isKnown(journals) && (!Number.isInteger(journals) || journals < this.nodeCount)) {
        invalid(this, 'filesystem.journals', journals, `a whole number of at least nodeCount (${this.nodeCount})`,
          'GFS2 needs one journal per node that mounts it; add more to let the cluster grow without gfs2_jadd.');
      }
      checkPattern(this, 'filesystem.mountRoot', this.filesystem.mountRoot, /^(\/[A-Za-z0-9._-]+)+$/,
        'an absolute directory such as /shared');
    }
    checkNitro(this, instanceType, props.additionalNitroInstanceFamilies ?? []);
  }

  private chooseSubnet(props: MultiAttachClusterProps): ec2.ISubnet {
    const selected = this.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    const az = props.availabilityZone;
    if (az === undefined) {
      if (selected.length === 0) invalid(this, 'vpcSubnets', 'no subnets', 'a selection with at least one subnet');
      return selected[0];
    }
    // A deploy-time AZ matches only a subnet imported with that same value; it cannot choose among subnets at synth.
    const inAz = selected.filter((s) => s.availabilityZone === az);
    if (inAz.length === 0 && Token.isUnresolved(az)) {
      invalid(this, 'availabilityZone', '<token>', 'known at synth, or the availabilityZone of a selected subnet',
        'The AZ chooses the nodes\' subnet at synth. For a deploy-time AZ, leave availabilityZone out and select the subnet: '
        + 'vpcSubnets: { subnets: [ec2.Subnet.fromSubnetAttributes(this, \'Subnet\', { subnetId, availabilityZone })] }.');
    }
    if (inAz.length === 0) {
      invalid(this, 'availabilityZone', az, `the AZ of a selected subnet (${selected.map((s) => s.availabilityZone).join(', ')})`,
        'Every node and volume must be in one AZ: choose an AZ the selected subnets cover, or select a subnet in it.');
    }
    return inAz[0];
  }

  private defaultImage(instanceType: ec2.InstanceType): ec2.IMachineImage {
    let arm = false;
    try {
      arm = instanceType.architecture === ec2.InstanceArchitecture.ARM_64;
    } catch {
      // aws-cdk-lib cannot parse every name (u-6tb1.112xlarge, tokens): those are x86_64 or the user's choice.
    }
    if (!this.filesystem.isGfs2) {
      return ec2.MachineImage.latestAmazonLinux2023({ cpuType: arm ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64 });
    }
    // Amazon Linux 2023 ships no gfs2-utils; Ubuntu 24.04 ships the whole stack.
    return ec2.MachineImage.fromSsmParameter(UBUNTU_2404_PARAMETER.replace('{arch}', arm ? 'arm64' : 'amd64'), {
      os: ec2.OperatingSystemType.LINUX,
    });
  }

  private configureGfs2Permissions(acknowledge: boolean): kms.IKey {
    for (const [port, what] of [[ec2.Port.udpRange(5404, 5406), 'corosync (knet)'], [ec2.Port.tcp(21064), 'dlm']] as const) {
      this.allowBetweenMembers(port, `${what} between cluster members`);
    }
    // Seed of the corosync authkey: an HMAC key never leaves KMS; the nodes derive the authkey
    // with GenerateMac, so no secret is stored or rotated anywhere. KMS cannot rotate HMAC keys.
    const macKey = new kms.Key(this, 'AuthKeySeed', {
      description: `Derives the corosync authkey of ${this.node.path} (GenerateMac)`,
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      // It encrypts no data: a new key on re-creation only means a new authkey.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    const instances = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DiscoverClusterMembers',
      actions: ['ec2:DescribeInstances'],
      resources: ['*'],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FenceClusterMembers',
      actions: ['ec2:StartInstances', 'ec2:StopInstances'],
      resources: [instances],
      conditions: { StringEquals: { [`aws:ResourceTag/${MultiAttachCluster.CLUSTER_TAG_KEY}`]: this.clusterId } },
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DeriveCorosyncAuthkey',
      actions: ['kms:GenerateMac'],
      resources: [macKey.keyArn],
      conditions: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
    }));
    if (acknowledge) {
      Validations.of(this.role).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'ec2:DescribeInstances (peer discovery and fence_aws status) supports no resource-level permissions; '
            + 'the other Resource::* actions are the SSM agent channels of the hardened node.',
        },
        {
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]`,
          reason: 'Fencing (ec2:StopInstances, ec2:StartInstances) is limited by the aws:ResourceTag condition to the instances '
            + `tagged ${MultiAttachCluster.CLUSTER_TAG_KEY}=<this cluster>; their ARNs cannot be listed because the role is an input of the instances.`,
        },
      );
    }
    return macKey;
  }

  private renderBootstrap(journals: number, macKey: kms.IKey | undefined): string {
    const volumes = this.sharedVolumes.map((v) => `${v.volumeName}=${v.stableDevicePath}`).join(' ');
    if (!macKey) {
      return renderScript(this, 'raw-block.sh', { NODE_COUNT: String(this.nodeCount), VOLUMES: volumes });
    }
    return renderScript(this, 'gfs2-bootstrap.sh', {
      CLUSTER_NAME: this.clusterName,
      CLUSTER_TAG_KEY: MultiAttachCluster.CLUSTER_TAG_KEY,
      CLUSTER_ID: this.clusterId,
      NODE_COUNT: String(this.nodeCount),
      // String(token) would write the raw encoding of a number Token; stringifyNumber gives a reference.
      JOURNALS: Tokenization.stringifyNumber(journals),
      REGION: Aws.REGION,
      MAC_KEY_ARN: macKey.keyArn,
      MOUNT_ROOT: this.filesystem.mountRoot ?? '/shared',
      VOLUMES: volumes,
    });
  }

  private configureBackup(choice: ClusterBackup): backup.BackupPlan | undefined {
    if (choice.externalReason !== undefined) {
      const reason = choice.externalReason;
      if (reason.trim().length < 40) {
        invalid(this, 'backup', reason, 'ClusterBackup.external(reason) with a reason of at least 40 characters',
          'Name what protects the volumes (for example the snapshot policy), so a reviewer can check it.');
      }
      for (const v of this.sharedVolumes) {
        acknowledgeRules(v.resource, BACKUP_PLAN_RULES, reason);
      }
      return undefined;
    }
    const options = choice.awsBackupOptions ?? {};
    const retentionDays = options.retention?.toDays({ integral: false });
    checkRange(this, { property: 'backup.retention', value: retentionDays, min: 1, max: 36500, unit: 'days',
      fix: 'AWS Backup keeps a recovery point at least 1 day.' });
    const scope = new Construct(this, 'Backup');
    const vault = options.vault ?? new backup.BackupVault(scope, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    const plan = new backup.BackupPlan(scope, 'Plan', {
      backupVault: vault,
      backupPlanRules: [new backup.BackupPlanRule({
        ruleName: 'SharedVolumes',
        scheduleExpression: options.schedule ?? events.Schedule.cron({ minute: '0', hour: '5' }),
        deleteAfter: options.retention ?? Duration.days(35),
      })],
    });
    const role = new ManagedPolicyRole(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `Backs up the shared volumes of ${this.node.path}`,
    });
    const stack = Stack.of(this);
    const volumeArns = this.sharedVolumes.map((v) => stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: v.volumeId }));
    const snapshots = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::snapshot/*`;
    // The EBS part of AWSBackupServiceRolePolicyForBackup, narrowed to these volumes and vault.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SnapshotClusterVolumes', actions: ['ec2:CreateSnapshot'], resources: [...volumeArns, snapshots],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ManageBackupSnapshots', actions: ['ec2:CreateTags', 'ec2:DeleteSnapshot'], resources: [snapshots],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeVolumesAndSnapshots',
      actions: ['ec2:DescribeSnapshots', 'ec2:DescribeTags', 'ec2:DescribeVolumes', 'tag:GetResources'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RecordRecoveryPoints', actions: ['backup:CopyIntoBackupVault', 'backup:DescribeBackupVault'], resources: [vault.backupVaultArn],
    }));
    const keys = [...new Set(this.volumes.map((v) => v.encryptionKey).filter((k): k is kms.IKey => k !== undefined))];
    if (keys.length > 0) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        sid: 'UseVolumeKeysThroughEbs',
        actions: ['kms:CreateGrant', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        resources: keys.map((k) => k.keyArn),
        conditions: { StringEquals: { 'kms:ViaService': `ec2.${Aws.REGION}.amazonaws.com` } },
      }));
    }
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeSnapshots, ec2:DescribeVolumes, ec2:DescribeTags and tag:GetResources support no '
          + 'resource-level permissions; the role can create snapshots of this cluster\'s volumes only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*]',
        reason: 'AWS Backup creates, tags and expires snapshots whose ids do not exist before each backup job; '
          + 'CreateSnapshot needs the snapshot resource too and is bounded by the listed volume ARNs.',
      },
    );
    plan.addSelection('Volumes', {
      resources: volumeArns.map((arn) => backup.BackupResource.fromArn(arn)),
      role,
      disableDefaultBackupPolicy: true,
    });
    return plan;
  }
}
