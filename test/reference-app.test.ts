/**
 * The reference app's patterns are wired to each other for real: the web servers launch from the
 * AMI id the golden pipeline publishes, the static address sits on the primary, and the DLM
 * policies target exactly the web servers and the cluster volume (so the backup acknowledgements
 * on those volumes are true).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { createReferenceApp } from '../bin/reference-app';
import { CDK_CONTEXT } from './util';

let app: App;
let templates: Record<string, Template>;

beforeAll(() => {
  app = createReferenceApp({ context: CDK_CONTEXT });
  const assembly = app.synth();
  templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, Template.fromJSON(s.template)]));
});

interface DlmPolicyProps {
  readonly PolicyDetails: { ResourceTypes: string[]; Parameters?: unknown; TargetTags: Array<{ Key: string; Value: string }> };
}
interface DistributionProps {
  readonly Distributions: Array<{ SsmParameterConfigurations: Array<{ ParameterName: string }> }>;
}

function dlmPolicy(prefix: string): DlmPolicyProps {
  return resourcesOf('CatPhotos-Snapshots', 'AWS::DLM::LifecyclePolicy').find((p) => p.id.startsWith(prefix))!.props as unknown as DlmPolicyProps;
}

function resourcesOf(stack: string, type: string): Array<{ id: string; props: Record<string, unknown> }> {
  return Object.entries(templates[stack].findResources(type)).map(([id, r]) => ({ id, props: r.Properties }));
}

test('the stacks of the reference architecture', () => {
  expect(Object.keys(templates).sort()).toEqual([
    'CatPhotos-Cluster', 'CatPhotos-GoldenAmi', 'CatPhotos-Snapshots', 'CatPhotos-WebServers', 'CdkEc2Patterns-Network',
  ]);
});

test('the web servers launch from the AMI id the golden pipeline writes to SSM, after the pipeline stack', () => {
  // GIVEN the parameter the pipeline's distribution writes
  const distribution = resourcesOf('CatPhotos-GoldenAmi', 'AWS::ImageBuilder::DistributionConfiguration')[0].props as unknown as DistributionProps;
  const parameterName = distribution.Distributions[0].SsmParameterConfigurations[0].ParameterName;
  // THEN the web servers read their image from it when they launch (a dynamic reference, resolved
  // when CloudFormation creates each instance), so a new golden AMI replaces neither (issue 12 item 6)
  templates['CatPhotos-WebServers'].allResourcesProperties('AWS::EC2::Instance', { ImageId: `{{resolve:ssm:${parameterName}}}` });
  expect(templates['CatPhotos-WebServers'].findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' })).toEqual({});
  const webStack = app.node.findChild('CatPhotos-WebServers') as Stack;
  expect(webStack.dependencies.map((s) => s.stackName)).toContain('CatPhotos-GoldenAmi');
});

test('the static address is associated with the primary web server', () => {
  const instances = resourcesOf('CatPhotos-WebServers', 'AWS::EC2::Instance').map((r) => r.id);
  expect(instances).toHaveLength(2);
  templates['CatPhotos-WebServers'].hasResourceProperties('AWS::EC2::EIPAssociation', { InstanceId: { Ref: instances.find((i) => i.includes('Instance1')) } });
});

test('the nightly policy snapshots the web servers\' data volumes only, and carries its tag on both servers', () => {
  // GIVEN
  const nightly = dlmPolicy('Nightly');
  expect(nightly.PolicyDetails.ResourceTypes).toEqual(['INSTANCE']);
  expect(nightly.PolicyDetails.Parameters).toEqual({ ExcludeBootVolume: true });
  const [tag] = nightly.PolicyDetails.TargetTags;
  // THEN
  templates['CatPhotos-WebServers'].allResourcesProperties('AWS::EC2::Instance', {
    Tags: Match.arrayWith([{ Key: tag.Key, Value: tag.Value }]),
  });
});

test('the hourly policy targets the cluster volume, which is therefore left out of AWS Backup', () => {
  const hourly = dlmPolicy('Hourly');
  const [tag] = hourly.PolicyDetails.TargetTags;
  templates['CatPhotos-Cluster'].hasResourceProperties('AWS::EC2::Volume', {
    MultiAttachEnabled: true,
    Tags: Match.arrayWith([{ Key: tag.Key, Value: tag.Value }]),
  });
  templates['CatPhotos-Cluster'].resourceCountIs('AWS::Backup::BackupPlan', 0);
});
