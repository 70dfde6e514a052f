import { App, AppProps, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ApplicationHealthCheck, ClusterBackup, DataVolume, ElasticIpFailover } from '../lib';
import { createCompliantApp, resolveEnv } from './compliance';
import { allowPublicHttp } from './stacks/eip-failover';
import { GoldenAmiStack } from './stacks/golden-ami';
import { WebServersStack } from './stacks/launch';
import { MultiAttachStack } from './stacks/multi-attach';
import { sharedNetwork } from './stacks/network';
import { SnapshotsStack } from './stacks/snapshots';

/**
 * The reference architecture, in the spirit of the seeds' cat-photo web app:
 *
 *   Network     one SecureVpc shared by every stack (and by the examples: CdkEc2Patterns-Network)
 *   GoldenAmi   Image Builder pipeline: AL2023 + nginx "Hello" page, CVE-scanned, id in SSM
 *   WebServers  two web servers launched from the golden image, each with a data volume, behind
 *               one static public address that moves to the healthy one on failure
 *   Cluster     an io2 Multi-Attach volume shared by two GFS2 nodes in one AZ
 *   Snapshots   the web servers' data volumes nightly, the cluster volume hourly (DLM)
 *
 * Stacks that launch from the golden image depend on the GoldenAmi stack, whose first build runs
 * during its deploy and writes the AMI id to SSM.
 */
export function createReferenceApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const env = resolveEnv(app);

  // The network the examples share too (bin/stacks/network.ts), with Systems Manager endpoints: the
  // web servers sit in public subnets for the Elastic IP, and the node that does not hold it has no
  // other way to Session Manager (no NAT route, no public IP).
  const vpc = sharedNetwork(app);

  const golden = new GoldenAmiStack(app, 'CatPhotos-GoldenAmi', { env, vpc, description: 'Golden web-server AMI pipeline' });

  const webServers = new WebServersStack(app, 'CatPhotos-WebServers', {
    env,
    vpc,
    description: 'Web servers launched from the golden AMI behind a static address with failover',
    machineImage: golden.pipeline.machineImage,
    instanceCount: 2,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    dataVolumes: [{ deviceName: '/dev/sdf', size: Size.gibibytes(20) } satisfies DataVolume],
  });
  webServers.addStackDependency(golden, 'launches from the AMI whose id the first pipeline build writes to SSM');
  allowPublicHttp(webServers.fleet.connections);

  // The address lives with the servers it fronts: its function probes them over their security group.
  new ElasticIpFailover(webServers, 'StaticAddress', {
    vpc,
    primary: webServers.fleet.instances[0],
    standby: webServers.fleet.instances[1],
    healthCheck: ApplicationHealthCheck.http({ port: 80, path: '/' }),
  });

  const cluster = new MultiAttachStack(app, 'CatPhotos-Cluster', {
    env,
    vpc,
    description: 'Clustered photo store: io2 Multi-Attach volume shared by GFS2 nodes',
    backup: ClusterBackup.external('Snapshotted every hour by the Data Lifecycle Manager policy CatPhotos-Snapshots/Hourly, '
      + 'which tags the volume as its target; a second copy in AWS Backup would double the snapshot cost.'),
  });

  new SnapshotsStack(app, 'CatPhotos-Snapshots', {
    env,
    description: 'Nightly snapshots of the web data, hourly snapshots of the cluster volume',
    webServers: webServers.fleet.instances,
    clusterVolumes: cluster.volumes,
  });

  return app;
}
