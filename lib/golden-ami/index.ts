export { GoldenImagePipeline } from './pipeline';
export type {
  GoldenImagePipelineProps, AmiTag, LaunchPermission, LaunchTemplateUpdate, RegionDistribution, BuildEventOptions,
} from './pipeline';
export { ImageComponent } from './component';
export type { ShellComponentOptions, AwsManagedComponentOptions, DocumentComponentOptions } from './component';
export { BaseImage, ImageArchitecture } from './base-image';
export type { IImageSource } from './base-image';
export { BuildSchedule } from './schedule';
export type { BuildScheduleOptions, BuildCronOptions } from './schedule';
export { ScanSeverity, VulnerabilityScan } from './scan';
export type { VulnerabilityGateOptions } from './scan';
export { ImageRetention } from './retention';
export type { DeleteImagesOptions, AgeRuleOptions } from './retention';
