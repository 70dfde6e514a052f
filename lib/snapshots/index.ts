export { SnapshotPolicy, SnapshotPolicyBase } from './policy';
export type { ISnapshotPolicy } from './policy';
export { SnapshotResourceType } from './policy-props';
export type { SnapshotPolicyProps } from './policy-props';
export { validateSnapshotPolicyProps } from './validate';
export { DefaultSnapshotPolicy, validateDefaultSnapshotPolicyProps } from './default-policy';
export type { DefaultSnapshotPolicyProps } from './default-policy';
export { CrossAccountCopyPolicy, validateCrossAccountCopyPolicyProps } from './cross-account-copy-policy';
export type { CrossAccountCopyPolicyProps, CrossAccountCopy } from './cross-account-copy-policy';
export { RecycleBinResourceType, SnapshotRecycleBin, validateSnapshotRecycleBinProps } from './recycle-bin';
export type { SnapshotRecycleBinProps } from './recycle-bin';
export { InstanceImagePolicy, validateInstanceImagePolicyProps } from './image-policy';
export type { InstanceImagePolicyProps } from './image-policy';
export { SnapshotSchedule } from './schedule';
export { SnapshotWeekDay } from './schedule-options';
export type {
  SnapshotScheduleOptions, IntervalScheduleOptions, DailyScheduleOptions, WeeklyScheduleOptions, MonthlyScheduleOptions,
  SnapshotCopy, FastSnapshotRestore, SnapshotShare,
} from './schedule-options';
export { SnapshotRetention, SnapshotRetentionKind } from './retention';
export { SnapshotScripts } from './scripts';
export type { SnapshotScriptOptions, FreezeFilesystemsOptions } from './scripts';
export { RestoredVolume } from './restored-volume';
export type { RestoredVolumeProps } from './restored-volume';
