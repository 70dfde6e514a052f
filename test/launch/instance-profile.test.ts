import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AutoScalingFleet, InstanceFleet } from '../../lib/launch';
import { testStack } from '../util';
import { importedVpc } from './helpers';

function platformProfile(stack: ReturnType<typeof testStack>) {
  const role = iam.Role.fromRoleArn(stack, 'PlatformRole', 'arn:aws:iam::123456789012:role/platform');
  return {
    role,
    instanceProfile: iam.InstanceProfile.fromInstanceProfileAttributes(stack, 'PlatformProfile', {
      instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/platform', role,
    }),
  };
}

describe('fleets with an instance profile the user brings', () => {
  test('InstanceFleet launches with the profile and creates no role', () => {
    // GIVEN
    const stack = testStack();
    const { instanceProfile } = platformProfile(stack);
    // WHEN
    new InstanceFleet(stack, 'Web', { vpc: importedVpc(stack), instanceCount: 2, instanceProfile });
    // THEN
    const template = Template.fromStack(stack);
    template.allResourcesProperties('AWS::EC2::Instance', { IamInstanceProfile: 'platform' });
    template.resourceCountIs('AWS::IAM::Role', 0);
  });

  test.each([
    ['InstanceFleet', (s: ReturnType<typeof testStack>, p: object) => new InstanceFleet(s, 'Web', p)],
    ['AutoScalingFleet', (s: ReturnType<typeof testStack>, p: object) => new AutoScalingFleet(s, 'Web', p)],
  ])('%s rejects a role and an instance profile together', (_name, make) => {
    const stack = testStack();
    const { role, instanceProfile } = platformProfile(stack);
    expect(() => make(stack, { vpc: importedVpc(stack), role, instanceProfile }))
      .toThrow(/role and instanceProfile are mutually exclusive, got both/);
  });
});
