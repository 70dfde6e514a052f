/**
 * The event rules of a pipeline against the sample events of the EC2 Image Builder User Guide,
 * "Event messages that Image Builder sends" (integ-eventbridge.html), run through a small
 * implementation of EventBridge pattern matching (Amazon EventBridge User Guide, "Event patterns":
 * a value list matches any of its values, an array in the event matches when any element does,
 * `prefix` and `numeric` content filters).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { GoldenImagePipeline } from '../../lib/golden-ami';
import { importedVpc, testStack } from '../util';
import { evaluate } from './intrinsics';

type Pattern = { [key: string]: unknown };

function matchesValue(filter: unknown, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => matchesValue(filter, v));
  if (typeof filter === 'object' && filter !== null) {
    const f = filter as { prefix?: string; numeric?: [string, number] };
    if (f.prefix !== undefined) return typeof value === 'string' && value.startsWith(f.prefix);
    if (f.numeric) return typeof value === 'number' && (f.numeric[0] === '>' ? value > f.numeric[1] : false);
    return false;
  }
  return filter === value;
}

function matches(pattern: Pattern, event: { [key: string]: unknown }): boolean {
  return Object.entries(pattern).every(([key, filter]) => {
    const value = event[key];
    if (Array.isArray(filter)) return value !== undefined && filter.some((f) => matchesValue(f, value));
    return typeof value === 'object' && value !== null && matches(filter as Pattern, value as { [key: string]: unknown });
  });
}

const ACCOUNT = '111111111111';
const IMAGE = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/web/1.123.456/1`;
const OTHER_IMAGE = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image/webapp/1.0.0/1`;
const PIPELINE = `arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/web`;
const event = (detailType: string, resources: string[], detail: object) => ({
  'version': '0', 'source': 'aws.imagebuilder', 'account': ACCOUNT, 'region': 'us-east-1', 'detail-type': detailType, resources, detail,
});
const cve = (all: number, resources = [IMAGE, PIPELINE]) => event('EC2 Image Builder CVE Detected', resources,
  { 'resource-id': 'i-1234567890abcdef0', 'finding-severity-counts': { all, critical: 0, high: all, medium: 0 } });
const state = (status: string, image = IMAGE) => event('EC2 Image Builder Image State Change', [image],
  { 'previous-state': { status: 'TESTING' }, 'state': { status } });
const disabled = (pipeline = PIPELINE) => event('EC2 Image Builder Image Pipeline Automatically Disabled', [pipeline], { 'consecutive-failures': '3' });

describe('the rules of a pipeline match the events Image Builder sends for it, and only those', () => {
  // GIVEN a pipeline named web with every rule
  const stack = testStack();
  const pipeline = new GoldenImagePipeline(stack, 'Web', { name: 'web', vpc: importedVpc(stack) });
  const rules = {
    succeeded: pipeline.onBuildSucceeded('Succeeded'),
    failed: pipeline.onBuildFailed('Failed'),
    cve: pipeline.onCveDetected('Cve'),
    disabled: pipeline.onPipelineAutoDisabled('Disabled'),
  };
  const template = Template.fromStack(stack).toJSON();
  const world = {
    'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': ACCOUNT,
    [`${stack.getLogicalId(pipeline.pipeline)}.Arn`]: PIPELINE,
  };
  const patternOf = (rule: keyof typeof rules) =>
    evaluate(template.Resources[stack.getLogicalId(rules[rule].node.defaultChild as never)].Properties.EventPattern, world) as Pattern;

  test('a build that became AVAILABLE, or FAILED', () => {
    expect(matches(patternOf('succeeded'), state('AVAILABLE'))).toBe(true);
    expect(matches(patternOf('succeeded'), state('FAILED'))).toBe(false);
    expect(matches(patternOf('failed'), state('FAILED'))).toBe(true);
    expect(matches(patternOf('succeeded'), state('AVAILABLE', OTHER_IMAGE))).toBe(false);
  });

  test('a CVE scan with findings, not one without, nor another pipeline\'s', () => {
    expect(matches(patternOf('cve'), cve(2))).toBe(true);
    expect(matches(patternOf('cve'), cve(0))).toBe(false);
    expect(matches(patternOf('cve'), cve(2, [OTHER_IMAGE]))).toBe(false);
  });

  test('this pipeline disabled after failures, not another', () => {
    expect(matches(patternOf('disabled'), disabled())).toBe(true);
    expect(matches(patternOf('disabled'), disabled(`arn:aws:imagebuilder:us-east-1:${ACCOUNT}:image-pipeline/other`))).toBe(false);
    expect(matches(patternOf('disabled'), cve(2))).toBe(false);
  });
});
