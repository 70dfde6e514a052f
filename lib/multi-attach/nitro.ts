import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { invalid } from '../core/validation';

/**
 * Families on the Xen hypervisor, which can never attach a Multi-Attach volume (Multi-Attach
 * needs the Nitro System). Source: Amazon EC2 User Guide, "Instances built on the AWS Nitro
 * System" (its list of Xen-based types, all previous generation). The set is closed: AWS builds
 * every new family on Nitro, so refusing these and accepting the rest does not age, where an
 * allow-list of Nitro families would refuse each new one. `i3.metal` is the one Nitro size of a
 * Xen family.
 */
export const XEN_FAMILIES: readonly string[] = [
  'c1', 'c3', 'c4', 'cc2', 'cr1', 'd2', 'f1', 'g2', 'g3', 'g3s', 'h1', 'hs1', 'i2', 'i3', 'm1', 'm2',
  'm3', 'm4', 'p2', 'p3', 'r3', 'r4', 't1', 't2', 'x1', 'x1e',
];

/** Throws for a Xen-based instance type, or one of a family the user refuses too (tokens pass). */
export function checkNitro(scope: IConstruct, instanceType: ec2.InstanceType, refused: readonly string[] = []): void {
  const name = instanceType.toString();
  if (Token.isUnresolved(name) || name === 'i3.metal') return;
  const family = name.split('.')[0];
  if (XEN_FAMILIES.includes(family)) {
    invalid(scope, 'instanceType', name, 'a Nitro-based instance type (Multi-Attach needs Nitro)',
      `'${family}' is a Xen-based family (Xen families: ${XEN_FAMILIES.join(', ')}). Use a current family such as m6i, m7i, c6i or r6i.`);
  }
  if (refused.includes(family)) {
    invalid(scope, 'instanceType', name, `a family outside refusedInstanceFamilies (${refused.join(', ')})`);
  }
}
