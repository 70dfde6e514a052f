/**
 * Integ test: Elastic IP failover.
 *
 * Deploys an ElasticIpFailover pair in its own SecureVpc (a primary and a standby serving HTTP on
 * port 80, as in examples/eip-failover.ts, and the failover function) plus an SQS queue subscribed
 * to the failover topic. Asserts that
 * the address is on the primary; stops the primary (`StopInstances`); asserts that the address is
 * on the standby within the documented recovery time for a stopped node (plus a minute for the
 * stop itself), and that the move was announced on the topic.
 *
 * Duration: about 15 min to deploy and assert (both nodes must pass their status checks before
 *   the primary is stopped), `cdk destroy` about 10 min.
 * Cost: about US$0.20 for an hour (two t3.small, one NAT gateway, one public IPv4 address, KMS
 *   key for its pending-deletion window, a few Lambda invocations and messages).
 * Clean-up: `cdk destroy` releases the address and ends the nodes (test settings below).
 */
import { ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns_subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as fs from 'fs';
import * as path from 'path';
import { resolveEnv } from '../../bin/compliance';
import { ApplicationHealthCheck, ElasticIpFailover } from '../../lib/eip-failover';
import { allowCall, deleteEverythingOnDestroy, integApp, integTest } from './support';

const WEB_SERVER_SCRIPT = path.join(__dirname, '..', '..', 'examples', 'assets', 'python-hello.sh');

export function createApp(props: AppProps = {}): App {
  const app = integApp(props);
  const stack = new Stack(app, 'IntegEipFailover', {
    env: resolveEnv(app),
    description: 'cdk-ec2-patterns integ test: Elastic IP failover',
  });

  // The nodes of examples/eip-failover.ts (the construct's default image, a small HTTP server on
  // port 80 probed by the function) in the construct's own VPC: an integ test shares no stack with
  // anything else a user deployed.
  const userData = ec2.UserData.forLinux();
  userData.addCommands(fs.readFileSync(WEB_SERVER_SCRIPT, 'utf8'));
  const failover = new ElasticIpFailover(stack, 'Web', {
    userData,
    healthCheck: ApplicationHealthCheck.http({ port: 80, path: '/' }),
  });

  // Test only: a queue on the failover topic, so the assertions can read what was announced.
  const inbox = new sqs.Queue(stack, 'Inbox', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.hours(1),
  });
  Validations.of(inbox).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'Integ test only: the queue collects the failover notifications for the assertions to read; nothing '
      + 'consumes it, so a dead-letter queue would never receive anything.',
  });
  failover.topic.addSubscription(new sns_subscriptions.SqsSubscription(inbox));
  // Test settings: the address is released and the nodes can be ended on `cdk destroy`; the
  // library keeps the address and protects the nodes by default.
  deleteEverythingOnDestroy(stack);

  const integ = integTest(app, 'EipFailover', [stack]);
  const primary = failover.primary.instanceId;
  const standby = failover.standby.instanceId;
  const addressOn = (instanceId: string) => ExpectedResult.objectLike({ Addresses: [{ InstanceId: instanceId }] });

  // The address starts on the primary.
  const onPrimary = integ.assertions.awsApiCall('EC2', 'describeAddresses', { AllocationIds: [failover.allocationId] })
    .expect(addressOn(primary))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(15) });

  // The standby is healthy (both status checks ok), so the function may move the address to it:
  // it never moves the address to a node that is not running and passing its checks.
  const standbyHealthy = integ.assertions.awsApiCall('EC2', 'describeInstanceStatus', { InstanceIds: [standby] })
    .expect(ExpectedResult.objectLike({
      InstanceStatuses: [{ InstanceState: { Name: 'running' }, InstanceStatus: { Status: 'ok' }, SystemStatus: { Status: 'ok' } }],
    }))
    .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) });

  // The failure: the primary stops.
  const stop = integ.assertions.awsApiCall('EC2', 'stopInstances', { InstanceIds: [primary] });

  // Recovery within the documented time (lib/eip-failover/README.md): the construct's bound for a
  // stopped node, plus a minute for StopInstances to take the node down.
  // (The waiter takes whole seconds; the model may be in milliseconds.)
  const recovery = Duration.seconds(Math.ceil(stoppedNodeBound(failover).toMilliseconds() / 1000) + 60);
  const onStandby = integ.assertions.awsApiCall('EC2', 'describeAddresses', { AllocationIds: [failover.allocationId] })
    .expect(addressOn(standby))
    .waitForAssertions({ totalTimeout: recovery, interval: Duration.seconds(10) });

  // The move was announced: the topic's message (an SNS envelope whose Subject names the new holder) is in the queue.
  const announced = integ.assertions.awsApiCall('SQS', 'receiveMessage', {
    QueueUrl: inbox.queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 20,
    // Leave the messages visible, so a retry of this call sees them again.
    VisibilityTimeout: 0,
  }).expect(ExpectedResult.objectLike({
    Messages: Match.arrayWith([{ Body: Match.stringLikeRegexp(`moved to ${standby}`) }]),
  })).waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) });
  allowCall(announced, { Effect: 'Allow', Action: ['sqs:ReceiveMessage'], Resource: [inbox.queueArn] });

  onPrimary.next(standbyHealthy).next(stop).next(onStandby).next(announced);
  return app;
}

/**
 * The construct's documented bound for a stopped node: `worstCaseRecovery.instanceStopped` (failure
 * to completed association), or on releases before it `worstCaseDetection.instanceStateChange`
 * (failure to decision; the association "itself takes a few seconds").
 */
function stoppedNodeBound(failover: ElasticIpFailover): Duration {
  const model = failover as unknown as {
    readonly worstCaseRecovery?: { readonly instanceStopped?: Duration };
    readonly worstCaseDetection?: { readonly instanceStateChange?: Duration };
  };
  const bound = model.worstCaseRecovery?.instanceStopped ?? model.worstCaseDetection?.instanceStateChange;
  if (!bound) throw new Error(`${failover.node.path}: no documented recovery time for a stopped node`);
  return bound;
}

if (require.main === module) {
  createApp().synth();
}
