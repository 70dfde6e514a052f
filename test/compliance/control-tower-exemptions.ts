/**
 * Control Tower proactive controls that the reference app and the examples fail on purpose, by
 * app: one resource, one control and why, with the setting that makes it pass. Anything that fails
 * and is not here fails the harness, and so does an entry that no longer fails.
 * Only what would cost users money or weaken operations as a default belongs here.
 */
import { ControlExemption } from './control-tower';

/** In-transit encryption needs the Nitro families of CT.EC2.PR.19, several times the price of the defaults. */
export const IN_TRANSIT_REASON = 'CT.EC2.PR.19 accepts only instance types with in-transit encryption between instances '
  + '(for example m6i, c6i, r6i, m5n); the default t3.small costs a fraction of them. Pass it with instanceType, e.g. m6i.large.';

/** The aws-cdk-lib provider that closes the default security group. */
export const RESTRICT_DEFAULT_SG_REASON = "aws-cdk-lib's Custom::VpcRestrictDefaultSG provider (SecureVpc restrictDefaultSecurityGroup) "
  + 'runs once per deploy to revoke the default security group rules; it reads no data and needs only the EC2 API, which a '
  + 'function inside the VPC could reach only through a NAT or an endpoint. CloudFormation has no native way to close the group.';

export const CONTROL_TOWER_EXEMPTIONS: Record<string, ControlExemption[]> = {};
