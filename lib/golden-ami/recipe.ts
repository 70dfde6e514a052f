import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct, IConstruct } from 'constructs';
import { checkCount, checkLength, invalid, isKnown } from '../core/validation';
import { BaseImage } from './base-image';
import { BoundComponent, ImageComponent, contentVersion } from './component';
import type { GoldenImagePipelineProps } from './props';

/** The recipe, versioned by content, and its components. @internal */
export interface Recipe {
  readonly resource: imagebuilder.CfnImageRecipe;
  readonly version: string;
  readonly components: BoundComponent[];
}

const DEFAULT_ROOT_GIB = 20;

/** The base image of a pipeline: the latest Amazon Linux 2023 unless given. @internal */
export function baseImageOf(props: GoldenImagePipelineProps): BaseImage {
  return props.baseImage ?? BaseImage.amazonLinux2023();
}

/** `update-linux` (unless turned off), the user's components, `reboot-test-linux` (unless turned off). */
function componentsOf(props: GoldenImagePipelineProps): ImageComponent[] {
  return [
    ...(props.updateOperatingSystem ?? true ? [ImageComponent.awsManaged('update-linux')] : []),
    ...(props.components ?? []),
    ...(props.rebootTest ?? true ? [ImageComponent.awsManaged('reboot-test-linux')] : []),
  ];
}

/** Validates the components and the base image of a recipe. @internal */
export function validateRecipe(scope: IConstruct, props: GoldenImagePipelineProps, name: string): void {
  const components = componentsOf(props);
  checkCount(scope, 'components', components, 1, Number.MAX_SAFE_INTEGER,
    'Keep updateOperatingSystem or rebootTest on, or give at least one component.');
  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.name)) invalid(scope, 'components', c.name, 'unique component names', 'Give each component its own name.');
    seen.add(c.name);
    c._validate(scope);
  }
  for (const c of components.filter((x) => !x.isAwsManaged)) {
    checkLength(scope, `components[${c.name}] full name`, `${name}-${c.name}`, 3, 128, 'Shorten the pipeline or component name.');
  }
  const rootVolumeGiB = props.rootVolumeSize && isKnown(props.rootVolumeSize.toGibibytes()) ? props.rootVolumeSize.toGibibytes() : undefined;
  baseImageOf(props)._validate(scope, rootVolumeGiB ?? DEFAULT_ROOT_GIB, props.instanceType);
}

/** Creates the components and the recipe; the recipe's version is a hash of its content. @internal */
export function createRecipe(scope: Construct, props: GoldenImagePipelineProps, name: string): Recipe {
  const componentScope = new Construct(scope, 'Components');
  const components = componentsOf(props).map((c) => c._bind(componentScope, name));
  // Every create-only property of AWS::ImageBuilder::ImageRecipe but its identity (Name, Version)
  // goes into the version, so any edit publishes a new version instead of re-creating an existing one.
  const recipeProps = {
    description: props.description ?? `Recipe of the ${name} golden image`,
    parentImage: baseImageOf(props).parentImage,
    components: components.map((b) => ({ componentArn: b.arn })),
    blockDeviceMappings: [{
      deviceName: props.rootDeviceName ?? '/dev/xvda',
      ebs: {
        encrypted: true,
        kmsKeyId: props.ebsEncryptionKey?.keyArn,
        volumeType: 'gp3',
        volumeSize: props.rootVolumeSize?.toGibibytes() ?? DEFAULT_ROOT_GIB,
        deleteOnTermination: true,
      },
    }],
    additionalInstanceConfiguration: { systemsManagerAgent: { uninstallAfterBuild: false } },
  };
  const version = contentVersion(JSON.stringify({
    recipe: Stack.of(scope).resolve(recipeProps), components: components.map((b) => b.fingerprint),
  }));
  const resource = new imagebuilder.CfnImageRecipe(scope, 'Recipe', { name, version, ...recipeProps });
  resource.applyRemovalPolicy(RemovalPolicy.DESTROY);
  return { resource, version, components };
}
