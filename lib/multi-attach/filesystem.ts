/** Options of the GFS2 mode. */
export interface Gfs2Options {
  /**
   * Journals per file system: one per node that mounts it, so at least the node count. More
   * journals let the cluster grow without `gfs2_jadd`.
   * @default - the node count
   */
  readonly journals?: number;
  /**
   * Directory under which each volume is mounted, at `<mountRoot>/<volume name>`.
   * @default '/shared'
   */
  readonly mountRoot?: string;
}

/**
 * How the nodes use the shared volumes. Two nodes writing to ext4 or XFS on the same volume
 * corrupt it: either a cluster file system coordinates the writers, or the application does.
 */
export class ClusterFilesystem {
  /**
   * GFS2 on Ubuntu 24.04: corosync and pacemaker form the cluster, dlm coordinates the locks,
   * `fence_aws` fences a failed node through the instance profile, and pacemaker mounts each
   * volume on every node. One node creates each file system once, with one journal per node.
   */
  public static gfs2(options: Gfs2Options = {}): ClusterFilesystem {
    return new ClusterFilesystem('gfs2', options.journals, options.mountRoot ?? '/shared');
  }

  /**
   * The volumes stay raw block devices: for applications that coordinate their writes
   * themselves (a clustered database, or NVMe reservations on an OS that supports them).
   * The nodes only wait for the devices and list them in `/etc/multi-attach/volumes`.
   */
  public static rawBlock(): ClusterFilesystem {
    return new ClusterFilesystem('raw', undefined, undefined);
  }

  /** `gfs2` or `raw`. */
  public readonly kind: string;
  /** Journals per file system (GFS2 only). */
  public readonly journals?: number;
  /** Mount root (GFS2 only). */
  public readonly mountRoot?: string;

  private constructor(kind: string, journals: number | undefined, mountRoot: string | undefined) {
    this.kind = kind;
    this.journals = journals;
    this.mountRoot = mountRoot;
  }

  /** Whether this is the GFS2 mode. */
  public get isGfs2(): boolean {
    return this.kind === 'gfs2';
  }
}
