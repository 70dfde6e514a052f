import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Status-check alarms of the pair, and their names per role as the function reads them. */
export interface StatusCheckAlarms {
  readonly alarms: cloudwatch.Alarm[];
  readonly names: { primary: string[]; standby: string[] };
}

/**
 * `StatusCheckFailed_System` and `_Instance` alarms for both nodes: `Maximum` >= 1 for all of the
 * evaluation periods. They notify `action` and are the debounce of an impaired node.
 */
export function createStatusCheckAlarms(scope: Construct, nodes: { primary: ec2.IInstance; standby: ec2.IInstance },
  period: Duration, evaluationPeriods: number, action: cloudwatch.IAlarmAction): StatusCheckAlarms {
  const alarms: cloudwatch.Alarm[] = [];
  const names: { primary: string[]; standby: string[] } = { primary: [], standby: [] };
  for (const [role, instance] of [['Primary', nodes.primary], ['Standby', nodes.standby]] as const) {
    for (const check of ['System', 'Instance']) {
      const alarm = new cloudwatch.Alarm(scope, `${role}${check}CheckAlarm`, {
        alarmDescription: `${check} status check of the ${role.toLowerCase()} node of ${scope.node.path} failed`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/EC2',
          metricName: `StatusCheckFailed_${check}`,
          dimensionsMap: { InstanceId: instance.instanceId },
          statistic: 'Maximum',
          // cloudwatch.Metric refuses a deploy-time period: the alarm's L1 gets it below.
          period: period.isUnresolved() ? Duration.minutes(1) : period,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods,
        datapointsToAlarm: evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      });
      if (period.isUnresolved()) (alarm.node.defaultChild as cloudwatch.CfnAlarm).period = period.toSeconds();
      alarm.addAlarmAction(action);
      alarms.push(alarm);
      names[role === 'Primary' ? 'primary' : 'standby'].push(alarm.alarmName);
    }
  }
  return { alarms, names };
}

/** The operator alarms: no healthy node (from the function's metric) and function errors. */
export function createOperatorAlarms(scope: Construct, namespace: string, allocationId: string, functions: lambda.IFunction[],
  action: cloudwatch.IAlarmAction): { noHealthyNode: cloudwatch.Alarm; errors: cloudwatch.Alarm[] } {
  const noHealthyNode = new cloudwatch.Alarm(scope, 'NoHealthyNodeAlarm', {
    alarmDescription: `Neither node of ${scope.node.path} is healthy: the Elastic IP stays on a failed node`,
    metric: new cloudwatch.Metric({
      namespace, metricName: 'NoHealthyNode', dimensionsMap: { AllocationId: allocationId }, statistic: 'Maximum', period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  noHealthyNode.addAlarmAction(action);
  const errors = functions.map((fn, i) => {
    const alarm = new cloudwatch.Alarm(scope, i === 0 ? 'FunctionErrorsAlarm' : 'ProbeFunctionErrorsAlarm', {
      alarmDescription: `The ${i === 0 ? 'failover' : 'probe'} function of ${scope.node.path} failed; check its log group`
        + (i === 0 ? ' and dead-letter queue' : ''),
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(action);
    return alarm;
  });
  return { noHealthyNode, errors };
}

/** The alarm action that publishes to the topic. */
export function topicAction(topic: sns.ITopic): cloudwatch.IAlarmAction {
  return new cw_actions.SnsAction(topic);
}
