/**
 * Values known only at deploy (CfnParameter, Fn.importValue, Lazy): every synth-time check lets
 * them through without false errors, and they reach the template as given. Where the template
 * cannot carry a deploy-time value (a map key, an SSM parameter read by name at deploy), the error
 * says so in the house format.
 */
import { CfnParameter, Duration, Fn, Lazy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { BaseImage, BuildSchedule, GoldenImagePipeline, ImageRetention } from '../../lib/golden-ami';
import { importedVpc, testStack } from '../util';

const num = (stack: Stack, id: string): number => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
const str = (stack: Stack, id: string): string => new CfnParameter(stack, id, { type: 'String' }).valueAsString;

describe('values known only at deploy', () => {
  test('name, image, node, schedule, distribution and retention values from parameters reach the template', () => {
    // GIVEN a pipeline whose plausible props all come from parameters or other stacks
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    // WHEN
    const pipeline = new GoldenImagePipeline(stack, 'Pipeline', {
      name: str(stack, 'Name'),
      vpc: importedVpc(stack),
      baseImage: BaseImage.fromAmiId(Fn.importValue('BaseAmiId')),
      instanceType: new ec2.InstanceType(str(stack, 'InstanceType')),
      httpPutResponseHopLimit: num(stack, 'HopLimit'),
      rootVolumeSize: Size.gibibytes(num(stack, 'RootSize')),
      rootDeviceName: str(stack, 'RootDevice'),
      ebsEncryptionKey: key,
      testTimeout: Duration.minutes(num(stack, 'TestTimeout')),
      schedule: BuildSchedule.cron({
        hour: str(stack, 'Hour'), weekDay: 'SUN', autoDisableAfterFailures: num(stack, 'Failures'), timezone: str(stack, 'TimeZone'),
      }),
      amiName: str(stack, 'AmiName'),
      amiTags: [{ key: 'team', value: str(stack, 'Team') }],
      targetAccounts: [str(stack, 'TargetAccount')],
      launchPermission: { accounts: [str(stack, 'LaunchAccount')], organizationArns: [Fn.importValue('OrganizationArn')] },
      launchTemplates: [{ launchTemplateId: Fn.importValue('LaunchTemplateId'), accountId: str(stack, 'TemplateAccount') }],
      imageRetention: ImageRetention.combine([
        ImageRetention.deprecateAllButLatest(num(stack, 'Keep')),
        ImageRetention.deleteOlderThan(Duration.days(num(stack, 'Age')), {
          retainAtLeast: num(stack, 'AtLeast'), keepIfLaunchedWithinDays: num(stack, 'LaunchedWithin'),
        }),
      ]),
    });
    pipeline.onBuildSucceeded('Built');
    const child = BaseImage.fromPipeline(pipeline);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ImageBuilder::ImagePipeline', {
      Name: { Ref: 'Name' },
      ImageTestsConfiguration: { ImageTestsEnabled: true, TimeoutMinutes: { Ref: 'TestTimeout' } },
      Schedule: {
        ScheduleExpression: { 'Fn::Join': ['', ['cron(0 ', { Ref: 'Hour' }, ' ? * SUN *)']] },
        AutoDisablePolicy: { FailureCount: { Ref: 'Failures' } },
        Timezone: { Ref: 'TimeZone' },
        PipelineExecutionStartCondition: 'EXPRESSION_MATCH_ONLY',
      },
    });
    template.hasResourceProperties('AWS::ImageBuilder::ImageRecipe', {
      ParentImage: { 'Fn::ImportValue': 'BaseAmiId' },
      BlockDeviceMappings: [{ DeviceName: { Ref: 'RootDevice' }, Ebs: Match.objectLike({ VolumeSize: { Ref: 'RootSize' } }) }],
    });
    template.hasResourceProperties('AWS::ImageBuilder::InfrastructureConfiguration', {
      InstanceTypes: [{ Ref: 'InstanceType' }],
      InstanceMetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: { Ref: 'HopLimit' } },
    });
    template.hasResourceProperties('AWS::ImageBuilder::DistributionConfiguration', {
      Distributions: [Match.objectLike({
        AmiDistributionConfiguration: Match.objectLike({
          Name: { Ref: 'AmiName' },
          TargetAccountIds: [{ Ref: 'TargetAccount' }],
          LaunchPermissionConfiguration: { UserIds: [{ Ref: 'LaunchAccount' }], OrganizationArns: [{ 'Fn::ImportValue': 'OrganizationArn' }] },
          AmiTags: { 'golden-ami:pipeline': { Ref: 'Name' }, 'team': { Ref: 'Team' } },
        }),
        LaunchTemplateConfigurations: [{ LaunchTemplateId: { 'Fn::ImportValue': 'LaunchTemplateId' }, AccountId: { Ref: 'TemplateAccount' }, SetDefaultVersion: true }],
      })],
    });
    // the delete rule keeps its "launched recently" exclusion with the deploy-time number of days
    template.hasResourceProperties('AWS::ImageBuilder::LifecyclePolicy', {
      PolicyDetails: [
        Match.objectLike({ Filter: { Type: 'COUNT', Value: { Ref: 'Keep' } } }),
        Match.objectLike({
          Filter: { Type: 'AGE', Unit: 'DAYS', Value: { Ref: 'Age' }, RetainAtLeast: { Ref: 'AtLeast' } },
          ExclusionRules: { Amis: { LastLaunched: { Unit: 'DAYS', Value: { Ref: 'LaunchedWithin' } } } },
        }),
      ],
    });
    // image ARNs keep the name as a reference: lowercasing the Token's text would have written a literal
    const imageArn = Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':image/', { Ref: 'Name' }])] });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ resources: [{ prefix: imageArn }] }),
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/\$\{token\[/i);
    expect(JSON.stringify(stack.resolve(child.parentImage))).toContain('{"Ref":"Name"},"/x.x.x"');
  });

  test('where the template cannot carry a deploy-time value, the error says so', () => {
    // GIVEN a pipeline whose SSM parameter name is known only at deploy
    const stack = testStack();
    const pipeline = new GoldenImagePipeline(stack, 'Pipeline', { name: str(stack, 'Name'), vpc: importedVpc(stack) });
    // WHEN / THEN machineImage points to the launch-time read
    expect(() => pipeline.machineImage).toThrow(/Test\/Pipeline: machineImage needs an amiParameterName known at synth.*resolveAtLaunch: true/);
    // and a deploy-time tag key, a deploy-time test timeout in hours and a deploy-time age in hours are refused
    const other = testStack();
    expect(() => new GoldenImagePipeline(other, 'Pipeline', {
      name: 'web', vpc: importedVpc(other), amiTags: [{ key: str(other, 'TagKey'), value: 'x' }],
    })).toThrow(/amiTags key must be known at synth .*Tag keys are part of the template structure/);
    const third = testStack();
    expect(() => new GoldenImagePipeline(third, 'Pipeline', {
      name: 'web', vpc: importedVpc(third), testTimeout: Duration.hours(num(third, 'Hours')),
    })).toThrow(/testTimeout must be Duration.minutes\(...\) when the amount is known only at deploy/);
    const fourth = testStack();
    expect(() => new GoldenImagePipeline(fourth, 'Pipeline', {
      name: 'web', vpc: importedVpc(fourth), imageRetention: ImageRetention.deleteOlderThan(Duration.hours(Lazy.number({ produce: () => 48 }))),
    })).toThrow(/Test\/Pipeline: imageRetention age must be Duration.days\(...\) when the amount is known only at deploy/);
  });

  test('known values next to deploy-time ones are still checked', () => {
    // GIVEN a deploy-time account next to a malformed literal one
    const stack = testStack();
    // WHEN / THEN
    expect(() => new GoldenImagePipeline(stack, 'Pipeline', {
      name: str(stack, 'Name'),
      vpc: importedVpc(stack),
      ebsEncryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      targetAccounts: [str(stack, 'Account'), '12345'],
    })).toThrow(/targetAccounts must be a 12-digit AWS account id, got '12345'/);
  });
});
