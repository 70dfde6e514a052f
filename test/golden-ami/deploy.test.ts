/**
 * What happens on real deploys, driven through a small simulation of CloudFormation's intrinsic
 * functions: names that must change between stack creations, and stay across updates.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { GoldenImagePipeline } from '../../lib/golden-ami';
import { importedVpc, testStack } from '../util';

type Json = unknown;

/** Evaluates the intrinsics CDK writes for names (Ref to pseudo parameters, Fn::Join, Fn::Select, Fn::Split). */
function evaluate(value: Json, pseudo: { [name: string]: string }): Json {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => evaluate(v, pseudo));
  const node = value as { [key: string]: Json };
  if ('Ref' in node) {
    const ref = node.Ref as string;
    if (!(ref in pseudo)) throw new Error(`unknown Ref ${ref}`);
    return pseudo[ref];
  }
  if ('Fn::Join' in node) {
    const [sep, items] = node['Fn::Join'] as [string, Json[]];
    return items.map((i) => evaluate(i, pseudo)).join(sep);
  }
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'] as [number, Json];
    return (evaluate(list, pseudo) as Json[])[Number(index)];
  }
  if ('Fn::Split' in node) {
    const [sep, source] = node['Fn::Split'] as [string, Json];
    return (evaluate(source, pseudo) as string).split(sep);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, evaluate(v, pseudo)]));
}

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
