import { App, CfnResource, Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BaseImage, BuildSchedule, GoldenImagePipeline, ImageComponent, ImageRetention, ScanSeverity, VulnerabilityScan,
} from '../../lib/golden-ami';
import { importedVpc, testStack } from '../util';

describe('GoldenImagePipeline with only a name', () => {
  // GIVEN the minimal pipeline
  const stack = testStack();
  const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web' });
  // WHEN
  const template = Template.fromStack(stack);

  test('builds weekly, tests, and gates on a CVE scan of the AMI', () => {
    template.hasResourceProperties('AWS::ImageBuilder::ImagePipeline', {
      Name: 'web',
      Status: 'ENABLED',
      Schedule: {
        ScheduleExpression: 'cron(0 4 ? * SUN *)',
        PipelineExecutionStartCondition: 'EXPRESSION_MATCH_ONLY',
        AutoDisablePolicy: { FailureCount: 3 },
        Timezone: 'Etc/UTC',
      },
      ImageTestsConfiguration: { ImageTestsEnabled: true, TimeoutMinutes: 90 },
      ImageScanningConfiguration: {
        ImageScanningEnabled: true,
        ImageScanningTypes: ['ON_DEMAND_AMI_CVE'],
        ScanResultCondition: { MaximumSeverityLabel: 'HIGH', FixAvailable: true },
      },
      LoggingConfiguration: { ImageLogGroupName: Match.anyValue(), PipelineLogGroupName: Match.anyValue() },
      ImageTags: { 'golden-ami:pipeline': 'web' },
    });
  });

  test('starts from the latest Amazon Linux 2023 through ssm:, updates the OS, encrypts a 20 GiB gp3 root and runs the reboot test', () => {
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', {
      Name: 'web',
      Version: Match.stringLikeRegexp('^[0-9]+\\.[0-9]+\\.[0-9]+$'),
      ParentImage: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 20, DeleteOnTermination: true } }],
      Components: [
        { ComponentArn: { 'Fn::Join': ['', Match.arrayWith([':aws:component/update-linux/x.x.x'])] } },
        { ComponentArn: { 'Fn::Join': ['', Match.arrayWith([':aws:component/reboot-test-linux/x.x.x'])] } },
      ],
    });
  });

  test('builds in a private subnet of a VPC it creates, with IMDSv2 required, and terminates failed instances', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', {
      InstanceMetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      TerminateInstanceOnFailure: true,
      InstanceTypes: ['t3.medium'],
      SubnetId: { Ref: Match.stringLikeRegexp('WebVpcPrivateSubnet1') },
      SnsTopicArn: { Ref: Match.stringLikeRegexp('WebNotifications') },
      Logging: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  test('gives the build instances a least-privilege role without AWS-managed or inline policies', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const role of [pipeline.role, pipeline.node.findChild('LifecycleRole')]) {
      const logicalId = stack.getLogicalId(role.node.defaultChild as CfnResource);
      expect(template.toJSON().Resources[logicalId].Properties.ManagedPolicyArns).toBeUndefined();
    }
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'SsmAgentRegistration' }),
          Match.objectLike({ Sid: 'ReadRecipeComponents', Action: 'imagebuilder:GetComponent' }),
          Match.objectLike({ Sid: 'WriteBuildLogGroup', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
        ]),
      },
    });
    template.resourceCountIs('AWS::IAM::InstanceProfile', 1);
  });

  test('keeps build logs in encrypted, expiring CloudWatch Logs groups only: no S3 buckets, no S3 permissions', () => {
    // Image Builder streams the build logs to CloudWatch Logs by default (EC2 Image Builder User
    // Guide, "Monitor Image Builder logs with Amazon CloudWatch Logs",
    // https://docs.aws.amazon.com/imagebuilder/latest/userguide/monitor-cwlogs.html): the image
    // log group holds every build's logs, so S3 logs (Logging.S3Logs) would be a second copy.
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    expect(pipeline.logBucket).toBeUndefined();
    expect(pipeline.accessLogBucket).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Sid?: string; Action: string | string[] }>);
    expect(statements.map((x) => x.Sid)).not.toEqual(expect.arrayContaining(['WriteBuildLogObjects']));
    expect(statements.map((x) => x.Sid)).not.toEqual(expect.arrayContaining(['EncryptBuildLogObjects']));
    expect(statements.flatMap((x) => [x.Action].flat()).filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
    template.resourceCountIs('AWS::Logs::LogGroup', 3); // image, pipeline and the VPC's flow logs
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
  });

  test('notifies an encrypted topic whose key lets the Image Builder service-linked role publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'ImageBuilderNotifications',
          Condition: { StringEquals: Match.objectLike({ 'aws:PrincipalArn': { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AWSServiceRoleForImageBuilder$')])] } }) },
        })]),
      },
    });
  });

  test('writes the AMI id to an aws:ec2:image SSM parameter under /imagebuilder/ and names AMIs by build date', () => {
    template.hasResourceProperties('AWS::ImageBuilder::DistributionConfiguration', {
      Distributions: [{
        Region: { Ref: 'AWS::Region' },
        AmiDistributionConfiguration: Match.objectLike({ Name: 'web-{{ imagebuilder:buildDate }}', AmiTags: { 'golden-ami:pipeline': 'web' } }),
        SsmParameterConfigurations: [{ ParameterName: '/imagebuilder/web/ami-id', DataType: 'aws:ec2:image' }],
      }],
    });
    expect(pipeline.amiParameterName).toEqual('/imagebuilder/web/ami-id');
  });

  test('deprecates all but the 10 latest images and deletes nothing', () => {
    template.hasResourceProperties('AWS::ImageBuilder::LifecyclePolicy', {
      ResourceType: 'AMI_IMAGE',
      PolicyDetails: [{ Action: { Type: 'DEPRECATE', IncludeResources: { Amis: true } }, Filter: { Type: 'COUNT', Value: 10 } }],
      ResourceSelection: { TagMap: { 'golden-ami:pipeline': 'web' } },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'imagebuilder.amazonaws.com' }, Condition: Match.anyValue() })] },
    });
    const statements = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(statements).not.toContain('ec2:DeregisterImage');
  });

  test('builds nothing on deploy unless asked', () => {
    template.resourceCountIs('AWS::ImageBuilder::Image', 0);
    expect(() => pipeline.imageId).toThrow(/buildOnDeploy/);
  });
});

describe('GoldenImagePipeline overrides', () => {
  test('every override reaches the template', () => {
    // GIVEN a VPC, keys and a launch template of the user
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    const amiKey = new kms.Key(stack, 'AmiKey');
    const euKey = kms.Key.fromKeyArn(stack, 'EuKey', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    // WHEN
    const pipeline = new GoldenImagePipeline(stack, 'Web', {
      name: 'web',
      vpc,
      instanceType: new ec2.InstanceType('c7i.large'),
      baseImage: BaseImage.fromAmiId('ami-0123456789abcdef0'),
      components: [ImageComponent.shell('hello', ['echo hello > /etc/motd'], { testCommands: ['grep hello /etc/motd'] })],
      rebootTest: false,
      ebsEncryptionKey: amiKey,
      rootVolumeSize: Size.gibibytes(40),
      httpPutResponseHopLimit: 2,
      schedule: BuildSchedule.cron({ day: '1', hour: '2', minute: '30', onlyWhenDependenciesUpdated: true, autoDisableAfterFailures: 5, timezone: 'Europe/Paris' }),
      vulnerabilityScan: VulnerabilityScan.failAbove(ScanSeverity.MEDIUM, { fixAvailableOnly: false }),
      testTimeout: Duration.hours(2),
      amiName: 'web {{ imagebuilder:buildDate }}',
      amiTags: [{ key: 'team', value: 'cats' }],
      amiParameterName: '/imagebuilder/prod/web',
      launchPermission: { organizationArns: ['arn:aws:organizations::123456789012:organization/o-abcdefghij'] },
      launchTemplates: [{ launchTemplateId: 'lt-0123456789abcdef0' }],
      additionalRegions: [{ region: 'eu-west-1', encryptionKey: euKey, launchPermission: { accounts: ['210987654321'] } }],
      imageRetention: ImageRetention.deleteAllButLatest(5),
      buildOnDeploy: true,
      enabled: false,
    });
    const template = Template.fromStack(stack);

    // THEN
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', {
      ParentImage: 'ami-0123456789abcdef0',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ VolumeSize: 40, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AmiKey'), 'Arn'] } }) }],
      Components: [Match.anyValue(), { ComponentArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebComponentshello'), 'Arn'] } }],
    });
    template.hasResourceProperties('AWS::ImageBuilder::Component', { Name: 'web-hello', Platform: 'Linux', Data: Match.stringLikeRegexp('name: test') });
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', {
      InstanceTypes: ['c7i.large'], InstanceMetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
    template.hasResourceProperties('AWS::ImageBuilder::ImagePipeline', {
      Status: 'DISABLED',
      Schedule: {
        ScheduleExpression: 'cron(30 2 1 * ? *)', PipelineExecutionStartCondition: 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE',
        AutoDisablePolicy: { FailureCount: 5 }, Timezone: 'Europe/Paris',
      },
      ImageScanningConfiguration: Match.objectLike({ ScanResultCondition: { MaximumSeverityLabel: 'MEDIUM', FixAvailable: false } }),
      ImageTestsConfiguration: { ImageTestsEnabled: true, TimeoutMinutes: 120 },
    });
    template.hasResourceProperties('AWS::ImageBuilder::DistributionConfiguration', {
      Distributions: [
        {
          Region: { Ref: 'AWS::Region' },
          AmiDistributionConfiguration: Match.objectLike({
            Name: 'web {{ imagebuilder:buildDate }}',
            AmiTags: { 'golden-ami:pipeline': 'web', 'team': 'cats' },
            LaunchPermissionConfiguration: { OrganizationArns: ['arn:aws:organizations::123456789012:organization/o-abcdefghij'] },
          }),
          SsmParameterConfigurations: [{ ParameterName: '/imagebuilder/prod/web', DataType: 'aws:ec2:image' }],
          LaunchTemplateConfigurations: [{ LaunchTemplateId: 'lt-0123456789abcdef0', SetDefaultVersion: true }],
        },
        {
          Region: 'eu-west-1',
          AmiDistributionConfiguration: Match.objectLike({
            KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            LaunchPermissionConfiguration: { UserIds: ['210987654321'] },
          }),
          SsmParameterConfigurations: [{ ParameterName: '/imagebuilder/prod/web', DataType: 'aws:ec2:image' }],
        },
      ],
    });
    template.hasResourceProperties('AWS::ImageBuilder::LifecyclePolicy', {
      PolicyDetails: [{
        Action: { Type: 'DELETE', IncludeResources: { Amis: true, Snapshots: true } },
        Filter: { Type: 'COUNT', Value: 5 },
        ExclusionRules: { Amis: { LastLaunched: { Unit: 'DAYS', Value: 30 } } },
      }],
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).toContain('eu-west-1::image/*');
    // the image built on deploy survives destroy and replacement
    template.hasResource('AWS::ImageBuilder::Image', {
      DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ ImageRecipeArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebRecipe'), 'Arn'] } }),
    });
    expect(stack.resolve(pipeline.imageId)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(pipeline.image!), 'ImageId'] });
  });

  test('the AMI id parameter is written in every target account too, for its own copy of the AMI', () => {
    // Image Builder API Reference, SsmParameterConfiguration: AmiAccountId is the account that owns
    // the parameter in the region, one of the distribution's target accounts; without it the
    // parameter is written only in the pipeline's account.
    const stack = testStack();
    const key = new kms.Key(stack, 'AmiKey');
    const euKey = kms.Key.fromKeyArn(stack, 'EuKey', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    new GoldenImagePipeline(stack, 'Web', {
      name: 'web', vpc: importedVpc(stack), ebsEncryptionKey: key, targetAccounts: ['111111111111', '222222222222'],
      additionalRegions: [{ region: 'eu-west-1', encryptionKey: euKey, targetAccounts: ['333333333333'] }],
    });
    const parameter = (amiAccountId?: string) => ({ ParameterName: '/imagebuilder/web/ami-id', DataType: 'aws:ec2:image', ...(amiAccountId ? { AmiAccountId: amiAccountId } : {}) });
    Template.fromStack(stack).hasResourceProperties('AWS::ImageBuilder::DistributionConfiguration', {
      Distributions: [
        Match.objectLike({ SsmParameterConfigurations: [parameter(), parameter('111111111111'), parameter('222222222222')] }),
        Match.objectLike({ Region: 'eu-west-1', SsmParameterConfigurations: [parameter(), parameter('333333333333')] }),
      ],
    });
  });

  test('a report-only scan has no gate, a disabled scan no scan, a manual schedule no schedule, keepAll no lifecycle', () => {
    const template = (scan: VulnerabilityScan) => {
      const stack = testStack();
      new GoldenImagePipeline(stack, 'Web', {
        name: 'web', vulnerabilityScan: scan, schedule: BuildSchedule.manual(), imageRetention: ImageRetention.keepAll(),
        vpc: importedVpc(stack),
      });
      return Template.fromStack(stack);
    };
    const report = template(VulnerabilityScan.reportOnly());
    report.hasResourceProperties('AWS::ImageBuilder::ImagePipeline', {
      ImageScanningConfiguration: { ImageScanningEnabled: true, ImageScanningTypes: ['ON_DEMAND_AMI_CVE'] },
      Schedule: Match.absent(),
    });
    report.resourceCountIs('AWS::ImageBuilder::LifecyclePolicy', 0);
    template(VulnerabilityScan.disabled()).hasResourceProperties('AWS::ImageBuilder::ImagePipeline', {
      ImageScanningConfiguration: { ImageScanningEnabled: false },
    });
  });
});

describe('GoldenImagePipeline hand-off', () => {
  const stack = testStack();
  const vpc = importedVpc(stack);
  const base = new GoldenImagePipeline(stack, 'Base', { name: 'base', vpc });
  const web = new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc, baseImage: BaseImage.fromPipeline(base), imageRetention: ImageRetention.keepAll() });
  const succeeded = web.onBuildSucceeded('Succeeded');
  web.onBuildFailed('Failed');
  const user = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
  web.grantStartExecution(user);
  // a launch stack reads the latest AMI from the SSM parameter
  const launch = new Stack(stack.node.root, 'Launch', { env: { region: 'us-east-1' } });
  const launchVpc = importedVpc(launch);
  new ec2.Instance(launch, 'Server', { vpc: launchVpc, instanceType: new ec2.InstanceType('t3.small'), machineImage: web.machineImage });
  const template = Template.fromStack(stack);

  test('machineImage reads the AMI id from the pipeline\'s SSM parameter when an instance launches', () => {
    // a dynamic reference, resolved when CloudFormation creates the instance and not re-read on
    // later updates (CloudFormation User Guide, "Get a plaintext value from Systems Manager Parameter Store")
    Template.fromStack(launch).hasResourceProperties('AWS::EC2::Instance', { ImageId: '{{resolve:ssm:/imagebuilder/web/ami-id}}' });
    expect(Template.fromStack(launch).findParameters('*', { Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>' })).toEqual({});
  });

  test('a pipeline can start from another pipeline\'s latest image', () => {
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', {
      Name: 'web',
      ParentImage: { 'Fn::Join': ['', Match.arrayWith([':image/base/x.x.x'])] },
    });
  });

  test('build events match Image Builder state changes of this pipeline\'s images only', () => {
    expect(succeeded).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.imagebuilder'],
        'detail-type': ['EC2 Image Builder Image State Change'],
        'resources': [{ prefix: { 'Fn::Join': ['', Match.arrayWith([':image/web/'])] } }],
        'detail': { state: { status: ['AVAILABLE'] } },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { state: { status: ['FAILED', 'CANCELLED'] } } }),
    });
  });

  test('events take aws-cdk-lib\'s OnEventOptions: a rule name and an extra pattern merge with the pipeline\'s own', () => {
    // GIVEN / WHEN
    const stack2 = testStack();
    const p = new GoldenImagePipeline(stack2, 'Web', { name: 'web', vpc: importedVpc(stack2) });
    p.onBuildFailed('Failed', { ruleName: 'web-failed', eventPattern: { account: ['111111111111'] } });
    // THEN
    Template.fromStack(stack2).hasResourceProperties('AWS::Events::Rule', {
      Name: 'web-failed',
      EventPattern: Match.objectLike({ account: ['111111111111'], source: ['aws.imagebuilder'], detail: { state: { status: ['FAILED', 'CANCELLED'] } } }),
    });
  });

  test('a CVE found and the pipeline disabled after failures have their own rules', () => {
    // EC2 Image Builder User Guide, "Event messages that Image Builder sends": "EC2 Image Builder CVE
    // Detected" lists the image (and pipeline) ARNs in `resources` and counts CRITICAL, HIGH and
    // MEDIUM findings in detail.finding-severity-counts.all; "EC2 Image Builder Image Pipeline
    // Automatically Disabled" lists the pipeline ARN.
    const stack2 = testStack();
    const p = new GoldenImagePipeline(stack2, 'Web', { name: 'web', vpc: importedVpc(stack2) });
    p.onCveDetected('Cve');
    p.onPipelineAutoDisabled('Disabled');
    const t = Template.fromStack(stack2);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.imagebuilder'],
        'detail-type': ['EC2 Image Builder CVE Detected'],
        'resources': [{ prefix: { 'Fn::Join': ['', Match.arrayWith([':image/web/'])] } }],
        'detail': { 'finding-severity-counts': { all: [{ numeric: ['>', 0] }] } },
      },
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.imagebuilder'],
        'detail-type': ['EC2 Image Builder Image Pipeline Automatically Disabled'],
        'resources': [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Web'), 'Arn'] }],
      },
    });
  });

  test('grantStartExecution allows starting only this pipeline', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'imagebuilder:StartImagePipelineExecution', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Web'), 'Arn'] } }] },
    });
  });
});

describe('GoldenImagePipeline with a role you bring', () => {
  test('the build permissions are attached to it as a customer-managed policy, never inline', () => {
    // GIVEN a role of the user's
    const stack = testStack();
    const role = new iam.Role(stack, 'BuildRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN
    const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), role });
    // THEN
    const template = Template.fromStack(stack);
    expect(pipeline.role).toBe(role);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as CfnResource) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadRecipeComponents' })]) },
    });
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as CfnResource) }] });
  });
});

describe('GoldenImagePipeline with s3Logs', () => {
  // GIVEN a pipeline that also uploads its build logs to S3
  const stack = testStack();
  const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web', s3Logs: true });
  // WHEN
  const template = Template.fromStack(stack);

  test('points the infrastructure configuration at the log bucket, under the pipeline\'s prefix', () => {
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', {
      Logging: { S3Logs: { S3BucketName: { Ref: Match.stringLikeRegexp('WebLogs') }, S3KeyPrefix: 'web/' } },
    });
    expect(pipeline.logBucket).toBeDefined();
    expect(pipeline.accessLogBucket).toBeDefined();
  });

  test('lets the build role put objects under that prefix only, encrypted with the log key through S3', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'WriteBuildLogObjects',
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('WebLogs'), 'Arn'] }, '/web/*']] },
          }),
          Match.objectLike({
            Sid: 'EncryptBuildLogObjects',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebKey'), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          }),
        ]),
      },
    });
  });

  test('keeps the build logs in a KMS-encrypted, versioned, private, TLS-only bucket with access logging and expiry', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('WebAccessLogs') } },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
  });
});

describe('GoldenImagePipeline in an app without the recommended feature flags', () => {
  test('build-log access logging uses a bucket policy, not ACLs (which BucketOwnerEnforced forbids)', () => {
    // GIVEN an app with no context at all, as a consumer's app may be
    const stack = new Stack(new App(), 'NoFlags', { env: { region: 'us-east-1' } });
    // WHEN
    new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack), s3Logs: true });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { LogFilePrefix: 'build-logs/' } });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.AccessControl).toBeUndefined();
    }
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'S3ServerAccessLogsPolicy', Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
  });
});
