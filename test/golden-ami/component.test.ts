import { Template } from 'aws-cdk-lib/assertions';
import { Size } from 'aws-cdk-lib';
import { BaseImage, GoldenImagePipeline, GoldenImagePipelineProps, ImageComponent } from '../../lib/golden-ami';
import { importedVpc, testStack } from '../util';


/** Synthesizes a pipeline with one shell component and returns its template. */
type CfnTemplate = { Resources: { [id: string]: { Type: string; Properties: { [key: string]: unknown } } } };

function synth(buildStep: string): CfnTemplate {
  const stack = testStack();
  new GoldenImagePipeline(stack, 'Web', {
    name: 'web', vpc: importedVpc(stack), components: [ImageComponent.shell('app', [buildStep])],
  });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

function propsOf(template: { [key: string]: unknown }, type: string): { [key: string]: unknown } {
  return Object.values((template as CfnTemplate).Resources).find((r) => r.Type === type)!.Properties;
}

describe('content-derived versions', () => {
  // GIVEN the same pipeline synthesized twice, and once with an edited build step
  const first = synth('dnf install -y nginx');
  const again = synth('dnf install -y nginx');
  const edited = synth('dnf install -y nginx httpd-tools');

  test('an unchanged synth is byte-identical, so an unchanged deploy is a no-op', () => {
    expect(JSON.stringify(again)).toEqual(JSON.stringify(first));
  });

  test('changing a build step publishes a new component version and a new recipe version', () => {
    const component = propsOf(first, 'AWS::ImageBuilder::Component');
    const editedComponent = propsOf(edited, 'AWS::ImageBuilder::Component');
    expect(editedComponent.Name).toEqual(component.Name);
    expect(editedComponent.Version).not.toEqual(component.Version);
    // the recipe references the component, so it needs a new version too, or CloudFormation fails with "already exists"
    expect(propsOf(edited, 'AWS::ImageBuilder::ImageRecipe').Version).not.toEqual(propsOf(first, 'AWS::ImageBuilder::ImageRecipe').Version);
  });

  test('versions are plain semantic versions Image Builder accepts (each part below 2^30)', () => {
    for (const t of [first, edited]) {
      for (const type of ['AWS::ImageBuilder::Component', 'AWS::ImageBuilder::ImageRecipe']) {
        const version = propsOf(t, type).Version as string;
        expect(version).toMatch(/^[0-9]+\.[0-9]+\.[0-9]+$/);
        expect(Math.max(...version.split('.').map(Number))).toBeLessThan(2 ** 30);
      }
    }
  });

  test('components are replaced (not retained) so a reverted edit can recreate its old version', () => {
    const stack = testStack();
    new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), components: [ImageComponent.shell('app', ['true'])] });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ImageBuilder::Component', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::ImageBuilder::ImageRecipe', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});

/**
 * Create-only properties: a change to any of them makes CloudFormation create a new resource, and
 * an Image Builder component or recipe is identified by name and version, so the version must change
 * with each of them or the create fails with "already exists". The lists are the
 * `createOnlyProperties` of the CloudFormation resource schemas (CloudFormation Template Reference,
 * AWS::ImageBuilder::Component and AWS::ImageBuilder::ImageRecipe: "Update requires: Replacement"):
 * - Component: Name, Version, ChangeDescription, Description, Platform, Data, Uri, KmsKeyId, SupportedOsVersions
 * - ImageRecipe: Name, Version, Components, ParentImage, Description, BlockDeviceMappings, WorkingDirectory
 * Name is the identity; ChangeDescription is derived from the version; Uri, KmsKeyId,
 * SupportedOsVersions and WorkingDirectory are never set by the library.
 */
describe('every create-only property is in the version', () => {
  const synthWith = (props: Partial<GoldenImagePipelineProps>, component: ImageComponent): CfnTemplate => {
    const stack = testStack();
    new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), components: [component], ...props });
    return Template.fromStack(stack).toJSON() as CfnTemplate;
  };
  const doc = 'name: app\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps: []\n';
  const versions = (t: CfnTemplate) => [
    propsOf(t, 'AWS::ImageBuilder::Component').Version, propsOf(t, 'AWS::ImageBuilder::ImageRecipe').Version,
  ];

  test('a component description alone changes the component and recipe versions', () => {
    // GIVEN two synths that differ only in the component's Description
    const first = synthWith({}, ImageComponent.fromDocument('app', doc, { description: 'first' }));
    const second = synthWith({}, ImageComponent.fromDocument('app', doc, { description: 'second' }));
    // THEN the Data is the same, the versions are not
    expect(propsOf(second, 'AWS::ImageBuilder::Component').Data).toEqual(propsOf(first, 'AWS::ImageBuilder::Component').Data);
    const [component1, recipe1] = versions(first);
    const [component2, recipe2] = versions(second);
    expect(component2).not.toEqual(component1);
    expect(recipe2).not.toEqual(recipe1);
  });

  test('a recipe description alone changes the recipe version', () => {
    // GIVEN two synths that differ only in the pipeline description (the recipe's Description)
    const component = ImageComponent.fromDocument('app', doc);
    const first = synthWith({ description: 'first' }, component);
    const second = synthWith({ description: 'second' }, component);
    // THEN
    expect(propsOf(second, 'AWS::ImageBuilder::ImageRecipe').Description).toEqual('second');
    expect(versions(second)[0]).toEqual(versions(first)[0]);
    expect(versions(second)[1]).not.toEqual(versions(first)[1]);
  });

  test('the parent image, the root volume and the component list each change the recipe version', () => {
    const component = ImageComponent.fromDocument('app', doc);
    const base = versions(synthWith({}, component))[1];
    expect(versions(synthWith({ baseImage: BaseImage.fromAmiId('ami-12345678') }, component))[1]).not.toEqual(base);
    expect(versions(synthWith({ rootVolumeSize: Size.gibibytes(30) }, component))[1]).not.toEqual(base);
    expect(versions(synthWith({ rebootTest: false }, component))[1]).not.toEqual(base);
  });
});

describe('ImageComponent', () => {
  test('shell steps become an ExecuteBash document with build, validate and test phases', () => {
    // GIVEN / WHEN
    const component = ImageComponent.shell('web', ['dnf install -y nginx', 'systemctl enable nginx'], {
      validateCommands: ['nginx -t'], testCommands: ['curl -fs http://127.0.0.1/'],
    });
    const stack = testStack();
    new GoldenImagePipeline(stack, 'P', { name: 'pipe', vpc: importedVpc(stack), components: [component] });
    // THEN
    const data = propsOf(Template.fromStack(stack).toJSON(), 'AWS::ImageBuilder::Component').Data as string;
    expect(data).toContain('schemaVersion: 1.0');
    expect(data).toMatch(/- name: build\n {4}steps:\n {6}- name: BuildSteps\n {8}action: ExecuteBash/);
    expect(data).toContain('              dnf install -y nginx');
    expect(data).toContain('- name: validate');
    expect(data).toContain('- name: test');
    expect(component.version).toMatch(/^1\.\d+\.\d+$/);
  });

  test('an AWS-managed component is referenced by name with a version filter and creates nothing', () => {
    const stack = testStack();
    new GoldenImagePipeline(stack, 'P', {
      name: 'pipe', vpc: importedVpc(stack), updateOperatingSystem: false, rebootTest: false,
      components: [ImageComponent.awsManaged('amazon-cloudwatch-agent-linux', { version: '1.0.x' })],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ImageBuilder::Component', 0);
    expect(JSON.stringify(propsOf(template.toJSON(), 'AWS::ImageBuilder::ImageRecipe').Components))
      .toContain(':aws:component/amazon-cloudwatch-agent-linux/1.0.x');
    expect(ImageComponent.awsManaged('update-linux').version).toBeUndefined();
  });

  test('a test-only component and a full document keep their content', () => {
    const doc = 'name: custom\nschemaVersion: 1.0\nphases:\n  - name: build\n    steps: []\n';
    expect(ImageComponent.fromDocument('custom', doc).version).toEqual(ImageComponent.fromDocument('custom', doc).version);
    expect(ImageComponent.test('check', ['true']).version).not.toEqual(ImageComponent.shell('check', ['true']).version);
  });
});
