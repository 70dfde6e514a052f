import { Size, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ClusterBackup, ClusterFilesystem, MultiAttachCluster } from '../../lib/multi-attach';

/** Properties of the {@link MultiAttachStack}. */
export interface MultiAttachStackProps extends StackProps {
  /**
   * VPC of the cluster (for example the shared network's VPC); its private subnets need egress.
   * @default - the cluster creates its own SecureVpc
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Number of nodes.
   * @default 2
   */
  readonly nodeCount?: number;
  /**
   * Instance type of the nodes (Nitro).
   * @default m6i.large
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * How the shared volume is backed up. Pass `ClusterBackup.external(reason)` when the snapshot
   * stack protects `stack.volumes` with its DLM policy instead.
   * @default ClusterBackup.awsBackup()
   */
  readonly backup?: ClusterBackup;
}

/**
 * The reference app's clustered tier: the cat photos on one io2 Multi-Attach volume shared by the
 * nodes through GFS2 (mounted at /shared/photos). Hand `stack.volumes` to the snapshot stack.
 */
export class MultiAttachStack extends Stack {
  /** The cluster. */
  public readonly cluster: MultiAttachCluster;
  /** The shared volumes, for the snapshot policy. */
  public readonly volumes: ec2.IVolume[];

  constructor(scope: Construct, id: string, props: MultiAttachStackProps = {}) {
    super(scope, id, props);
    this.cluster = new MultiAttachCluster(this, 'PhotoCluster', {
      vpc: props.vpc,
      nodeCount: props.nodeCount,
      instanceType: props.instanceType,
      volumes: [{ name: 'photos', size: Size.gibibytes(100), iops: 3000 }],
      filesystem: ClusterFilesystem.gfs2({ mountRoot: '/shared' }),
      backup: props.backup,
    });
    this.volumes = this.cluster.volumes;
  }
}
