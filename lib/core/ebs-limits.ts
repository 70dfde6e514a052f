import { IConstruct } from 'constructs';
import { checkRange, invalid, isKnown } from './validation';

/** Provisioned IOPS limits of one EBS volume type. */
export interface EbsIopsLimits {
  readonly min: number;
  readonly max: number;
  /** Most IOPS per GiB of volume size. */
  readonly perGiB: number;
  /** IOPS must be given (io1, io2). */
  readonly required: boolean;
  /**
   * IOPS every volume of the type gets whatever its size (gp3: 3,000); the per-GiB ratio only
   * limits IOPS above it.
   */
  readonly baseline?: number;
}

/** Size, IOPS and throughput limits of one EBS volume type. */
export interface EbsTypeLimits {
  readonly minSizeGiB: number;
  readonly maxSizeGiB: number;
  readonly iops?: EbsIopsLimits;
  /** Throughput limits in MiB/s (gp3 only). */
  readonly throughput?: { readonly min: number; readonly max: number; readonly perIops: number };
}

/**
 * The limits of every EBS volume type, the one source for every volume the library creates.
 *
 * Sources: Amazon EBS User Guide, "Amazon EBS volume types"
 * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html) and its General Purpose
 * SSD and Provisioned IOPS SSD pages: gp3 1-65,536 GiB, 3,000 IOPS baseline at any size, up to
 * 80,000 IOPS at 500 IOPS per GiB, 125-2,000 MiB/s at most 0.25 MiB/s per IOPS; io2 Block Express
 * 4-65,536 GiB, 100-256,000 IOPS, 1,000 IOPS per GiB; io1 4-16,384 GiB, 100-64,000 IOPS, 50 per GiB;
 * gp2 1-16,384 GiB; st1 and sc1 125-16,384 GiB; standard 1-1,024 GiB. The same numbers are in the EC2
 * API model (`EbsBlockDevice`, `CreateVolume`, @aws-sdk/client-ec2 3.1169).
 * aws-cdk-lib 2.276's `ec2.Volume` still caps io2 at 500 IOPS per GiB, so no volume of the library
 * relies on its check.
 */
export const EBS_LIMITS: { readonly [volumeType: string]: EbsTypeLimits } = {
  gp3: {
    minSizeGiB: 1, maxSizeGiB: 65_536,
    iops: { min: 3_000, max: 80_000, perGiB: 500, required: false, baseline: 3_000 },
    throughput: { min: 125, max: 2_000, perIops: 0.25 },
  },
  gp2: { minSizeGiB: 1, maxSizeGiB: 16_384 },
  io1: { minSizeGiB: 4, maxSizeGiB: 16_384, iops: { min: 100, max: 64_000, perGiB: 50, required: true } },
  io2: { minSizeGiB: 4, maxSizeGiB: 65_536, iops: { min: 100, max: 256_000, perGiB: 1_000, required: true } },
  st1: { minSizeGiB: 125, maxSizeGiB: 16_384 },
  sc1: { minSizeGiB: 125, maxSizeGiB: 16_384 },
  standard: { minSizeGiB: 1, maxSizeGiB: 1_024 },
};

/** One EBS volume as the patterns describe it; every number may be a Token. */
export interface EbsVolumeSpec {
  readonly volumeType: string;
  /** Size in GiB; undefined when it comes from a snapshot. */
  readonly sizeGiB?: number;
  readonly iops?: number;
  readonly throughputMiBps?: number;
  /** The property name under which the throughput was given. @default 'throughputMiBps' */
  readonly throughputProperty?: string;
}

/** Options of {@link checkEbsVolume}. */
export interface EbsVolumeCheckOptions {
  /** Volume types this use accepts, with the reason shown when another is given. */
  readonly allowedTypes?: readonly string[];
  readonly allowedTypesReason?: string;
  /** IOPS may be left out even for io1/io2 (the snapshot or the service fills them in). @default false */
  readonly iopsOptional?: boolean;
}

const grouped = (n: number) => n.toLocaleString('en-US');

/**
 * Checks an EBS volume against {@link EBS_LIMITS}: type, size, IOPS (range and per-GiB ratio above
 * the baseline) and throughput (gp3 only, range and per-IOPS ratio). `prefix` is the property path
 * of the volume (`dataVolumes[0]`), or '' for a construct whose props are the volume. Tokens pass.
 */
export function checkEbsVolume(scope: IConstruct, prefix: string, spec: EbsVolumeSpec, options: EbsVolumeCheckOptions = {}): EbsTypeLimits {
  const p = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const type = spec.volumeType;
  const limits = EBS_LIMITS[type];
  if (isKnown(type) && (!limits || (options.allowedTypes && !options.allowedTypes.includes(type)))) {
    const allowed = options.allowedTypes ?? Object.keys(EBS_LIMITS);
    invalid(scope, p('volumeType'), type, `one of ${allowed.join(', ')}`, options.allowedTypesReason);
  }
  if (!limits) return { minSizeGiB: 1, maxSizeGiB: 65_536 };

  checkRange(scope, {
    property: p('size'), value: spec.sizeGiB, min: limits.minSizeGiB, max: limits.maxSizeGiB, unit: `GiB for ${type}`,
    fix: `${type} volumes are ${grouped(limits.minSizeGiB)}-${grouped(limits.maxSizeGiB)} GiB.`,
  });

  const iops = limits.iops;
  if (!iops) {
    if (spec.iops !== undefined) invalid(scope, p('iops'), spec.iops, 'left out', `${type} volumes take no provisioned IOPS; use gp3, io1 or io2.`);
  } else {
    if (iops.required && spec.iops === undefined && !options.iopsOptional) {
      invalid(scope, p('iops'), undefined, `given for ${type} (${grouped(iops.min)}-${grouped(iops.max)})`, 'Provisioned IOPS volumes need their IOPS.');
    }
    checkRange(scope, {
      property: p('iops'), value: spec.iops, min: iops.min, max: iops.max, unit: `IOPS for ${type}`,
      fix: `${type} volumes take ${grouped(iops.min)}-${grouped(iops.max)} IOPS.`,
    });
    const size = spec.sizeGiB;
    if (spec.iops !== undefined && isKnown(spec.iops) && size !== undefined && isKnown(size)
      && spec.iops > Math.max(iops.baseline ?? 0, size * iops.perGiB)) {
      invalid(scope, p('iops'), spec.iops, `at most ${iops.perGiB} IOPS per GiB for ${type} (${size * iops.perGiB} for ${size} GiB)`,
        `Make the volume at least ${Math.ceil(spec.iops / iops.perGiB)} GiB or provision fewer IOPS.`);
    }
  }

  const throughputProperty = p(spec.throughputProperty ?? 'throughputMiBps');
  if (spec.throughputMiBps !== undefined) {
    const t = limits.throughput;
    if (!t) {
      invalid(scope, throughputProperty, isKnown(spec.throughputMiBps) ? spec.throughputMiBps : '<token>', `left out for ${type} volumes`,
        'Only gp3 volumes take a throughput.');
    }
    checkRange(scope, { property: throughputProperty, value: spec.throughputMiBps, min: t.min, max: t.max, unit: 'MiB/s' });
    const withIops = spec.iops ?? iops?.baseline ?? 0;
    if (isKnown(spec.throughputMiBps) && isKnown(withIops) && spec.throughputMiBps > withIops * t.perIops) {
      invalid(scope, throughputProperty, spec.throughputMiBps, `at most ${t.perIops} MiB/s per IOPS (${withIops * t.perIops} for ${withIops} IOPS)`,
        'Provision more IOPS or less throughput.');
    }
  }
  return limits;
}
