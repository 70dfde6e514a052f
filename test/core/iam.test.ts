/**
 * One behaviour for the roles users bring (lib/core/iam.ts): grants land in a customer-managed
 * policy attached to the role (HIPAA.Security, NIST.800-53.R5 and PCI.DSS.321 refuse inline
 * policies), and a role imported as immutable gets nothing attached but a warning per statement.
 * `AWS::IAM::ManagedPolicy` attaches to roles by name through its `Roles` property
 * (CloudFormation Template Reference, AWS::IAM::ManagedPolicy).
 */
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ManagedPolicyRole } from '../../lib';
import { IMMUTABLE_ROLE_WARNING, allow, grantTarget, isImmutableRole } from '../../lib/core/iam';
import { Template, testStack } from '../util';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/platform/web';

describe('grantTarget', () => {
  test('a role the library made keeps its own customer-managed policy', () => {
    // GIVEN
    const stack = testStack();
    const role = new ManagedPolicyRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN
    const target = grantTarget(stack, 'Grants', role);
    allow(target, 'Describe', ['ec2:DescribeInstances'], ['*']);
    // THEN
    expect(target).toBe(role);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  });

  test('an imported mutable role gets a customer-managed policy attached by name, no inline policy', () => {
    // GIVEN
    const stack = testStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', ROLE_ARN);
    // WHEN
    allow(grantTarget(stack, 'Grants', role), 'Describe', ['ec2:DescribeInstances'], ['*']);
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: ['web'],
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'Describe', Action: 'ec2:DescribeInstances' })] },
    });
  });

  test('a role of your own stack gets the managed policy too, not an inline DefaultPolicy', () => {
    // GIVEN
    const stack = testStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    // WHEN
    allow(grantTarget(stack, 'Grants', role), 'Describe', ['ec2:DescribeInstances'], ['*']);
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^Mine') }] });
  });

  test('an immutable role gets nothing attached, and each statement it needs is a warning', () => {
    // GIVEN
    const stack = testStack();
    const role = iam.Role.fromRoleArn(stack, 'Frozen', ROLE_ARN, { mutable: false });
    expect(isImmutableRole(role)).toBe(true);
    // WHEN
    allow(grantTarget(stack, 'Grants', role), 'Describe', ['ec2:DescribeInstances'], ['*']);
    // THEN synthesis fails and names the statement to attach
    expect(() => Template.fromStack(stack)).toThrow(
      /The role Test\/Frozen was imported as immutable or from another account, so nothing is attached to it\. Attach this statement to it yourself: .*"Sid":"Describe"/);
    // WHEN the owner attached it and says so
    Validations.of(stack).acknowledge({ id: `Annotation::${IMMUTABLE_ROLE_WARNING}`, reason: 'The platform team attached the Describe statement to role platform/web.' });
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  test('a role of another account gets nothing attached and a warning', () => {
    // GIVEN a stack in account 111111111111 and a role of 123456789012
    const stack = testStack({ env: { account: '111111111111', region: 'us-east-1' } });
    const role = iam.Role.fromRoleArn(stack, 'Foreign', ROLE_ARN);
    // WHEN
    allow(grantTarget(stack, 'Grants', role), 'Describe', ['ec2:DescribeInstances'], ['*']);
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/The role Test\/Foreign was imported as immutable or from another account/);
  });
});
