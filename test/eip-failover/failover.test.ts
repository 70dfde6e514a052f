import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ApplicationHealthCheck, ElasticIpFailover } from '../../lib/eip-failover';
import { EipFailoverStack } from '../../bin/stacks/eip-failover';
import { importedVpc, testApp, testStack } from '../util';

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
          NetworkInterfaces: [Match.objectLike({ DeviceIndex: '0', AssociatePublicIpAddress: false, SubnetId: { Ref: Match.stringLikeRegexp(subnet) } })],
          MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
          DisableApiTermination: true,
          Monitoring: true,
        },
      });
      expect(Object.keys(instances)).toEqual([expect.stringMatching(node)]);
    }
    template.hasResourceProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });

  test('runs the deciding function on the newest Node.js runtime, one at a time, outside the VPC (FailoverControlPath.PUBLIC_API), with a DLQ and an encrypted log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      MemorySize: 128,
      ReservedConcurrentExecutions: 1,
      // the run budget: 12 calls x 2.5 s + 2 retries x 3.5 s + 1 s reserve
      Timeout: 38,
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebDeadLetterQueue'), 'Arn'] } },
      VpcConfig: Match.absent(),
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('WebLogGroup') } },
      Environment: { Variables: { CONFIG: Match.anyValue() } },
    });
    // no NAT gateway: the path to the APIs is Lambda's own, in every zone; the only endpoints are
    // Session Manager's, for the node that does not hold the address (no public IP of its own)
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((e) => JSON.stringify(e.Properties.ServiceName));
    expect(endpoints.map((e) => /\.(ssm|ssmmessages|ec2messages)"/.exec(e)?.[1]).sort()).toEqual(['ec2messages', 'ssm', 'ssmmessages']);
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
    // AssociateAddress by NetworkInterfaceId: the pair's interfaces, limited to the nodes' subnets
    // (Service Authorization Reference for Amazon EC2: ec2:Subnet on network-interface)
    const interfaces = all.find((s) => s.Sid === 'MoveAddressToPairInterfaces')!;
    expect(interfaces.Action).toEqual('ec2:AssociateAddress');
    expect(JSON.stringify(interfaces.Resource)).toMatch(/:network-interface\/\*"/);
    expect(JSON.stringify(interfaces.Condition)).toMatch(/"ec2:Subnet":\[\{"Fn::Join".*subnet\/.*PublicSubnet1.*subnet\/.*PublicSubnet2/);
    // the state tags the function writes, and not the pause tag, which only operators set
    const tags = all.find((s) => s.Sid === 'KeepStateInAddressTags')!;
    expect(tags).toMatchObject({ Action: 'ec2:CreateTags', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': expect.arrayContaining(['eip-failover:intent', 'eip-failover:recorded']) } } });
    expect(JSON.stringify(tags.Condition)).not.toMatch(/paused/);
    expect(JSON.stringify(tags.Resource)).toMatch(/:elastic-ip\//);
    expect(all.find((s) => s.Sid === 'ReadStatusCheckAlarms')!.Resource).toHaveLength(4);
    // `*` only on the read-only calls AWS cannot scope
    const star = all.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(star.sort()).toEqual(['ec2:DescribeAddresses', 'ec2:DescribeInstanceStatus', 'ec2:DescribeInstances']);
    // never disassociates (reassociation moves the address in one call) and no service wildcards
    const actions = all.flatMap((s) => [s.Action].flat()) as string[];
    expect(actions).not.toContain('ec2:DisassociateAddress');
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
  });

  test('models the worst-case recovery per failure class from the defaults (see recovery.test.ts)', () => {
    // stopped: the 60 s schedule + the decision; impaired: 60 s + 2 x 60 s + 60 s + 60 s + the decision
    expect(Math.ceil(failover.worstCaseRecovery.instanceStopped!.toSeconds({ integral: false }))).toEqual(66);
    expect(Math.ceil(failover.worstCaseRecovery.instanceImpaired!.toSeconds({ integral: false }))).toEqual(306);
    expect(failover.worstCaseRecovery.applicationFailure).toBeUndefined();
    expect(failover.worstCaseRecovery.failBack).toBeUndefined();
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
      disableApiTermination: false,
      instanceType: new ec2.InstanceType('t3.micro'),
    });
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StatusCheckFailed_System', Period: 120, EvaluationPeriods: 3 });
    template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't3.micro', DisableApiTermination: false });
    // the fast probe loop runs until 2 s before the next scheduled run
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Timeout: 298, Environment: { Variables: { CONFIG: Match.anyValue() } } });
    const fn = JSON.stringify(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } }));
    expect(fn).toMatch(/\\"cooldownSeconds\\":600/);
    expect(fn).toMatch(/\\"failBack\\":true/);
    expect(fn).toMatch(/\\"healthCheck\\":\{\\"protocol\\":\\"http\\",\\"port\\":8080,\\"path\\":\\"\/health\\",\\"timeoutMs\\":2000,\\"attempts\\":2,\\"intervalMs\\":1000,\\"watchIntervalMs\\":5000\}/);
    expect(fn).toMatch(/\\"probeFunction\\":\\"/);
    // the probe function: in the private subnets of both zones, egress only to the nodes' probe port
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.probe', ReservedConcurrentExecutions: 2, Timeout: 7,
      VpcConfig: { SubnetIds: [{ Ref: Match.stringLikeRegexp('Private.*Subnet1') }, { Ref: Match.stringLikeRegexp('Private.*Subnet2') }], SecurityGroupIds: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebProbeSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080 });
    // with the fast loop the schedule is the only trigger: the loop reads what the events would report,
    // and events arriving while it runs would be throttled and retried for up to an hour
    // (Lambda Developer Guide, asynchronous invocation: throttled events are retried up to the maximum event age)
    template.resourceCountIs('AWS::Events::Rule', 1);
    // the deciding function may invoke exactly that probe function
    const invoke = statements(template).find((st) => st.Sid === 'ProbeFromInsideTheVpc')!;
    expect(JSON.stringify(invoke.Resource)).toMatch(/WebProbeFunction/);
    expect(failover.worstCaseRecovery.failBack).toBeDefined();
    expect(failover.worstCaseRecovery.applicationFailure).toBeDefined();
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
    const vpc = importedVpc(stack, { publicSubnets: true });
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
      env: { region: 'us-east-1' }, machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    });
    // WHEN
    const userData = (stack: EipFailoverStack) => JSON.stringify(Template.fromStack(stack).findResources('AWS::EC2::Instance'));
    // THEN both publish port 80 behind the address and probe it over HTTP
    expect(userData(plain)).toMatch(/python3 -m http.server 80/);
    expect(userData(golden)).not.toMatch(/http.server/);
    Template.fromStack(golden).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 })]),
    });
    // within 30 s with the default probe and its fast loop (recovery.test.ts checks the model on the virtual clock)
    expect(golden.failover.worstCaseRecovery.applicationFailure!.toSeconds({ integral: false })).toBeLessThanOrEqual(30);
  });
});

describe('never both nodes replaced in one deploy', () => {
  // CloudFormation re-reads an SSM-typed parameter on every stack update (CloudFormation User Guide,
  // "Specify existing resources at runtime with CloudFormation-supplied parameter types"), and a new
  // ImageId replaces an AWS::EC2::Instance (its reference: "Update requires: Replacement").
  test('one image read at each deploy for both created nodes is refused', () => {
    const stack = testStack();
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc: importedVpc(stack, { publicSubnets: true }), machineImage: ec2.MachineImage.latestAmazonLinux2023() }))
      .toThrow(/Test\/Web: machineImage must be an image resolved once, at launch \(the default\), a literal AMI id, or a separate standbyMachineImage/);
  });

  test('with standbyMachineImage the two nodes get their own images, so they roll one at a time', () => {
    // GIVEN the golden AMI for the primary and the previous image for the standby
    const stack = testStack();
    new ElasticIpFailover(stack, 'Web', {
      vpc: importedVpc(stack, { publicSubnets: true }),
      machineImage: ec2.MachineImage.fromSsmParameter('/imagebuilder/web/ami-id'),
      standbyMachineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    });
    // WHEN
    const instances = Template.fromStack(stack).findResources('AWS::EC2::Instance');
    // THEN
    const image = (id: string) => JSON.stringify(Object.entries(instances).find(([k]) => k.startsWith(id))![1].Properties.ImageId);
    expect(image('WebPrimary')).toMatch(/SsmParameterValue/);
    expect(image('WebStandby')).toMatch(/ami-0123456789abcdef0|AmiMap/);
  });

  test('standbyMachineImage with your own pair is refused (configure your instances directly)', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const make = (id: string) => new ec2.Instance(stack, id, {
      vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, instanceType: new ec2.InstanceType('t3.micro'),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    });
    expect(() => new ElasticIpFailover(stack, 'Web', {
      vpc, primary: make('P'), standby: make('S'), standbyMachineImage: ec2.MachineImage.latestAmazonLinux2023(),
    })).toThrow(/standbyMachineImage only apply to nodes the construct creates/);
  });
});

describe('the function writes only the tags its policy allows', () => {
  test('the runtime\'s tag keys, less the pause tag, are exactly the keys CreateTags is allowed', () => {
    // GIVEN the keys the handler writes (runtime/state.js TAG) and the ones the policy names
    const { TAG } = require('../../lib/eip-failover/runtime/index.js') as { TAG: Record<string, string> };
    const { PAUSE_TAG, STATE_TAG_KEYS } = require('../../lib/eip-failover/function-policy') as { PAUSE_TAG: string; STATE_TAG_KEYS: string[] };
    // THEN
    expect(Object.values(TAG).filter((k) => k !== PAUSE_TAG).sort()).toEqual([...STATE_TAG_KEYS].sort());
    expect(ElasticIpFailover.PAUSE_TAG).toEqual(TAG.paused);
  });
});
