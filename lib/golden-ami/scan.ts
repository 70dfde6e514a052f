import * as imagebuilder from 'aws-cdk-lib/aws-imagebuilder';
import { IConstruct } from 'constructs';
import { checkOneOf } from '../core/validation';

/**
 * The highest Amazon Inspector severity an image may have and still pass. A CRITICAL finding
 * always fails the image, so CRITICAL is not a threshold Image Builder accepts.
 */
export class ScanSeverity {
  /** Any finding above INFORMATIONAL fails the image. */
  public static readonly INFORMATIONAL = new ScanSeverity('INFORMATIONAL');
  /** MEDIUM, HIGH and CRITICAL findings fail the image. */
  public static readonly LOW = new ScanSeverity('LOW');
  /** HIGH and CRITICAL findings fail the image. */
  public static readonly MEDIUM = new ScanSeverity('MEDIUM');
  /** Only CRITICAL findings fail the image. */
  public static readonly HIGH = new ScanSeverity('HIGH');

  /** A severity label by name, for values read from configuration. */
  public static of(label: string): ScanSeverity {
    return new ScanSeverity(label);
  }

  private constructor(/** Inspector severity label. */ public readonly label: string) {}
}

/** Options of a vulnerability gate. */
export interface VulnerabilityGateOptions {
  /**
   * Count only findings that have a fix available: a finding nobody can fix yet does not block
   * the image, one that a package update fixes does.
   * @default true
   */
  readonly fixAvailableOnly?: boolean;
}

/**
 * The CVE scan of the new image. Scans are on-demand Amazon Inspector scans of the output AMI
 * (`ON_DEMAND_AMI_CVE`), which need no Inspector activation in the account.
 */
export class VulnerabilityScan {
  /** Scan the image and fail it when a counted finding is above the given severity. */
  public static failAbove(severity: ScanSeverity, options: VulnerabilityGateOptions = {}): VulnerabilityScan {
    return new VulnerabilityScan(true, severity, options.fixAvailableOnly ?? true);
  }

  /** Scan and record findings, never fail the image. */
  public static reportOnly(): VulnerabilityScan {
    return new VulnerabilityScan(true, undefined, undefined);
  }

  /** No scan. */
  public static disabled(): VulnerabilityScan {
    return new VulnerabilityScan(false, undefined, undefined);
  }

  private constructor(
    /** Whether the image is scanned. */
    public readonly enabled: boolean,
    /** The severity threshold, if the scan gates the image. */
    public readonly maximumSeverity: ScanSeverity | undefined,
    private readonly fixAvailableOnly: boolean | undefined,
  ) {}

  /** Validates the configuration. @internal */
  public _validate(scope: IConstruct): void {
    if (!this.enabled) return;
    checkOneOf(scope, 'vulnerabilityScan severity', this.maximumSeverity?.label, ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'],
      'CRITICAL findings always fail the image, so the highest threshold is HIGH (only CRITICAL fails).');
  }

  /** Renders a validated configuration. @internal */
  public _render(): imagebuilder.CfnImagePipeline.ImageScanningConfigurationProperty {
    if (!this.enabled) return { imageScanningEnabled: false };
    return {
      imageScanningEnabled: true,
      imageScanningTypes: ['ON_DEMAND_AMI_CVE'],
      scanResultCondition: this.maximumSeverity
        ? { maximumSeverityLabel: this.maximumSeverity.label, fixAvailable: this.fixAvailableOnly }
        : undefined,
    };
  }
}
