import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ManagedPolicyRole, SecureVpc } from '../../lib';
import { checkSsmPath } from '../../lib/core/secure-vpc';
import { testStack } from '../util';

describe('SecureVpc', () => {
  test('logs all traffic to an encrypted, retained log group through a role with a managed policy', () => {
    // GIVEN / WHEN
    const stack = testStack();
    new SecureVpc(stack, 'Vpc');
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: Match.anyValue(), RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('public subnets never auto-assign public IPs; workloads get private subnets with NAT', () => {
    const stack = testStack();
    new SecureVpc(stack, 'Vpc');
    const template = Template.fromStack(stack);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('without public subnets there is no internet gateway and subnets are isolated', () => {
    const stack = testStack();
    new SecureVpc(stack, 'Vpc', { publicSubnets: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  test.each([[0, /maxAzs must be between 1 and 6, got 0/], [7, /maxAzs must be between 1 and 6, got 7/]])('maxAzs %d is rejected', (maxAzs, error) => {
    expect(() => new SecureVpc(testStack(), 'Vpc', { maxAzs })).toThrow(error);
  });

  test('more NAT gateways than AZs is rejected', () => {
    expect(() => new SecureVpc(testStack(), 'Vpc', { maxAzs: 2, natGateways: 3 })).toThrow(/natGateways must be between 0 and 2, got 3/);
  });
});

describe('ManagedPolicyRole', () => {
  test('grants land in one customer-managed policy attached to the role, never an inline policy', () => {
    // GIVEN
    const stack = testStack();
    const role = new ManagedPolicyRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:123456789012:q'] }));
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: 's3:GetObject' }), Match.objectLike({ Action: 'sqs:SendMessage' })] },
    });
    expect(role.permissionsPolicy).toBeDefined();
  });

  test('a role with no grants has no policy', () => {
    const stack = testStack();
    const role = new ManagedPolicyRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(role.permissionsPolicy).toBeUndefined();
  });
});

describe('SecureVpc flow log key', () => {
  test('trusts the regional CloudWatch Logs service principal', () => {
    const stack = testStack();
    new SecureVpc(stack, 'Vpc');
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.us-east-1.amazonaws.com' } })]) },
    });
  });
});

// Issue 12 item 7. Session Manager needs the SSM agent to reach the ssm, ssmmessages and ec2messages
// endpoints: through interface VPC endpoints, NAT or a public IP (AWS Systems Manager User Guide,
// "Improve the security of EC2 instances by using VPC endpoints for Systems Manager"
// (setup-create-vpc.html)). The endpoint policies allow what AmazonSSMManagedInstanceCore allows
// (AWS Managed Policy Reference, "AmazonSSMManagedInstanceCore"), to principals of this account only.
describe('SecureVpc Systems Manager endpoints', () => {
  test('ssmEndpoints adds the three interface endpoints with private DNS and least-privilege policies', () => {
    // GIVEN / WHEN
    const stack = testStack();
    new SecureVpc(stack, 'Vpc', { ssmEndpoints: true });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 3);
    for (const service of ['ssm', 'ssmmessages', 'ec2messages']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        PolicyDocument: {
          Statement: [Match.objectLike({
            Action: Match.arrayWith([Match.stringLikeRegexp(`^${service}:`)]),
            Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
          })],
        },
      });
    }
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443 })],
    });
  });

  test('the endpoints are opt-in (about $44 a month in two AZs): none by default, with or without NAT', () => {
    const isolated = testStack();
    const secure = new SecureVpc(isolated, 'Vpc', { publicSubnets: false });
    Template.fromStack(isolated).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    // and then its isolated subnets have no path, which the fleets refuse
    expect(secure.reachesSsm(secure.vpc.isolatedSubnets, false)).toBe(false);
    const withNat = testStack();
    new SecureVpc(withNat, 'Vpc');
    Template.fromStack(withNat).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('nodes in public subnets without a public IP have no path, private subnets with NAT do', () => {
    // GIVEN a VPC with NAT and no endpoints
    const stack = testStack();
    const secure = new SecureVpc(stack, 'Vpc');
    // WHEN / THEN
    expect(() => checkSsmPath(stack, secure.vpc, secure.vpc.publicSubnets, false))
      .toThrow(/vpcSubnets must be subnets whose nodes reach Systems Manager.*Pass ssmEndpoints: true to Test\/Vpc/);
    expect(() => checkSsmPath(stack, secure.vpc, secure.vpc.publicSubnets, true)).not.toThrow();
    expect(() => checkSsmPath(stack, secure.vpc, secure.vpc.privateSubnets, false)).not.toThrow();
  });

  test('with endpoints every subnet has a path; a VPC the user brings is not checked', () => {
    const stack = testStack();
    const secure = new SecureVpc(stack, 'Vpc', { ssmEndpoints: true });
    expect(() => checkSsmPath(stack, secure.vpc, secure.vpc.publicSubnets, false)).not.toThrow();
    const theirs = new ec2.Vpc(stack, 'Theirs', { natGateways: 0 });
    expect(() => checkSsmPath(stack, theirs, theirs.isolatedSubnets, false)).not.toThrow();
  });
});
