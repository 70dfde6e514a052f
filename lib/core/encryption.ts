import { Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
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

/** Options of {@link allowServiceLinkedRole}. */
export interface ServiceLinkedRoleKeyOptions {
  /** Statement id prefix in the key policy (the grant statement gets `Grants` appended). */
  readonly sid: string;
  /** Service of the role, for example `autoscaling.amazonaws.com`. */
  readonly service: string;
  /** Name of the role, for example `AWSServiceRoleForAutoScaling`. */
  readonly roleName: string;
  /** Key actions the role may call directly. */
  readonly actions: string[];
  /**
   * Also let the role create grants for AWS resources (`kms:CreateGrant` with
   * `kms:GrantIsForAWSResource`), as EBS needs for the volumes it attaches.
   * @default false
   */
  readonly withGrants?: boolean;
  /** Extra conditions on the direct-use statement, for example `kms:ViaService`. @default - none */
  readonly conditions?: { [operator: string]: { [key: string]: unknown } };
}

/** The ARN of a service-linked role of the stack's account. */
export function serviceLinkedRoleArn(service: string, roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/${service}/${roleName}`;
}

/**
 * Lets a service-linked role of this account use a key the stack owns (a no-op on imported keys,
 * whose policy you manage). The role is matched by `aws:PrincipalArn` rather than named as the
 * principal, because KMS refuses a key policy that names a role that does not exist yet, and a
 * service creates its service-linked role only on first use (AWS KMS Developer Guide, "Key policies":
 * principals must exist; EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with
 * encrypted volumes": direct use plus `kms:CreateGrant` with `kms:GrantIsForAWSResource`).
 */
export function allowServiceLinkedRole(key: kms.IKey, options: ServiceLinkedRoleKeyOptions): void {
  const principal = { 'aws:PrincipalArn': serviceLinkedRoleArn(options.service, options.roleName) };
  const extra = options.conditions ?? {};
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: options.sid,
    principals: [new iam.AnyPrincipal()],
    actions: options.actions,
    resources: ['*'], // in a key policy, '*' means this key
    conditions: { ...extra, ArnEquals: { ...extra.ArnEquals, ...principal } },
  }));
  if (options.withGrants) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: `${options.sid}Grants`,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { ArnEquals: principal, Bool: { 'kms:GrantIsForAWSResource': true } },
    }));
  }
}
