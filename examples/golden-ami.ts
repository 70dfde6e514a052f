/**
 * The seeds' web server image, automated: nginx with a "Hello" page baked into a hardened
 * Amazon Linux 2023 golden AMI by EC2 Image Builder, tested on a fresh instance, scanned for
 * CVEs, its id published to SSM for the launch pattern (`pipeline.machineImage`).
 */
import { App, AppProps, Stack } from 'aws-cdk-lib';
import * as path from 'path';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { sharedNetwork } from '../bin/stacks/network';
import { GoldenImagePipeline, ImageComponent } from '../lib/golden-ami';

const SCRIPTS = path.join(__dirname, 'assets');

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'GoldenAmiExample', {
    env: resolveEnv(app),
    description: 'Golden AMI pipeline: nginx "Hello" web server image built by EC2 Image Builder',
  });

  new GoldenImagePipeline(stack, 'WebServerImage', {
    vpc: sharedNetwork(app), // one VPC for every example (bin/stacks/network.ts)
    name: 'web-server',
    components: [
      ImageComponent.fromScriptFiles('nginx-hello',
        path.join(SCRIPTS, 'golden-nginx-install.sh'),
        path.join(SCRIPTS, 'golden-nginx-test.sh'),
        { description: 'nginx serving a Hello page' }),
    ],
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
