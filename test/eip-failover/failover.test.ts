import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApplicationHealthCheck, ElasticIpFailover } from '../../lib/eip-failover';
import { EipFailoverStack } from '../../bin/stacks/eip-failover';
import { testApp, testStack } from '../util';
import { importedVpc } from './helpers';

/** The statements of the failover function's customer-managed policy. */
function statements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('WebFunctionRole') }] },
  }))
    .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement);
}

describe('ElasticIpFailover with no props', () => {
  // GIVEN the single-statement deployment
  const stack = testStack();
  const failover = new ElasticIpFailover(stack, 'Web');
  // WHEN
  const template = Template.fromStack(stack);

  test('allocates an Elastic IP that survives destroy and replacement, and associates it with the primary through an association resource', () => {
    template.hasResource('AWS::EC2::EIP', {
      Properties: { Domain: 'vpc', InstanceId: Match.absent() },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('WebVpcPublicSubnet1DefaultRoute'), Match.stringLikeRegexp('WebVpcPublicSubnet2DefaultRoute')]),
    });
    template.hasResourceProperties('AWS::EC2::EIPAssociation', {
      AllocationId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Web'), 'AllocationId'] },
      InstanceId: { Ref: Match.stringLikeRegexp('WebPrimary') },
    });
    expect(failover.publicIp).toBeDefined();
  });

  test('creates two hardened nodes in the public subnets of two Availability Zones, with no public IP of their own', () => {
    template.resourceCountIs('AWS::EC2::Instance', 2);
    for (const [node, subnet] of [['WebPrimary', 'PublicSubnet1'], ['WebStandby', 'PublicSubnet2']]) {
      const instances = template.findResources('AWS::EC2::Instance', {
        Properties: {
          SubnetId: { Ref: Match.stringLikeRegexp(subnet) },
          MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
          DisableApiTermination: true,
          Monitoring: true,
        },
      });
      expect(Object.keys(instances)).toEqual([expect.stringMatching(node)]);
    }
    template.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });

  test('runs the function on the newest Node.js runtime, one at a time, in private subnets, with a DLQ and an encrypted log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      Timeout: 60,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebDeadLetterQueue'), 'Arn'] } },
      VpcConfig: { SubnetIds: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }], SecurityGroupIds: Match.anyValue() },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('WebLogGroup') } },
      Environment: { Variables: { CONFIG: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue(), MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: Match.anyValue(), RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('passes the function its configuration: the allocation, the pair, the alarms, a 5-minute cooldown and no fail-back', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x', Handler: 'index.handler' } }))[0];
    const config = JSON.stringify((fn as { Properties: unknown }).Properties);
    expect(config).toMatch(/\\"cooldownSeconds\\":300/);
    expect(config).toMatch(/\\"failBack\\":false/);
    expect(config).toMatch(/\\"namespace\\":\\"EipFailover\\"/);
    expect(config).not.toMatch(/healthCheck/);
    expect(config).toMatch(/WebPrimary/);
    expect(config).toMatch(/WebStandby/);
    expect(config).toMatch(/WebPrimarySystemCheckAlarm/);
  });

  test('triggers on the four stopping states of the pair, on its status-check alarms, and every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        'detail': {
          'instance-id': [{ Ref: Match.stringLikeRegexp('WebPrimary') }, { Ref: Match.stringLikeRegexp('WebStandby') }],
          'state': ['stopping', 'stopped', 'shutting-down', 'terminated'],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebFunction'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'resources': Match.arrayWith([{ 'Fn::GetAtt': [Match.stringLikeRegexp('WebPrimarySystemCheckAlarm'), 'Arn'] }]),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  test('alarms on the system and instance status checks of both nodes after 2 one-minute periods, notifying the topic', () => {
    for (const check of ['System', 'Instance']) {
      const alarms = template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          Namespace: 'AWS/EC2', MetricName: `StatusCheckFailed_${check}`, Statistic: 'Maximum', Period: 60,
          EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: Match.stringLikeRegexp('WebTopic') }],
        },
      });
      expect(Object.keys(alarms)).toHaveLength(2);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'EipFailover', MetricName: 'NoHealthyNode', Dimensions: [{ Name: 'AllocationId', Value: Match.anyValue() }],
      TreatMissingData: 'notBreaching', AlarmActions: [{ Ref: Match.stringLikeRegexp('WebTopic') }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    expect(failover.statusCheckAlarms).toHaveLength(4);
  });

  test('scopes the address moves to the allocation and the two instances, tags to the allocation and its own keys; no inline or AWS-managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    const all = statements(template);
    const move = all.find((s) => s.Sid === 'MoveAddressWithinPair')!;
    expect(move.Action).toEqual('ec2:AssociateAddress');
    const resources = JSON.stringify(move.Resource);
    expect(move.Resource).toHaveLength(3);
    expect(resources).toMatch(/:elastic-ip\/",\{"Fn::GetAtt":\["Web[0-9A-F]{8}","AllocationId"\]/);
    expect(resources).toMatch(/:instance\/.*WebPrimary/);
    expect(resources).toMatch(/:instance\/.*WebStandby/);
    const tags = all.find((s) => s.Sid === 'KeepStateInAddressTags')!;
    expect(tags).toMatchObject({ Action: 'ec2:CreateTags', Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['eip-failover:*'] } } });
    expect(JSON.stringify(tags.Resource)).toMatch(/:elastic-ip\//);
    expect(all.find((s) => s.Sid === 'ReadStatusCheckAlarms')!.Resource).toHaveLength(4);
    // `*` only on the read-only calls AWS cannot scope
    const star = all.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(star.sort()).toEqual(['ec2:DescribeAddresses', 'ec2:DescribeInstanceStatus', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
    // never disassociates (reassociation moves the address in one call) and no service wildcards
    const actions = all.flatMap((s) => [s.Action].flat()) as string[];
    expect(actions).not.toContain('ec2:DisassociateAddress');
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
  });

  test('computes the worst-case detection per failure kind from the defaults', () => {
    // state change: one 60 s reconcile interval; status check: 60 s until a failed check +
    // 2 x 60 s periods + 60 s alarm evaluation + 60 s reconcile interval = 300 s
    expect(failover.worstCaseDetection.instanceStateChange.toSeconds()).toEqual(60);
    expect(failover.worstCaseDetection.statusCheckFailure!.toSeconds()).toEqual(300);
    expect(failover.worstCaseDetection.applicationFailure).toBeUndefined();
    expect(failover.cooldown.toMinutes()).toEqual(5);
  });
});

describe('ElasticIpFailover key', () => {
  test('trusts the regional CloudWatch Logs principal for the log group and lets alarms publish to the topic', () => {
    // GIVEN / WHEN
    const stack = testStack();
    new ElasticIpFailover(stack, 'Web');
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowLogs', Principal: { Service: 'logs.us-east-1.amazonaws.com' } }),
          Match.objectLike({ Sid: 'AllowAlarms', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });
});

describe('ElasticIpFailover overrides', () => {
  test('timing, fail-back and an HTTP probe change the schedule, alarms, function config, ingress and detection times', () => {
    // GIVEN
    const stack = testStack();
    const failover = new ElasticIpFailover(stack, 'Web', {
      cooldown: Duration.minutes(10),
      failBack: true,
      reconcileInterval: Duration.minutes(5),
      statusCheckPeriod: Duration.minutes(2),
      statusCheckEvaluationPeriods: 3,
      healthCheck: ApplicationHealthCheck.http({ port: 8080, path: '/health', attempts: 2, timeout: Duration.seconds(2), interval: Duration.seconds(1) }),
      terminationProtection: false,
      instanceType: new ec2.InstanceType('t3.micro'),
    });
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StatusCheckFailed_System', Period: 120, EvaluationPeriods: 3 });
    template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't3.micro', DisableApiTermination: false });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 65, // 60 s for the API calls + 2 attempts x 2 s + 1 s pause
      Environment: { Variables: { CONFIG: Match.anyValue() } },
    });
    const fn = JSON.stringify(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }));
    expect(fn).toMatch(/\\"cooldownSeconds\\":600/);
    expect(fn).toMatch(/\\"failBack\\":true/);
    expect(fn).toMatch(/\\"healthCheck\\":\{\\"protocol\\":\\"http\\",\\"port\\":8080,\\"path\\":\\"\/health\\",\\"timeoutMs\\":2000,\\"attempts\\":2,\\"intervalMs\\":1000\}/);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebFunctionSecurityGroup'), 'GroupId'] },
    });
    // 60 s + 3 x 120 s + 60 s + 300 s; 300 s + 2 x 2 s + 1 s
    expect(failover.worstCaseDetection.instanceStateChange.toSeconds()).toEqual(300);
    expect(failover.worstCaseDetection.statusCheckFailure!.toSeconds()).toEqual(780);
    expect(failover.worstCaseDetection.applicationFailure!.toSeconds()).toEqual(305);
  });

  test('your own instances, VPC, existing allocation, topic and key are used as given', () => {
    // GIVEN
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const image = ec2.MachineImage.latestAmazonLinux2023();
    const make = (id: string, i: number) => new ec2.Instance(stack, id, {
      vpc, vpcSubnets: { subnets: [vpc.publicSubnets[i]] }, instanceType: new ec2.InstanceType('t3.micro'), machineImage: image,
    });
    const primary = make('Blue', 0);
    const standby = make('Green', 1);
    const topic = sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:ops');
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    // WHEN
    const failover = new ElasticIpFailover(stack, 'Web', {
      vpc, primary, standby, allocationId: 'eipalloc-0123456789abcdef0', notificationTopic: topic, encryptionKey: key,
      healthCheck: ApplicationHealthCheck.tcp({ port: 443 }),
    });
    const template = Template.fromStack(stack);
    // THEN
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Instance', 2);
    // only the NAT gateway's address: none allocated for the failover
    expect(Object.keys(template.findResources('AWS::EC2::EIP', { Properties: { Tags: [{ Key: 'Name', Value: 'Test/Web' }] } }))).toEqual([]);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(failover.nodes).toBeUndefined();
    expect(failover.publicIp).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::EIPAssociation', { AllocationId: 'eipalloc-0123456789abcdef0', InstanceId: { Ref: Match.stringLikeRegexp('Blue') } });
    const move = statements(template).find((s) => s.Sid === 'MoveAddressWithinPair')!;
    expect(JSON.stringify(move.Resource)).toMatch(/elastic-ip\/eipalloc-0123456789abcdef0/);
    expect(JSON.stringify(move.Resource)).toMatch(/Green/);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'] });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 443, ToPort: 443 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn });
  });

  test('addressRemovalPolicy DESTROY releases a new address on destroy', () => {
    const stack = testStack();
    const vpc = importedVpc(stack);
    new ElasticIpFailover(stack, 'Web', { vpc, addressRemovalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Delete' });
  });
});

describe('EipFailoverStack of the reference app', () => {
  test('runs the python "Hello" server from user data by default, and nothing extra on an injected image', () => {
    // GIVEN the stack with and without an injected machine image (the golden AMI in the reference app)
    const app = testApp();
    const plain = new EipFailoverStack(app, 'Plain', { env: { region: 'us-east-1' } });
    const golden = new EipFailoverStack(app, 'Golden', {
      env: { region: 'us-east-1' }, machineImage: ec2.MachineImage.fromSsmParameter('/imagebuilder/cat-photos-web/ami-id'),
    });
    // WHEN
    const userData = (stack: EipFailoverStack) => JSON.stringify(Template.fromStack(stack).findResources('AWS::EC2::Instance'));
    // THEN both publish port 80 behind the address and probe it over HTTP
    expect(userData(plain)).toMatch(/python3 -m http.server 80/);
    expect(userData(golden)).not.toMatch(/http.server/);
    Template.fromStack(golden).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })]),
    });
    expect(golden.failover.worstCaseDetection.applicationFailure!.toSeconds()).toEqual(85);
  });
});
