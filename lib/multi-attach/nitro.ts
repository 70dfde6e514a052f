import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { invalid } from '../core/validation';

/**
 * Instance families built on the AWS Nitro System, which Multi-Attach requires.
 * Source: Amazon EC2 User Guide, "Instances built on the AWS Nitro System" (checked November 2026).
 * Nitro cannot be looked up at synth without an AWS call, so this list is the contract; a family
 * AWS adds later is accepted through `additionalNitroInstanceFamilies`.
 */
export const NITRO_FAMILIES: readonly string[] = [
  'a1', 'c5', 'c5a', 'c5ad', 'c5d', 'c5n', 'c6a', 'c6g', 'c6gd', 'c6gn', 'c6i', 'c6id', 'c6in',
  'c7a', 'c7g', 'c7gd', 'c7gn', 'c7i', 'c7i-flex', 'c8g', 'd3', 'd3en', 'dl1', 'f2', 'g4ad', 'g4dn',
  'g5', 'g5g', 'g6', 'g6e', 'gr6', 'hpc6a', 'hpc6id', 'hpc7a', 'hpc7g', 'i3en', 'i4g', 'i4i', 'i7ie',
  'i8g', 'im4gn', 'inf1', 'inf2', 'is4gen', 'm5', 'm5a', 'm5ad', 'm5d', 'm5dn', 'm5n', 'm5zn', 'm6a',
  'm6g', 'm6gd', 'm6i', 'm6id', 'm6idn', 'm6in', 'm7a', 'm7g', 'm7gd', 'm7i', 'm7i-flex', 'm8g',
  'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'r5', 'r5a', 'r5ad', 'r5b', 'r5d', 'r5dn', 'r5n', 'r6a', 'r6g',
  'r6gd', 'r6i', 'r6id', 'r6idn', 'r6in', 'r7a', 'r7g', 'r7gd', 'r7i', 'r7iz', 'r8g', 't3', 't3a',
  't4g', 'trn1', 'trn1n', 'u-3tb1', 'u-6tb1', 'u-9tb1', 'u-12tb1', 'u-18tb1', 'u-24tb1', 'vt1',
  'x2gd', 'x2idn', 'x2iedn', 'x2iezn', 'x8g', 'z1d',
];

/**
 * Families on the Xen hypervisor (previous generation). They can never attach a Multi-Attach
 * volume, so they are refused even when listed in `additionalNitroInstanceFamilies`.
 * `i3.metal` is the one Nitro size of a Xen family.
 */
export const XEN_FAMILIES: readonly string[] = [
  'c1', 'c3', 'c4', 'cc2', 'cr1', 'd2', 'f1', 'g2', 'g3', 'g3s', 'h1', 'hs1', 'i2', 'i3', 'm1', 'm2',
  'm3', 'm4', 'p2', 'p3', 'r3', 'r4', 't1', 't2', 'x1', 'x1e',
];

/** Throws unless the instance type is of a Nitro family (tokens pass). */
export function checkNitro(scope: IConstruct, instanceType: ec2.InstanceType, additional: readonly string[] = []): void {
  const name = instanceType.toString();
  if (Token.isUnresolved(name)) return;
  const family = name.split('.')[0];
  if (name === 'i3.metal') return;
  if (XEN_FAMILIES.includes(family)) {
    invalid(scope, 'instanceType', name, 'a Nitro-based instance type (Multi-Attach needs Nitro)',
      `'${family}' is a Xen-based family (Xen families: ${XEN_FAMILIES.join(', ')}). Use a current family such as m6i, m7i, c6i or r6i.`);
  }
  if (!NITRO_FAMILIES.includes(family) && !additional.includes(family)) {
    invalid(scope, 'instanceType', name, 'of a family in the Nitro allow-list',
      `If AWS lists '${family}' as built on the Nitro System, add it with additionalNitroInstanceFamilies: ['${family}'].`);
  }
}
