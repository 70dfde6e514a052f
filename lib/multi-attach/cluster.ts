import { Aws, CfnDeletionPolicy, CfnResource, CfnWaitCondition, Fn, Names, Stack, Tags, Tokenization } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { HardenedNode, HardenedNodeOptions, cpuTypeOf } from '../core/hardened-node';
import { LaunchTimeImage } from '../core/launch-time-image';
import { grantTarget } from '../core/iam';
import { SecureVpc } from '../core/secure-vpc';
import { invalid } from '../core/validation';
import { ClusterBackup } from './backup';
import { ClusterFilesystem } from './filesystem';
import { authkeySeed, grantGfs2 } from './gfs2';
import { renderScript } from './render';
import { clusterSubnet, validateMultiAttachClusterProps } from './validation';
import { MultiAttachVolume, MultiAttachVolumeOptions } from './volume';

/** EC2 user data is limited to 16 KB before base64 encoding (Amazon EC2 User Guide, "Run commands when you launch an EC2 instance with user data input"). */
const USER_DATA_LIMIT = 16 * 1024;

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
   * Instance families to refuse besides the Xen-based ones (which can never attach a
   * Multi-Attach volume and are always refused); every other family is accepted as Nitro.
   * @default - none
   */
  readonly refusedInstanceFamilies?: string[];
  /**
   * How the volumes are backed up.
   * @default ClusterBackup.awsBackup() - daily, kept 35 days
   */
  readonly backup?: ClusterBackup;
  /**
   * Termination protection of the nodes. Turn it off (and deploy) before `cdk destroy`.
   * @default true
   */
  readonly disableApiTermination?: boolean;
}

/**
 * 2-16 Nitro instances in one Availability Zone sharing io2 Multi-Attach volumes, with a cluster
 * file system (GFS2 with corosync, pacemaker, dlm and `fence_aws` fencing) or raw block devices.
 * Every node is a HardenedNode (IMDSv2, encrypted root, Session Manager, no SSH); the members
 * talk only to each other on the cluster ports; the volumes are encrypted, kept on removal and
 * replacement, and backed up.
 */
export class MultiAttachCluster extends Construct {
  /** Tag key whose value (`clusterId`) names the members for people; membership and fencing never rest on it. */
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
  /** Value of the `multi-attach:cluster` tag on the members, and the SSM path `/multi-attach/<clusterId>/` of its configuration. */
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
  /**
   * The cluster's configuration the nodes read at bootstrap (node logical ids, volume ids,
   * journals): outside the user data, so changing `nodeCount` or `volumes` restarts no node.
   */
  public readonly configuration: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: MultiAttachClusterProps = {}) {
    super(scope, id);
    const p = validateMultiAttachClusterProps(this, props);
    this.nodeCount = p.nodeCount;
    this.filesystem = p.filesystem;
    this.clusterName = p.clusterName;
    this.clusterId = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    this.vpc = props.vpc ?? new SecureVpc(this, 'Vpc').vpc;
    const subnet = clusterSubnet(this, this.vpc, props);
    this.availabilityZone = subnet.availabilityZone;

    // Read at launch, so an upstream AMI release never replaces the nodes (core LaunchTimeImage).
    const cpuType = cpuTypeOf(p.instanceType);
    const defaultImage = props.machineImage ? undefined : (this.filesystem.isGfs2
      ? LaunchTimeImage.ubuntu2404({ cpuType }) : LaunchTimeImage.latestAmazonLinux2023({ cpuType }));
    const machineImage = props.machineImage ?? defaultImage!;
    const os = machineImage.getImage(this).osType;
    const linux = os !== ec2.OperatingSystemType.WINDOWS;

    const volumesScope = new Construct(this, 'Volumes');
    this.sharedVolumes = p.volumes.map((v) => new MultiAttachVolume(volumesScope, v.name, {
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

    this.userData = linux ? ec2.UserData.forLinux() : (props.userData ?? machineImage.getImage(this).userData);
    const hardened = new HardenedNode(this, 'Nodes', {
      ...props,
      vpc: this.vpc,
      instanceType: p.instanceType,
      machineImage,
      userData: this.userData,
      // Ubuntu and Windows images have their root on /dev/sda1, Amazon Linux on /dev/xvda.
      rootDeviceName: props.rootDeviceName ?? defaultImage?.rootDeviceName ?? (linux ? undefined : '/dev/sda1'),
    });
    this.role = hardened.role;

    this.instances = [];
    for (let i = 1; i <= this.nodeCount; i++) {
      const instance = hardened.createInstance(this, `Node${i}`, {
        vpcSubnets: { subnets: [subnet] },
        disableApiTermination: props.disableApiTermination ?? true,
      });
      instance.addSecurityGroup(this.clusterSecurityGroup);
      Tags.of(instance).add(MultiAttachCluster.CLUSTER_TAG_KEY, this.clusterId);
      // A replaced node must not take the running cluster down: the old node and its attachments
      // are left running, and the new nodes wait until an operator stops or terminates the old ones.
      keepOnReplace(instance.node.defaultChild as ec2.CfnInstance);
      this.instances.push(instance);
    }
    const attachments = this.attachVolumes(p.deviceNames);

    const formed = this.filesystem.isGfs2 ? this.waitForFileSystems(attachments) : undefined;
    this.configuration = this.writeConfiguration(p.journals, formed);
    this.instances.forEach((instance) => instance.node.addDependency(this.configuration));

    if (this.filesystem.isGfs2) {
      for (const [port, what] of [[ec2.Port.udpRange(5404, 5406), 'corosync (knet)'], [ec2.Port.tcp(21064), 'dlm']] as const) {
        this.allowBetweenMembers(port, `${what} between cluster members`);
      }
      const macKey = authkeySeed(this, this.role);
      const grantee = grantTarget(this, 'RolePermissions', this.role);
      const profileArns = props.instanceProfile ? [props.instanceProfile.instanceProfileArn]
        : this.instances.map((n) => (n.node.findChild('InstanceProfile') as iam.CfnInstanceProfile).attrArn);
      // A root volume made from a customer-key AMI without ebsEncryptionKey keeps the snapshot's key
      // (EC2 User Guide, "Amazon EBS encryption": a volume from an encrypted snapshot uses its key
      // unless another is given), so a fenced node's StartInstances needs that key too.
      const imageKey = machineImage instanceof LaunchTimeImage ? machineImage.encryptionKey : undefined;
      const ebsKeys = [props.ebsEncryptionKey, imageKey, ...this.sharedVolumes.map((v) => v.encryptionKey)]
        .filter((k): k is kms.IKey => k !== undefined);
      grantGfs2({
        grantee, role: this.role, clusterId: this.clusterId, volumes: this.volumes, instanceProfileArns: profileArns,
        ebsKeys: [...new Set(ebsKeys)], acknowledgeOn: grantee === this.role ? this.role : (grantee as unknown as Construct),
      });
      this.userData.addCommands(this.renderGfs2Bootstrap(macKey));
    } else if (linux) {
      this.userData.addCommands(renderScript(this, 'raw-block.sh', {
        NODE_COUNT: String(this.nodeCount),
        VOLUMES: this.sharedVolumes.map((v) => `${v.volumeName}=${v.stableDevicePath}`).join(' '),
      }));
    }
    if (linux && props.userData) this.userData.addCommands(props.userData.render());
    this.checkUserDataSize();

    this.backupPlan = p.backup._bind(new Construct(this, 'Backup'), this.volumes, this.sharedVolumes.map((v) => v.resource));
  }

  /**
   * Admits traffic between the members on a port (for applications that coordinate their
   * writes themselves, in raw block mode).
   */
  public allowBetweenMembers(port: ec2.Port, description: string): void {
    this.clusterSecurityGroup.addIngressRule(this.clusterSecurityGroup, port, description);
    this.clusterSecurityGroup.addEgressRule(this.clusterSecurityGroup, port, description);
  }

  /** Every volume on every node, on the volume's own device name. */
  private attachVolumes(deviceNames: string[]): ec2.CfnVolumeAttachment[] {
    const attachments: ec2.CfnVolumeAttachment[] = [];
    this.sharedVolumes.forEach((volume, v) => this.instances.forEach((instance, n) => {
      const attachment = new ec2.CfnVolumeAttachment(volume, `Node${n + 1}`, {
        instanceId: instance.instanceId,
        volumeId: volume.volumeId,
        device: deviceNames[v],
      });
      keepOnReplace(attachment);
      attachments.push(attachment);
    }));
    return attachments;
  }

  /**
   * The first deploy succeeds only once every node has mounted every file system: each node
   * signals this wait condition (SignalResource), and a failed bootstrap signals FAILURE. Nodes
   * cannot carry the creation policy themselves: the attachments are created after them.
   */
  private waitForFileSystems(attachments: ec2.CfnVolumeAttachment[]): CfnWaitCondition {
    const formed = new CfnWaitCondition(this, 'FileSystemsMounted');
    formed.cfnOptions.creationPolicy = { resourceSignal: { count: this.nodeCount, timeout: 'PT1H' } };
    formed.node.addDependency(...attachments);
    return formed;
  }

  private writeConfiguration(journals: number, formed: CfnWaitCondition | undefined): ssm.StringParameter {
    const stack = Stack.of(this);
    return new ssm.StringParameter(this, 'Configuration', {
      parameterName: `/multi-attach/${this.clusterId}/config`,
      description: `Nodes, volumes and journals of ${this.node.path}, read by the bootstrap`,
      stringValue: Fn.join('\n', [
        this.instances.map((n) => stack.getLogicalId(n.node.defaultChild as ec2.CfnInstance)).join(' '),
        Fn.join(' ', this.sharedVolumes.map((v) => Fn.join('=', [v.volumeName, v.volumeId]))),
        // String(token) would write the raw encoding of a number Token; stringifyNumber gives a reference.
        Tokenization.stringifyNumber(journals),
        formed ? stack.getLogicalId(formed) : '',
      ]),
    });
  }

  private renderGfs2Bootstrap(macKey: kms.IKey): string {
    return renderScript(this, 'gfs2-bootstrap.sh', {
      CLUSTER_NAME: this.clusterName,
      CLUSTER_ID: this.clusterId,
      REGION: Aws.REGION,
      STACK_ID: Aws.STACK_ID,
      CONFIG_PARAMETER: `/multi-attach/${this.clusterId}/config`,
      MAC_KEY_ARN: macKey.keyArn,
      MOUNT_ROOT: this.filesystem.mountRoot ?? '/shared',
    });
  }

  private checkUserDataSize(): void {
    const size = Buffer.byteLength(this.userData.render());
    if (size > USER_DATA_LIMIT) {
      invalid(this, 'userData', `${size} bytes with the cluster bootstrap`, `at most ${USER_DATA_LIMIT} bytes`,
        'EC2 limits user data to 16 KB: keep your own user data short, for example a script fetched from S3.');
    }
  }
}

/** Whether an instance type is Graviton; aws-cdk-lib cannot parse every name (u-6tb1.112xlarge, tokens): those are x86_64. */
