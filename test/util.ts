import { App, AppProps, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';

/** The context of cdk.json (feature flags and validation settings), so tests synthesize like `cdk synth`. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/** An App with the project's feature flags, for unit tests. */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...CDK_CONTEXT, ...props.context } });
}

/** A stack in a fresh test App, in us-east-1 with no account (as the reference app synthesizes offline). */
export function testStack(props: StackProps = {}): Stack {
  return new Stack(testApp(), 'Test', { env: { region: 'us-east-1' }, ...props });
}

/** A template with asset hashes masked, so a Lambda code change does not churn snapshots. */
export function maskedTemplate(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '[ASSET-HASH]'));
}

/** Options of {@link importedVpc}. */
export interface ImportedVpcOptions {
  /** Construct id. @default 'Vpc' */
  readonly id?: string;
  /** Number of AZs (us-east-1a, us-east-1b, ...), one subnet of each kind per AZ. @default 2 */
  readonly azs?: number;
  /** Public subnets too (`subnet-pub-a`, ...). @default false */
  readonly publicSubnets?: boolean;
  /** Isolated subnets too (`subnet-iso-a`, ...). @default false */
  readonly isolatedSubnets?: boolean;
}

/**
 * The one imported-VPC fixture: a VPC of this account known only by ids, with private subnets
 * `subnet-a`, `subnet-b`, ... (route tables `rtb-a`, ...), as a user's existing VPC looks to a pattern.
 */
export function importedVpc(scope: Construct, options: ImportedVpcOptions = {}): ec2.IVpc {
  const letters = 'abcdef'.slice(0, options.azs ?? 2).split('');
  const ids = (prefix: string) => letters.map((l) => `${prefix}${l}`);
  return ec2.Vpc.fromVpcAttributes(scope, options.id ?? 'Vpc', {
    vpcId: 'vpc-12345678',
    availabilityZones: letters.map((l) => `us-east-1${l}`),
    privateSubnetIds: ids('subnet-'),
    privateSubnetRouteTableIds: ids('rtb-'),
    ...(options.publicSubnets ? { publicSubnetIds: ids('subnet-pub-'), publicSubnetRouteTableIds: ids('rtb-pub-') } : {}),
    ...(options.isolatedSubnets ? { isolatedSubnetIds: ids('subnet-iso-'), isolatedSubnetRouteTableIds: ids('rtb-iso-') } : {}),
  });
}

/** The acknowledgements recorded on a construct, as `{ id: reason }`. */
export function acknowledgementsOf(construct: IConstruct): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of construct.node.metadata) {
    if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
      Object.assign(result, entry.data as Record<string, string>);
    }
  }
  return result;
}

export { Template };
