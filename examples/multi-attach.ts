/**
 * The seeds' shared-disk cluster, done safely: two Ubuntu 24.04 nodes in one Availability Zone
 * share one encrypted io2 Multi-Attach volume through GFS2 (corosync, pacemaker, dlm) with
 * `fence_aws` fencing, reachable only through Session Manager, the volume retained and backed up
 * daily. `cluster.volumes` can also be handed to the snapshot pattern.
 */
import { App, AppProps, Size, Stack } from 'aws-cdk-lib';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { sharedNetwork } from '../bin/stacks/network';
import { ClusterFilesystem, MultiAttachCluster } from '../lib/multi-attach';

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'MultiAttachExample', {
    env: resolveEnv(app),
    description: 'Two-node GFS2 cluster sharing an io2 Multi-Attach volume',
  });

  new MultiAttachCluster(stack, 'Cluster', {
    vpc: sharedNetwork(app), // one VPC for every example (bin/stacks/network.ts)
    nodeCount: 2,
    volumes: [{ name: 'shared', size: Size.gibibytes(100), iops: 3000 }],
    filesystem: ClusterFilesystem.gfs2({ mountRoot: '/shared' }),
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
