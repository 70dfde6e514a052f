/**
 * Issue 12 item 10. Default quotas per region: 5 VPCs including the default VPC (Amazon VPC User
 * Guide, "Amazon VPC quotas": "VPCs per Region: 5"), 5 NAT gateways per Availability Zone, and 5
 * Elastic IP addresses (Amazon EC2 User Guide, "Elastic IP address quota"). The reference app and the
 * examples share one VPC through bin/stacks/network.ts: the same stack name and template in every
 * app, so a second app's deploy finds the network unchanged.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NETWORK_STACK, sharedNetwork } from '../bin/stacks/network';
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
