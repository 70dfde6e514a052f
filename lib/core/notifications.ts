import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { keyOrCreate } from './encryption';

/** Options of {@link createSecureTopic}. */
export interface SecureTopicOptions {
  /** Shown in notifications. */
  readonly displayName: string;
  /**
   * Key that encrypts the topic.
   * @default - a customer-managed key with rotation (SNS cannot use the AWS-managed key with
   *   service publishers such as CloudWatch alarms and EventBridge)
   */
  readonly key?: kms.IKey;
  /**
   * AWS services that publish to the topic (for example `cloudwatch.amazonaws.com`,
   * `events.amazonaws.com`, `imagebuilder.amazonaws.com`): they get `kms:GenerateDataKey*` and
   * `kms:Decrypt` on a key the library creates. A key you bring must grant this itself.
   * @default - none
   */
  readonly publisherServices?: string[];
}

/**
 * An SNS topic encrypted with a customer-managed key and a policy that refuses non-TLS publishes
 * (AwsSolutions-SNS2/SNS3, HIPAA/NIST/PCI SNSEncryptedKMS), shared by the patterns that notify.
 */
export function createSecureTopic(scope: Construct, id: string, options: SecureTopicOptions): sns.Topic {
  const created = options.key === undefined;
  const key = keyOrCreate(scope, `${id}Key`, options.key, { description: `Encrypts the ${options.displayName} topic` });
  if (created && options.publisherServices?.length) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowServicePublishers',
      principals: options.publisherServices.map((s) => new iam.ServicePrincipal(s)),
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'], // in a key policy, '*' means this key
    }));
  }
  return new sns.Topic(scope, id, {
    displayName: options.displayName,
    masterKey: key,
    enforceSSL: true,
  });
}
