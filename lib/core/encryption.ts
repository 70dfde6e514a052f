import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Options for a key the library creates when the user brings none. */
export interface ManagedKeyOptions {
  /** What the key protects, shown in the console. */
  readonly description: string;
  /**
   * What happens to the key on `cdk destroy`.
   * @default RemovalPolicy.RETAIN - data encrypted with the key must stay readable
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Returns the user's key, or a new customer-managed key with rotation on that survives
 * `cdk destroy` (volumes, snapshots and AMIs encrypted with it would otherwise become unreadable).
 */
export function keyOrCreate(scope: Construct, id: string, key: kms.IKey | undefined, options: ManagedKeyOptions): kms.IKey {
  if (key) return key;
  return new kms.Key(scope, id, {
    description: options.description,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}

/** Options of {@link allowCloudWatchLogs}. */
export interface CloudWatchLogsKeyOptions {
  /** Statement id in the key policy. @default - none */
  readonly sid?: string;
  /** Only these log groups may use the key. @default - any log group of the account and region */
  readonly logGroupArns?: string[];
}

/**
 * Lets CloudWatch Logs of this region encrypt log groups with the key. CloudWatch Logs uses the key
 * only when the key policy trusts the regional service principal (CloudWatch Logs User Guide,
 * "Encrypt log data using AWS KMS"). With `logGroupArns`, only those log groups (the
 * `aws:logs:arn` encryption context) may use it.
 */
export function allowCloudWatchLogs(key: kms.IKey, options: CloudWatchLogsKeyOptions = {}): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: options.sid,
    principals: [new iam.ServicePrincipal(`logs.${Stack.of(key).region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'], // in a key policy, '*' means this key
    conditions: options.logGroupArns ? { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': options.logGroupArns } } : undefined,
  }));
}
