import { Stack } from 'aws-cdk-lib';
import { parseCron } from '../../lib/core/cron';

const scope = new Stack(undefined, 'S');
const context = { property: 'schedule', examples: 'For example cron(0 4 ? * SUN *).', notCronHint: 'rate() is not supported' };

describe('parseCron (EventBridge syntax, shared by Image Builder and DLM)', () => {
  test.each([
    'cron(0 4 ? * SUN *)', 'cron(0/15 * * * ? *)', 'cron(30 2 L * ? *)', 'cron(0 3 ? * 2#1 *)', 'cron(0 8-17 ? * MON-FRI *)',
    'cron(0 0 15W JAN,JUL ? 2030)',
  ])('%s is accepted', (expression) => {
    expect(parseCron(scope, context, expression).minutes).toBeDefined();
  });

  test.each([
    ['rate(1 day)', /wrapped in 'cron\(...\)'; rate\(\) is not supported/],
    ['cron(0 4 * * *)', /6 fields expected, got 5/],
    ['cron(0 4 * * MON *)', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['cron(0 4 ? * ? *)', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['cron(60 4 ? * SUN *)', /minutes value '60' is not between 0 and 59/],
    ['cron(0 24 ? * SUN *)', /hours value '24' is not between 0 and 23/],
    ['cron(0 4 32 * ? *)', /day-of-month value '32' is not between 1 and 31/],
    ['cron(0 4 ? 13 SUN *)', /month value '13' is not between 1 and 12/],
    ['cron(0 4 ? * 8 *)', /day-of-week value '8' is not between 1 and 7/],
    ['cron(0 17-8 ? * SUN *)', /hours range '17-8' runs backwards/],
    ['cron(0/0 4 ? * SUN *)', /minutes increment must be at least 1/],
  ])('%s is rejected', (expression, error) => {
    expect(() => parseCron(scope, context, expression)).toThrow(error);
  });

  test('errors name the property and give the examples', () => {
    expect(() => parseCron(scope, context, 'cron(0 4 * * *)')).toThrow("S: schedule must be a cron expression 'cron(minutes hours day-of-month month day-of-week year)' (6 fields expected, got 5), got 'cron(0 4 * * *)'. For example cron(0 4 ? * SUN *).");
  });
});
