import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/acknowledgements';
import { allow } from '../core/iam';

/** What the build instances use besides the SSM agent. @internal */
export interface BuildResources {
  /** Name of the pipeline (the prefix of its build log objects). */
  readonly name: string;
  /** ARNs of the pipeline's own components. */
  readonly ownComponentArns: string[];
  /** Names of the AWS-managed components of the recipe. */
  readonly managedComponents: string[];
  /** Log group of the image builds. */
  readonly imageLogs: logs.ILogGroup;
  /** Bucket of the build logs, if the instances upload them to S3 as well (`s3Logs`). */
  readonly logBucket?: s3.IBucket;
  /** Key of the build logs. */
  readonly encryptionKey: kms.IKey;
  /** Whether Image Builder runs its SSM inventory association on the build instance. */
  readonly enhancedImageMetadata: boolean;
}

/**
 * Grants the build instances' permissions beyond the SSM agent: what EC2InstanceProfileForImageBuilder
 * grants, scoped to this pipeline's components, log group and (with `s3Logs`) log prefix. @internal
 */
export function grantBuildPermissions(grantee: iam.IGrantable, build: BuildResources): void {
  const managedArns = build.managedComponents.map((c) => `arn:${Aws.PARTITION}:imagebuilder:${Aws.REGION}:aws:component/${c}/*`);
  allow(grantee, 'ReadRecipeComponents', ['imagebuilder:GetComponent'], [...build.ownComponentArns, ...managedArns]);
  const managedResources = `arn:${Aws.PARTITION}:s3:::ec2imagebuilder*/*`;
  allow(grantee, 'ReadImageBuilderManagedResources', ['s3:GetObject'], [managedResources]);
  allow(grantee, 'WriteBuildLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents'], [build.imageLogs.logGroupArn]);
  if (build.logBucket) grantLogObjects(grantee, build.logBucket, build.name, build.encryptionKey);
  if (build.enhancedImageMetadata) grantInventory(grantee);
  // The statements land in a customer-managed policy below the grantee (a ManagedPolicyRole, or the
  // policy core/iam.ts attaches to a role you bring), so the acknowledgements sit there.
  if (grantee instanceof Construct) {
    acknowledgeWildcardResources(grantee, managedArns, 'Image Builder resolves each AWS-managed component to a build version '
      + 'chosen at build time (arn:...:aws:component/<name>/<version>/<build>); the grant is limited to the named components.');
    acknowledgeWildcardResources(grantee, [managedResources], 'AWS-managed components download their payloads from '
      + 'AWS-owned ec2imagebuilder-* buckets whose exact names are region- and release-specific (EC2InstanceProfileForImageBuilder).');
  }
}

/** Uploads of the build logs under this pipeline's prefix of the log bucket, encrypted with the log key. */
function grantLogObjects(grantee: iam.IGrantable, bucket: s3.IBucket, name: string, key: kms.IKey): void {
  const logObjects = bucket.arnForObjects(`${name}/*`);
  allow(grantee, 'WriteBuildLogObjects', ['s3:PutObject'], [logObjects]);
  allow(grantee, 'EncryptBuildLogObjects', ['kms:GenerateDataKey', 'kms:Decrypt'], [key.keyArn], { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } });
  if (grantee instanceof Construct) {
    acknowledgeWildcardResources(grantee, [logObjects], 'Build instances write their logs as new objects under this pipeline\'s '
      + 'prefix of the build log bucket; object keys are generated per build, only s3:PutObject is allowed.');
  }
}

/**
 * What the SSM agent needs to run the `AWS-GatherSoftwareInventory` association that enhanced image
 * metadata adds (the inventory subset of AmazonSSMManagedInstanceCore), scoped to instances of this
 * account and region and to that one AWS-owned document.
 */
function grantInventory(grantee: iam.IGrantable): void {
  const instances = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`;
  const inventoryDocument = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}::document/AWS-GatherSoftwareInventory`;
  const associations = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:association/*`;
  allow(grantee, 'RunInventoryAssociation', ['ssm:DescribeAssociation'], [instances, associations, inventoryDocument]);
  allow(grantee, 'ReadInventoryDocument', ['ssm:GetDocument', 'ssm:DescribeDocument'], [inventoryDocument]);
  allow(grantee, 'ReportInventory', ['ssm:PutInventory', 'ssm:PutComplianceItems', 'ssm:UpdateAssociationStatus'], [instances]);
  if (grantee instanceof Construct) {
    acknowledgeWildcardResources(grantee, [instances, associations], 'Image Builder launches the build instance and creates its inventory '
      + 'association during each build, so their ids are unknown at deploy; the statements are limited to this account and region '
      + 'and to the AWS-GatherSoftwareInventory document.');
  }
}
