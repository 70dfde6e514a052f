import { Aws, Fn } from 'aws-cdk-lib';

/**
 * A suffix that is new for every creation of the stack and stable across its updates: the first
 * group of the stack id's UUID (`arn:...:stack/<name>/<uuid>`; CloudFormation User Guide, "Pseudo
 * parameters reference", AWS::StackId). Retained resources with fixed names (log groups, backup
 * vaults) would otherwise make a retry after a failed first deploy, or a redeploy after
 * `cdk destroy`, fail with "already exists".
 */
export function stackCreationSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}
