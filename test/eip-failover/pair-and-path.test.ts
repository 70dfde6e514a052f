/**
 * Synth checks of the pair (same region and VPC, one interface each or the interface given) and of
 * the control path (it survives the loss of any one Availability Zone).
 *
 * AWS behaviour pinned here:
 * - An Elastic IP moves only within its region (and network border group) and account: Amazon EC2
 *   User Guide, "Elastic IP addresses"; AssociateAddress, Amazon EC2 API Reference ("You cannot
 *   associate an Elastic IP address with an interface in a different network border group").
 * - AssociateAddress with InstanceId needs exactly one network interface; otherwise give
 *   NetworkInterfaceId (AssociateAddress, Amazon EC2 API Reference).
 * - Interface endpoints are zonal (one network interface per subnet), and their endpoint policies
 *   limit what principals may do through them: AWS PrivateLink Guide, "Access an AWS service using
 *   an interface VPC endpoint" and "Control access to VPC endpoints using endpoint policies".
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedNode, SecureVpc } from '../../lib/core';
import { ApplicationHealthCheck, ElasticIpFailover, FailoverControlPath } from '../../lib/eip-failover';
import { acknowledgementsOf, importedVpc, testStack } from '../util';

function instance(stack: Stack, id: string, vpc: ec2.IVpc, subnet?: ec2.ISubnet): ec2.Instance {
  return new ec2.Instance(stack, id, {
    vpc, vpcSubnets: subnet ? { subnets: [subnet] } : { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
}

describe('the pair must be able to fail over', () => {
  test('a standby in another region is rejected', () => {
    // GIVEN a standby in a stack in eu-west-1, the construct in us-east-1
    const app = new App();
    const here = new Stack(app, 'Here', { env: { region: 'us-east-1', account: '123456789012' } });
    const there = new Stack(app, 'There', { env: { region: 'eu-west-1', account: '123456789012' } });
    const vpc = importedVpc(here, { publicSubnets: true });
    const primary = instance(here, 'P', vpc);
    const standby = instance(there, 'S', importedVpc(there, { publicSubnets: true }));
    // WHEN / THEN
    expect(() => new ElasticIpFailover(here, 'Web', { vpc, primary, standby }))
      .toThrow(/Here\/Web: standby must be an instance in the stack's region us-east-1, got 'There\/S \(region eu-west-1\)'. An Elastic IP moves only within its region/);
  });

  test('a standby in another VPC is rejected', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const other = ec2.Vpc.fromVpcAttributes(stack, 'Other', {
      vpcId: 'vpc-87654321', availabilityZones: ['us-east-1a'], publicSubnetIds: ['subnet-99999999'], publicSubnetRouteTableIds: ['rtb-9'],
    });
    const primary = instance(stack, 'P', vpc);
    const standby = instance(stack, 'S', other);
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc, primary, standby }))
      .toThrow(/standby must be an instance in a subnet of Test\/Vpc, got 'Test\/S \(subnet subnet-99999999\)'/);
  });

  test('a standby in another VPC is rejected when its subnet is on an explicit network interface (as HardenedNode makes them)', () => {
    // GIVEN instances whose subnet is NetworkInterfaces[0].SubnetId, not a root SubnetId
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const other = ec2.Vpc.fromVpcAttributes(stack, 'Other', {
      vpcId: 'vpc-87654321', availabilityZones: ['us-east-1a'], publicSubnetIds: ['subnet-99999999'], publicSubnetRouteTableIds: ['rtb-9'],
    });
    const node = new HardenedNode(stack, 'Node', { vpc });
    const otherNode = new HardenedNode(stack, 'OtherNode', { vpc: other });
    const primary = node.createInstance(stack, 'P', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    const standby = otherNode.createInstance(stack, 'S', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    expect(standby.instance.subnetId).toBeUndefined();
    // WHEN / THEN
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc, primary, standby }))
      .toThrow(/standby must be an instance in a subnet of Test\/Vpc, got 'Test\/S \(subnet subnet-99999999\)'/);
  });

  test('the pair\'s interface permissions stay scoped to its subnets with explicit network interfaces', () => {
    // GIVEN a pair made by HardenedNode in the two public subnets
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const node = new HardenedNode(stack, 'Node', { vpc });
    const primary = node.createInstance(stack, 'P', { vpcSubnets: { subnets: [vpc.publicSubnets[0]] } });
    const standby = node.createInstance(stack, 'S', { vpcSubnets: { subnets: [vpc.publicSubnets[1]] } });
    // WHEN
    new ElasticIpFailover(stack, 'Web', { vpc, primary, standby });
    // THEN AssociateAddress on network-interface/* is conditioned on the pair's subnets, not the whole VPC
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(policies).toContain('ec2:Subnet');
    expect(policies).toContain('subnet-pub-a');
    expect(policies).toContain('subnet-pub-b');
  });

  test('created nodes in a library VPC without a path to Systems Manager are refused (issue 12 item 7)', () => {
    // GIVEN a SecureVpc without SSM endpoints: its public subnets route only to the internet
    // gateway, and the nodes have no public IP, so the standby could not reach Session Manager
    // (Systems Manager User Guide, "Improve the security of EC2 instances by using VPC endpoints")
    const stack = testStack();
    const { vpc } = new SecureVpc(stack, 'Network');
    // WHEN / THEN
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc })).toThrow(/Test\/Web: vpcSubnets must be subnets whose nodes reach Systems Manager.*Pass ssmEndpoints: true to Test\/Network/);
    const withEndpoints = new SecureVpc(stack, 'Network2', { ssmEndpoints: true });
    expect(() => new ElasticIpFailover(stack, 'Web2', { vpc: withEndpoints.vpc })).not.toThrow();
  });

  test('a primary with two network interfaces needs primaryNetworkInterfaceId; given, the address and IAM use that interface', () => {
    // GIVEN a primary launched with two interfaces
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const primary = instance(stack, 'P', vpc);
    primary.instance.networkInterfaces = [
      { deviceIndex: '0', networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa0' }, { deviceIndex: '1', networkInterfaceId: 'eni-0aaaaaaaaaaaaaaa1' },
    ];
    const standby = instance(stack, 'S', vpc);
    // WHEN / THEN without the interface
    expect(() => new ElasticIpFailover(stack, 'A', { vpc, primary, standby }))
      .toThrow(/primary must be one network interface, or primaryNetworkInterfaceId, got 'Test\/P \(2 network interfaces\)'/);
    // AND with both interfaces given
    const failover = new ElasticIpFailover(stack, 'Web', {
      vpc, primary, standby, primaryNetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa0', standbyNetworkInterfaceId: 'eni-0bbbbbbbbbbbbbbb0',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::EIPAssociation', { NetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa0', InstanceId: Match.absent() });
    const policy = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('WebFunctionRole') }] } }));
    expect(policy).toMatch(/network-interface\/eni-0aaaaaaaaaaaaaaa0/);
    expect(policy).toMatch(/network-interface\/eni-0bbbbbbbbbbbbbbb0/);
    expect(policy).not.toMatch(/network-interface\/\*/);
    // and nothing is acknowledged for a wildcard the policy does not have
    expect(Object.keys(acknowledgementsOf(failover.functionRole.permissionsPolicy!)).filter((id) => id.includes('network-interface'))).toEqual([]);
    expect(failover.primary).toBe(primary);
  });

  test('an interface id is checked in the house format, and only with your own pair', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    expect(() => new ElasticIpFailover(stack, 'A', { vpc, primaryNetworkInterfaceId: 'eni-0aaaaaaaaaaaaaaa0' }))
      .toThrow(/primaryNetworkInterfaceId must be given only with your own primary and standby/);
    const primary = instance(stack, 'P', vpc);
    const standby = instance(stack, 'S', vpc);
    expect(() => new ElasticIpFailover(stack, 'B', { vpc, primary, standby, standbyNetworkInterfaceId: 'eni-1' }))
      .toThrow(/standbyNetworkInterfaceId must be 'eni-' followed by 8 or 17 lowercase hex digits, got 'eni-1'/);
  });

  test('instanceProfile with your own pair is rejected, not silently ignored (the node-option list is exhaustive)', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const instanceProfile = new iam.InstanceProfile(stack, 'Profile', { role });
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc, primary: instance(stack, 'P', vpc), standby: instance(stack, 'S', vpc), instanceProfile }))
      .toThrow(/instanceProfile only apply to nodes the construct creates/);
  });
});

describe('the control path survives the loss of any one zone', () => {
  test('INTERFACE_ENDPOINTS: the deciding function in the VPC, EC2, CloudWatch and SNS endpoints in both zones, each admitting only its role', () => {
    // GIVEN
    const stack = testStack();
    new ElasticIpFailover(stack, 'Web', { controlPath: FailoverControlPath.INTERFACE_ENDPOINTS, healthCheck: ApplicationHealthCheck.http() });
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    // three for the deciding function, three (ssm, ssmmessages, ec2messages) for Session Manager on the nodes
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 6);
    for (const service of ['ec2', 'monitoring', 'sns']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        VpcEndpointType: 'Interface', PrivateDnsEnabled: true,
        SubnetIds: [{ Ref: Match.stringLikeRegexp('Subnet1') }, { Ref: Match.stringLikeRegexp('Subnet2') }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebFunctionRole'), 'Arn'] } } })]) },
      });
    }
    const ec2Policy = JSON.stringify(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: 'com.amazonaws.us-east-1.ec2' } }));
    expect(ec2Policy).toMatch(/ec2:AssociateAddress/);
    expect(ec2Policy).not.toMatch(/"Action":"\*"|ec2:\*/);
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }) });
    // the probe runs in the deciding function itself: no probe function
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Handler: 'index.probe' }, 0);
    // HTTPS to the endpoints from the function only
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebFunctionSecurityGroup'), 'GroupId'] },
    });
  });

  test('only PUBLIC_API acknowledges the function-in-a-VPC rules, on the deciding function alone', () => {
    const stack = testStack();
    const outside = new ElasticIpFailover(stack, 'Out', { vpc: importedVpc(stack, { publicSubnets: true }) });
    const inside = new ElasticIpFailover(stack, 'In', { vpc: importedVpc(stack, { id: 'Vpc2', publicSubnets: true }), controlPath: FailoverControlPath.VPC_ROUTES });
    expect(Object.keys(acknowledgementsOf(outside.failoverFunction)).sort())
      .toEqual(['Annotation::HIPAA.Security-LambdaInsideVPC', 'Annotation::NIST.800.53.R5-LambdaInsideVPC', 'Annotation::PCI.DSS.321-LambdaInsideVPC']);
    expect(acknowledgementsOf(inside.failoverFunction)).toEqual({});
  });

  test('VPC_ROUTES: the construct\'s own VPC gets one NAT gateway per zone', () => {
    const stack = testStack();
    new ElasticIpFailover(stack, 'Web', { controlPath: FailoverControlPath.VPC_ROUTES });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test('VPC_ROUTES in an app VPC with one NAT gateway is rejected: the other zone has no path', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    expect(() => new ElasticIpFailover(stack, 'Web', { vpc, controlPath: FailoverControlPath.VPC_ROUTES }))
      .toThrow(/controlPath must be a NAT gateway in the zone of every function subnet, got 'FailoverControlPath.VPC_ROUTES with Test\/Vpc\/PrivateSubnet2 routed through a NAT gateway in another zone'/);
  });

  test('function subnets in one zone of an app VPC are rejected', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    expect(() => new ElasticIpFailover(stack, 'Web', {
      vpc, healthCheck: ApplicationHealthCheck.http(), functionSubnets: { subnets: [vpc.isolatedSubnets[0]] },
    })).toThrow(/functionSubnets must be subnets in every zone of the pair \(at least two\), got 'subnets in 1 Availability Zone\(s\)'/);
  });

  test('an imported VPC is not checked (documented instead)', () => {
    const stack = testStack();
    const vpc = importedVpc(stack, { publicSubnets: true });
    expect(() => new ElasticIpFailover(stack, 'Web', {
      vpc, controlPath: FailoverControlPath.VPC_ROUTES, functionSubnets: { subnets: [vpc.privateSubnets[0]] },
    })).not.toThrow();
  });
});
