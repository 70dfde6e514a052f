export { SnapshotPolicy, SnapshotResourceType } from './policy';
export type { SnapshotPolicyProps } from './policy';
export { SnapshotSchedule, SnapshotWeekDay } from './schedule';
export type {
  SnapshotScheduleOptions, IntervalScheduleOptions, DailyScheduleOptions, WeeklyScheduleOptions, MonthlyScheduleOptions,
  SnapshotCopy, FastSnapshotRestore, SnapshotShare,
} from './schedule';
export { SnapshotRetention } from './retention';
export { SnapshotScripts } from './scripts';
export type { SnapshotScriptOptions, FreezeFilesystemsOptions } from './scripts';
export { RestoredVolume } from './restored-volume';
export type { RestoredVolumeProps } from './restored-volume';
