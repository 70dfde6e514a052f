import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { importedVpc as sharedImportedVpc } from '../util';

/** The shared two-AZ imported VPC, with the isolated subnets the launch tests place fleets in. */
export function importedVpc(scope: Construct): ec2.IVpc {
  return sharedImportedVpc(scope, { id: 'ImportedVpc', isolatedSubnets: true });
}

export { acknowledgementsOf } from '../util';
