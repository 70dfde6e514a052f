export { FleetImage } from './fleet-image';
export type { RegionalAmi, AmiIdsOptions, SsmImageOptions, LatestAmazonLinuxOptions, MachineImageOptions } from './fleet-image';
export type { DataVolume } from './data-volume';
export { FleetBase } from './fleet-base';
export type { FleetBaseProps } from './fleet-base';
export { InstanceFleet } from './instance-fleet';
export type { InstanceFleetProps } from './instance-fleet';
export { AutoScalingFleet } from './auto-scaling-fleet';
export type { AutoScalingFleetProps } from './auto-scaling-fleet';
