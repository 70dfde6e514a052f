/**
 * What happens on real deploys, driven through a small simulation of CloudFormation's intrinsic
 * functions: names that must change between stack creations, and stay across updates.
 */
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GoldenImagePipeline } from '../../lib/golden-ami';
import { importedVpc, testApp, testStack } from '../util';
import { evaluate } from './intrinsics';

/** The pseudo parameters of one creation of the stack (CloudFormation gives every creation a new stack id). */
const creation = (uuid: string) => ({
  'AWS::StackId': `arn:aws:cloudformation:us-east-1:111111111111:stack/Test/${uuid}`,
  'AWS::Region': 'us-east-1', 'AWS::AccountId': '111111111111', 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
});

describe('a failed first deploy can be retried, and a destroyed stack redeployed', () => {
  // GIVEN a pipeline that builds on deploy (a failed test or CVE gate fails the stack's creation)
  const stack = testStack();
  new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), buildOnDeploy: true });
  const template = Template.fromStack(stack);
  const logGroups = template.findResources('AWS::Logs::LogGroup');
  const namesIn = (pseudo: { [name: string]: string }) => Object.values(logGroups).map((g) => evaluate(g.Properties.LogGroupName, pseudo) as string).sort();
  /** Pseudo parameters plus the Ref of each log group (its name). */
  const withGroups = (pseudo: { [name: string]: string }) => ({
    ...pseudo, ...Object.fromEntries(Object.entries(logGroups).map(([id, g]) => [id, evaluate(g.Properties.LogGroupName, pseudo) as string])),
  });

  test('the retained log groups keep the failed build\'s logs', () => {
    // CloudFormation User Guide, "DeletionPolicy attribute": Retain keeps the resource when the
    // stack is rolled back or deleted, so the failure reason stays readable in the logs.
    expect(Object.keys(logGroups)).toHaveLength(2);
    for (const group of Object.values(logGroups)) expect(group.DeletionPolicy).toEqual('Retain');
  });

  test('each stack creation gets log group names of its own, so the retry does not meet "already exists"', () => {
    // WHEN the first creation is rolled back (its groups retained) and the stack is created again
    // (CloudFormation User Guide, "Pseudo parameters reference": AWS::StackId is the ID of the stack;
    // a new creation after a rollback or a delete is a new stack with a new ID)
    const first = namesIn(creation('1c2fa620-982a-11e3-aff7-50e2416294e0'));
    const retry = namesIn(creation('7f00a4b0-1111-11ef-9c2a-0a1b2c3d4e5f'));
    // THEN no name of the retry is taken
    expect(first).toEqual(['/aws/imagebuilder/pipeline/web-1c2fa620', '/aws/imagebuilder/web-1c2fa620']);
    expect(retry.filter((n) => first.includes(n))).toEqual([]);
  });

  test('updates of the same stack keep the names, and Image Builder writes to exactly these groups', () => {
    const pseudo = creation('1c2fa620-982a-11e3-aff7-50e2416294e0');
    expect(namesIn(pseudo)).toEqual(namesIn({ ...pseudo }));
    // Image Builder API Reference, PipelineLoggingConfiguration: names outside /aws/imagebuilder/
    // need an execution role with CloudWatch Logs permissions; these stay under the prefix.
    const pipeline = Object.values(template.findResources('AWS::ImageBuilder::ImagePipeline'))[0];
    const logging = evaluate(pipeline.Properties.LoggingConfiguration, withGroups(pseudo)) as { ImageLogGroupName: string; PipelineLogGroupName: string };
    expect([logging.ImageLogGroupName, logging.PipelineLogGroupName].sort()).toEqual(namesIn(pseudo));
    const image = Object.values(template.findResources('AWS::ImageBuilder::Image'))[0];
    expect(evaluate(image.Properties.LoggingConfiguration, withGroups(pseudo))).toEqual({ LogGroupName: logging.ImageLogGroupName });
  });
});

describe('launching from pipeline.machineImage', () => {
  // The pipeline writes its SSM parameter only when its first build distributes an AMI, and a
  // stack that reads it (a `{{resolve:ssm:...}}` dynamic reference since this library reads images
  // at launch; CloudFormation User Guide, "Get a plaintext value from Systems Manager Parameter
  // Store") must not run before that build.
  test('in the pipeline\'s own stack is refused at synth, with the two-stack pattern in the error', () => {
    // GIVEN a pipeline that even builds on deploy
    const stack = testStack();
    const vpc = importedVpc(stack);
    const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc, buildOnDeploy: true });
    // WHEN / THEN an instance in the same stack is refused
    expect(() => new ec2.Instance(stack, 'Server', { vpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: pipeline.machineImage }))
      .toThrow(/Test\/Server: cannot launch from Test\/Web.machineImage in the pipeline's own stack \(Test\)\. The SSM parameter \/imagebuilder\/web\/ami-id exists only once a build has written it.*new Stack\(app, 'Images'\).*buildOnDeploy: true.*new Stack\(app, 'Servers'\).*FleetImage.fromPipeline\(pipeline\)/s);
  });

  test('in a nested stack of the pipeline\'s stack is refused too', () => {
    const stack = testStack();
    const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack) });
    const nested = new NestedStack(stack, 'Servers');
    expect(() => new ec2.Instance(nested, 'Server', {
      vpc: importedVpc(nested), instanceType: new ec2.InstanceType('t3.small'), machineImage: pipeline.machineImage,
    })).toThrow(/in the pipeline's own stack/);
  });

  test('from another stack works, and that stack deploys after the pipeline\'s', () => {
    // GIVEN the two-stack pattern
    const app = testApp();
    const images = new Stack(app, 'Images', { env: { region: 'us-east-1' } });
    const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', vpc: importedVpc(images), buildOnDeploy: true });
    const servers = new Stack(app, 'Servers', { env: { region: 'us-east-1' } });
    // WHEN
    new ec2.Instance(servers, 'Server', { vpc: importedVpc(servers), instanceType: new ec2.InstanceType('t3.small'), machineImage: pipeline.machineImage });
    // THEN the servers read the parameter when they launch, after the pipeline stack (and its first build)
    Template.fromStack(servers).hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/imagebuilder/web/ami-id}}' });
    expect(servers.dependencies).toContain(images);
  });
});
