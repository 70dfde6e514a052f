import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Options for a key the library creates when the user brings none. */
export interface ManagedKeyOptions {
  /** What the key protects, shown in the console. */
  readonly description: string;
  /**
   * What happens to the key on `cdk destroy`.
   * @default RemovalPolicy.RETAIN - data encrypted with the key must stay readable
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Returns the user's key, or a new customer-managed key with rotation on that survives
 * `cdk destroy` (volumes, snapshots and AMIs encrypted with it would otherwise become unreadable).
 */
export function keyOrCreate(scope: Construct, id: string, key: kms.IKey | undefined, options: ManagedKeyOptions): kms.IKey {
  if (key) return key;
  return new kms.Key(scope, id, {
    description: options.description,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}
