import { Stack, Stage } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * The latest AMI of a pipeline, read from its SSM parameter when the consuming stack deploys
 * (`AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`). CloudFormation resolves such a parameter
 * before it creates any resource of the stack, so the stack that reads it must be deployed after
 * the pipeline's first build: the consumer is refused in the pipeline's own stack and made to
 * depend on the pipeline's stack otherwise. @internal
 */
export class PipelineMachineImage implements ec2.IMachineImage {
  constructor(private readonly pipeline: Construct, private readonly parameterName: string) {}

  public getImage(scope: Construct): ec2.MachineImageConfig {
    const consumer = Stack.of(scope);
    const producer = Stack.of(this.pipeline);
    if (isWithin(consumer, producer)) {
      throw new Error(`${scope.node.path}: cannot launch from ${this.pipeline.node.path}.machineImage in the pipeline's own stack `
        + `(${producer.node.path}). That stack reads the SSM parameter ${this.parameterName} when CloudFormation starts to create it, `
        + 'before any build has written it, so the deploy fails, even with buildOnDeploy. Put the pipeline in a stack of its own '
        + 'that builds on deploy, and launch from another stack, which then deploys after it:\n'
        + "  const images = new Stack(app, 'Images');\n"
        + "  const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', buildOnDeploy: true });\n"
        + "  const servers = new Stack(app, 'Servers');\n"
        + "  new InstanceFleet(servers, 'Web', { image: FleetImage.fromMachineImage(pipeline.machineImage) });");
    }
    if (Stage.of(consumer) === Stage.of(producer) && consumer.nestedStackParent === undefined) {
      consumer.addStackDependency(producer, `launches from the AMI whose id ${this.pipeline.node.path} writes to ${this.parameterName}`);
    }
    return ec2.MachineImage.fromSsmParameter(this.parameterName, { os: ec2.OperatingSystemType.LINUX }).getImage(scope);
  }
}

/** Whether `stack` is `ancestor` or one of its nested stacks. */
function isWithin(stack: Stack, ancestor: Stack): boolean {
  for (let s: Stack | undefined = stack; s; s = s.nestedStackParent) {
    if (s === ancestor) return true;
  }
  return false;
}
