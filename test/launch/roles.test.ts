/**
 * Issue 12 item 11, roles you bring, with the library's one behaviour (lib/core/iam.ts grantTarget):
 * grants land in a customer-managed policy attached to the role, because HIPAA.Security,
 * NIST.800-53.R5 and PCI.DSS.321 refuse inline policies; a role imported as immutable gets nothing
 * attached, and synthesis fails with a warning that lists each statement. `AWS::IAM::ManagedPolicy`
 * attaches to roles by name through `Roles` (CloudFormation Template Reference, AWS::IAM::ManagedPolicy).
 * Before, `fleet.role.addToPrincipalPolicy` wrote an inline `AWS::IAM::Policy` on a mutable import
 * and dropped the statement silently on an immutable one.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedNode } from '../../lib/core';
import { IMMUTABLE_ROLE_WARNING, allow } from '../../lib/core/iam';
import { AutoScalingFleet, InstanceFleet } from '../../lib/launch';
import { testStack } from '../util';
import { importedVpc } from './helpers';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/platform/web';

function fleets(role: (stack: Stack) => iam.IRole): { stack: Stack; instances: InstanceFleet; group: AutoScalingFleet } {
  const stack = testStack();
  const vpc = importedVpc(stack);
  const r = role(stack);
  return { stack, instances: new InstanceFleet(stack, 'Fleet', { vpc, role: r }), group: new AutoScalingFleet(stack, 'Group', { vpc, role: r }) };
}

describe('grants to the instances of a fleet with a role you bring', () => {
  test('a mutable imported role gets a customer-managed policy attached by name, and no inline policy', () => {
    // GIVEN both fleets with an imported role
    const { stack, instances, group } = fleets((s) => iam.Role.fromRoleArn(s, 'Imported', ROLE_ARN));
    // WHEN something grants to the instances
    allow(instances, 'ReadConfig', ['ssm:GetParameter'], ['arn:aws:ssm:us-east-1:123456789012:parameter/web/*']);
    allow(group, 'ReadConfig', ['ssm:GetParameter'], ['arn:aws:ssm:us-east-1:123456789012:parameter/web/*']);
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    template.allResourcesProperties('AWS::IAM::ManagedPolicy', {
      Roles: ['web'],
      PolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Sid: 'ReadConfig', Action: 'ssm:GetParameter' })] }),
    });
  });

  test('an immutable role gets nothing attached; synthesis fails and lists the statement until acknowledged', () => {
    // GIVEN
    const { stack, instances } = fleets((s) => iam.Role.fromRoleArn(s, 'Frozen', ROLE_ARN, { mutable: false }));
    // WHEN
    allow(instances, 'ReadConfig', ['ssm:GetParameter'], ['arn:aws:ssm:us-east-1:123456789012:parameter/web/*']);
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/Test\/Frozen was imported as immutable.*"Sid":"ReadConfig"/);
    Validations.of(stack).acknowledge({ id: `Annotation::${IMMUTABLE_ROLE_WARNING}`, reason: 'The platform team attached ReadConfig to platform/web.' });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('an immutable role with nothing to grant synthesizes cleanly', () => {
    const { stack } = fleets((s) => iam.Role.fromRoleArn(s, 'Frozen', ROLE_ARN, { mutable: false }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the role the library makes keeps its own policy: the grant principal is the role', () => {
    const stack = testStack();
    const node = new HardenedNode(stack, 'Node', { vpc: importedVpc(stack) });
    expect(node.grantPrincipal).toBe(node.role);
    allow(node, 'ReadConfig', ['ssm:GetParameter'], ['arn:aws:ssm:us-east-1:123456789012:parameter/web/*']);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });
});
