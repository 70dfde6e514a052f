/**
 * Instance backups as EBS-backed AMIs: Data Lifecycle Manager makes an AMI of every instance
 * tagged `backup=weekly-ami` each Sunday, keeps the last 8, deprecates the 4 oldest (so nobody
 * launches from them by accident), and copies each to a second region for a month. These back up
 * running instances; they are not the golden AMI pipeline's images (see lib/golden-ami).
 */
import { App, AppProps, Stack } from 'aws-cdk-lib';
import { createCompliantApp, resolveEnv } from '../bin/compliance';
import { InstanceImagePolicy, SnapshotRetention, SnapshotSchedule, SnapshotWeekDay } from '../lib/snapshots';

export function createApp(props: AppProps = {}): App {
  const app = createCompliantApp(props);
  const stack = new Stack(app, 'AmiBackupsExample', {
    env: resolveEnv(app),
    description: 'Weekly AMIs of tagged instances, 8 kept, 4 oldest deprecated, copied to us-west-2 (DLM AMI policy)',
  });
  new InstanceImagePolicy(stack, 'WeeklyImages', {
    targetTags: [{ key: 'backup', value: 'weekly-ami' }],
    schedules: [SnapshotSchedule.weekly({
      weekDay: SnapshotWeekDay.SUNDAY,
      hour: 2,
      retention: SnapshotRetention.count(8),
      deprecateAfter: SnapshotRetention.count(4),
      copies: [{ region: 'us-west-2', retention: SnapshotRetention.months(1) }],
    })],
  });
  return app;
}

if (require.main === module) {
  createApp().synth();
}
