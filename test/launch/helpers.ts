import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** A two-AZ VPC imported without lookups (cheap: no SecureVpc per test). */
export function importedVpc(scope: Construct): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, 'ImportedVpc', {
    vpcId: 'vpc-1',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-a', 'subnet-b'],
    privateSubnetRouteTableIds: ['rtb-a', 'rtb-b'],
    isolatedSubnetIds: ['subnet-iso-a', 'subnet-iso-b'],
    isolatedSubnetRouteTableIds: ['rtb-ia', 'rtb-ib'],
  });
}

export { acknowledgementsOf } from '../util';
