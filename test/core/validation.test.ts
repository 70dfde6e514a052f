import { Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import {
  checkAccountId, checkAmiId, checkAvailabilityZone, checkCount, checkDurationUnit, checkExclusive, checkLength, checkOneOf, checkRange, checkRegion,
  checkTags,
} from '../../lib/core/validation';

const scope = new Stack(undefined, 'S');

describe('validation helpers', () => {
  test('range errors name the property, the value, the range and the fix', () => {
    expect(() => checkRange(scope, { property: 'size', value: 3, min: 4, max: 10, unit: 'GiB', fix: 'Use a bigger volume.' }))
      .toThrow("S: size must be between 4 and 10 GiB, got 3. Use a bigger volume.");
    expect(() => checkRange(scope, { property: 'size', value: 4.5, min: 4, max: 10 })).toThrow(/a whole number between 4 and 10/);
    expect(() => checkRange(scope, { property: 'size', value: 4, min: 4, max: 10 })).not.toThrow();
    expect(() => checkRange(scope, { property: 'size', value: 10, min: 4, max: 10 })).not.toThrow();
  });

  test('tokens pass through every check without false errors', () => {
    const n = Token.asNumber(Lazy.number({ produce: () => 1 }));
    const s = Lazy.string({ produce: () => 'x' });
    expect(() => checkRange(scope, { property: 'p', value: n, min: 4, max: 10 })).not.toThrow();
    expect(() => checkAmiId(scope, 'ami', s)).not.toThrow();
    expect(() => checkAccountId(scope, 'account', s)).not.toThrow();
    expect(() => checkRegion(scope, 'region', s)).not.toThrow();
    expect(() => checkLength(scope, 'name', s, 1, 2)).not.toThrow();
    expect(() => checkOneOf(scope, 'x', s, ['a'])).not.toThrow();
    expect(() => checkCount(scope, 'list', Token.asList(Lazy.list({ produce: () => [] })), 1, 2)).not.toThrow();
  });

  test.each(['ami-12345678', 'ami-0123456789abcdef0'])('AMI id %s is accepted', (id) => {
    expect(() => checkAmiId(scope, 'amiId', id)).not.toThrow();
  });
  test.each(['ami-1234567', 'ami-123456789', 'ami-0123456789ABCDEF0', 'i-12345678'])('AMI id %s is rejected', (id) => {
    expect(() => checkAmiId(scope, 'amiId', id)).toThrow(/amiId must be 'ami-' followed by 8 or 17 lowercase hex digits/);
  });
  test.each(['12345678901', '1234567890123', 'abcdefghijkl'])('account id %s is rejected', (id) => {
    expect(() => checkAccountId(scope, 'accounts[0]', id)).toThrow(/accounts\[0\] must be a 12-digit AWS account id/);
  });
  test('region names are checked', () => {
    expect(() => checkRegion(scope, 'region', 'us-gov-west-1')).not.toThrow();
    expect(() => checkRegion(scope, 'region', 'US East')).toThrow(/region must be a region name such as us-east-1, got 'US East'/);
  });
  test('counts, lengths, sets and exclusive props', () => {
    expect(() => checkCount(scope, 'schedules', [1, 2, 3, 4, 5], 1, 4)).toThrow(/schedules \(count\) must be between 1 and 4 items, got 5/);
    expect(() => checkLength(scope, 'name', 'x'.repeat(129), 1, 128)).toThrow(/name must be between 1 and 128 characters long, got '129 characters'/);
    expect(() => checkOneOf(scope, 'interval', 5, [1, 2, 3, 4, 6, 8, 12, 24])).toThrow(/interval must be one of 1, 2, 3, 4, 6, 8, 12, 24, got 5/);
    expect(() => checkExclusive(scope, 'role', 1, 'instanceProfile', 2)).toThrow(/role and instanceProfile are mutually exclusive/);
    expect(() => checkExclusive(scope, 'role', 1, 'instanceProfile', undefined)).not.toThrow();
  });
});

describe('availability zones', () => {
  test.each(['us-east-1a', 'eu-central-2c', 'us-gov-west-1b'])('%s is accepted', (az) => {
    expect(() => checkAvailabilityZone(scope, 'availabilityZone', az)).not.toThrow();
  });
  test.each(['us-east-1', 'use1-az1', 'US-EAST-1A'])('%s is rejected', (az) => {
    expect(() => checkAvailabilityZone(scope, 'availabilityZone', az)).toThrow(/availabilityZone must be an Availability Zone name such as us-east-1a/);
  });
});

describe('durations and tags', () => {
  const token = () => Token.asNumber(Lazy.number({ produce: () => 5 }));

  test('a deploy-time duration must be in a unit the template carries without conversion; known ones pass', () => {
    expect(() => checkDurationUnit(scope, 'testTimeout', Duration.hours(token()), ['minutes']))
      .toThrow(/testTimeout must be Duration.minutes\(...\) when the amount is known only at deploy, got 'Duration.hours\(<token>\)'/);
    expect(() => checkDurationUnit(scope, 'testTimeout', Duration.minutes(token()), ['minutes'])).not.toThrow();
    expect(() => checkDurationUnit(scope, 'testTimeout', Duration.hours(2), ['minutes'])).not.toThrow();
    expect(() => checkDurationUnit(scope, 'testTimeout', undefined, ['minutes'])).not.toThrow();
  });

  test('tags follow the EC2 tag rules (EC2 User Guide, "Tag restrictions")', () => {
    expect(() => checkTags(scope, 'tags', [{ key: 'a', value: 'b' }], 45)).not.toThrow();
    expect(() => checkTags(scope, 'tags', Array.from({ length: 46 }, (_, i) => ({ key: `k${i}`, value: '' })), 45))
      .toThrow(/tags \(count\) must be between 0 and 45 items, got 46/);
    expect(() => checkTags(scope, 'tags', [{ key: 'x'.repeat(129), value: '' }], 45)).toThrow(/key must be between 1 and 128 characters long/);
    expect(() => checkTags(scope, 'tags', [{ key: 'a', value: 'v'.repeat(257) }], 45)).toThrow(/tags\[a\].value must be between 0 and 256 characters/);
    expect(() => checkTags(scope, 'tags', [{ key: 'AWS:x', value: '' }], 45)).toThrow(/a key that does not start with 'aws:'/);
    expect(() => checkTags(scope, 'tags', [{ key: 'a', value: '1' }, { key: 'a', value: '2' }], 45)).toThrow(/tags must be unique tag keys, got 'a'/);
    expect(() => checkTags(scope, 'tags', [{ key: Token.asString(Lazy.string({ produce: () => 'k' })), value: '' }], 45, undefined, true))
      .toThrow(/tags key must be known at synth/);
  });
});
