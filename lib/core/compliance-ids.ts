import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The ids of the findings the library acknowledges, written once. cdk-nag 3 ids are
 * `<pack>-<rule>` (cdk-nag 3.0.2, src/packs/*.ts); the template check's are
 * `CloudFormation-Validate::<code>` (aws-cdk-lib 2.276, @aws/cloudformation-validate).
 */

/** Rules that want every EBS volume in an AWS Backup plan (HIPAA, NIST 800-53 R5 and R4). */
export const BACKUP_PLAN_RULES = [
  'HIPAA.Security-EC2EBSInBackupPlan',
  'NIST.800.53.R5-EC2EBSInBackupPlan',
  'NIST.800.53.R4-EC2EBSInBackupPlan',
] as const;

/** Rules that refuse a route to an internet gateway (the public subnets of a VPC). */
export const ROUTE_TO_IGW_RULES = [
  'HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
  'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
  'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW',
] as const;

/** Template check: a literal AMI id (W9010). */
export const TEMPLATE_CHECK_HARD_CODED_AMI = 'CloudFormation-Validate::W9010';
/** Template check: a property its bundled schema does not know yet (F3002). */
export const TEMPLATE_CHECK_UNKNOWN_PROPERTY = 'CloudFormation-Validate::F3002';

/** Acknowledges every rule of `rules` on one construct with one reason. */
export function acknowledgeRules(scope: IConstruct, rules: readonly string[], reason: string): void {
  Validations.of(scope).acknowledge(...rules.map((id) => ({ id, reason })));
}
