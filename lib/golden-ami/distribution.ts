import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { checkAccountId, checkLength, checkPattern, checkRegion, checkTags, invalid, isKnown } from '../core/validation';
import type { GoldenImagePipelineProps } from './props';

/** A tag put on every distributed AMI. */
export interface AmiTag {
  /** Tag key (1-128 characters, not starting with `aws:`). */
  readonly key: string;
  /** Tag value (0-256 characters). */
  readonly value: string;
}

/** Who may launch the AMI besides its owner. */
export interface LaunchPermission {
  /**
   * AWS account ids.
   * @default - none
   */
  readonly accounts?: string[];
  /**
   * AWS Organizations ARNs (`arn:aws:organizations::<management account>:organization/o-...`).
   * @default - none
   */
  readonly organizationArns?: string[];
  /**
   * Organizational unit ARNs (`arn:aws:organizations::<management account>:ou/o-.../ou-...`).
   * @default - none
   */
  readonly organizationalUnitArns?: string[];
}

/** A launch template that gets a new version pointing at each new AMI. */
export interface LaunchTemplateUpdate {
  /** Id of the launch template (`lt-...`). */
  readonly launchTemplateId: string;
  /**
   * Account that owns the launch template.
   * @default - the pipeline's account
   */
  readonly accountId?: string;
  /**
   * Make the new version the default version of the template.
   * @default true
   */
  readonly setDefaultVersion?: boolean;
}

/** Copy of the AMI to another region. */
export interface RegionDistribution {
  /** Region code, for example `eu-west-1`. */
  readonly region: string;
  /**
   * Customer-managed key in that region that encrypts the copy (required to share it).
   * @default - the account's default EBS key in that region
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Accounts that receive their own copy of the AMI (each needs the
   * `EC2ImageBuilderDistributionCrossAccountRole` role); the AMI id parameter is written in each of them too.
   * @default - none
   */
  readonly targetAccounts?: string[];
  /**
   * Who may launch the copy.
   * @default - only the owner
   */
  readonly launchPermission?: LaunchPermission;
  /**
   * Launch templates in that region to update.
   * @default - none
   */
  readonly launchTemplates?: LaunchTemplateUpdate[];
}

/** Tag on every AMI, image and build instance of a pipeline; the lifecycle policy selects by it. @internal */
export const PIPELINE_TAG = 'golden-ami:pipeline';
const BUILD_DATE = /\{\{\s*imagebuilder:buildDate\s*\}\}/;
/** What `{{ imagebuilder:buildDate }}` expands to, for the AMI name length check. */
const BUILD_DATE_SAMPLE = '2026-11-30T04-00-00.000Z';
const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;

/** The SSM parameter that receives the AMI id. @internal */
export function amiParameterNameOf(settings: GoldenImagePipelineProps, name: string): string {
  return settings.amiParameterName ?? `/imagebuilder/${name}/ami-id`;
}

/** The AMI name; the default fits EC2's 128-character limit once the build date is expanded. */
function amiNameOf(settings: GoldenImagePipelineProps, name: string): string {
  return settings.amiName ?? `${name.slice(0, 128 - BUILD_DATE_SAMPLE.length - 1)}-{{ imagebuilder:buildDate }}`;
}

/** The pipeline's region first, then the additional regions. */
function regionsOf(settings: GoldenImagePipelineProps): RegionDistribution[] {
  const primary: RegionDistribution = {
    region: Aws.REGION,
    encryptionKey: settings.ebsEncryptionKey,
    targetAccounts: settings.targetAccounts,
    launchPermission: settings.launchPermission,
    launchTemplates: settings.launchTemplates,
  };
  return [primary, ...(settings.additionalRegions ?? [])];
}

/** Validates every distribution setting (the pipeline's region and the additional ones). @internal */
export function validateDistribution(scope: IConstruct, settings: GoldenImagePipelineProps, name: string): void {
  checkPattern(scope, 'amiParameterName', amiParameterNameOf(settings, name), /^\/imagebuilder\/[a-zA-Z0-9_.\-/]{1,997}$/,
    "an SSM parameter name under '/imagebuilder/' (letters, digits, _ . - /)",
    "Image Builder's service-linked role may write AMI ids only to parameters under /imagebuilder/.");
  validateAmiName(scope, amiNameOf(settings, name));
  validateAmiTags(scope, settings.amiTags ?? []);
  const regions = new Set<string>();
  const stackRegion = Stack.of(scope).region;
  for (const [i, d] of (settings.additionalRegions ?? []).entries()) {
    checkRegion(scope, `additionalRegions[${i}].region`, d.region);
    if (!isKnown(d.region)) invalid(scope, `additionalRegions[${i}].region`, 'a token', 'a region code known at synth');
    if (!RegionInfo.regions.some((r) => r.name === d.region)) {
      // The region facts stop at the pinned aws-cdk-lib: a newer region is plausible, so this only warns.
      Annotations.of(scope).addWarningV2('cdk-ec2-patterns:unknownRegion', `additionalRegions[${i}].region '${d.region}' is not a region `
        + "aws-cdk-lib knows. Check the spelling; for a region newer than this aws-cdk-lib, acknowledge this warning: "
        + "Validations.of(pipeline).acknowledge({ id: 'Annotation::cdk-ec2-patterns:unknownRegion', reason: '<region> opened after aws-cdk-lib <version>' }).");
    }
    if (regions.has(d.region) || (!Token.isUnresolved(stackRegion) && d.region === stackRegion)) {
      invalid(scope, `additionalRegions[${i}].region`, d.region, 'a region distributed to only once, other than the pipeline\'s region',
        'Image Builder allows one distribution per region; put the settings of the pipeline\'s region in the top-level props.');
    }
    regions.add(d.region);
    const keyRegion = d.encryptionKey?.env.region;
    if (keyRegion && !Token.isUnresolved(keyRegion) && keyRegion !== d.region) {
      invalid(scope, `additionalRegions[${i}].encryptionKey`, keyRegion, `a key in ${d.region}`, 'KMS keys are regional; use kms.Key.fromKeyArn with a key of that region.');
    }
  }
  regionsOf(settings).forEach((d, i) => validateRegion(scope, d, i === 0 ? '' : `additionalRegions[${i - 1}].`));
}

function validateAmiName(scope: IConstruct, amiName: string): void {
  if (!isKnown(amiName)) return;
  if (!BUILD_DATE.test(amiName)) {
    invalid(scope, 'amiName', amiName, "a name containing '{{ imagebuilder:buildDate }}'",
      'AMI names are unique per account and region; without the build date the second build fails.');
  }
  const expanded = amiName.replace(new RegExp(BUILD_DATE.source, 'g'), BUILD_DATE_SAMPLE).replace(/\{\{[^}]*\}\}/g, 'x');
  checkLength(scope, 'amiName (with the build date expanded)', expanded, 3, 128);
  checkPattern(scope, 'amiName', expanded, /^[a-zA-Z0-9()[\] ./\-'@_]+$/,
    "letters, digits, spaces and ( ) [ ] . / - ' @ _ only (plus Image Builder {{ }} variables)");
}

function validateAmiTags(scope: IConstruct, tags: AmiTag[]): void {
  // AmiTags is a map in the template, and CloudFormation map keys must be literal.
  checkTags(scope, 'amiTags', tags, 49, 'An AMI holds at most 50 tags and the pipeline adds one.', true);
  if (tags.some((t) => t.key === PIPELINE_TAG)) {
    invalid(scope, 'amiTags key', PIPELINE_TAG, 'a key other than the pipeline\'s own tag', 'The pipeline sets this tag; the lifecycle policy selects images by it.');
  }
}

function validateRegion(scope: IConstruct, d: RegionDistribution, where: string): void {
  const lp = d.launchPermission ?? {};
  for (const a of d.targetAccounts ?? []) checkAccountId(scope, `${where}targetAccounts`, a);
  for (const a of lp.accounts ?? []) checkAccountId(scope, `${where}launchPermission.accounts`, a);
  for (const o of lp.organizationArns ?? []) {
    checkPattern(scope, `${where}launchPermission.organizationArns`, o, ORGANIZATION_ARN, "'arn:aws:organizations::<account>:organization/o-<id>'");
  }
  for (const o of lp.organizationalUnitArns ?? []) {
    checkPattern(scope, `${where}launchPermission.organizationalUnitArns`, o, OU_ARN, "'arn:aws:organizations::<account>:ou/o-<id>/ou-<id>'");
  }
  const shared = [d.targetAccounts, lp.accounts, lp.organizationArns, lp.organizationalUnitArns].some((l) => (l?.length ?? 0) > 0);
  if (shared && !d.encryptionKey) {
    invalid(scope, where === '' ? 'ebsEncryptionKey' : `${where}encryptionKey`, 'none',
      'a customer-managed key when the AMI is shared or copied to other accounts',
      'AMIs encrypted with the AWS-managed EBS key cannot be used by other accounts; pass a key and allow those accounts to use it.');
  }
  for (const lt of d.launchTemplates ?? []) {
    checkPattern(scope, `${where}launchTemplates.launchTemplateId`, lt.launchTemplateId, /^lt-[a-z0-9-_]{17}$/, "'lt-' followed by 17 characters");
    checkAccountId(scope, `${where}launchTemplates.accountId`, lt.accountId);
  }
}

/** Renders the distributions of validated settings, one per region. @internal */
export function renderDistributions(settings: GoldenImagePipelineProps, name: string): imagebuilder.CfnDistributionConfiguration.DistributionProperty[] {
  const amiTags: { [key: string]: string } = { [PIPELINE_TAG]: name };
  for (const tag of settings.amiTags ?? []) amiTags[tag.key] = tag.value;
  return regionsOf(settings).map((d, i) => {
    const lp = d.launchPermission ?? {};
    const hasLaunchPermission = Boolean(lp.accounts?.length || lp.organizationArns?.length || lp.organizationalUnitArns?.length);
    return {
      region: d.region,
      amiDistributionConfiguration: {
        Name: amiNameOf(settings, name),
        Description: `${name} golden image`,
        KmsKeyId: i === 0 ? undefined : d.encryptionKey?.keyArn,
        TargetAccountIds: d.targetAccounts?.length ? d.targetAccounts : undefined,
        LaunchPermissionConfiguration: hasLaunchPermission ? {
          UserIds: lp.accounts,
          OrganizationArns: lp.organizationArns,
          OrganizationalUnitArns: lp.organizationalUnitArns,
        } : undefined,
        AmiTags: amiTags,
      },
      ssmParameterConfigurations: parameterConfigurations(amiParameterNameOf(settings, name), d.targetAccounts),
      launchTemplateConfigurations: d.launchTemplates?.map((lt) => ({
        launchTemplateId: lt.launchTemplateId, accountId: lt.accountId, setDefaultVersion: lt.setDefaultVersion ?? true,
      })),
    };
  });
}

/**
 * The AMI id parameter in the pipeline's account and in each target account, which gets its own
 * copy of the AMI (Image Builder API Reference, SsmParameterConfiguration: `amiAccountId` is the
 * account that owns the parameter, one of the distribution's target accounts).
 */
function parameterConfigurations(parameterName: string, targetAccounts: string[] | undefined):
imagebuilder.CfnDistributionConfiguration.SsmParameterConfigurationProperty[] {
  const accounts = targetAccounts && !Token.isUnresolved(targetAccounts) ? targetAccounts : [];
  return [
    { parameterName, dataType: 'aws:ec2:image' },
    ...accounts.map((amiAccountId) => ({ parameterName, amiAccountId, dataType: 'aws:ec2:image' })),
  ];
}
