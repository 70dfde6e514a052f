import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MultiAttachCluster, MultiAttachClusterProps } from '../../lib/multi-attach';
import { importedVpc, testStack } from '../util';

/** A cluster in a fresh us-east-1 stack with an imported VPC. */
export function cluster(props: MultiAttachClusterProps = {}, stack: Stack = testStack()): { stack: Stack; cluster: MultiAttachCluster } {
  return { stack, cluster: new MultiAttachCluster(stack, 'Cluster', { vpc: importedVpc(stack), ...props }) };
}

/** A synthesized resource as the assertions return it. */
export interface ResourceJson {
  readonly Properties: { readonly [key: string]: unknown };
}

/** The resources of a type, as a list. */
export function resourcesOf(template: Template, type: string): ResourceJson[] {
  return Object.values(template.findResources(type)) as ResourceJson[];
}

/** The user data of the first node as one string, with tokens shown as their CloudFormation JSON. */
export function userDataOf(template: Template): string {
  const first = resourcesOf(template, 'AWS::EC2::Instance')[0];
  const body = (first.Properties.UserData as { 'Fn::Base64': string | { 'Fn::Join': [string, unknown[]] } })['Fn::Base64'];
  if (typeof body === 'string') return body;
  const parts = body['Fn::Join'][1];
  return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
}
