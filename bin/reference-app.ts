import { App, AppProps, Stack } from 'aws-cdk-lib';
import { SecureVpc } from '../lib';
import { createCompliantApp, resolveEnv } from './compliance';

/**
 * The reference architecture, in the spirit of the seeds' cat-photo web app: a golden image,
 * web servers launched from it behind a static address, their data snapshotted nightly, and a
 * shared io2 volume for a clustered tier. Each pattern adds its stack here.
 */
export function createReferenceApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const env = resolveEnv(app);

  const network = new Stack(app, 'CatPhotos-Network', { env, description: 'Shared VPC of the cat-photo reference app' });
  new SecureVpc(network, 'Vpc');

  return app;
}
