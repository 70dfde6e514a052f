/**
 * The one-statement way to protect a whole region: a Data Lifecycle Manager default policy for
 * EBS snapshots snapshots every volume that has no recent backup, daily, and keeps two weeks.
 * No tags to maintain; volumes that need other schedules get a SnapshotPolicy of their own.
 */
import { App, AppProps, Duration, Stack } from 'aws-cdk-lib';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { DefaultSnapshotPolicy } from '../lib/snapshots';

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'DefaultSnapshotsExample', {
    env: resolveEnv(app),
    description: 'Default DLM policy: daily snapshots of every EBS volume of the region, kept 14 days',
  });
  new DefaultSnapshotPolicy(stack, 'RegionBackups', { createEvery: Duration.days(1), retain: Duration.days(14) });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
