import * as fs from 'fs';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { SnapshotPolicy, SnapshotResourceType, SnapshotSchedule, SnapshotScripts } from '../../lib/snapshots';
import { shellcheck } from '../shellcheck';
import { Template, testStack } from '../util';

const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'snapshots', 'scripts', 'freeze-filesystems.sh');

test('the freeze script passes ShellCheck', () => {
  // WHEN
  const findings = shellcheck([SCRIPT]);
  // THEN
  expect(findings).toEqual([]);
});

test('the SSM document runs the script with the DLM command and the mount points', () => {
  // GIVEN
  const stack = testStack();
  // WHEN
  new SnapshotPolicy(stack, 'P', {
    resourceType: SnapshotResourceType.INSTANCE,
    targetTags: [{ key: 'Role', value: 'web' }],
    scripts: SnapshotScripts.freezeFilesystems(['/data', '/var/lib/app']),
    schedules: [SnapshotSchedule.daily()],
  });
  // THEN
  const documents = Template.fromStack(stack).findResources('AWS::SSM::Document', {
    Properties: { Content: { schemaVersion: '2.2', mainSteps: [Match.objectLike({ action: 'aws:runShellScript' })] } },
  });
  const runCommand: string[] = Object.values(documents)[0].Properties.Content.mainSteps[0].inputs.runCommand;
  expect(runCommand.slice(0, 4)).toEqual([
    '#!/bin/bash',
    "set -- '{{ command }}' '{{ executionId }}'",
    "export FREEZE_MOUNT_POINTS='/data /var/lib/app'",
    "export MAX_FREEZE_SECONDS='60'",
  ]);
  expect(runCommand.join('\n')).toContain(fs.readFileSync(SCRIPT, 'utf8').split('\n').slice(1).join('\n'));
});

test('a document you own is used by name, and the role may send only that document', () => {
  // GIVEN
  const stack = testStack();
  // WHEN
  new SnapshotPolicy(stack, 'P', {
    resourceType: SnapshotResourceType.INSTANCE,
    targetTags: [{ key: 'Role', value: 'db' }],
    scripts: SnapshotScripts.fromDocumentName('mysql-flush', { postScript: false, crashConsistentOnFailure: false }),
    schedules: [SnapshotSchedule.daily()],
  });
  // THEN
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::SSM::Document', 0);
  template.hasResourceProperties('AWS::DLM::LifecyclePolicy', {
    PolicyDetails: { Schedules: [Match.objectLike({ CreateRule: Match.objectLike({
      Scripts: [Match.objectLike({ ExecutionHandler: 'mysql-flush', Stages: ['PRE'], ExecuteOperationOnScriptFailure: false })],
    }) })] },
  });
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Sid: 'RunScriptsDocument',
      Resource: { 'Fn::Join': ['', ['arn:aws:ssm:us-east-1:', { Ref: 'AWS::AccountId' }, ':document/mysql-flush']] },
    })]) },
  });
});
