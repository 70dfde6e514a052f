import { CfnTag } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SnapshotRetention } from './retention';

/** A copy of each snapshot in another region. */
export interface SnapshotCopy {
  /** Region the copies go to, for example `eu-west-1`. */
  readonly region: string;
  /**
   * Customer-managed key in the target region that encrypts the copies. Required when the
   * source volumes use a customer-managed key, so the copies stay under your control.
   * @default - the target region's default EBS key (copies are always encrypted)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the copies are kept (an age: DLM takes no count for copies).
   * @default - the schedule's retention when it is an age; required when that is a count
   */
  readonly retention?: SnapshotRetention;
  /**
   * Copy the snapshot's tags to the copy.
   * @default true
   */
  readonly copyTags?: boolean;
}

/**
 * Fast snapshot restore: volumes created from the snapshots are fully initialized at once
 * (billed per AZ-hour). Give the Availability Zones by name or by id, not both.
 */
export interface FastSnapshotRestore {
  /**
   * Availability Zone names (1-10) of the source region, for example `us-east-1a`.
   * @default - none; give `availabilityZoneIds` instead
   */
  readonly availabilityZones?: string[];
  /**
   * Availability Zone ids (1-10), for example `use1-az1`: the same physical zone in every
   * account, where names are mapped per account.
   * @default - none; give `availabilityZones` instead
   */
  readonly availabilityZoneIds?: string[];
  /**
   * How many of the latest snapshots, or for how long, keep fast restore enabled: a count on a
   * count-based schedule, an age on an age-based one (DLM follows the schedule's retention kind).
   * @default - SnapshotRetention.count(1), the latest snapshot, on count-based schedules; required on age-based ones
   */
  readonly retention?: SnapshotRetention;
}

/** Sharing of the snapshots with other accounts. */
export interface SnapshotShare {
  /** The 12-digit accounts that may use the snapshots. */
  readonly accounts: string[];
  /**
   * Stop sharing each snapshot after this age.
   * @default - shared for as long as the snapshot exists
   */
  readonly unshareAfter?: SnapshotRetention;
}

/** Options every schedule takes. */
export interface SnapshotScheduleOptions {
  /**
   * Name of the schedule, unique in the policy (letters, digits, spaces, `_` and `-`, at most 120).
   * DLM manages the snapshots of a schedule by its name: renaming it orphans the snapshots taken
   * so far (DLM no longer deletes them). Keep it once deployed.
   * @default - the kind of schedule, independent of its timing and position: `Interval`, `Daily`,
   * `Weekly`, `Monthly` or `Cron` (two schedules of one kind need names)
   */
  readonly name?: string;
  /**
   * How many or how long snapshots are kept in the standard tier.
   * @default - a week of snapshots for interval and daily schedules (`count(168 / hours)` / `count(7)`),
   * `count(4)` for weekly, `count(12)` for monthly and `count(7)` for cron schedules
   */
  readonly retention?: SnapshotRetention;
  /**
   * Copy the source volume's tags (for example `Name`) to its snapshots.
   * @default true
   */
  readonly copyTags?: boolean;
  /**
   * Tags added to every snapshot (at most 45; keys may not start with `aws:`).
   * @default - none
   */
  readonly tagsToAdd?: CfnTag[];
  /**
   * Tags whose value DLM fills in: `$(instance-id)` or `$(timestamp)` (at most 45; INSTANCE policies only).
   * @default - none
   */
  readonly variableTags?: CfnTag[];
  /**
   * Copies to other regions (at most 3), each with its own retention.
   * @default - no copies
   */
  readonly copies?: SnapshotCopy[];
  /**
   * Fast snapshot restore of the latest snapshots in chosen AZs.
   * @default - off
   */
  readonly fastRestore?: FastSnapshotRestore;
  /**
   * Move snapshots to the archive tier when they leave the standard tier, and keep them there
   * this long (at least 90 days). VOLUME policies with a schedule that runs at most every 28
   * days only; count retention for a count-based schedule, age for an age-based one.
   * @default - snapshots are deleted when they leave the standard tier
   */
  readonly archive?: SnapshotRetention;
  /**
   * Share the snapshots with other accounts (one share rule per schedule).
   * @default - not shared
   */
  readonly share?: SnapshotShare;
  /**
   * EBS-backed AMI policies only (`InstanceImagePolicy`): deprecate the AMIs of this schedule, the
   * oldest `count` of them on a count-based schedule, or those older than an age (at most 10
   * years) on an age-based one; never more or longer than the retention.
   * @default - not deprecated
   */
  readonly deprecateAfter?: SnapshotRetention;
}

/** Options of a schedule that runs every few hours. */
export interface IntervalScheduleOptions extends SnapshotScheduleOptions {
  /**
   * First run of the day, `hh:mm` in UTC; later runs follow every interval. DLM starts each
   * run within the hour after its time.
   * @default '00:00'
   */
  readonly startTime?: string;
}

/** Options of a daily schedule. */
export interface DailyScheduleOptions extends SnapshotScheduleOptions {
  /**
   * Hour of the run in UTC (0-23).
   * @default 3
   */
  readonly hour?: number;
  /**
   * Minute of the run (0-59).
   * @default 0
   */
  readonly minute?: number;
}

/** Day of the week of a weekly schedule. */
export enum SnapshotWeekDay {
  SUNDAY = 'SUN',
  MONDAY = 'MON',
  TUESDAY = 'TUE',
  WEDNESDAY = 'WED',
  THURSDAY = 'THU',
  FRIDAY = 'FRI',
  SATURDAY = 'SAT',
}

/** Options of a weekly schedule. */
export interface WeeklyScheduleOptions extends DailyScheduleOptions {
  /**
   * Day of the run.
   * @default SnapshotWeekDay.SUNDAY
   */
  readonly weekDay?: SnapshotWeekDay;
}

/** Options of a monthly schedule. */
export interface MonthlyScheduleOptions extends DailyScheduleOptions {
  /**
   * Day of the month (1-28, so that every month has it; use `SnapshotSchedule.cron` for `L`, the last day).
   * @default 1
   */
  readonly dayOfMonth?: number;
}

