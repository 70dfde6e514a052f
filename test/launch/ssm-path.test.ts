import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { SecureVpc } from '../../lib/core';
import { AutoScalingFleet, InstanceFleet } from '../../lib/launch';
import { testStack } from '../util';

// Issue 12 item 7. Session Manager is the nodes' only shell, and the SSM agent must reach the ssm,
// ssmmessages and ec2messages endpoints: through interface VPC endpoints, a NAT gateway or a public
// IP (AWS Systems Manager User Guide, "Improve the security of EC2 instances by using VPC endpoints
// for Systems Manager" (setup-create-vpc.html)). A public subnet routes to the internet gateway, but
// an instance there without a public IP cannot use it (Amazon VPC User Guide, "Enable internet
// access for a VPC using an internet gateway").
describe('fleets in a VPC the library created need a path to Systems Manager', () => {
  test('an InstanceFleet in public subnets without a public IP or endpoints is refused', () => {
    // GIVEN a SecureVpc with NAT and no endpoints
    const stack = testStack();
    const { vpc } = new SecureVpc(stack, 'Vpc');
    // WHEN / THEN
    expect(() => new InstanceFleet(stack, 'Fleet', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/Fleet: vpcSubnets must be subnets whose nodes reach Systems Manager.*Pass ssmEndpoints: true to Test\/Vpc/);
  });

  test('the same fleet is accepted once the VPC has Systems Manager endpoints', () => {
    const stack = testStack();
    const { vpc } = new SecureVpc(stack, 'Vpc', { ssmEndpoints: true });
    expect(() => new InstanceFleet(stack, 'Fleet', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).not.toThrow();
  });

  test('an AutoScalingFleet in isolated subnets without endpoints is refused', () => {
    // GIVEN a SecureVpc without NAT and without endpoints
    const stack = testStack();
    const { vpc } = new SecureVpc(stack, 'Vpc', { publicSubnets: false });
    // WHEN / THEN
    expect(() => new AutoScalingFleet(stack, 'Group', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow(/Group: vpcSubnets must be subnets whose nodes reach Systems Manager/);
  });

  test('the default placement, private subnets with NAT, passes', () => {
    const stack = testStack();
    expect(() => new InstanceFleet(stack, 'Fleet')).not.toThrow();
  });
});
