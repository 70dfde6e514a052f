import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** An imported two-AZ VPC with public and private subnets: no resources, so each case stays cheap. */
export function importedVpc(stack: Stack, publicSubnets = true): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-12345678',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    ...(publicSubnets ? { publicSubnetIds: ['subnet-11111111', 'subnet-22222222'], publicSubnetRouteTableIds: ['rtb-1', 'rtb-2'] } : {}),
    privateSubnetIds: ['subnet-33333333', 'subnet-44444444'],
    privateSubnetRouteTableIds: ['rtb-3', 'rtb-4'],
  });
}
