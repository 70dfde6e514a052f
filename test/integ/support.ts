/**
 * What every integ app shares: the app, the visible clean-up settings of a test stack, and the
 * assertion steps more than one test needs (SSM agent online, shell commands through Run Command).
 *
 * An integ app is a CDK app with an `IntegTest` (aws-cdk's `@aws-cdk/integ-tests-alpha`): the
 * stacks under test plus a DeployAssert stack whose custom resources call AWS APIs after the
 * stacks deployed and fail the deployment when an expectation is not met. The README section
 * "Verify in your own account" says how to deploy one; `test/integ/offline.test.ts` synthesizes
 * every one offline and compares it with its snapshot.
 */
import { AwsApiCall, ExpectedResult, IApiCall, IntegTest, Match, WaiterStateMachineOptions } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Aspects, Duration, IAspect, RemovalPolicies, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { IConstruct } from 'constructs';
import { createCompliantApp } from '../../bin/compliance';
import { ManagedPolicyRole } from '../../lib/core';

/** Each integ file exports this: the app, so the offline check can synthesize it in-process. */
export type IntegAppFactory = (props?: AppProps) => App;

/**
 * The app of an integ test: the reference app's compliant App (the four cdk-nag packs), so a
 * stack under test is held to the bar users deploy with. The DeployAssert stack is integ-tests
 * tooling written as raw CfnResources, which the packs do not inspect.
 */
export function integApp(props: AppProps = {}): App {
  return createCompliantApp(props);
}

/**
 * The test stack's own clean-up, visible in each test: everything the library retains by default
 * (volumes, keys, log groups, Elastic IPs, images) is deleted with the stack, and instances lose
 * their termination protection so `cdk destroy` can end them, with their EBS volumes. The
 * library's defaults stay as they are; only this test stack is changed.
 *
 * S3 buckets stay retained: CloudFormation cannot delete a bucket that holds objects (the build
 * logs), so a DESTROY policy would fail `cdk destroy`. The README lists them for manual removal.
 */
export function deleteEverythingOnDestroy(scope: IConstruct): void {
  RemovalPolicies.of(scope).destroy({ excludeResourceTypes: ['AWS::S3::Bucket'] });
  Aspects.of(scope).add(new DisposableInstances());
}

/** Instances `cdk destroy` can end, whose EBS volumes (data volumes the library keeps by default) go with them. */
class DisposableInstances implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof ec2.CfnInstance)) return;
    node.disableApiTermination = false;
    Validations.of(node).acknowledge({
      id: 'AwsSolutions-EC29',
      reason: 'Integ test stack only: termination protection is off so that cdk destroy can end the test instances; '
        + 'the library turns it on by default.',
    });
    const mappings = node.blockDeviceMappings;
    if (Array.isArray(mappings)) {
      node.blockDeviceMappings = mappings.map((m) => {
        const mapping = m as ec2.CfnInstance.BlockDeviceMappingProperty;
        const ebs = mapping.ebs as ec2.CfnInstance.EbsProperty | undefined;
        return ebs && !Token.isUnresolved(ebs) ? { ...mapping, ebs: { ...ebs, deleteOnTermination: true } } : mapping;
      });
    }
  }
}

/**
 * Lets CloudFormation delete the AMI and snapshots of an image built on deploy when the stack is
 * destroyed: a DELETE policy plus DeletionSettings with a role Image Builder assumes to delete
 * them. "If you specify the Retain option in the DeletionPolicy or UpdateReplacePolicy, Image
 * Builder does not delete the underlying resources" (CloudFormation Template Reference,
 * AWS::ImageBuilder::Image DeletionSettings). The page names no permissions; the role carries the
 * AWS managed policy for Image Builder deleting its images with their AMIs and snapshots
 * (EC2ImageBuilderLifecycleExecutionPolicy, AWS Managed Policy reference; the role of the request
 * that DeletionSettings answers, aws/ec2-image-builder-roadmap#110). It only acts on AMIs and
 * snapshots tagged `CreatedBy: EC2 Image Builder`, which Image Builder puts on what it builds.
 */
export function deleteImageOnDestroy(image: imagebuilder.CfnImage): iam.IRole {
  const stack = Stack.of(image);
  const policyName = 'service-role/EC2ImageBuilderLifecycleExecutionPolicy';
  const role = new ManagedPolicyRole(stack, 'IntegImageDeletionRole', {
    assumedBy: new iam.ServicePrincipal('imagebuilder.amazonaws.com'),
    description: 'Image Builder deletes the integ test image, its AMI and snapshots on cdk destroy',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(policyName)],
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policyName}]`,
    reason: 'Integ test only: the AWS managed policy Image Builder documents for deleting its own images, AMIs and '
      + 'snapshots; it is scoped to resources tagged CreatedBy: EC2 Image Builder and is not part of the library.',
  });
  image.applyRemovalPolicy(RemovalPolicy.DESTROY);
  image.deletionSettings = { executionRole: role.roleArn };
  // The role must outlive the image: CloudFormation deletes the image (and Image Builder uses the role) first.
  image.node.addDependency(role);
  return role;
}

/**
 * The IntegTest of an app, its assertions in a stack of the same environment as the stacks under
 * test (a cross-stack reference needs both stacks in one account and region, and CDK refuses one
 * from an environment-agnostic stack to a stack with an explicit region).
 */
export function integTest(app: App, id: string, testCases: Stack[]): IntegTest {
  const { account, region } = testCases[0];
  const assertionStack = new Stack(app, `${id}Assertions`, {
    env: { account: Token.isUnresolved(account) ? undefined : account, region: Token.isUnresolved(region) ? undefined : region },
    description: `cdk-ec2-patterns integ test ${id}: assertions (AWS API calls after the stacks under test deployed)`,
  });
  return new IntegTest(app, id, { testCases, assertionStack });
}

/**
 * Waiting options for a check that should already hold once the stacks are deployed. Every
 * expectation in these tests goes through a waiter, because only a waiter's failure fails the
 * deployment: a plain `expect` records a mismatch in the assertion stack's `AssertionResults`
 * outputs, which integ-runner reads and `cdk deploy` does not (integ-tests-alpha 2.245,
 * EqualsAssertionProps.failDeployment "@default false"; the waiter's state machine retries on
 * every error and fails the custom resource when its time is up).
 */
export const SETTLED: WaiterStateMachineOptions = { totalTimeout: Duration.minutes(2), interval: Duration.seconds(15) };

/** Adds a statement to the functions that run a call and, if it waits, its retries. */
export function allowCall(call: IApiCall, statement: { Effect: string; Action: string[]; Resource: string[] }): void {
  if (call instanceof AwsApiCall) {
    call.provider.addToRolePolicy(statement);
    call.waiterProvider?.addToRolePolicy(statement);
  } else {
    call.provider.addToRolePolicy(statement);
  }
}

/**
 * Waits until every instance's SSM agent is registered and online (Session Manager and Run
 * Command work). `DescribeInstanceInformation` lists only managed nodes; `PingStatus` is
 * `Online` while the agent checks in (Systems Manager API Reference, InstanceInformation).
 */
export function ssmOnline(integ: IntegTest, instanceIds: string[], totalTimeout = Duration.minutes(15)): IApiCall {
  return integ.assertions.awsApiCall('SSM', 'describeInstanceInformation', {
    Filters: [{ Key: 'InstanceIds', Values: instanceIds }],
  }).expect(ExpectedResult.objectLike({
    InstanceInformationList: instanceIds.map(() => ({ PingStatus: 'Online' })),
  })).waitForAssertions({ totalTimeout, interval: Duration.seconds(30) });
}

/** A shell script run on one instance through Run Command, and the call that waits for its result. */
export interface ShellRun {
  readonly send: IApiCall;
  readonly result: IApiCall;
}

/**
 * Runs a shell script on an instance with the `AWS-RunShellScript` document and waits for the
 * invocation to succeed; `expectedOutput` (a regular expression) must match its standard output.
 * `GetCommandInvocation` answers `InvocationDoesNotExist` for a moment after `SendCommand`, and
 * `Status` goes Pending → InProgress → Success (Systems Manager API Reference,
 * GetCommandInvocation): the waiter retries until then.
 */
export function runShell(integ: IntegTest, instanceId: string, commands: string[], options: {
  readonly expectedOutput?: string;
  readonly timeout: Duration;
}): ShellRun {
  const send = integ.assertions.awsApiCall('SSM', 'sendCommand', {
    DocumentName: 'AWS-RunShellScript',
    InstanceIds: [instanceId],
    TimeoutSeconds: 600,
    Parameters: { commands, executionTimeout: [String(options.timeout.toSeconds())] },
  }, ['Command.CommandId']);
  const result = integ.assertions.awsApiCall('SSM', 'getCommandInvocation', {
    CommandId: send.getAttString('Command.CommandId'),
    InstanceId: instanceId,
  }).expect(ExpectedResult.objectLike({
    Status: 'Success',
    ...(options.expectedOutput ? { StandardOutputContent: Match.stringLikeRegexp(options.expectedOutput) } : {}),
  })).waitForAssertions({ totalTimeout: options.timeout.plus(Duration.minutes(2)), interval: Duration.seconds(20) });
  send.next(result);
  return { send, result };
}
