import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * An IAM role whose permissions, including every `grant*()` made to it, land in one
 * customer-managed policy instead of an inline `DefaultPolicy`.
 *
 * HIPAA.Security, NIST.800-53.R5 and PCI.DSS.321 reject inline policies (`IAMNoInlinePolicy`),
 * and AwsSolutions rejects AWS-managed ones (`AwsSolutions-IAM4`); this keeps the idiomatic grant
 * API and satisfies both. Every role the library creates is one of these.
 */
export class ManagedPolicyRole extends iam.Role {
  private managedPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
  }

  /** The customer-managed policy that holds this role's permissions, once one was added. */
  public get permissionsPolicy(): iam.ManagedPolicy | undefined {
    return this.managedPolicy;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.managedPolicy) {
      this.managedPolicy = new iam.ManagedPolicy(this, 'Permissions', { roles: [this] });
    }
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
