import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { allowCloudWatchLogs, serviceLinkedRoleArn } from '../core/encryption';
import { stackCreationSuffix } from '../core/names';

/** Where a pipeline's builds log: two encrypted log groups and, with `s3Logs`, an encrypted, access-logged bucket. @internal */
export interface BuildLogs {
  /** Log group of the image builds (the build instance writes to it). */
  readonly imageLogs: logs.LogGroup;
  /** Log group of the pipeline executions (Image Builder writes to it). */
  readonly pipelineLogs: logs.LogGroup;
  /** Bucket of the build logs of the instances, with `s3Logs`. */
  readonly logBucket?: s3.Bucket;
  /** Bucket of the server access logs of `logBucket`, with `s3Logs`. */
  readonly accessLogBucket?: s3.Bucket;
}

/**
 * Creates the build logs of a pipeline, encrypted with `key`, and lets CloudWatch Logs, EventBridge
 * and the Image Builder service-linked role use the key. The log buckets only with `s3Logs`: Image
 * Builder streams the build logs to the image log group anyway (EC2 Image Builder User Guide,
 * "Monitor Image Builder logs with Amazon CloudWatch Logs"). @internal
 */
export function createBuildLogs(scope: Construct, name: string, key: kms.IKey, retention: logs.RetentionDays, s3Logs: boolean): BuildLogs {
  // Retained log groups keep the logs of a failed build (a test or CVE gate that failed the first
  // deploy), so their names must not be reused: a retry after the rollback, or a redeploy after
  // `cdk destroy`, would fail with "already exists". Every stack creation gets a new stack id, so a
  // suffix taken from it makes each creation's names new, while updates keep them.
  const suffix = stackCreationSuffix();
  const imageLogGroupName = `/aws/imagebuilder/${name}-${suffix}`;
  const pipelineLogGroupName = `/aws/imagebuilder/pipeline/${name}-${suffix}`;
  allowLogsAndNotifications(key, [imageLogGroupName, pipelineLogGroupName]);
  const imageLogs = new logs.LogGroup(scope, 'ImageLogs', {
    logGroupName: imageLogGroupName, encryptionKey: key, retention, removalPolicy: RemovalPolicy.RETAIN,
  });
  const pipelineLogs = new logs.LogGroup(scope, 'PipelineLogs', {
    logGroupName: pipelineLogGroupName, encryptionKey: key, retention, removalPolicy: RemovalPolicy.RETAIN,
  });
  return { imageLogs, pipelineLogs, ...(s3Logs ? createLogBuckets(scope, key, retention) : {}) };
}

/** Key policy: CloudWatch Logs for the two log groups, EventBridge and the Image Builder service-linked role for SNS. */
function allowLogsAndNotifications(key: kms.IKey, logGroupNames: string[]): void {
  allowCloudWatchLogs(key, {
    sid: 'CloudWatchLogsOfImageBuilder',
    logGroupArns: logGroupNames.map((g) => `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${g}`),
  });
  // EventBridge rules (onBuildSucceeded/onBuildFailed) may target the topic.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'EventBridgeNotifications',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
  // Image Builder publishes to the topic as its service-linked role. The role may not exist yet when
  // the key is created (first use of Image Builder in the account), and KMS rejects a key policy
  // naming a missing principal, so the role is matched by ARN in a condition instead.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'ImageBuilderNotifications',
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'aws:PrincipalArn': serviceLinkedRoleArn('imagebuilder.amazonaws.com', 'AWSServiceRoleForImageBuilder'),
        'kms:CallerAccount': Aws.ACCOUNT_ID,
        'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com`,
      },
    },
  }));
}

function createLogBuckets(scope: Construct, key: kms.IKey, retention: logs.RetentionDays): { logBucket: s3.Bucket; accessLogBucket: s3.Bucket } {
  const days = retention === logs.RetentionDays.INFINITE ? undefined : Duration.days(retention);
  const lifecycleRules: s3.LifecycleRule[] = [{ expiration: days, noncurrentVersionExpiration: Duration.days(30) }];
  const common = {
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules,
    removalPolicy: RemovalPolicy.RETAIN,
  };
  // S3 server access logging delivers only to SSE-S3 buckets.
  const accessLogBucket = new s3.Bucket(scope, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED, ...common });
  const logBucket = new s3.Bucket(scope, 'Logs', {
    encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true, ...common,
  });
  // Server access logging written out rather than through `serverAccessLogsBucket`, whose grant
  // depends on the app's `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` flag: without it, CDK
  // falls back to ACLs, which BucketOwnerEnforced forbids. The library works under any flags.
  const prefix = 'build-logs/';
  (logBucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: accessLogBucket.bucketName,
    logFilePrefix: prefix,
  };
  accessLogBucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'S3ServerAccessLogsPolicy',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [accessLogBucket.arnForObjects(`${prefix}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': logBucket.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
    },
  }));
  acknowledgeLogBucketFindings(logBucket, accessLogBucket);
  return { logBucket, accessLogBucket };
}

function acknowledgeLogBucketFindings(logBucket: s3.IBucket, accessLogBucket: s3.IBucket): void {
  const replication = 'Build logs are diagnostic records of reproducible builds, kept for the retention period with '
    + 'versioning on; a cross-region replica would need its own bucket, key and logging for little recovery value.';
  const encryption = 'S3 server access logging delivers only to buckets encrypted with SSE-S3 (AES-256); SSE-KMS '
    + 'is not supported for the target bucket, which is still TLS-only, versioned and private.';
  const packs = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];
  // The access log bucket itself needs no logging acknowledgement: the packs recognize a server
  // access log target by its logging.s3.amazonaws.com bucket policy.
  Validations.of(accessLogBucket).acknowledge(
    ...packs.flatMap((pack) => [
      { id: `${pack}-S3DefaultEncryptionKMS`, reason: encryption },
      { id: `${pack}-S3BucketReplicationEnabled`, reason: replication },
    ]),
  );
  Validations.of(logBucket).acknowledge(...packs.map((pack) => ({ id: `${pack}-S3BucketReplicationEnabled`, reason: replication })));
}
