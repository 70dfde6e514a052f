import { App, Stack } from 'aws-cdk-lib';
import { FleetImage, GoldenImagePipeline, InstanceFleet, SecureVpc } from '../../../lib';

const app = new App();
const images = new Stack(app, 'Images'); // the pipeline; its first build runs while this stack deploys
const vpc = new SecureVpc(images, 'Network').vpc;
const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', vpc, buildOnDeploy: true });

const servers = new Stack(app, 'Servers'); // reads the AMI id the build wrote, so it deploys after Images
new InstanceFleet(servers, 'Web', { vpc, image: FleetImage.fromMachineImage(pipeline.machineImage) });

export { app };
