import { App, Stack } from 'aws-cdk-lib';
import { GoldenImagePipeline, ImageComponent } from '../../../lib';

const app = new App();
const images = new Stack(app, 'WebServerImages');
new GoldenImagePipeline(images, 'WebServerImage', {
  name: 'web-server',
  components: [ImageComponent.fromScriptFiles('nginx-hello', 'assets/golden-nginx-install.sh', 'assets/golden-nginx-test.sh')],
  buildOnDeploy: true, // the first AMI exists when `cdk deploy` ends
});

export { app };
