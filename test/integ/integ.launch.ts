/**
 * Integ test: hardened launches, as standalone instances and as an Auto Scaling group.
 *
 * Deploys two InstanceFleet servers and an AutoScalingFleet of two, each from the latest Amazon
 * Linux 2023, and asserts that the servers run that AMI with IMDSv2 required and only encrypted
 * volumes, that they are online in Systems Manager, and that the group reaches its desired
 * capacity on the launch template's latest version. A second deploy with a new image revision
 * (`-c integ:imageRevision=r2`) rolls the group, and then asserts that the instance refresh
 * succeeded and that every instance runs the new launch template version.
 *
 * Duration: about 15 min to deploy and assert (two VPCs with NAT gateways, four instances), the
 *   update deploy about 15 min more (the refresh launches before it terminates, with a 5 min
 *   warmup per instance), `cdk destroy` about 10 min.
 * Cost: about US$0.50 for an hour (four t3.small instances, eight gp3 volumes, two NAT gateways,
 *   KMS keys for their pending-deletion window).
 * Clean-up: `cdk destroy` removes everything: the data volumes are deleted with their instances
 *   and termination protection is off, both set below for the test only.
 */
import { ExpectedResult } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Duration, Size, Stack } from 'aws-cdk-lib';
import { resolveEnv } from '../../bin/compliance';
import { AutoScalingFleet, FleetImage, InstanceFleet } from '../../lib/launch';
import { deleteEverythingOnDestroy, integApp, integTest, ssmOnline, SETTLED } from './support';

/** The image both fleets launch: what `FleetImage.latestAmazonLinux2023()` reads for t3 (x86_64) instances. */
const AL2023_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
/** Context key of the group's image revision; the first deploy uses r1. */
export const IMAGE_REVISION_CONTEXT = 'integ:imageRevision';
const FIRST_REVISION = 'r1';

export function createApp(props: AppProps = {}): App {
  const app = integApp(props);
  const env = resolveEnv(app);
  const revision = String(app.node.tryGetContext(IMAGE_REVISION_CONTEXT) ?? FIRST_REVISION);

  const servers = new Stack(app, 'IntegLaunchInstances', { env, description: 'cdk-ec2-patterns integ test: InstanceFleet' });
  const fleet = new InstanceFleet(servers, 'Servers', {
    instanceCount: 2,
    image: FleetImage.latestAmazonLinux2023(),
    dataVolumes: [{ deviceName: '/dev/sdf', size: Size.gibibytes(1) }],
  });
  // Test settings: the servers lose their termination protection and their data volumes go with
  // them (the library protects both by default).
  deleteEverythingOnDestroy(servers);

  // A stack of its own: cdk-nag 3.0.2's AwsSolutions-EC26 throws on standalone instances that
  // share a stack with a launch template (lib/launch/README.md, known issues).
  const groupStack = new Stack(app, 'IntegLaunchGroup', { env, description: 'cdk-ec2-patterns integ test: AutoScalingFleet' });
  const group = new AutoScalingFleet(groupStack, 'Group', {
    image: FleetImage.latestAmazonLinux2023({ resolveAtLaunch: true }),
    minCapacity: 2,
    // Room above the two for the replacement a refresh launches before it terminates one.
    maxCapacity: 3,
    imageRevision: revision,
  });
  deleteEverythingOnDestroy(groupStack);

  const integ = integTest(app, 'Launch', [servers, groupStack]);
  const ids = fleet.instanceIds;

  // The AMI the servers must run: the parameter's value when the assertions run (the stack read it
  // minutes earlier; AL2023 releases are weeks apart).
  const latest = integ.assertions.awsApiCall('SSM', 'getParameter', { Name: AL2023_PARAMETER }, ['Parameter.Value']);
  const ami = latest.getAttString('Parameter.Value');

  for (const id of ids) {
    // Running the AMI, IMDSv2 required (HttpTokens "required": EC2 User Guide, "Configure the instance metadata options").
    const described = integ.assertions.awsApiCall('EC2', 'describeInstances', { InstanceIds: [id] })
      .expect(ExpectedResult.objectLike({
        Reservations: [{ Instances: [{ InstanceId: id, ImageId: ami, State: { Name: 'running' }, MetadataOptions: { HttpTokens: 'required' } }] }],
      }))
      .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });
    latest.next(described);
    // Every attached volume is encrypted: none with encrypted=false, and the root plus the data volume with encrypted=true.
    integ.assertions.awsApiCall('EC2', 'describeVolumes', {
      Filters: [{ Name: 'attachment.instance-id', Values: [id] }, { Name: 'encrypted', Values: ['false'] }],
    }).expect(ExpectedResult.objectLike({ Volumes: [] })).waitForAssertions(SETTLED);
    integ.assertions.awsApiCall('EC2', 'describeVolumes', {
      Filters: [{ Name: 'attachment.instance-id', Values: [id] }],
    }).expect(ExpectedResult.objectLike({ Volumes: [{ Encrypted: true }, { Encrypted: true }] })).waitForAssertions(SETTLED);
  }
  ssmOnline(integ, ids);

  // The group reaches its desired capacity, every instance in service, healthy and launched from
  // the launch template's latest version (the one this deploy made).
  const groupName = group.autoScalingGroup.autoScalingGroupName;
  const current = {
    LifecycleState: 'InService',
    HealthStatus: 'Healthy',
    LaunchTemplate: { Version: group.launchTemplate.latestVersionNumber },
  };
  integ.assertions.awsApiCall('AutoScaling', 'describeAutoScalingGroups', { AutoScalingGroupNames: [groupName] })
    .expect(ExpectedResult.objectLike({ AutoScalingGroups: [{ DesiredCapacity: 2, Instances: [current, current] }] }))
    .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

  if (revision !== FIRST_REVISION) {
    // The update deploy: a new revision makes a new launch template version, which CloudFormation
    // rolls out with an instance refresh (the group's AutoScalingInstanceRefresh update policy) and
    // waits for. The latest refresh succeeded; the check above now expects the new version.
    integ.assertions.awsApiCall('AutoScaling', 'describeInstanceRefreshes', { AutoScalingGroupName: groupName, MaxRecords: 1 })
      .expect(ExpectedResult.objectLike({ InstanceRefreshes: [{ Status: 'Successful' }] }))
      .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) });
  }
  return app;
}

if (require.main === module) {
  createApp().synth();
}
