/**
 * The compliance harness: every app in the repo synthesizes with zero findings under
 * AwsSolutions, HIPAA.Security, NIST.800-53.R5 and PCI.DSS.321 and the built-in template check in
 * strict mode, its acknowledgements pass review, and its templates match the snapshots.
 * This is the only test file that starts the template-check engine.
 */
import { App, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { keyOrCreate } from '../../lib/core/encryption';
import { createCompliantApp } from '../../bin/compliance';
import { checkControlTower, reviewControlTower } from './control-tower';
import { CONTROL_TOWER_EXEMPTIONS } from './control-tower-exemptions';
import { maskedTemplate, testApp } from '../util';
import { allApps, strictAppProps } from './apps';
import { ComplianceResult, checkCompliance, formatFindings } from './harness';

describe.each(allApps())('%s', (name, createApp) => {
  let result: ComplianceResult;
  let app: App;
  beforeAll(() => {
    app = createApp(strictAppProps());
    result = checkCompliance(app);
  });

  test('has zero findings under the four cdk-nag packs and the strict template check', () => {
    expect(formatFindings(result.findings)).toEqual('');
  });

  test('acknowledges only narrowly, each with a reason', () => {
    expect(result.acknowledgementProblems).toEqual([]);
  });

  test('passes the AWS Control Tower proactive controls, except the listed exemptions', () => {
    const failures = checkControlTower(result.templates, app);
    expect(reviewControlTower(failures, CONTROL_TOWER_EXEMPTIONS[name] ?? [])).toEqual([]);
  });

  test('synthesizes the same templates as the snapshot', () => {
    expect(Object.keys(result.templates).length).toBeGreaterThan(0);
    for (const [id, template] of Object.entries(result.templates)) {
      expect(maskedTemplate(template)).toMatchSnapshot(id);
    }
  });
});

describe('the harness itself', () => {
  test('reports findings of every pack and the template check on a deliberately bad stack', () => {
    // GIVEN a stack with an unflowlogged VPC, an open SSH port, an unencrypted volume,
    // an inline wildcard policy and a hard-coded AMI id
    const app = createCompliantApp(strictAppProps());
    const stack = new Stack(app, 'Bad', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10), encrypted: false });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    new ec2.Instance(stack, 'Instance', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), securityGroup: sg, role,
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    });

    // WHEN
    const result = checkCompliance(app);

    // THEN every plugin reports, including the template check's warning in strict mode
    const rules = new Set(result.findings.map((f) => f.rule));
    expect([...rules]).toEqual(expect.arrayContaining([
      'AwsSolutions-VPC7', 'AwsSolutions-EC23', 'AwsSolutions-EC26', 'AwsSolutions-IAM5[Action::s3:*]',
      'HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy',
      'PCI.DSS.321-VPCFlowLogsEnabled', 'W9010',
    ]));
    expect(result.findings.find((f) => f.rule === 'W9010')?.plugin).toEqual('CloudFormation Validate');
  });

  test('rejects an acknowledgement with no reason, of a whole granular rule, or on a whole stack', () => {
    // GIVEN
    const app = createCompliantApp(strictAppProps());
    const stack = new Stack(app, 'Acks', { env: { region: 'us-east-1' } });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5', reason: 'because' });
    Validations.of(stack).acknowledge({ id: 'HIPAA.Security-IAMNoInlinePolicy', reason: 'A long enough reason that still sits on the whole stack.' });

    // WHEN
    const result = checkCompliance(app);

    // THEN
    expect(result.acknowledgementProblems).toEqual(expect.arrayContaining([
      expect.stringMatching(/AwsSolutions-IAM5 on Acks\/Role: the reason "because" is missing or too short/),
      expect.stringMatching(/AwsSolutions-IAM5 on Acks\/Role: acknowledges the whole rule/),
      expect.stringMatching(/HIPAA.Security-IAMNoInlinePolicy on Acks: acknowledged on a whole stack/),
    ]));
    // and the bare IAM5 acknowledgement did not hide the granular finding
    expect(result.findings.map((f) => f.rule)).toContain('AwsSolutions-IAM5[Resource::*]');
  });

  test('reports Control Tower failures, exemptions that match nothing, and exemptions without a reason', () => {
    // GIVEN an instance with a root-level subnet (CT.EC2.PR.8 wants a network interface without a
    // public IP) and a key whose policy lets any principal create grants (CT.KMS.PR.3)
    const app = testApp(); // no cdk-nag packs: only the controls are under test
    const stack = new Stack(app, 'Guarded', { env: { region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new ec2.Instance(stack, 'Instance', {
      vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    });
    new kms.Key(stack, 'Key');
    const templates = { Guarded: app.synth().getStackByName('Guarded').template };

    // WHEN
    const failures = checkControlTower(templates, app);
    const problems = reviewControlTower(failures, [
      { constructPath: 'Guarded/Instance/Resource', control: 'CT.EC2.PR.8', reason: 'short' },
      { constructPath: 'Guarded/Nothing', control: 'CT.S3.PR.1', reason: 'An exemption for a resource that does not exist at all.' },
    ]);

    // THEN
    expect(failures).toEqual(expect.arrayContaining([
      expect.objectContaining({ control: 'CT.EC2.PR.8', constructPath: 'Guarded/Instance/Resource' }),
      expect.objectContaining({ control: 'CT.KMS.PR.3', constructPath: 'Guarded/Key/Resource' }),
    ]));
    expect(problems).toEqual(expect.arrayContaining([
      'CT.KMS.PR.3 on Guarded/Key/Resource fails and is not on the exemption list',
      'CT.EC2.PR.8 on Guarded/Instance/Resource: the exemption needs a reason a reviewer can check (at least 40 characters)',
      'CT.S3.PR.1 on Guarded/Nothing: exempted but does not fail; remove the entry',
    ]));
    expect(problems.filter((p) => p.startsWith('CT.EC2.PR.8 on Guarded/Instance/Resource fails'))).toEqual([]);
  });

  test('a key made by the library passes CT.KMS.PR.3 (grants only for AWS resources)', () => {
    // GIVEN
    const app = testApp(); // no cdk-nag packs: only the controls are under test
    const stack = new Stack(app, 'Keyed', { env: { region: 'us-east-1' } });
    keyOrCreate(stack, 'Key', undefined, { description: 'test key' });
    // WHEN
    const failures = checkControlTower({ Keyed: app.synth().getStackByName('Keyed').template }, app);
    // THEN
    expect(failures.filter((f) => f.control === 'CT.KMS.PR.3')).toEqual([]);
  });
});
