import { RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { Construct, IConstruct } from 'constructs';
import { checkCount, checkLength, invalid } from '../core/validation';
import { BaseImage } from './base-image';
import { BoundComponent, ImageComponent, contentVersion } from './component';
import type { GoldenImagePipelineProps } from './props';

/** The recipe, versioned by content, and its components. @internal */
export interface Recipe {
  readonly resource: imagebuilder.CfnImageRecipe;
  readonly version: string;
  readonly components: BoundComponent[];
}

/** `update-linux` (unless turned off), the user's components, `reboot-test-linux` (unless turned off). */
function componentsOf(settings: GoldenImagePipelineProps): ImageComponent[] {
  return [
    ...(settings.updateOperatingSystem ?? true ? [ImageComponent.awsManaged('update-linux')] : []),
    ...(settings.components ?? []),
    ...(settings.rebootTest ?? true ? [ImageComponent.awsManaged('reboot-test-linux')] : []),
  ];
}

/** Validates the components and the base image of a recipe. @internal */
export function validateRecipe(scope: IConstruct, settings: GoldenImagePipelineProps, name: string): void {
  const components = componentsOf(settings);
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
  (settings.baseImage ?? BaseImage.amazonLinux2023())._validate(scope);
}

/** Creates the components and the recipe; the recipe's version is a hash of its content. @internal */
export function createRecipe(scope: Construct, settings: GoldenImagePipelineProps, name: string): Recipe {
  const componentScope = new Construct(scope, 'Components');
  const components = componentsOf(settings).map((c) => c._bind(componentScope, name));
  const recipeProps = {
    parentImage: (settings.baseImage ?? BaseImage.amazonLinux2023()).parentImage,
    components: components.map((b) => ({ componentArn: b.arn })),
    blockDeviceMappings: [{
      deviceName: settings.rootDeviceName ?? '/dev/xvda',
      ebs: {
        encrypted: true,
        kmsKeyId: settings.ebsEncryptionKey?.keyArn,
        volumeType: 'gp3',
        volumeSize: (settings.rootVolumeSize ?? Size.gibibytes(20)).toGibibytes(),
        deleteOnTermination: true,
      },
    }],
    additionalInstanceConfiguration: { systemsManagerAgent: { uninstallAfterBuild: false } },
  };
  const version = contentVersion(JSON.stringify({
    recipe: Stack.of(scope).resolve(recipeProps), components: components.map((b) => b.fingerprint),
  }));
  const resource = new imagebuilder.CfnImageRecipe(scope, 'Recipe', {
    name, version, description: settings.description ?? `Recipe of the ${name} golden image`, ...recipeProps,
  });
  resource.applyRemovalPolicy(RemovalPolicy.DESTROY);
  return { resource, version, components };
}
