import { Lazy, Stack, Token } from 'aws-cdk-lib';
import {
  checkAccountId, checkAmiId, checkAvailabilityZone, checkCount, checkExclusive, checkLength, checkOneOf, checkRange, checkRegion,
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
