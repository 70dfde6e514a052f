import { Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LaunchTimeImage } from '../core/launch-time-image';

/**
 * The latest AMI of a pipeline, read from its SSM parameter when an instance launches (a
 * `LaunchTimeImage`: `{{resolve:ssm:...}}` on instances, `resolve:ssm:` in launch templates), so a
 * new build replaces no running instance by itself. The parameter exists only after the first
 * build, so the consumer is refused in the pipeline's own stack and made to depend on the
 * pipeline's stack otherwise, on both paths. It carries the pipeline's EBS key. @internal
 */
export class PipelineMachineImage extends LaunchTimeImage {
  constructor(private readonly pipeline: Construct, parameterName: string, encryptionKey?: kms.IKey) {
    super(parameterName, ec2.OperatingSystemType.LINUX, undefined, encryptionKey);
  }

  public getImage(scope: Construct): ec2.MachineImageConfig {
    this.checkConsumer(scope);
    return super.getImage(scope);
  }

  public forLaunchTemplate(): ec2.IMachineImage {
    const inner = super.forLaunchTemplate();
    return {
      getImage: (scope: Construct) => {
        this.checkConsumer(scope);
        return inner.getImage(scope);
      },
    };
  }

  private checkConsumer(scope: Construct): void {
    const consumer = Stack.of(scope);
    const producer = Stack.of(this.pipeline);
    if (isWithin(consumer, producer)) {
      throw new Error(`${scope.node.path}: cannot launch from ${this.pipeline.node.path}.machineImage in the pipeline's own stack `
        + `(${producer.node.path}). The SSM parameter ${this.parameterName} exists only once a build has written it, and the `
        + 'stack would read it before its own build on deploy is done, so the deploy fails. Put the pipeline in a stack of its own '
        + 'that builds on deploy, and launch from another stack, which then deploys after it:\n'
        + "  const images = new Stack(app, 'Images');\n"
        + "  const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', buildOnDeploy: true });\n"
        + "  const servers = new Stack(app, 'Servers');\n"
        + "  new InstanceFleet(servers, 'Web', { image: FleetImage.fromPipeline(pipeline) });");
    }
    if (Stage.of(consumer) === Stage.of(producer) && consumer.nestedStackParent === undefined) {
      consumer.addStackDependency(producer, `launches from the AMI whose id ${this.pipeline.node.path} writes to ${this.parameterName}`);
    }
  }
}

/** Whether `stack` is `ancestor` or one of its nested stacks. */
function isWithin(stack: Stack, ancestor: Stack): boolean {
  for (let s: Stack | undefined = stack; s; s = s.nestedStackParent) {
    if (s === ancestor) return true;
  }
  return false;
}
