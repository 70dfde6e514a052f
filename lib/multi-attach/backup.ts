import { Aws, Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BACKUP_PLAN_RULES, acknowledgeRules } from '../core/compliance-ids';
import { allow } from '../core/iam';
import { stackCreationSuffix } from '../core/names';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import { checkDurationUnit, checkRange, invalid } from '../core/validation';

/** Options of an AWS Backup plan for the shared volumes. */
export interface VolumeBackupOptions {
  /**
   * When the backups run.
   * @default - every day at 05:00 UTC
   */
  readonly schedule?: events.Schedule;
  /**
   * How long each backup is kept.
   * @default Duration.days(35)
   */
  readonly retention?: Duration;
  /**
   * Vault that records the recovery points.
   * @default - a vault of the cluster, retained on destroy
   */
  readonly vault?: backup.IBackupVault;
}

/**
 * How the shared volumes are backed up. HIPAA and NIST 800-53 require every EBS volume to be in a
 * backup plan; a Multi-Attach volume is crash-consistent when snapshotted, like a single server
 * losing power, which GFS2 journals recover from.
 */
export class ClusterBackup {
  /** An AWS Backup plan with a selection of exactly the cluster's volumes (the default). */
  public static awsBackup(options: VolumeBackupOptions = {}): ClusterBackup {
    return new ClusterBackup(options, undefined);
  }

  /**
   * The volumes are protected by something the compliance rules cannot see, such as a Data
   * Lifecycle Manager policy of the snapshot pattern (`SnapshotPolicy.protect(volume)` with
   * `cluster.volumes`). The reason is recorded as the acknowledgement of the HIPAA and NIST
   * backup-plan rules on each volume, so it must name what protects them (40+ characters).
   */
  public static external(reason: string): ClusterBackup {
    return new ClusterBackup(undefined, reason);
  }

  /** Options of the AWS Backup plan, when this is one. */
  public readonly awsBackupOptions?: VolumeBackupOptions;
  /** Why no AWS Backup plan is needed, when the volumes are protected elsewhere. */
  public readonly externalReason?: string;

  private constructor(awsBackupOptions: VolumeBackupOptions | undefined, externalReason: string | undefined) {
    this.awsBackupOptions = awsBackupOptions;
    this.externalReason = externalReason;
  }

  /** Checks the choice (called by the cluster's validation, before anything is built). @internal */
  public _validate(scope: Construct, property: string): void {
    if (this.externalReason !== undefined) {
      if (this.externalReason.trim().length < 40) {
        invalid(scope, property, this.externalReason, 'ClusterBackup.external(reason) with a reason of at least 40 characters',
          'Name what protects the volumes (for example the snapshot policy), so a reviewer can check it.');
      }
      return;
    }
    const retention = this.awsBackupOptions?.retention;
    checkDurationUnit(scope, `${property}.retention`, retention, ['days']);
    checkRange(scope, {
      property: `${property}.retention`, value: retention?.isUnresolved() ? undefined : retention?.toDays({ integral: false }),
      min: 1, max: 36500, unit: 'days', fix: 'AWS Backup keeps a recovery point at least 1 day.',
    });
  }

  /**
   * Protects the volumes: an AWS Backup plan with a selection of exactly these volumes, or the
   * recorded reason on each volume. Returns the plan, if one was made. @internal
   */
  public _bind(scope: Construct, volumes: ec2.IVolume[], resources: Construct[]): backup.BackupPlan | undefined {
    if (this.externalReason !== undefined) {
      for (const r of resources) acknowledgeRules(r, BACKUP_PLAN_RULES, this.externalReason);
      return undefined;
    }
    const options = this.awsBackupOptions ?? {};
    // A retained vault keeps its recovery points after `cdk destroy`; a name new for each stack
    // creation lets a retry or a redeploy create its own vault instead of failing with "already
    // exists" (vault names: 2-50 of letters, digits, - and _; AWS Backup API, CreateBackupVault).
    const vault = options.vault ?? new backup.BackupVault(scope, 'Vault', {
      backupVaultName: `${Names.uniqueResourceName(scope, { maxLength: 41, separator: '-' })}-${stackCreationSuffix()}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(scope, 'Plan', {
      backupVault: vault,
      backupPlanRules: [new backup.BackupPlanRule({
        ruleName: 'SharedVolumes',
        scheduleExpression: options.schedule ?? events.Schedule.cron({ minute: '0', hour: '5' }),
        deleteAfter: options.retention ?? Duration.days(35),
      })],
    });
    const role = new ManagedPolicyRole(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `Backs up the shared volumes of ${scope.node.scope?.node.path ?? scope.node.path}`,
    });
    const stack = Stack.of(scope);
    const volumeArns = volumes.map((v) => stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: v.volumeId }));
    const snapshots = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::snapshot/*`;
    // The EBS part of AWSBackupServiceRolePolicyForBackup, narrowed to these volumes and vault.
    allow(role, 'SnapshotClusterVolumes', ['ec2:CreateSnapshot'], [...volumeArns, snapshots]);
    allow(role, 'ManageBackupSnapshots', ['ec2:CreateTags', 'ec2:DeleteSnapshot'], [snapshots]);
    allow(role, 'DescribeVolumesAndSnapshots', ['ec2:DescribeSnapshots', 'ec2:DescribeTags', 'ec2:DescribeVolumes', 'tag:GetResources'], ['*']);
    allow(role, 'RecordRecoveryPoints', ['backup:CopyIntoBackupVault', 'backup:DescribeBackupVault'], [vault.backupVaultArn]);
    const keys = [...new Set(volumes.map((v) => v.encryptionKey).filter((k): k is kms.IKey => k !== undefined))];
    if (keys.length > 0) {
      allow(role, 'UseVolumeKeysThroughEbs',
        ['kms:CreateGrant', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        keys.map((k) => k.keyArn), { StringEquals: { 'kms:ViaService': `ec2.${Aws.REGION}.amazonaws.com` } });
    }
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeSnapshots, ec2:DescribeVolumes, ec2:DescribeTags and tag:GetResources support no '
          + 'resource-level permissions; the role can create snapshots of this cluster\'s volumes only.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*]',
        reason: 'AWS Backup creates, tags and expires snapshots whose ids do not exist before each backup job; '
          + 'CreateSnapshot needs the snapshot resource too and is bounded by the listed volume ARNs.',
      },
    );
    plan.addSelection('Volumes', {
      resources: volumeArns.map((arn) => backup.BackupResource.fromArn(arn)),
      role,
      disableDefaultBackupPolicy: true,
    });
    return plan;
  }
}
