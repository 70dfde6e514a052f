/**
 * A backup account that keeps its own copies of production's snapshots: production shares them
 * (a SnapshotPolicy schedule with `share` and its volume key), and this account's cross-account
 * copy event policy copies each shared snapshot, encrypted with a key of this account, and keeps
 * the copies 35 days. Deleting snapshots in a compromised production account leaves these alone.
 */
import { App, AppProps, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { SecureKey } from '../lib/core';
import { CrossAccountCopyPolicy, SnapshotRetention } from '../lib/snapshots';

/** The production account that shares its snapshots (an example value). */
const PRODUCTION_ACCOUNT = '111111111111';

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'BackupAccountExample', {
    env: resolveEnv(app),
    description: 'Backup account: copies of the snapshots production shares, under this account key (DLM event policy)',
  });
  const backupKey = new SecureKey(stack, 'BackupKey', {
    description: 'Encrypts the copies of shared production snapshots',
  });
  new CrossAccountCopyPolicy(stack, 'FromProduction', {
    sourceAccounts: [PRODUCTION_ACCOUNT],
    copies: [{ region: stack.region, retention: SnapshotRetention.days(35), encryptionKey: backupKey }],
    sourceKeys: [kms.Key.fromKeyArn(stack, 'ProductionVolumeKey',
      `arn:${stack.partition}:kms:${stack.region}:${PRODUCTION_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)],
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
