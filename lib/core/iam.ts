import { Annotations, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role';

/**
 * Adds one hand-written statement to a principal's policy: the one shape for every statement a
 * pattern writes itself (grants of aws-cdk-lib L2s go through `grant*()` as usual).
 */
export function allow(principal: iam.IGrantable, sid: string, actions: string[], resources: string[],
  conditions?: { [operator: string]: unknown }): iam.PolicyStatement {
  const statement = new iam.PolicyStatement({ sid, actions, resources, conditions });
  principal.grantPrincipal.addToPrincipalPolicy(statement);
  return statement;
}

/** The `PROPERTY_INJECTION_ID` of the class `Role.fromRoleArn(..., { mutable: false })` and `withoutPolicyUpdates()` return. */
const IMMUTABLE_ROLE = 'aws-cdk-lib.aws-iam.ImmutableRole';

/** Whether a role was imported as immutable (`mutable: false` or `withoutPolicyUpdates()`). */
export function isImmutableRole(role: iam.IRole): boolean {
  return (role.constructor as { PROPERTY_INJECTION_ID?: string }).PROPERTY_INJECTION_ID === IMMUTABLE_ROLE;
}

/**
 * What the patterns grant to, for a role they made or a role you bring. One behaviour for every
 * pattern (issue: "Roles you bring"):
 * - a role the library made (`ManagedPolicyRole`): its own customer-managed policy;
 * - any other role of this account, yours or imported: a customer-managed policy attached to it
 *   (`AWS::IAM::ManagedPolicy` with `Roles`), never an inline policy (HIPAA, NIST and PCI refuse
 *   inline policies) and never a silently dropped statement;
 * - a role imported as immutable (`mutable: false`, `withoutPolicyUpdates()`) or from another
 *   account: nothing is attached, and each statement the role needs is a warning with id
 *   {@link IMMUTABLE_ROLE_WARNING}. Unacknowledged warnings fail synthesis (aws-cdk-lib 2.276
 *   validation), so the statements are in front of the role's owner; once they are attached,
 *   `Validations.of(pattern).acknowledge({ id: 'Annotation::cdk-ec2-patterns:immutableRoleNeedsStatement', reason })`.
 */
export function grantTarget(scope: Construct, id: string, role: iam.IRole): iam.IGrantable {
  if (role instanceof ManagedPolicyRole) return role;
  return new RolePermissions(scope, id, role);
}

/** Id of the warning that lists a statement an immutable or foreign role needs. */
export const IMMUTABLE_ROLE_WARNING = 'cdk-ec2-patterns:immutableRoleNeedsStatement';

/** A principal that routes every statement granted to a role into one customer-managed policy. */
class RolePermissions extends Construct implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  public readonly principalAccount?: string;
  private policy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, private readonly role: iam.IRole) {
    super(scope, id);
    this.assumeRoleAction = role.assumeRoleAction;
    this.policyFragment = role.policyFragment;
    this.principalAccount = role.principalAccount;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.canAttach) {
      Annotations.of(this.node.scope!).addWarningV2(IMMUTABLE_ROLE_WARNING, `The role ${this.role.node.path} was imported as immutable or `
        + 'from another account, so nothing is attached to it. Attach this statement to it yourself: '
        + JSON.stringify(Stack.of(this).resolve(statement.toStatementJson())));
      return { statementAdded: true, policyDependable: this };
    }
    if (!this.policy) {
      this.policy = new iam.ManagedPolicy(this, 'Permissions', {
        description: `Permissions ${this.node.scope!.node.path} grants to a role it was given`,
        roles: [this.role],
      });
    }
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  /** The role lives in this account and may be changed. */
  private get canAttach(): boolean {
    if (isImmutableRole(this.role)) return false;
    const roleAccount = this.role.principalAccount;
    const account = Stack.of(this).account;
    return Resource.isOwnedResource(this.role) || roleAccount === undefined || Token.isUnresolved(roleAccount)
      || Token.isUnresolved(account) || roleAccount === account;
  }
}
