import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../core/validation';
import { DecisionStatements, StatementSpec } from './function-policy';
import { FailoverControlPath } from './props';

/** The Availability Zones of a subnet selection, as comparable strings (AZs of env-agnostic VPCs are Tokens). */
export function zonesOf(scope: IConstruct, subnets: ec2.ISubnet[]): Set<string> {
  const stack = Stack.of(scope);
  return new Set(subnets.map((s) => (Token.isUnresolved(s.availabilityZone) ? JSON.stringify(stack.resolve(s.availabilityZone)) : s.availabilityZone)));
}

/**
 * Checks at synth that the path survives the loss of any one zone, for a VPC built in this app
 * (`ec2.Vpc`, whose subnets and routes the construct can read). Imported VPCs are documented, not checked.
 */
export function checkControlPath(scope: IConstruct, vpc: ec2.IVpc, path: FailoverControlPath, subnets: ec2.ISubnet[],
  nodeSubnets: ec2.ISubnet[], property: string): void {
  if (!(vpc instanceof ec2.Vpc)) return;
  const zones = zonesOf(scope, subnets);
  const nodeZones = zonesOf(scope, nodeSubnets);
  const missing = [...nodeZones].filter((z) => !zones.has(z));
  if (zones.size < 2 || missing.length > 0) {
    invalid(scope, property, `subnets in ${zones.size} Availability Zone(s)`, 'subnets in every zone of the pair (at least two)',
      'The function in the VPC must keep running when one zone is lost: select a subnet in each zone the nodes use.');
  }
  if (path !== FailoverControlPath.VPC_ROUTES) return;
  // Each function subnet needs a default route to a NAT gateway in its own zone.
  const stack = Stack.of(scope);
  const natZones = new Map<string, string>();
  for (const child of vpc.node.findAll()) {
    if (child instanceof ec2.CfnNatGateway) {
      const subnet = vpc.publicSubnets.find((s) => JSON.stringify(stack.resolve(s.subnetId)) === JSON.stringify(stack.resolve(child.subnetId)));
      if (subnet) natZones.set(JSON.stringify(stack.resolve(child.ref)), JSON.stringify(stack.resolve(subnet.availabilityZone)));
    }
  }
  for (const subnet of subnets) {
    const route = subnet.node.tryFindChild('DefaultRoute') as ec2.CfnRoute | undefined;
    const nat = route?.natGatewayId ? natZones.get(JSON.stringify(stack.resolve(route.natGatewayId))) : undefined;
    if (nat !== JSON.stringify(stack.resolve(subnet.availabilityZone))) {
      invalid(scope, 'controlPath', `FailoverControlPath.VPC_ROUTES with ${subnet.node.path} routed ${nat ? 'through a NAT gateway in another zone' : 'to no NAT gateway'}`,
        'a NAT gateway in the zone of every function subnet', 'Give the VPC one NAT gateway per zone (natGateways), or use FailoverControlPath.PUBLIC_API, which needs none.');
    }
  }
}

/** The interface endpoints of FailoverControlPath.INTERFACE_ENDPOINTS, each admitting only the function's role. */
export function createEndpoints(scope: Construct, vpc: ec2.IVpc, subnets: ec2.SubnetSelection, functionGroup: ec2.ISecurityGroup,
  role: iam.IRole, statements: DecisionStatements): ec2.InterfaceVpcEndpoint[] {
  const group = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', {
    vpc,
    description: `API endpoints of the failover function of ${scope.node.path}: HTTPS from the function only`,
    allowAllOutbound: false,
  });
  group.addIngressRule(functionGroup, ec2.Port.tcp(443), 'HTTPS from the failover function');
  const services: Array<[string, ec2.InterfaceVpcEndpointAwsService, StatementSpec[]]> = [
    ['Ec2Endpoint', ec2.InterfaceVpcEndpointAwsService.EC2, statements.ec2],
    ['MonitoringEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING, statements.cloudwatch],
    ['SnsEndpoint', ec2.InterfaceVpcEndpointAwsService.SNS, statements.sns],
  ];
  return services.map(([id, service, allowed]) => {
    const endpoint = new ec2.InterfaceVpcEndpoint(scope, id, { vpc, service, subnets, securityGroups: [group], privateDnsEnabled: true, open: false });
    // Endpoint policies: the role, and only what it needs (VPC User Guide, "Control access to VPC endpoints using endpoint policies").
    for (const s of allowed) {
      endpoint.addToPolicy(new iam.PolicyStatement({ ...s, principals: [new iam.ArnPrincipal(role.roleArn)] }));
    }
    return endpoint;
  });
}
