/**
 * Immutable backups, opted into: a Region-level Recycle Bin rule keeps every deleted EBS snapshot
 * recoverable for 30 days, and it is LOCKED with a 7-day unlock delay. A compromised account (or a
 * script gone wrong) that deletes snapshots cannot empty the bin or delete the rule: someone must
 * unlock it and wait 7 days first. Read this before you copy it: a locked rule cannot be changed
 * or deleted by CloudFormation, so later edits of these props fail to deploy and `cdk destroy`
 * leaves the rule behind (RemovalPolicy.RETAIN).
 */
import { App, AppProps, Duration, Stack } from 'aws-cdk-lib';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { SnapshotRecycleBin } from '../lib/snapshots';

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'RecycleBinExample', {
    env: resolveEnv(app),
    description: 'Recycle Bin: deleted EBS snapshots recoverable for 30 days, rule locked (7-day unlock delay)',
  });
  new SnapshotRecycleBin(stack, 'DeletedSnapshots', {
    retention: Duration.days(30),
    lockUnlockDelay: Duration.days(7), // opt-in immutability: see the comment above
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
