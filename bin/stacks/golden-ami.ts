import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as path from 'path';
import { Construct } from 'constructs';
import { GoldenImagePipeline, ImageComponent } from '../../lib/golden-ami';

const SCRIPTS = path.join(__dirname, '..', '..', 'examples', 'assets');

/** Properties of the {@link GoldenAmiStack}. */
export interface GoldenAmiStackProps extends StackProps {
  /**
   * VPC whose private subnets run the build instances (for example the shared network's VPC).
   * @default - the pipeline creates its own SecureVpc
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Build the first image during `cdk deploy`, so stacks that launch `pipeline.machineImage`
   * can be deployed right after this one.
   * @default true
   */
  readonly buildOnDeploy?: boolean;
}

/**
 * The reference app's golden image: the cat-photo web server (nginx with a "Hello" page) on a
 * hardened Amazon Linux 2023, rebuilt weekly. Pass `stack.pipeline.machineImage` to a launch
 * stack: that stack then depends on this one (its deploy reads the AMI id the first build wrote).
 */
export class GoldenAmiStack extends Stack {
  /** The pipeline; `pipeline.machineImage` is the latest AMI. */
  public readonly pipeline: GoldenImagePipeline;

  constructor(scope: Construct, id: string, props: GoldenAmiStackProps = {}) {
    super(scope, id, props);
    this.pipeline = new GoldenImagePipeline(this, 'WebServerImage', {
      name: 'cat-photos-web',
      vpc: props.vpc,
      components: [
        ImageComponent.fromScriptFiles('nginx-hello',
          path.join(SCRIPTS, 'golden-nginx-install.sh'),
          path.join(SCRIPTS, 'golden-nginx-test.sh'),
          { description: 'nginx serving a Hello page' }),
      ],
      buildOnDeploy: props.buildOnDeploy ?? true,
    });
  }
}
