import { Aws, Fn, Stack } from 'aws-cdk-lib';
import { flattenCfnReference as nagFlatten } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { flattenCfnReference, wildcardResourceFindingId } from '../../lib/core/acknowledgements';

describe('granular finding ids', () => {
  test.each([
    ['a plain string', 'arn:aws:s3:::bucket/*'],
    ['pseudo parameters', `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:instance/*`],
    ['a GetAtt', Fn.join('', [Fn.getAtt('Logs', 'Arn').toString(), '/web/*'])],
    ['a Sub', Fn.sub('arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*')],
    ['an import', Fn.importValue('Shared-VolumeArn')],
  ])('flatten %s exactly as cdk-nag 3 does', (_what, value) => {
    // GIVEN a value as it appears in a synthesized policy
    const resolved = new Stack().resolve(value);
    // THEN our copy and cdk-nag's own utility agree
    expect(flattenCfnReference(resolved)).toEqual(nagFlatten(resolved));
  });

  test('the IAM5 finding id names the flattened resource', () => {
    const stack = new Stack();
    expect(wildcardResourceFindingId(stack, `arn:${Aws.PARTITION}:ec2:${Aws.REGION}::snapshot/*`))
      .toEqual('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*]');
  });
});
