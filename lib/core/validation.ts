import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Synth-time validation helpers shared by every pattern.
 *
 * Each check skips values that are Tokens (unknown until deploy), and every error names the
 * construct path, the property, the value given, what is allowed and what to do instead, so a
 * user can fix their code from the message alone.
 */

/** Throws an error in the house format: `<path>: <property> <problem>, got <value>. <fix>` */
export function invalid(scope: IConstruct, property: string, value: unknown, allowed: string, fix?: string): never {
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  const hint = fix ? ` ${fix}` : '';
  throw new Error(`${scope.node.path}: ${property} must be ${allowed}, got ${shown}.${hint}`);
}

/** True when the value is known at synth (not a Token). */
export function isKnown(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string' || typeof value === 'number') return !Token.isUnresolved(value);
  return !Token.isUnresolved(value);
}

export interface RangeCheck {
  /** Property name as the user wrote it, for example `retention.count`. */
  readonly property: string;
  readonly value: number | undefined;
  readonly min: number;
  readonly max: number;
  /** Unit shown after the numbers, for example `GiB`. */
  readonly unit?: string;
  /** Whole numbers only. @default true */
  readonly integer?: boolean;
  /** What to do instead. */
  readonly fix?: string;
}

/** Checks an inclusive numeric range; undefined and Tokens pass. */
export function checkRange(scope: IConstruct, check: RangeCheck): void {
  const { value } = check;
  if (value === undefined || !isKnown(value)) return;
  const unit = check.unit ? ` ${check.unit}` : '';
  const integer = check.integer ?? true;
  if (integer && !Number.isInteger(value)) {
    invalid(scope, check.property, value, `a whole number between ${check.min} and ${check.max}${unit}`, check.fix);
  }
  if (value < check.min || value > check.max) {
    invalid(scope, check.property, value, `between ${check.min} and ${check.max}${unit}`, check.fix);
  }
}

/** Checks a string against a pattern; undefined and Tokens pass. */
export function checkPattern(scope: IConstruct, property: string, value: string | undefined,
  pattern: RegExp, description: string, fix?: string): void {
  if (value === undefined || !isKnown(value)) return;
  if (!pattern.test(value)) invalid(scope, property, value, description, fix);
}

/** Checks a string length; undefined and Tokens pass. */
export function checkLength(scope: IConstruct, property: string, value: string | undefined,
  min: number, max: number, fix?: string): void {
  if (value === undefined || !isKnown(value)) return;
  if (value.length < min || value.length > max) {
    invalid(scope, property, `${value.length} characters`, `between ${min} and ${max} characters long`, fix);
  }
}

/** Checks the number of items in a list; Token lists pass. */
export function checkCount(scope: IConstruct, property: string, items: readonly unknown[] | undefined,
  min: number, max: number, fix?: string): void {
  if (items === undefined || Token.isUnresolved(items)) return;
  if (items.length < min || items.length > max) {
    const allowed = min === max ? `exactly ${min}` : `between ${min} and ${max}`;
    invalid(scope, `${property} (count)`, items.length, `${allowed} items`, fix);
  }
}

/** Checks a value is one of a set; undefined and Tokens pass. */
export function checkOneOf<T extends string | number>(scope: IConstruct, property: string, value: T | undefined,
  allowed: readonly T[], fix?: string): void {
  if (value === undefined || !isKnown(value)) return;
  if (!allowed.includes(value)) invalid(scope, property, value, `one of ${allowed.join(', ')}`, fix);
}

/** Fails when two mutually exclusive props are both given. */
export function checkExclusive(scope: IConstruct, a: string, aValue: unknown, b: string, bValue: unknown): void {
  if (aValue !== undefined && bValue !== undefined) {
    throw new Error(`${scope.node.path}: ${a} and ${b} are mutually exclusive, got both. Give only one of them.`);
  }
}

/** AWS account id: 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;
/** Region name, for example `eu-west-1`, `us-gov-west-1`. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** AMI id: `ami-` followed by 8 or 17 hex digits. */
export const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Availability Zone name, for example `us-east-1a`. */
export const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;

/** Checks an Availability Zone name. */
export function checkAvailabilityZone(scope: IConstruct, property: string, value: string | undefined, fix?: string): void {
  checkPattern(scope, property, value, AVAILABILITY_ZONE, 'an Availability Zone name such as us-east-1a', fix);
}

/** Checks an AWS account id. */
export function checkAccountId(scope: IConstruct, property: string, value: string | undefined): void {
  checkPattern(scope, property, value, ACCOUNT_ID, 'a 12-digit AWS account id', 'Account ids are 12 digits, keep leading zeros and quote them as strings.');
}

/** Checks a region name. */
export function checkRegion(scope: IConstruct, property: string, value: string | undefined): void {
  checkPattern(scope, property, value, REGION, 'a region name such as us-east-1', 'Use the region code, not its display name.');
}

/** Checks an AMI id. */
export function checkAmiId(scope: IConstruct, property: string, value: string | undefined): void {
  checkPattern(scope, property, value, AMI_ID, "'ami-' followed by 8 or 17 lowercase hex digits",
    'Copy the id from the EC2 console or `aws ec2 describe-images`; AMI ids are region-specific.');
}

/**
 * Checks that a deploy-time (Token) duration is written in one of the units the template can carry
 * it in without conversion; a known duration passes (check its range separately).
 * @param units the accepted `Duration.unitLabel()` values, for example `['minutes']`
 */
export function checkDurationUnit(scope: IConstruct, property: string, duration: Duration | undefined, units: readonly string[],
  why = 'A deploy-time amount cannot be converted to another unit at synth.'): void {
  if (duration === undefined || !duration.isUnresolved() || units.includes(duration.unitLabel())) return;
  invalid(scope, property, `Duration.${duration.unitLabel()}(<token>)`,
    `${units.map((u) => `Duration.${u}(...)`).join(' or ')} when the amount is known only at deploy`, why);
}

/** A key/value tag as the patterns accept it (the shape of `CfnTag`). */
export interface TagLike {
  readonly key: string;
  readonly value: string;
}

/**
 * Checks a list of tags against the EC2 tag rules: at most `max` tags, keys 1-128 characters,
 * values 0-256, unique keys, no `aws:` prefix (EC2 User Guide, "Tag restrictions"). A key that
 * is a Token is refused when `keysKnown` is set (a key that must be a literal, for example a
 * mapping or a condition key).
 */
export function checkTags(scope: IConstruct, property: string, tags: readonly TagLike[] | undefined, max: number, fix?: string,
  keysKnown = false): void {
  checkCount(scope, property, tags, 0, max, fix);
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    if (keysKnown && !isKnown(tag.key)) {
      invalid(scope, `${property} key`, '<token>', 'known at synth (values may come from parameters)',
        'Tag keys are part of the template structure; write them literally.');
    }
    checkLength(scope, `${property}[${tag.key}].key`, tag.key, 1, 128);
    checkLength(scope, `${property}[${tag.key}].value`, tag.value, 0, 256);
    if (isKnown(tag.key) && tag.key.toLowerCase().startsWith('aws:')) {
      invalid(scope, `${property}[${tag.key}].key`, tag.key, "a key that does not start with 'aws:'", 'The aws: prefix is reserved for AWS.');
    }
    if (isKnown(tag.key) && seen.has(tag.key)) invalid(scope, property, tag.key, 'unique tag keys', 'Give each tag key once.');
    seen.add(tag.key);
  }
}
