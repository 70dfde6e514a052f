import { App, AppProps, Stack } from 'aws-cdk-lib';
import { SecureVpc } from '../lib';
import { createCompliantApp, resolveEnv } from './compliance';
import { EipFailoverStack } from './stacks/eip-failover';
import { GoldenAmiStack } from './stacks/golden-ami';

/**
 * The reference architecture, in the spirit of the seeds' cat-photo web app:
 *
 *   Network     one SecureVpc shared by every stack
 *   GoldenAmi   Image Builder pipeline: AL2023 + nginx "Hello" page, CVE-scanned, id in SSM
 *   Web         two web servers from the golden image behind one static address (EIP failover)
 *
 * Each pattern adds its stack here. Stacks that launch from the golden image depend on the
 * GoldenAmi stack, whose first build runs during its deploy and writes the SSM parameter.
 */
export function createReferenceApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const env = resolveEnv(app);

  const network = new Stack(app, 'CatPhotos-Network', { env, description: 'Shared VPC of the cat-photo reference app' });
  const { vpc } = new SecureVpc(network, 'Vpc');

  const golden = new GoldenAmiStack(app, 'CatPhotos-GoldenAmi', { env, vpc, description: 'Golden web-server AMI pipeline' });

  const web = new EipFailoverStack(app, 'CatPhotos-Web', {
    env, vpc, machineImage: golden.pipeline.machineImage, description: 'Web servers from the golden AMI behind one static address',
  });
  web.addStackDependency(golden, 'launches from the AMI whose id the first pipeline build writes to SSM');

  return app;
}
