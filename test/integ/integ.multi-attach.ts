/**
 * Integ test: a two-node GFS2 cluster on one io2 Multi-Attach volume.
 *
 * Deploys a MultiAttachCluster (its own SecureVpc, Ubuntu nodes, corosync/pacemaker/dlm, fence_aws)
 * and asserts that the volume has Multi-Attach enabled and is attached to every node, that every
 * node is online in Systems Manager and in the cluster (pacemaker's own status), that the file
 * system is mounted on every node, and that a file written on one node is read on the other.
 *
 * Duration: about 25 min (the nodes install the cluster packages at first boot, then form the
 *   cluster and mount the file system), `cdk destroy` about 10 min.
 * Cost: about US$0.60 for an hour (two m6i.large, one NAT gateway, a 4 GiB io2 volume with 100
 *   IOPS, KMS keys for their pending-deletion window).
 * Clean-up: `cdk destroy` deletes the volume and the nodes (test settings below); the library
 *   keeps the volume and protects the nodes by default.
 */
import { ExpectedResult } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Duration, Size, Stack } from 'aws-cdk-lib';
import { resolveEnv } from '../../bin/compliance';
import { ClusterBackup, ClusterFilesystem, MultiAttachCluster } from '../../lib/multi-attach';
import { deleteEverythingOnDestroy, integApp, integTest, runShell, ssmOnline } from './support';

const NODES = 2;
const MOUNT_ROOT = '/shared';
const VOLUME = 'data';

export function createApp(props: AppProps = {}): App {
  const app = integApp(props);
  const stack = new Stack(app, 'IntegMultiAttach', {
    env: resolveEnv(app),
    description: 'cdk-ec2-patterns integ test: GFS2 cluster on an io2 Multi-Attach volume',
  });

  const cluster = new MultiAttachCluster(stack, 'Cluster', {
    nodeCount: NODES,
    // The smallest io2 volume. The construct accepts only removal policies that keep the data;
    // deleteEverythingOnDestroy below overrides that for this test stack alone.
    volumes: [{ name: VOLUME, size: Size.gibibytes(4), iops: 100 }],
    filesystem: ClusterFilesystem.gfs2({ mountRoot: MOUNT_ROOT }),
    // Test setting: no backup vault that would outlive the stack.
    backup: ClusterBackup.external('Integ test: the volume holds only a probe file and is deleted with the test stack.'),
  });
  // Test settings: the volume is deleted and the nodes lose their termination protection.
  deleteEverythingOnDestroy(stack);

  const integ = integTest(app, 'MultiAttach', [stack]);
  const ids = cluster.instances.map((i) => i.instanceId);
  const volumeId = cluster.volumes[0].volumeId;

  // Multi-Attach on, attached to every node ("Attach a volume to multiple instances with Amazon EBS
  // Multi-Attach", EBS User Guide: io1/io2 only, up to 16 Nitro instances in one AZ).
  integ.assertions.awsApiCall('EC2', 'describeVolumes', { VolumeIds: [volumeId] })
    .expect(ExpectedResult.objectLike({
      Volumes: [{
        VolumeType: 'io2',
        MultiAttachEnabled: true,
        Encrypted: true,
        Attachments: ids.map(() => ({ State: 'attached' })),
      }],
    }))
    .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(15) });

  // Every node online in the cluster with the file system mounted, asked on each node (up to 20
  // min: the nodes install and join at first boot).
  const mount = `${MOUNT_ROOT}/${VOLUME}`;
  const clusterUp = clusterUpScript(NODES, mount);
  const online = ssmOnline(integ, ids, Duration.minutes(15));
  const checks = ids.map((id) => {
    const run = runShell(integ, id, clusterUp, { expectedOutput: `CLUSTER-UP nodes=${NODES}`, timeout: Duration.minutes(20) });
    online.next(run.send);
    return run;
  });

  // Shared data: node 1 writes its instance id into a file, every other node reads it back.
  const probe = `${mount}/integ-probe.txt`;
  const write = runShell(integ, ids[0], [`echo "written by ${ids[0]}" > ${probe}`, 'sync'], { timeout: Duration.minutes(2) });
  for (const check of checks) check.result.next(write.send);
  for (const id of ids.slice(1)) {
    const read = runShell(integ, id, [`cat ${probe}`], { expectedOutput: `written by ${ids[0]}`, timeout: Duration.minutes(2) });
    write.result.next(read.send);
  }
  return app;
}

/**
 * A shell script that waits until `nodes` nodes are online in pacemaker and `mount` is mounted on
 * this node, then prints `CLUSTER-UP nodes=<n>`; it fails after `attempts` tries 15 s apart.
 * crm_mon is pacemaker's status tool (`pcs status` prints its output); its XML lists each node with
 * online="true|false" (test/integ/scripts.test.ts runs the script on output of Debian 12's
 * pacemaker 2.1.5 `crm_mon --one-shot --output-as=xml`).
 */
export function clusterUpScript(nodes: number, mount: string, attempts = 80): string[] {
  return [
    'set -u',
    `for _ in $(seq 1 ${attempts}); do`,
    `  online=$(crm_mon --one-shot --output-as=xml 2>/dev/null | grep -c '<node .*online="true"' || true)`,
    `  if [ "$online" -eq ${nodes} ] && mountpoint -q ${mount}; then pcs status; echo "CLUSTER-UP nodes=$online"; exit 0; fi`,
    '  sleep 15',
    'done',
    'pcs status || true',
    'exit 1',
  ];
}

if (require.main === module) {
  createApp().synth();
}
