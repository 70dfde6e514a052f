/**
 * Issue 12 item 10. Default quotas per region: 5 VPCs including the default VPC (Amazon VPC User
 * Guide, "Amazon VPC quotas": "VPCs per Region: 5"), 5 NAT gateways per Availability Zone, and 5
 * Elastic IP addresses (Amazon EC2 User Guide, "Elastic IP address quota"). The reference app and the
 * examples share one VPC through bin/stacks/network.ts: the same stack name and template in every
 * app, so a second app's deploy finds the network unchanged.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NETWORK_STACK, sharedNetwork } from '../bin/stacks/network';
import { allApps } from './compliance/apps';
import { CDK_CONTEXT } from './util';

const app = () => new App({ context: CDK_CONTEXT });

describe('the shared example network', () => {
  test('one stack and one VPC per app, however many examples ask for it', () => {
    // GIVEN / WHEN two callers in one app
    const a = app();
    const first = sharedNetwork(a);
    const second = sharedNetwork(a);
    // THEN
    expect(second).toBe(first);
    const template = Template.fromStack(a.node.findChild(NETWORK_STACK) as never);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::EIP', 1);
  });

  test('every app synthesizes the same network template, so separate example deploys share it', () => {
    const render = () => {
      const a = app();
      sharedNetwork(a);
      return Template.fromStack(a.node.findChild(NETWORK_STACK) as never).toJSON();
    };
    expect(render()).toEqual(render());
  });
});

describe('the reference app and every example together stay within the default quotas', () => {
  test('at most 4 VPCs (the default VPC is the fifth) and 5 Elastic IPs across all apps, one NAT gateway per network', () => {
    // GIVEN every app, synthesized the way the harness does (stacks of the same name are one stack in the account)
    const stacks = new Map<string, Record<string, { Type: string }>>();
    for (const [, create] of allApps()) {
      const assembly = create({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'quota-')), context: CDK_CONTEXT }).synth();
      for (const stack of assembly.stacks) stacks.set(stack.stackName, stack.template.Resources ?? {});
    }
    // WHEN counted per resource type
    const count = (type: string) => [...stacks.values()].flatMap((r) => Object.values(r)).filter((r) => r.Type === type).length;
    // THEN
    expect(count('AWS::EC2::VPC')).toBe(1); // before: 6 (reference app and five examples), with the default VPC 7 > 5
    expect(count('AWS::EC2::VPC')).toBeLessThanOrEqual(4);
    expect(count('AWS::EC2::EIP')).toBeLessThanOrEqual(5);
    expect(count('AWS::EC2::NatGateway')).toBe(count('AWS::EC2::VPC'));
  });
});
