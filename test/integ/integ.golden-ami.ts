/**
 * Integ test: golden AMI pipeline with a build on deploy.
 *
 * Deploys a GoldenImagePipeline (its own SecureVpc) whose first image is built during the deploy,
 * then asserts that the SSM parameter holds that AMI, that the AMI is available, encrypted and
 * tagged, and that Image Builder reports the image AVAILABLE.
 *
 * Duration: 35-60 min (the build, the test instance and the CVE scan run inside `cdk deploy`),
 *   plus about 10 min for `cdk destroy`.
 * Cost: about US$1 (t3.medium build and test instances for under an hour, one NAT gateway for an
 *   hour, a few GiB of snapshot for the minutes the AMI lives, KMS key for its pending-deletion
 *   window, log storage) and the on-demand Amazon Inspector scan of the AMI (the default CVE gate,
 *   billed per scan, no Inspector activation needed). A fixable HIGH or CRITICAL CVE in the new
 *   image fails the build and so the deploy: that is the library's gate at work, not the test.
 * Clean-up: `cdk destroy` deletes the image with its AMI and snapshots (DeletionSettings below)
 *   and every other resource except the AMI id parameter that Image Builder's distribution wrote
 *   (README, "Verify in your own account"); the pipeline writes no S3 logs by default.
 */
import { ExpectedResult, Match } from '@aws-cdk/integ-tests-alpha';
import { App, AppProps, Duration, Stack } from 'aws-cdk-lib';
import * as path from 'path';
import { resolveEnv } from '../../bin/compliance';
import { GoldenImagePipeline, ImageComponent } from '../../lib/golden-ami';
import { deleteEverythingOnDestroy, deleteImageOnDestroy, integApp, integTest, SETTLED } from './support';

const ASSETS = path.join(__dirname, '..', '..', 'examples', 'assets');
const AMI_TAG = { key: 'integ-test', value: 'cdk-ec2-patterns-golden-ami' };

export function createApp(props: AppProps = {}): App {
  const app = integApp(props);
  const stack = new Stack(app, 'IntegGoldenAmi', {
    env: resolveEnv(app),
    description: 'cdk-ec2-patterns integ test: golden AMI pipeline with a build on deploy',
  });

  const golden = new GoldenImagePipeline(stack, 'Pipeline', {
    name: 'integ-golden-ami',
    components: [
      ImageComponent.fromScriptFiles('nginx-hello',
        path.join(ASSETS, 'golden-nginx-install.sh'),
        path.join(ASSETS, 'golden-nginx-test.sh'),
        { description: 'nginx serving a Hello page' }),
    ],
    amiTags: [AMI_TAG],
    buildOnDeploy: true,
    // Test setting: no scheduled build while the test stack exists, only the one on deploy.
    enabled: false,
  });

  // Test settings, not the library's defaults: the image's AMI and snapshots, the key, the log
  // groups and the VPC go with the stack.
  deleteImageOnDestroy(golden.image!);
  deleteEverythingOnDestroy(stack);

  const integ = integTest(app, 'GoldenAmi', [stack]);

  // The parameter that launch stacks read holds the AMI built on this deploy.
  integ.assertions.awsApiCall('SSM', 'getParameter', { Name: golden.amiParameterName })
    .expect(ExpectedResult.objectLike({ Parameter: { Value: golden.imageId } }))
    .waitForAssertions(SETTLED);

  // The AMI is available and tagged; no block device of it is unencrypted, and its one root
  // snapshot is encrypted (DescribeImages filter block-device-mapping.encrypted, EC2 API Reference).
  integ.assertions.awsApiCall('EC2', 'describeImages', { ImageIds: [golden.imageId] })
    .expect(ExpectedResult.objectLike({
      Images: [{
        ImageId: golden.imageId,
        State: 'available',
        Tags: Match.arrayWith([{ Key: AMI_TAG.key, Value: AMI_TAG.value }]),
      }],
    }))
    .waitForAssertions(SETTLED);
  integ.assertions.awsApiCall('EC2', 'describeImages', {
    ImageIds: [golden.imageId],
    Filters: [{ Name: 'block-device-mapping.encrypted', Values: ['false'] }],
  }).expect(ExpectedResult.objectLike({ Images: [] })).waitForAssertions(SETTLED);

  // Image Builder's own view: the image resource finished and is AVAILABLE.
  integ.assertions.awsApiCall('imagebuilder', 'getImage', { imageBuildVersionArn: golden.image!.attrArn })
    .expect(ExpectedResult.objectLike({ image: { state: { status: 'AVAILABLE' } } }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(30) });

  return app;
}

if (require.main === module) {
  createApp().synth();
}
