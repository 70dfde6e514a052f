import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A CloudFormation value flattened the way cdk-nag names granular findings
 * (`AwsSolutions-IAM5[Resource::<this>]`): a faithful copy of cdk-nag 3's
 * `utils/flatten-cfn-reference` (the library does not depend on cdk-nag at run time;
 * test/core/acknowledgements.test.ts checks the two agree).
 */
export function flattenCfnReference(reference: unknown): string {
  if (reference === undefined) return '';
  if (typeof reference === 'string') return reference.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = reference as { [key: string]: unknown };
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flattenCfnReference).join(delimiter);
  }
  if (node['Fn::Sub']) return flattenCfnReference(node['Fn::Sub']);
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
  }
  if (node['Fn::ImportValue']) return flattenCfnReference(node['Fn::ImportValue']);
  if (node.Ref) return `<${flattenCfnReference(node.Ref)}>`;
  return JSON.stringify(reference);
}

/** The granular AwsSolutions-IAM5 finding id of a wildcard resource, as cdk-nag reports it. */
export function wildcardResourceFindingId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}]`;
}

/** Acknowledges AwsSolutions-IAM5 for exactly these wildcard resources on one construct. */
export function acknowledgeWildcardResources(scope: IConstruct, resources: string[], reason: string): void {
  Validations.of(scope).acknowledge(...resources.map((r) => ({ id: wildcardResourceFindingId(scope, r), reason })));
}
