/**
 * One test per boundary. Sources of the numbers:
 * - names: CloudFormation AWS::ImageBuilder::ImagePipeline/ImageRecipe `Name` pattern
 *   ^[-_A-Za-z-0-9][-_A-Za-z0-9 ]{1,126}[-_A-Za-z-0-9]$ (3-128 characters); spaces refused here
 *   because the name also builds log group and SSM parameter names.
 * - inline component data: AWS::ImageBuilder::Component `Data`, at most 16,000 characters.
 * - version parts below 2^30 and `x` only rightmost: Image Builder semantic versioning (CreateComponent API).
 * - test timeout 60-1440 minutes: AWS::ImageBuilder::ImagePipeline ImageTestsConfiguration.TimeoutMinutes.
 * - auto-disable 1-10: AWS::ImageBuilder::ImagePipeline AutoDisablePolicy.FailureCount.
 * - severity INFORMATIONAL|LOW|MEDIUM|HIGH: ScanResultCondition.MaximumSeverityLabel allowed values.
 * - lifecycle: Filter.Value 1-1000, RetainAtLeast 1-10, LastLaunched 1-365 days, at most 3 rules
 *   (AWS::ImageBuilder::LifecyclePolicy Filter / LastLaunched / PolicyDetails).
 * - AMI names 3-128 characters of letters, digits, ( ) [ ] space . / - ' @ _ (EC2 RegisterImage);
 *   at most 50 tags per resource, keys 1-128, values 0-256, no aws: prefix (EC2 tagging limits).
 */
import { Duration, Lazy, Size, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as path from 'path';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BaseImage, BuildSchedule, GoldenImagePipeline, GoldenImagePipelineProps, ImageArchitecture, ImageComponent, ImageRetention, ScanSeverity,
  VulnerabilityScan,
} from '../../lib/golden-ami';
import { importedVpc, testApp, testStack } from '../util';

/** A test stack after `configure` ran on it. */
function testStackWith(configure: (stack: Stack) => void): Stack {
  const stack = testStack();
  configure(stack);
  return stack;
}

type Overrides = { [K in keyof GoldenImagePipelineProps]?: GoldenImagePipelineProps[K] };

function build(props: Overrides = {}, stack: Stack = testStack()): GoldenImagePipeline {
  return new GoldenImagePipeline(stack, 'P', { name: 'web', vpc: importedVpc(stack), ...props });
}

const ok = (props: Overrides) => expect(() => build(props)).not.toThrow();
const fails = (props: Overrides, message: RegExp) => expect(() => build(props)).toThrow(message);

describe('name', () => {
  test('3 characters pass, 2 fail', () => {
    ok({ name: 'abc' });
    fails({ name: 'ab' }, /Test\/P: name must be 3-128 letters, digits, '-' or '_', got 'ab'/);
  });
  test('128 characters pass, 129 fail', () => {
    ok({ name: 'a'.repeat(128), components: [] });
    fails({ name: 'a'.repeat(129) }, /name must be 3-128/);
  });
  test('a dot or a space fails', () => {
    fails({ name: 'web.server' }, /name must be/);
    fails({ name: 'web server' }, /name must be/);
  });
  test('a component name that makes the full name longer than 128 fails', () => {
    fails({ name: 'a'.repeat(120), components: [ImageComponent.shell('nginx-step', ['true'])] },
      /components\[nginx-step\] full name must be between 3 and 128 characters long/);
  });
  test('a token name passes without false errors', () => {
    ok({ name: Lazy.string({ produce: () => 'web' }), amiParameterName: '/imagebuilder/web/ami-id' });
  });
});

describe('components', () => {
  const doc = (size: number) => {
    const head = 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps: []\n#';
    return head + 'x'.repeat(size - head.length);
  };
  test('inline data of 16,000 characters passes, 16,001 fails', () => {
    ok({ components: [ImageComponent.fromDocument('big', doc(16000))] });
    fails({ components: [ImageComponent.fromDocument('big', doc(16001))] },
      /components\[big\] document must be at most 16000 characters .*got '16001 characters'/);
  });
  test('an empty component fails (Image Builder refuses a document without steps)', () => {
    fails({ components: [ImageComponent.shell('empty', [])] }, /components\[empty\] commands must be at least one command/);
    fails({ components: [ImageComponent.shell('blank', ['  ', ''])] }, /components\[blank\] commands must be at least one command/);
    fails({ components: [ImageComponent.fromDocument('nosteps', 'schemaVersion: 1.0\nphases: []\n')] }, /`phases` and their `steps`/);
    ok({ components: [ImageComponent.shell('check', [], { testCommands: ['true'] })] });
  });
  test('Windows components and PowerShell actions fail in the Linux recipe', () => {
    // The recipe's components are Platform: Linux (AWS::ImageBuilder::Component Platform); the
    // AWS-managed *-windows components and the ExecutePowerShell action are Windows-only
    // (Image Builder User Guide, "Action modules supported by AWS TOE": ExecutePowerShell, Windows).
    fails({ components: [ImageComponent.awsManaged('update-windows')] }, /components\[update-windows\] must be a Linux component/);
    fails({ components: [ImageComponent.awsManaged('reboot-test-windows')] }, /must be a Linux component/);
    const powershell = 'schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: S\n        action: ExecutePowerShell\n';
    fails({ components: [ImageComponent.fromDocument('ps', powershell)] }, /components\[ps\] document must be actions that run on Linux/);
  });
  test('a YAML document from an indented template literal fails', () => {
    // YAML 1.2 (yaml.org spec, "Indentation Spaces"): indentation is structure, so keys that start in
    // different columns are not siblings; such a document is not a valid component document.
    const indented = `name: app
      schemaVersion: 1.0
      phases:
        - name: build
          steps: []`;
    fails({ components: [ImageComponent.fromDocument('indented', indented)] },
      /components\[indented\] document must be a YAML document whose top-level keys .* start in the same column, got 'name at column 0, schemaVersion at column 6, phases at column 6'/);
    ok({ components: [ImageComponent.fromDocument('json', '{"schemaVersion": "1.0", "phases": [{"name": "build", "steps": []}]}')] });
  });
  test('a missing script file names the property', () => {
    fails({ components: [ImageComponent.fromScriptFiles('app', '/nonexistent/install.sh')] },
      /components\[app\].buildScript must be a readable script file, got '\/nonexistent\/install.sh'. Relative paths are read from the working directory/);
    const build = path.join(__dirname, '..', '..', 'examples', 'assets', 'golden-nginx-install.sh');
    fails({ components: [ImageComponent.fromScriptFiles('app', build, 'missing-test.sh')] }, /components\[app\].testScript must be a readable script file, got 'missing-test.sh'/);
  });
  test('a document without phases fails', () => {
    fails({ components: [ImageComponent.fromDocument('bad', 'echo hello')] }, /a component document with `phases`/);
  });
  test('component names are lowercase letters, digits, - and _', () => {
    fails({ components: [ImageComponent.shell('Bad Name', ['true'])] }, /components\[Bad Name\]\.name must be lowercase/);
  });
  test('component names are unique', () => {
    fails({ components: [ImageComponent.shell('app', ['true']), ImageComponent.shell('app', ['false'])] }, /unique component names/);
  });
  test('a recipe needs at least one component', () => {
    fails({ updateOperatingSystem: false, rebootTest: false }, /components \(count\) must be between 1/);
  });
  test('AWS-managed versions take x only rightmost', () => {
    ok({ components: [ImageComponent.awsManaged('aws-cli-version-2-linux', { version: '1.2.x' })] });
    ok({ components: [ImageComponent.awsManaged('aws-cli-version-2-linux', { version: '1.0.0' })] });
    fails({ components: [ImageComponent.awsManaged('aws-cli-version-2-linux', { version: '1.x.3' })] }, /version must be a version such as/);
    fails({ components: [ImageComponent.awsManaged('aws-cli-version-2-linux', { version: 'latest' })] }, /x only rightmost/);
  });
});

describe('base image', () => {
  test('an SSM parameter the build cannot read fails', () => {
    // Image Builder User Guide, "Using service-linked roles for Image Builder": the
    // AWSServiceRoleForImageBuilder role reads SSM parameters under /imagebuilder/ and the public
    // /aws/service/ ones; a parent image parameter elsewhere fails the build.
    ok({ baseImage: BaseImage.fromSsmParameter('/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id') });
    ok({ baseImage: BaseImage.fromSsmParameter('/imagebuilder/base/ami-id') });
    fails({ baseImage: BaseImage.fromSsmParameter('/golden/base') }, /baseImage \(SSM parameter name\) must be a parameter Image Builder can read/);
  });
  test('an Arm base image gets a Graviton build instance, and refuses an x86 one', () => {
    // EC2 User Guide, "Amazon EC2 instance type naming conventions": a g in the options (t4g, c7g)
    // marks Graviton; an arm64 AMI cannot boot on x86_64 instance types.
    const arm = BaseImage.amazonLinux2023(ImageArchitecture.ARM_64);
    const stack = testStack();
    build({ baseImage: arm }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', { InstanceTypes: ['t4g.medium'] });
    fails({ baseImage: arm, instanceType: new ec2.InstanceType('t3.medium') }, /instanceType must be an arm64 instance type for an arm64 base image, got 't3.medium'. Use a Graviton type/);
    fails({ instanceType: new ec2.InstanceType('c7g.large') }, /instanceType must be an x86_64 instance type for an x86_64 base image/);
    ok({ baseImage: arm, instanceType: new ec2.InstanceType('c7g.large') });
  });
  test('a root volume smaller than the base image fails', () => {
    // EC2 User Guide, "Block device mappings": a volume created from a snapshot cannot be smaller
    // than the snapshot; the AL2023 kernel-default AMIs have an 8 GiB root snapshot.
    ok({ rootVolumeSize: Size.gibibytes(8) });
    fails({ rootVolumeSize: Size.gibibytes(7) }, /rootVolumeSize must be at least 8 GiB, the size of the base image's root snapshot, got '7 GiB'/);
  });
  test('an AMI id is ami- and 8 or 17 hex digits', () => {
    ok({ baseImage: BaseImage.fromAmiId('ami-12345678') });
    fails({ baseImage: BaseImage.fromAmiId('ami-123') }, /baseImage \(AMI id\) must be 'ami-'/);
  });
  test('an SSM parameter name starts with /', () => {
    fails({ baseImage: BaseImage.fromSsmParameter('my-ami') }, /baseImage \(SSM parameter name\)/);
  });
  test('an image ARN is an Image Builder image ARN', () => {
    ok({ baseImage: BaseImage.fromImageArn('arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x') });
    fails({ baseImage: BaseImage.fromImageArn('arn:aws:ec2:us-east-1::image/ami-12345678') }, /baseImage \(image ARN\)/);
  });
});

describe('instance type and name', () => {
  test('an instance type is family.size', () => {
    ok({ instanceType: new ec2.InstanceType('m7i-flex.large') });
    ok({ instanceType: new ec2.InstanceType('u-6tb1.112xlarge') });
    fails({ instanceType: new ec2.InstanceType('t3medium') }, /instanceType must be an instance type such as 't3.medium'/);
    fails({ instanceType: new ec2.InstanceType('T3.Medium') }, /instanceType must be an instance type/);
  });
  test('two pipelines of one name in one account and region fail, in any stack of the app', () => {
    // Image Builder names (pipeline, recipe, infrastructure and distribution configurations) are
    // unique per account and region (Image Builder API Reference, CreateImagePipeline:
    // ResourceAlreadyExistsException).
    const app = testApp();
    const a = new Stack(app, 'A', { env: { account: '111111111111', region: 'us-east-1' } });
    const b = new Stack(app, 'B', { env: { account: '111111111111', region: 'us-east-1' } });
    const c = new Stack(app, 'C', { env: { account: '111111111111', region: 'eu-west-1' } });
    build({}, a);
    expect(() => build({}, b)).toThrow(/B\/P: name must be a name no other pipeline of this account and region uses \(A\/P does\), got 'web'/);
    expect(() => build({}, c)).not.toThrow();
  });
});

describe('schedule', () => {
  const cron = (e: string) => ({ schedule: BuildSchedule.expression(e) });
  test('a valid cron passes', () => {
    ok(cron('cron(0 4 ? * SUN *)'));
    ok(cron('cron(0/30 1-5 1,15 JAN-JUN ? 2030)'));
    ok(cron('cron(0 4 ? * 2#1 *)'));
  });
  test('rate() and missing cron() fail', () => {
    fails(cron('rate(1 day)'), /schedule must be a cron expression .*rate\(\) is not supported/);
  });
  test('5 fields fail', () => {
    fails(cron('cron(0 4 * * ?)'), /6 fields expected, got 5/);
  });
  test('day-of-month and day-of-week: exactly one is ?', () => {
    fails(cron('cron(0 4 * * * *)'), /exactly one of day-of-month and day-of-week/);
    fails(cron('cron(0 4 ? * ? *)'), /exactly one of day-of-month and day-of-week/);
    fails({ schedule: BuildSchedule.cron({ day: '1', weekDay: 'MON' }) }, /exactly one of/);
  });
  test('minute 59 passes, 60 fails', () => {
    ok(cron('cron(59 4 ? * SUN *)'));
    fails(cron('cron(60 4 ? * SUN *)'), /minutes value '60' is not between 0 and 59/);
  });
  test('hour 24, month 13, weekday 8 and year 2200 fail', () => {
    fails(cron('cron(0 24 ? * SUN *)'), /hours value '24'/);
    fails(cron('cron(0 4 1 13 ? *)'), /month value '13'/);
    fails(cron('cron(0 4 ? * 8 *)'), /day-of-week value '8'/);
    fails(cron('cron(0 4 ? * SUN 2200)'), /year value '2200'/);
  });
  test('auto-disable after 1 and 10 failures passes, 0 and 11 fail', () => {
    ok({ schedule: BuildSchedule.weekly({ autoDisableAfterFailures: 1 }) });
    ok({ schedule: BuildSchedule.weekly({ autoDisableAfterFailures: 10 }) });
    fails({ schedule: BuildSchedule.weekly({ autoDisableAfterFailures: 0 }) }, /schedule.autoDisableAfterFailures must be between 1 and 10, got 0/);
    fails({ schedule: BuildSchedule.weekly({ autoDisableAfterFailures: 11 }) }, /between 1 and 10, got 11/);
  });
  test('a time zone is an IANA name, checked with Intl.DateTimeFormat', () => {
    // AWS::ImageBuilder::ImagePipeline Schedule.Timezone: "The timezone that applies to the scheduling
    // expression ... in IANA timezone format". Node 20's Intl.supportedValuesOf('timeZone') leaves
    // UTC and Etc/UTC out, so the check asks Intl.DateTimeFormat instead.
    for (const timezone of ['Etc/UTC', 'UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) {
      ok({ schedule: BuildSchedule.weekly({ timezone }) });
    }
    fails({ schedule: BuildSchedule.weekly({ timezone: 'UTC+2 please' }) }, /schedule.timezone must be an IANA time zone/);
    fails({ schedule: BuildSchedule.weekly({ timezone: 'Europe/Pariss' }) }, /schedule.timezone must be an IANA time zone .*got 'Europe\/Pariss'/);
    fails({ schedule: BuildSchedule.weekly({ timezone: 'europe/paris' }) }, /schedule.timezone must be the IANA name as written in the database, 'Europe\/Paris'/);
  });
});

describe('tests and vulnerability gate', () => {
  test('test timeout of 60 and 1440 minutes passes, 59 and 1441 fail', () => {
    ok({ testTimeout: Duration.minutes(60) });
    ok({ testTimeout: Duration.minutes(1440) });
    fails({ testTimeout: Duration.minutes(59) }, /testTimeout must be between 60 and 1440 minutes, got 59/);
    fails({ testTimeout: Duration.minutes(1441) }, /got 1441/);
  });
  test('INFORMATIONAL passes; CRITICAL is not a threshold', () => {
    ok({ vulnerabilityScan: VulnerabilityScan.failAbove(ScanSeverity.INFORMATIONAL) });
    fails({ vulnerabilityScan: VulnerabilityScan.failAbove(ScanSeverity.of('CRITICAL')) },
      /vulnerabilityScan severity must be one of INFORMATIONAL, LOW, MEDIUM, HIGH, got 'CRITICAL'. CRITICAL findings always fail/);
  });
});

describe('distribution', () => {
  test('a well-formed region aws-cdk-lib does not know is a warning, not an error', () => {
    // aws-cdk-lib's region facts (RegionInfo.regions) stop at the pinned version: a newer region is plausible.
    const stack = testStack();
    const pipeline = build({ additionalRegions: [{ region: 'xx-moon-1' }] }, stack);
    expect(() => Template.fromStack(stack)).toThrow(/additionalRegions\[0\].region 'xx-moon-1' is not a region aws-cdk-lib knows/);
    const warnings = Annotations.fromStack(testStackWith((s) => {
      const p = build({ additionalRegions: [{ region: 'xx-moon-1' }] }, s);
      Validations.of(p).acknowledge({ id: 'Annotation::cdk-ec2-patterns:unknownRegion', reason: 'xx-moon-1 opened after aws-cdk-lib 2.276.' });
    })).findWarning('*', Match.stringLikeRegexp('xx-moon-1'));
    expect(warnings).toHaveLength(0);
    expect(pipeline.node.metadata.map((m) => String(m.data))).toEqual(expect.arrayContaining([
      expect.stringMatching(/additionalRegions\[0\].region 'xx-moon-1' is not a region aws-cdk-lib knows/),
    ]));
  });
  test('region names are region codes, given once, other than the pipeline region', () => {
    ok({ additionalRegions: [{ region: 'eu-west-1' }, { region: 'us-gov-west-1' }] });
    fails({ additionalRegions: [{ region: 'Ireland' }] }, /additionalRegions\[0\].region must be a region name such as us-east-1, got 'Ireland'/);
    fails({ additionalRegions: [{ region: 'eu-west-1' }, { region: 'eu-west-1' }] }, /additionalRegions\[1\].region must be a region distributed to only once/);
    fails({ additionalRegions: [{ region: 'us-east-1' }] }, /one distribution per region/);
  });
  test('account ids are 12 digits', () => {
    const key = new kms.Key(testStack(), 'K');
    ok({ ebsEncryptionKey: key, launchPermission: { accounts: ['012345678901'] } });
    fails({ ebsEncryptionKey: key, launchPermission: { accounts: ['12345678901'] } }, /launchPermission.accounts must be a 12-digit AWS account id, got '12345678901'/);
    fails({ ebsEncryptionKey: key, targetAccounts: ['1234567890123'] }, /targetAccounts must be a 12-digit/);
  });
  test('organization and OU ARNs are checked', () => {
    const key = new kms.Key(testStack(), 'K');
    ok({ ebsEncryptionKey: key, launchPermission: { organizationalUnitArns: ['arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefgh34'] } });
    fails({ ebsEncryptionKey: key, launchPermission: { organizationArns: ['o-abcdefghij'] } }, /launchPermission.organizationArns must be/);
    fails({ ebsEncryptionKey: key, launchPermission: { organizationalUnitArns: ['ou-ab12-cdefgh34'] } }, /organizationalUnitArns must be/);
  });
  test('sharing needs a customer-managed key', () => {
    fails({ launchPermission: { accounts: ['123456789012'] } }, /ebsEncryptionKey must be a customer-managed key when the AMI is shared/);
    fails({ additionalRegions: [{ region: 'eu-west-1', targetAccounts: ['123456789012'] }] }, /additionalRegions\[0\].encryptionKey must be a customer-managed key/);
  });
  test('a region key lives in that region', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-central-1:123456789012:key/abcd');
    expect(() => build({ additionalRegions: [{ region: 'eu-west-1', encryptionKey: key }] }, stack))
      .toThrow(/encryptionKey must be a key in eu-west-1, got 'eu-central-1'/);
  });
  test('AMI names contain the build date and stay within 128 characters', () => {
    fails({ amiName: 'web-golden' }, /amiName must be a name containing '\{\{ imagebuilder:buildDate \}\}'/);
    ok({ amiName: `${'a'.repeat(104)}{{ imagebuilder:buildDate }}` });
    fails({ amiName: `${'a'.repeat(105)}{{ imagebuilder:buildDate }}` }, /amiName \(with the build date expanded\) must be between 3 and 128/);
    fails({ amiName: 'web!{{ imagebuilder:buildDate }}' }, /amiName must be letters, digits/);
  });
  test('AMI tags: 49 of yours pass, 50 fail; aws: keys fail', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    ok({ amiTags: tags(49) });
    fails({ amiTags: tags(50) }, /amiTags \(count\) must be between 0 and 49 items, got 50/);
    fails({ amiTags: [{ key: 'aws:owner', value: 'me' }] }, /amiTags\[aws:owner\].key must be a key that does not start with 'aws:'/);
    fails({ amiTags: [{ key: 'k', value: 'v'.repeat(257) }] }, /amiTags\[k\].value must be between 0 and 256/);
    fails({ amiTags: [{ key: 'k', value: 'a' }, { key: 'k', value: 'b' }] }, /amiTags must be unique tag keys, got 'k'/);
    fails({ amiTags: [{ key: 'golden-ami:pipeline', value: 'other' }] }, /amiTags key must be a key other than the pipeline's own tag/);
  });
  test('the AMI id parameter lives under /imagebuilder/', () => {
    ok({ amiParameterName: '/imagebuilder/prod/web' });
    fails({ amiParameterName: '/golden/web' }, /amiParameterName must be an SSM parameter name under '\/imagebuilder\/'/);
  });
  test('launch template ids are lt- and 17 characters', () => {
    ok({ launchTemplates: [{ launchTemplateId: 'lt-0123456789abcdef0' }] });
    fails({ launchTemplates: [{ launchTemplateId: 'my-template' }] }, /launchTemplates.launchTemplateId must be 'lt-'/);
  });
});

describe('image retention', () => {
  test('a count of 1 and 1000 passes, 0 and 1001 fail', () => {
    ok({ imageRetention: ImageRetention.deprecateAllButLatest(1) });
    ok({ imageRetention: ImageRetention.deleteAllButLatest(1000) });
    fails({ imageRetention: ImageRetention.deprecateAllButLatest(0) }, /imageRetention deprecate count must be between 1 and 1000 images, got 0/);
    fails({ imageRetention: ImageRetention.deleteAllButLatest(1001) }, /imageRetention delete count must be between 1 and 1000 images, got 1001/);
  });
  test('ages are whole days', () => {
    ok({ imageRetention: ImageRetention.deleteOlderThan(Duration.days(90)) });
    fails({ imageRetention: ImageRetention.deleteOlderThan(Duration.hours(36)) }, /imageRetention delete age must be a whole number/);
  });
  test('retainAtLeast 10 passes, 11 fails', () => {
    ok({ imageRetention: ImageRetention.deleteOlderThan(Duration.days(90), { retainAtLeast: 10 }) });
    fails({ imageRetention: ImageRetention.deleteOlderThan(Duration.days(90), { retainAtLeast: 11 }) }, /retainAtLeast must be between 1 and 10/);
  });
  test('keep-if-launched 365 days passes, 366 fails', () => {
    ok({ imageRetention: ImageRetention.deleteAllButLatest(5, { keepIfLaunchedWithinDays: 365 }) });
    fails({ imageRetention: ImageRetention.deleteAllButLatest(5, { keepIfLaunchedWithinDays: 366 }) }, /keepIfLaunchedWithinDays must be between 1 and 365/);
  });
  test('one rule per action', () => {
    ok({ imageRetention: ImageRetention.combine([ImageRetention.deprecateAllButLatest(5), ImageRetention.deleteAllButLatest(20)]) });
    fails({ imageRetention: ImageRetention.combine([ImageRetention.deleteAllButLatest(5), ImageRetention.deleteOlderThan(Duration.days(9))]) },
      /at most one rule per action/);
  });
});
