/**
 * Integ test: the reference app's wiring (bin/reference-app.ts), deployed as it is.
 *
 * The five stacks (network, golden AMI built on deploy, web servers behind the static address,
 * GFS2 cluster, snapshot policies) are the stacks under test; the assertions check what joins
 * them: the golden AMI's parameter holds the image built on deploy and both web servers run it,
 * the static address is on the first web server, the nightly policy targets both web servers and
 * the hourly policy the cluster volume, which is attached to both cluster nodes.
 *
 * Duration: 60-90 min (the golden image build, 35-60 min, runs before the web servers can
 *   launch; the cluster forms in parallel), `cdk destroy` about 20 min.
 * Cost: about US$2 for two hours (build and test instances, two web servers and two m6i.large
 *   nodes, one NAT gateway, a 100 GiB io2 volume with 3,000 IOPS for two hours, public IPv4,
 *   KMS keys for their pending-deletion window).
 * Clean-up: `cdk destroy --all` deletes everything but the AMI id parameter Image Builder wrote
 *   (test settings below; the reference app itself keeps its data). Snapshots DLM took while the
 *   stacks were up stay: the README lists the command that finds them.
 */
import { ExpectedResult } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Duration, Stack } from 'aws-cdk-lib';
import { createReferenceApp } from '../../bin/reference-app';
import { GoldenAmiStack } from '../../bin/stacks/golden-ami';
import { WebServersStack } from '../../bin/stacks/launch';
import { MultiAttachStack } from '../../bin/stacks/multi-attach';
import { SnapshotsStack } from '../../bin/stacks/snapshots';
import { ElasticIpFailover } from '../../lib/eip-failover';
import { deleteEverythingOnDestroy, deleteImageOnDestroy, integTest, SETTLED } from './support';

export function createApp(props: AppProps = {}): App {
  const app = createReferenceApp(props);
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  const golden = find(stacks, GoldenAmiStack);
  const web = find(stacks, WebServersStack);
  const cluster = find(stacks, MultiAttachStack);
  const snapshots = find(stacks, SnapshotsStack);
  const address = web.node.children.find((c): c is ElasticIpFailover => c instanceof ElasticIpFailover);
  if (!address) throw new Error(`${web.node.path} has no ElasticIpFailover`);

  // Test settings: the golden image's AMI and every retained resource go with the stacks.
  deleteImageOnDestroy(golden.pipeline.image!);
  for (const stack of stacks) deleteEverythingOnDestroy(stack);

  const integ = integTest(app, 'ReferenceApp', stacks);
  const imageId = golden.pipeline.imageId;
  const webServers = web.fleet.instances.map((i) => i.instanceId);

  // Golden AMI → web servers: the parameter holds the image built on deploy, and the servers run it.
  integ.assertions.awsApiCall('SSM', 'getParameter', { Name: golden.pipeline.amiParameterName })
    .expect(ExpectedResult.objectLike({ Parameter: { Value: imageId } }))
    .waitForAssertions(SETTLED);
  for (const id of webServers) {
    integ.assertions.awsApiCall('EC2', 'describeInstances', { InstanceIds: [id] })
      .expect(ExpectedResult.objectLike({ Reservations: [{ Instances: [{ ImageId: imageId, State: { Name: 'running' } }] }] }))
      .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });
  }

  // Web servers → static address: it is on the first server.
  integ.assertions.awsApiCall('EC2', 'describeAddresses', { AllocationIds: [address.allocationId] })
    .expect(ExpectedResult.objectLike({ Addresses: [{ InstanceId: webServers[0] }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

  // Snapshots → web servers and cluster: both policies run, each target carries its policy's tag.
  for (const policy of [snapshots.nightly, snapshots.hourly]) {
    integ.assertions.awsApiCall('DLM', 'getLifecyclePolicy', { PolicyId: policy.policyId })
      .expect(ExpectedResult.objectLike({ Policy: { State: 'ENABLED' } }))
      .waitForAssertions(SETTLED);
  }
  const nightlyTag = { Name: `tag:${snapshots.nightly.targetTagKey}`, Values: [snapshots.nightly.targetTagValue] };
  for (const id of webServers) {
    integ.assertions.awsApiCall('EC2', 'describeInstances', { InstanceIds: [id], Filters: [nightlyTag] })
      .expect(ExpectedResult.objectLike({ Reservations: [{ Instances: [{ InstanceId: id }] }] }))
      .waitForAssertions(SETTLED);
  }

  // Cluster → snapshots: the shared volume is attached to both nodes and targeted by the hourly policy.
  const hourlyTag = { Name: `tag:${snapshots.hourly.targetTagKey}`, Values: [snapshots.hourly.targetTagValue] };
  integ.assertions.awsApiCall('EC2', 'describeVolumes', { VolumeIds: [cluster.volumes[0].volumeId], Filters: [hourlyTag] })
    .expect(ExpectedResult.objectLike({
      Volumes: [{ MultiAttachEnabled: true, Attachments: cluster.cluster.instances.map(() => ({ State: 'attached' })) }],
    }))
    .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(15) });
  return app;
}

function find<T extends Stack>(stacks: Stack[], type: new (...args: never[]) => T): T {
  const stack = stacks.find((s): s is T => s instanceof type);
  if (!stack) throw new Error(`the reference app has no ${type.name}`);
  return stack;
}

if (require.main === module) {
  createApp().synth();
}
