import { App, Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { GoldenImagePipeline } from '../../lib/golden-ami';
import { ClusterBackup, ClusterFilesystem, MultiAttachCluster } from '../../lib/multi-attach';
import { collectAcknowledgements } from '../compliance/harness';
import { importedVpc, testStack } from '../util';
import { cluster, resourcesOf, userDataOf } from './helpers';


describe('MultiAttachCluster with only a VPC', () => {
  // GIVEN the minimal cluster
  const { stack, cluster: c } = cluster();
  // WHEN
  const template = Template.fromStack(stack);
  const userData = userDataOf(template);

  test('launches two hardened Ubuntu 24.04 m6i.large nodes in one subnet, with the gp3 root on /dev/sda1', () => {
    template.resourceCountIs('AWS::EC2::Instance', 2);
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 'm6i.large',
      // Read when the instance is created, never again (CloudFormation User Guide, "Get a plaintext
      // value from Systems Manager Parameter Store"): an upstream Ubuntu release replaces no node.
      ImageId: '{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id}}',
      // no public IP, on an explicit interface (Control Tower CT.EC2.PR.8)
      NetworkInterfaces: [Match.objectLike({ DeviceIndex: '0', AssociatePublicIpAddress: false, SubnetId: 'subnet-a' })],
      DisableApiTermination: true,
      Monitoring: true,
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { Encrypted: true, VolumeType: 'gp3' } }],
      KeyName: Match.absent(),
      Tags: Match.arrayWith([{ Key: 'multi-attach:cluster', Value: c.clusterId }]),
    });
    expect(Object.keys(template.findParameters('*')).filter((k) => k !== 'BootstrapVersion')).toEqual([]);
  });

  test('creates one encrypted io2 Multi-Attach volume of 100 GiB and 3,000 IOPS in the nodes\' AZ, kept on delete and replace', () => {
    template.resourceCountIs('AWS::EC2::Volume', 1);
    template.hasResource('AWS::EC2::Volume', {
      Properties: {
        VolumeType: 'io2', Size: 100, Iops: 3000, MultiAttachEnabled: true, Encrypted: true,
        AvailabilityZone: 'us-east-1a', KmsKeyId: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(c.availabilityZone).toEqual('us-east-1a');
  });

  test('attaches the volume to every node on /dev/sdf', () => {
    template.resourceCountIs('AWS::EC2::VolumeAttachment', 2);
    for (const node of ['ClusterNode1', 'ClusterNode2']) {
      template.hasResourceProperties('AWS::EC2::VolumeAttachment', {
        Device: '/dev/sdf',
        InstanceId: { Ref: Match.stringLikeRegexp(`^${node}[0-9A-F]{8}$`) },
        VolumeId: { Ref: Match.stringLikeRegexp('^ClusterVolumesdata') },
      });
    }
  });

  test('admits only corosync and dlm traffic, only from the cluster security group itself', () => {
    const sg = { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterClusterSecurityGroup'), 'GroupId'] };
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 2);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'udp', FromPort: 5404, ToPort: 5406, GroupId: sg, SourceSecurityGroupId: sg,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 21064, ToPort: 21064, GroupId: sg, SourceSecurityGroupId: sg,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: 21064, DestinationSecurityGroupId: sg });
    // no CIDR ingress anywhere, no SSH
    for (const group of resourcesOf(template, 'AWS::EC2::SecurityGroup')) {
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    }
    template.hasResourceProperties('AWS::EC2::Instance', {
      NetworkInterfaces: [Match.objectLike({ GroupSet: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterNodesSecurityGroup'), 'GroupId'] },
        sg,
      ] })],
    });
  });

  test('fences only instances running with the nodes\' instance profiles, never by tag', () => {
    // A tag needs only ec2:CreateTags; running with the profile needs iam:PassRole on the node role.
    // ec2:InstanceProfile is a condition key of StartInstances/StopInstances (Service Authorization
    // Reference, "Actions, resources, and condition keys for Amazon EC2").
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const profiles = Object.keys(template.findResources('AWS::IAM::InstanceProfile')).sort();
    expect(profiles).toHaveLength(2);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SsmAgentRegistration' }),
          Match.objectLike({ Sid: 'DiscoverClusterMembers', Action: ['ec2:DescribeInstances', 'ec2:DescribeVolumes'], Resource: '*' }),
          Match.objectLike({ Sid: 'ReadStackNodesAndSignal', Resource: { Ref: 'AWS::StackId' } }),
          Match.objectLike({
            Sid: 'DetachReplacedGeneration', Action: 'ec2:DetachVolume',
            Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^ClusterVolumesdata') }])] }]),
          }),
          Match.objectLike({
            Sid: 'FenceClusterMembers',
            Action: ['ec2:StartInstances', 'ec2:StopInstances'],
            Condition: { ArnEquals: { 'ec2:InstanceProfile': profiles.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) } },
          }),
        ]),
      },
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('aws:ResourceTag/multi-attach:cluster');
  });

  test('the authkey seed: the account only administers the HMAC key, and only the node role may GenerateMac', () => {
    const keys = resourcesOf(template, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    const statements = (keys[0].Properties.KeyPolicy as { Statement: Array<{ Sid: string; Action: string[] | string; Principal: unknown }> }).Statement;
    expect(keys[0].Properties).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    expect(statements.map((st) => st.Sid)).toEqual(['AccountAdministersOnly', 'NodesDeriveCorosyncAuthkey', 'DenyGrantsExceptForAwsResources']);
    expect(statements[0].Action).not.toContain('kms:*');
    expect(statements[0].Action).not.toContain('kms:GenerateMac');
    expect(statements[1]).toMatchObject({
      Action: 'kms:GenerateMac',
      Principal: { AWS: { 'Fn::GetAtt': [expect.stringMatching(/^ClusterNodesRole/), 'Arn'] } },
    });
    // no secret anywhere in the template
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
  });

  test('the configuration the nodes read lives outside the user data: node logical ids, volume ids, journals, the wait condition', () => {
    // A user-data change stops and starts every instance (AWS::EC2::Instance reference, UserData:
    // "Update requires: Some interruptions"); a parameter change restarts nothing.
    const [logical1, logical2] = Object.keys(template.findResources('AWS::EC2::Instance'));
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/multi-attach/${c.clusterId}/config`,
      Type: 'String',
      Value: { 'Fn::Join': ['\n', [`${logical1} ${logical2}`,
        { 'Fn::Join': ['=', ['data', { Ref: Match.stringLikeRegexp('^ClusterVolumesdata') }]] }, Match.stringLikeRegexp('^2\nClusterFileSystemsMounted')]] },
    });
  });

  test('the first deploy waits until every node has mounted the file systems', () => {
    // AWS::CloudFormation::WaitCondition with a CreationPolicy counts SignalResource calls
    // (CloudFormation Template Reference, "AWS::CloudFormation::WaitCondition"); it depends on the
    // attachments, which the nodes cannot carry because the attachments are created after them.
    const waits = template.findResources('AWS::CloudFormation::WaitCondition');
    const [wait] = Object.values(waits) as Array<{ CreationPolicy: unknown; DependsOn: string[]; Properties?: unknown }>;
    expect(wait.CreationPolicy).toEqual({ ResourceSignal: { Count: 2, Timeout: 'PT1H' } });
    expect(wait.Properties).toBeUndefined();
    expect(wait.DependsOn).toEqual(Object.keys(template.findResources('AWS::EC2::VolumeAttachment')).sort());
  });

  test('the retained vault is named anew for each stack creation, so a retry or a redeploy after destroy can create its own', () => {
    // A fixed name would fail with "already exists" next to the retained vault of a failed first
    // deploy or of a destroyed stack; the suffix is the first group of AWS::StackId's UUID
    // (CloudFormation User Guide, "Pseudo parameters reference"), stable across updates.
    const [vault] = Object.values(template.findResources('AWS::Backup::BackupVault'));
    const name = JSON.stringify(vault.Properties.BackupVaultName);
    expect(name).toContain('{"Ref":"AWS::StackId"}');
    expect(name).toMatch(/Fn::Select/);
  });

  test('backs the volume up daily with AWS Backup for 35 days through a role without AWS-managed policies', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({
          RuleName: 'SharedVolumes', ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 },
        })],
      },
    });
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        Resources: [{ 'Fn::Join': ['', Match.arrayWith([':volume/', { Ref: Match.stringLikeRegexp('^ClusterVolumesdata') }])] }],
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterBackupRole'), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'SnapshotClusterVolumes', Action: 'ec2:CreateSnapshot',
          Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^ClusterVolumesdata') }])] }]),
        })]),
      },
    });
    expect(c.backupPlan).toBeDefined();
  });

  test('renders the GFS2 bootstrap with the cluster name, its stack, its configuration and its key', () => {
    expect(userData).toMatch(/^#!\/bin\/bash\n/);
    expect(userData).toContain(`CLUSTER_NAME='${c.clusterName}'`);
    expect(userData).toContain(`CLUSTER_ID='${c.clusterId}'`);
    expect(userData).toContain(`CONFIG_PARAMETER='/multi-attach/${c.clusterId}/config'`);
    expect(userData).toContain("MOUNT_ROOT='/shared'");
    expect(userData).toContain('STACK_ID=\'{"Ref":"AWS::StackId"}\'');
    expect(userData).toContain('REGION=\'{"Ref":"AWS::Region"}\'');
    expect(userData).toContain('/dev/disk/by-id}/nvme-Amazon_Elastic_Block_Store_vol${1#vol-}');
    expect(userData).toMatch(/MAC_KEY_ARN='\{"Fn::GetAtt":\["ClusterAuthKeySeed[0-9A-F]+","Arn"\]\}'/);
    expect(userData).toContain('mkfs.gfs2 -O -p lock_dlm -t "${CLUSTER_NAME}:${name}" -j "$JOURNALS" "$device"');
    expect(userData).toContain('pcs stonith create fence-aws fence_aws region="$REGION"');
    expect(userData).not.toMatch(/@@[A-Z_]+@@/);
    expect(userData).not.toMatch(/access_key|secret_key|pcs host auth|chpasswd/);
  });

  test('every node runs the same user data (the leader is chosen at boot)', () => {
    const [a, b] = resourcesOf(template, 'AWS::EC2::Instance');
    expect(a.Properties.UserData).toEqual(b.Properties.UserData);
  });

  test('exposes the volumes as ec2.IVolume for the snapshot pattern', () => {
    const protect = (volume: ec2.IVolume) => ({ id: stack.resolve(volume.volumeId), az: volume.availabilityZone });
    expect(c.volumes).toHaveLength(1);
    expect(protect(c.volumes[0])).toEqual({ id: { Ref: expect.stringMatching(/^ClusterVolumesdata/) }, az: 'us-east-1a' });
    expect(c.sharedVolumes[0].volumeName).toEqual('data');
  });
});

describe('MultiAttachCluster overrides', () => {
  test('three nodes, two volumes, four journals, a cluster name and a mount root', () => {
    // GIVEN
    const { stack } = cluster({
      nodeCount: 3,
      clusterName: 'pg',
      volumes: [{ name: 'data', size: Size.gibibytes(200), iops: 200_000 }, { name: 'wal', iops: 5000 }],
      filesystem: ClusterFilesystem.gfs2({ journals: 4, mountRoot: '/srv/cluster' }),
    });
    // WHEN
    const template = Template.fromStack(stack);
    const userData = userDataOf(template);
    // THEN
    template.resourceCountIs('AWS::EC2::Instance', 3);
    template.resourceCountIs('AWS::EC2::VolumeAttachment', 6);
    template.hasResourceProperties('AWS::EC2::Volume', { Size: 200, Iops: 200_000 });
    template.hasResourceProperties('AWS::EC2::VolumeAttachment', { Device: '/dev/sdg', VolumeId: { Ref: Match.stringLikeRegexp('^ClusterVolumeswal') } });
    expect(userData).toContain("CLUSTER_NAME='pg'");
    expect(userData).toContain("MOUNT_ROOT='/srv/cluster'");
    const config = JSON.stringify(resourcesOf(template, 'AWS::SSM::Parameter')[0].Properties.Value);
    expect(config).toMatch(/ClusterNode1[0-9A-F]+ ClusterNode2[0-9A-F]+ ClusterNode3[0-9A-F]+/);
    expect(config).toMatch(/"data",\{"Ref":"ClusterVolumesdata[0-9A-F]+"\}.*"wal",\{"Ref":"ClusterVolumeswal[0-9A-F]+"\}/);
    expect(config).toContain('"4\\nClusterFileSystemsMounted');
    // the backup selection covers both volumes
    const selection = resourcesOf(template, 'AWS::Backup::BackupSelection')[0];
    expect((selection.Properties.BackupSelection as { Resources: unknown[] }).Resources).toHaveLength(2);
  });

  test('raw block mode: Amazon Linux 2023, no cluster stack, no fencing permissions, ports opened on request', () => {
    // GIVEN
    const { stack, cluster: c } = cluster({ filesystem: ClusterFilesystem.rawBlock() });
    // WHEN
    c.allowBetweenMembers(ec2.Port.tcp(7000), 'application replication');
    const template = Template.fromStack(stack);
    const userData = userDataOf(template);
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', {
      ImageId: '{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 7000, Description: 'application replication' });
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toMatch(/StopInstances|GenerateMac/);
    expect(userData).toContain("NODE_COUNT='2'");
    expect(userData).toMatch(/VOLUMES='data=\/dev\/disk\/by-id\/nvme-Amazon_Elastic_Block_Store_vol/);
    expect(userData).not.toMatch(/mkfs|pcs /);
  });

  test('your user data runs after the cluster bootstrap', () => {
    // GIVEN
    const userData = ec2.UserData.forLinux();
    userData.addCommands('echo app-setup');
    // WHEN
    const rendered = userDataOf(Template.fromStack(cluster({ userData }).stack));
    // THEN
    expect(rendered.indexOf('echo app-setup')).toBeGreaterThan(rendered.indexOf('main "$@"'));
  });

  test('Graviton nodes get the arm64 Ubuntu image', () => {
    const { stack } = cluster({ instanceType: new ec2.InstanceType('m7g.large') });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 'm7g.large',
      ImageId: '{{resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id}}',
    });
  });

  test('a customer-managed key encrypts the volume and the backup role may use it only through EBS', () => {
    // GIVEN
    const stack = testStack();
    const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
    cluster({ ebsEncryptionKey: key, disableApiTermination: false, volumes: [{ name: 'data', removalPolicy: RemovalPolicy.SNAPSHOT }] }, stack);
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.hasResource('AWS::EC2::Volume', {
      Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] } },
      DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot',
    });
    template.hasResourceProperties('AWS::EC2::Instance', { DisableApiTermination: false });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'UseVolumeKeysThroughEbs',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        })]),
      },
    });
  });

  test('with a customer-managed EBS key a fenced node can start again: the node role may create grants through EC2', () => {
    // Starting an instance whose EBS volumes use a customer-managed key makes EC2 create a grant
    // for the caller; without kms:CreateGrant the start fails (Amazon EBS User Guide, "How Amazon
    // EBS uses AWS KMS"; AWS KMS Developer Guide, "kms:GrantIsForAWSResource").
    // GIVEN
    const stack = testStack();
    const key = new kms.Key(stack, 'DataKey', { enableKeyRotation: true });
    cluster({ ebsEncryptionKey: key }, stack);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'StartNodesWithEncryptedVolumes',
          Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
          Condition: {
            StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Bool: { 'kms:GrantIsForAWSResource': 'true' },
          },
        })]),
      },
    });
  });

  test('nodes from a customer-key golden AMI can start again too: the AMI\'s key is in the grant statement', () => {
    // A root volume made from an encrypted snapshot without another key keeps the snapshot's key
    // (Amazon EC2 User Guide, "Amazon EBS encryption"), so StartInstances needs a grant on it.
    // GIVEN a pipeline whose AMIs use a customer key, in its own stack
    const stack = testStack();
    const images = new Stack(stack.node.root as App, 'Images', { env: { region: 'us-east-1' } });
    const amiKey = new kms.Key(images, 'AmiKey', { enableKeyRotation: true });
    const pipeline = new GoldenImagePipeline(images, 'Web', { name: 'web', vpc: importedVpc(images), ebsEncryptionKey: amiKey });
    // WHEN the cluster launches from it, with no ebsEncryptionKey of its own
    cluster({ machineImage: pipeline.machineImage, rootDeviceName: '/dev/xvda' }, stack);
    // THEN
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toContain('StartNodesWithEncryptedVolumes');
    expect(policies).toMatch(/AmiKey/);
  });

  test('the AWS-managed aws/ebs key needs no grant statement', () => {
    const template = Template.fromStack(cluster().stack);
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('StartNodesWithEncryptedVolumes');
  });

  test('a Windows image in raw block mode gets its root device on /dev/sda1', () => {
    // Windows AMIs map the root volume to /dev/sda1 (Amazon EC2 User Guide, "Device names for volumes
    // on Amazon EC2 instances"); another name would add a second disk instead of encrypting the root.
    const { stack } = cluster({
      filesystem: ClusterFilesystem.rawBlock(),
      machineImage: ec2.MachineImage.genericWindows({ 'us-east-1': 'ami-0123456789abcdef0' }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [Match.objectLike({ DeviceName: '/dev/sda1' })],
    });
  });

  test('a backup schedule, retention and vault of your own', () => {
    // GIVEN
    const stack = testStack();
    const vault = backup.BackupVault.fromBackupVaultName(stack, 'Vault', 'central');
    cluster({ backup: ClusterBackup.awsBackup({ retention: Duration.days(7), vault }) }, stack);
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ TargetBackupVault: 'central', Lifecycle: { DeleteAfterDays: 7 } })] },
    });
  });

  test('volumes protected elsewhere: no backup plan, and the reason acknowledges the backup-plan rules on each volume', () => {
    // GIVEN
    const reason = 'Protected by the nightly DLM snapshot policy of the snapshots stack (SnapshotPolicy.protect).';
    const { stack, cluster: c } = cluster({ backup: ClusterBackup.external(reason) });
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    expect(c.backupPlan).toBeUndefined();
    const acks = collectAcknowledgements(stack).filter((a) => a.constructPath.endsWith('Volumes/data/Resource'));
    expect(acks.map((a) => [a.id, a.reason])).toEqual(expect.arrayContaining([
      ['HIPAA.Security-EC2EBSInBackupPlan', reason],
      ['NIST.800.53.R5-EC2EBSInBackupPlan', reason],
    ]));
  });

  test('a role of your own is used as given; the fencing permissions go into a customer-managed policy attached to it', () => {
    // GIVEN
    const stack = testStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN
    const { cluster: c } = cluster({ role }, stack);
    // THEN
    expect(c.role).toBe(role);
    expect(collectAcknowledgements(role).map((a) => a.id)).toEqual([]);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^MyRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'FenceClusterMembers' })]) },
    });
  });

  test('the cluster tag is a public constant', () => {
    expect(MultiAttachCluster.CLUSTER_TAG_KEY).toEqual('multi-attach:cluster');
  });
});

describe('replacement guard', () => {
  test('a volume keeps its logical id and device when volumes are appended or its in-place properties change', () => {
    // CloudFormation modifies Size, Iops and VolumeType of an AWS::EC2::Volume in place with
    // ModifyVolume (AWS::EC2::Volume reference: "When you use AWS CloudFormation to update an Amazon
    // EBS volume that modifies Iops, Size, or VolumeType, there is a cooldown period ..."; "Amazon
    // EBS does not support sizing down"), so such a change must keep the volume's logical id and
    // its attachments: no new, empty volume, and no detach from the live cluster.
    // GIVEN two versions of one cluster
    const before = cluster({ volumes: [{ name: 'data' }] });
    const after = cluster({ volumes: [{ name: 'data', iops: 6000 }, { name: 'logs' }] });
    // WHEN
    const id = (s: typeof before) => s.stack.getLogicalId(s.cluster.sharedVolumes[0].resource);
    const devices = (s: typeof before) => resourcesOf(Template.fromStack(s.stack), 'AWS::EC2::VolumeAttachment')
      .filter((a) => (a.Properties.VolumeId as { Ref: string }).Ref === id(s)).map((a) => a.Properties.Device);
    // THEN
    expect(id(after)).toEqual(id(before));
    expect(devices(after)).toEqual(['/dev/sdf', '/dev/sdf']);
    expect(devices(before)).toEqual(['/dev/sdf', '/dev/sdf']);
  });

  test('a replaced node or attachment is left running, so a deploy never detaches the volume from the live cluster', () => {
    // GIVEN the default cluster
    const template = Template.fromStack(cluster().stack);
    // THEN replacement keeps the old resources; stack deletion still removes them
    for (const type of ['AWS::EC2::Instance', 'AWS::EC2::VolumeAttachment']) {
      const resources = Object.values(template.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) {
        expect(r).toEqual(expect.objectContaining({ UpdateReplacePolicy: 'Retain', DeletionPolicy: 'Delete' }));
      }
    }
  });

  test('scaling out or adding a volume leaves the user data of the existing nodes unchanged, so no node restarts', () => {
    // CloudFormation applies a UserData change by stopping and starting the instance
    // (AWS::EC2::Instance reference, UserData: "Update requires: Some interruptions").
    // GIVEN the default cluster, then one with a third node and a second volume
    const before = Template.fromStack(cluster().stack);
    const after = Template.fromStack(cluster({ nodeCount: 3, volumes: [{ name: 'data' }, { name: 'logs' }] }).stack);
    // THEN Node1 and Node2 keep their logical ids and their user data
    const node = (t: Template, n: number) => Object.entries(t.findResources('AWS::EC2::Instance'))
      .find(([id]) => id.startsWith(`ClusterNode${n}`))!;
    for (const n of [1, 2]) {
      expect(node(after, n)[0]).toEqual(node(before, n)[0]);
      expect(node(after, n)[1].Properties.UserData).toEqual(node(before, n)[1].Properties.UserData);
    }
  });

  test('a volume whose device name is pinned keeps its attachments when an earlier volume is removed', () => {
    // GIVEN 'logs' was second (/dev/sdg) and 'data' is removed
    const { stack } = cluster({ volumes: [{ name: 'logs', deviceName: '/dev/sdg' }] });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VolumeAttachment', { Device: '/dev/sdg' });
  });

  // The bootstrap's data-safety rules (never format a used device, never a second cluster) are
  // run end to end in bootstrap.test.ts.
});
