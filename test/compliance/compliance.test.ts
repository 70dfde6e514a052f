/**
 * The compliance harness: every app in the repo synthesizes with zero findings under
 * AwsSolutions, HIPAA.Security, NIST.800-53.R5 and PCI.DSS.321 and the built-in template check in
 * strict mode, its acknowledgements pass review, and its templates match the snapshots.
 * This is the only test file that starts the template-check engine.
 */
import { Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { createCompliantApp } from '../../bin/compliance';
import { maskedTemplate } from '../util';
import { allApps, strictAppProps } from './apps';
import { ComplianceResult, checkCompliance, formatFindings } from './harness';

describe.each(allApps())('%s', (_name, createApp) => {
  let result: ComplianceResult;
  beforeAll(() => {
    result = checkCompliance(createApp(strictAppProps()));
  });

  test('has zero findings under the four cdk-nag packs and the strict template check', () => {
    expect(formatFindings(result.findings)).toEqual('');
  });

  test('acknowledges only narrowly, each with a reason', () => {
    expect(result.acknowledgementProblems).toEqual([]);
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
});
