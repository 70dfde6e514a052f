import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { denyNonAwsGrantsStatement } from '../core/encryption';
import { allow } from '../core/iam';

/** What the GFS2 nodes' permissions are scoped to. */
export interface Gfs2Scope {
  /** Who receives the statements (the node role, or the policy attached to a role you bring). */
  readonly grantee: iam.IGrantable;
  readonly role: iam.IRole;
  readonly clusterId: string;
  readonly volumes: ec2.IVolume[];
  /** ARNs of the instance profiles the nodes run with: the fencing scope. */
  readonly instanceProfileArns: string[];
  /** Keys of the nodes' EBS volumes (root and shared), customer-managed ones only. */
  readonly ebsKeys: kms.IKey[];
  /** Where the acknowledgements of the statements go. */
  readonly acknowledgeOn: IConstruct;
}

/**
 * The seed of the corosync authkey: an HMAC key that never leaves KMS; the nodes derive the authkey
 * with GenerateMac, so no secret is stored or rotated anywhere (KMS cannot rotate HMAC keys). Its
 * key policy gives the account only the administrative actions and GenerateMac to the node role
 * alone, so no IAM policy elsewhere in the account can derive the authkey.
 */
export function authkeySeed(scope: Construct, role: iam.IRole): kms.Key {
  return new kms.Key(scope, 'AuthKeySeed', {
    description: `Derives the corosync authkey of ${scope.node.path} (GenerateMac)`,
    keySpec: kms.KeySpec.HMAC_256,
    keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
    // It encrypts no data: a new key on re-creation only means a new authkey.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(30),
    policy: new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'AccountAdministersOnly',
          principals: [new iam.AccountRootPrincipal()],
          actions: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
            'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion',
            'kms:CancelKeyDeletion'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'NodesDeriveCorosyncAuthkey',
          principals: [new iam.ArnPrincipal(role.roleArn)],
          actions: ['kms:GenerateMac'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
        }),
        denyNonAwsGrantsStatement(),
      ],
    }),
  });
}

/** The cluster ports between the members, and what the bootstrap and fence_aws call. */
export function grantGfs2(s: Gfs2Scope): void {
  const instances = `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`;
  const volumeArns = s.volumes.map((v) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:volume/${v.volumeId}`);
  const parameters = `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:parameter/multi-attach/${s.clusterId}`;
  allow(s.grantee, 'DiscoverClusterMembers', ['ec2:DescribeInstances', 'ec2:DescribeVolumes'], ['*']);
  // The members are the instances the stack holds as nodes, not the instances that carry a tag.
  allow(s.grantee, 'ReadStackNodesAndSignal', ['cloudformation:DescribeStackResources', 'cloudformation:SignalResource'], [Aws.STACK_ID]);
  allow(s.grantee, 'ReadClusterConfiguration', ['ssm:GetParameter'], [`${parameters}/*`]);
  allow(s.grantee, 'RecordFileSystems', ['ssm:PutParameter'], [`${parameters}/fs/*`, `${parameters}/members`]);
  // A replaced generation's stopped node loses its attachment: it can never write again.
  allow(s.grantee, 'DetachReplacedGeneration', ['ec2:DetachVolume'], [...volumeArns, instances]);
  // fence_aws stops and starts members; only instances running with the cluster's instance
  // profile can be fenced (launching one with it needs iam:PassRole on the node role, where a
  // tag needs only ec2:CreateTags).
  allow(s.grantee, 'FenceClusterMembers', ['ec2:StartInstances', 'ec2:StopInstances'], [instances],
    { ArnEquals: { 'ec2:InstanceProfile': s.instanceProfileArns } });
  if (s.ebsKeys.length > 0) {
    // Starting a fenced node attaches its encrypted volumes: EC2 creates grants on the keys for
    // the caller (Amazon EBS User Guide, "How Amazon EBS uses AWS KMS").
    allow(s.grantee, 'StartNodesWithEncryptedVolumes',
      ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext'], s.ebsKeys.map((k) => k.keyArn),
      { StringEquals: { 'kms:ViaService': `ec2.${Aws.REGION}.amazonaws.com` }, Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  }
  Validations.of(s.acknowledgeOn).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeInstances and ec2:DescribeVolumes (peer discovery, fence_aws status) support no resource-level permissions; '
        + 'the other Resource::* actions are the SSM agent channels of the hardened node.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
      reason: 'Fencing (ec2:StopInstances, ec2:StartInstances) is limited by the ec2:InstanceProfile condition to the nodes\' instance '
        + 'profiles, and DetachVolume to the shared volumes; instance ARNs cannot be listed because the role is an input of the instances.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/multi-attach/${s.clusterId}/*]`,
      reason: 'The nodes read the cluster configuration and the file-system markers under this cluster\'s own parameter path.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/multi-attach/${s.clusterId}/fs/*]`,
      reason: 'The leader records which volume holds each file system (one parameter per volume name, named at run time).',
    },
  );
}
