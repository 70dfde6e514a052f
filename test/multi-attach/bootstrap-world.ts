import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { renderScript } from '../../lib/multi-attach/render';

/**
 * A simulated AWS account and node for `gfs2-bootstrap.sh`: the script runs unchanged in bash,
 * with the AWS calls (`ma-aws`), the instance metadata (`curl`),
 * systemd and the quorum tools replaced by stubs on PATH that read and write files in one
 * directory. `pcs` is the real pcs 0.11 working on an offline CIB (`pcs -f`), and `blkid` and
 * `mkfs.gfs2` are the real gfs2-utils working on image files, so every cluster command the
 * script issues is checked by the real tools.
 */
export interface Instance {
  readonly id: string;
  readonly state: string;
  readonly ip?: string;
}

export interface WorldSetup {
  /** Logical id -> instance id the stack holds ('-' while it is not created). */
  readonly stack: Record<string, string>;
  readonly instances: Instance[];
  /** Volume id -> attached instance ids (state `attached`). */
  readonly attachments: Record<string, string[]>;
  /** Volume name -> volume id, in order. */
  readonly volumes: Record<string, string>;
  readonly self: string;
  readonly journals?: number;
  /** SSM parameters the nodes wrote before (markers). */
  readonly ssm?: Record<string, string>;
  /** Volume ids whose image already holds GFS2. */
  readonly formatted?: string[];
}

const CLUSTER_ID = 'cid';
export const CONFIG_PARAMETER = '/multi-attach/cid/config';
const SCRIPT = renderScript(new Stack(), 'gfs2-bootstrap.sh', {
  CLUSTER_NAME: 'c1',
  CLUSTER_ID,
  REGION: 'us-east-1',
  STACK_ID: 'arn:aws:cloudformation:us-east-1:111111111111:stack/s/1',
  CONFIG_PARAMETER,
  MAC_KEY_ARN: 'arn:aws:kms:us-east-1:111111111111:key/1',
  MOUNT_ROOT: '/shared',
});

const STUBS: Record<string, string> = {
  'ma-aws': `#!/bin/bash
op=$1; shift 2
echo "ma-aws $op $*" >> "$W/calls"
case "$op" in
  stack-instances) shift; for l in "$@"; do echo "$l $(cat "$W/stack/$l" 2>/dev/null || echo -)"; done
    # A replacement the stack completes after the first look.
    if [ -d "$W/stack-later" ]; then cp "$W"/stack-later/* "$W/stack/"; rm -r "$W/stack-later"; fi ;;
  attachments) for v in "$@"; do [ -f "$W/attach/$v" ] && while read -r i; do [ -n "$i" ] && echo "$v $i attached"; done < "$W/attach/$v"; done; true ;;
  instances) for i in "$@"; do [ -d "$W/inst/$i" ] && echo "$i $(cat "$W/inst/$i/state") $(cat "$W/inst/$i/ip")"; done; true ;;
  force-detach) grep -vx "$2" "$W/attach/$1" > "$W/attach/$1.new"; mv "$W/attach/$1.new" "$W/attach/$1" ;;
  get) f="$W/ssm$1"; [ -f "$f" ] && cat "$f"; true ;;
  put) mkdir -p "$(dirname "$W/ssm$1")"; printf '%s' "$2" > "$W/ssm$1" ;;
  signal) n=$(cat "$W/signal-refusals" 2>/dev/null || echo 0)
    if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$W/signal-refusals"; exit 1; fi
    echo "SIGNAL $*" >> "$W/calls" ;;
  authkey) head -c 256 /dev/zero | tr '\\0' 'k' ;;
esac
`,
  curl: `#!/bin/bash
case "$*" in
  *api/token*) echo token ;;
  *meta-data/instance-id*) cat "$W/self" ;;
esac
`,
  // The real pcs on the offline CIB for every change when REAL_PCS is set (1-4 s a call); the
  // script's 'config' queries are answered from what was created, in both modes.
  pcs: `#!/bin/bash
echo "pcs $*" >> "$W/calls"
if [ "$1 $2" = "cluster destroy" ]; then exit 0; fi
case "$1 $2" in
  "stonith config") grep -q "^pcs stonith create $3 " "$W/calls" ;;
  "resource config") grep -q "^pcs resource create \${3%-clone} \\|^pcs resource create [^ ]* --group \${3%-clone} " "$W/calls" ;;
  *) if [ -n "$REAL_PCS" ]; then exec /usr/sbin/pcs -f "$W/cib.xml" "$@"; fi ;;
esac
`,
  systemctl: `#!/bin/bash
echo "systemctl $*" >> "$W/calls"
case "$*" in
  *is-active*corosync*) [ -e "$W/corosync-active" ] ;;
  *start*corosync*|*--now*corosync*) touch "$W/corosync-active" ;;
esac
`,
  modprobe: '#!/bin/bash\n[ ! -e "$W/no-modules" ]\n',
  'corosync-quorumtool': '#!/bin/bash\necho "Quorate:          Yes"\n',
  'crm_node': '#!/bin/bash\ncat "$W/partition"\n',
  // A Filesystem resource created for the directory stands for its mount on this node.
  findmnt: '#!/bin/bash\ngrep -q "^pcs resource create .* directory=${@: -1} " "$W/calls"\n',
  sleep: '#!/bin/bash\ntrue\n',
  // A fresh Ubuntu image: pcs appears once apt-get installs it; `no-meta` removes the flavour's meta-package.
  'apt-get': `#!/bin/bash
echo "apt-get $*" >> "$W/calls"
case "$*" in
  *linux-modules-extra-aws*) [ ! -e "$W/no-meta" ] || exit 100 ;;
  *" pcs "*) [ -f "$W/bin-later/pcs" ] && mv "$W/bin-later/pcs" "$W/bin/pcs" ;;
esac
true
`,
  'apt-mark': '#!/bin/bash\necho "apt-mark $*" >> "$W/calls"\n',
  uname: '#!/bin/bash\necho 6.8.0-1015-aws\n',
};

export class World {
  public readonly dir: string;

  constructor(setup: WorldSetup) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfs2-world-'));
    const w = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(this.dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(this.dir, rel), text);
    };
    for (const [name, text] of Object.entries(STUBS)) {
      w(`bin/${name}`, text);
      fs.chmodSync(path.join(this.dir, 'bin', name), 0o755);
    }
    // The real tools the script may call, and nothing else of /usr/sbin (no real pcs, systemctl...).
    fs.mkdirSync(path.join(this.dir, 'tools'));
    for (const tool of ['mkfs.gfs2', 'blkid']) fs.symlinkSync(`/usr/sbin/${tool}`, path.join(this.dir, 'tools', tool));
    for (const [logical, id] of Object.entries(setup.stack)) w(`stack/${logical}`, id);
    for (const i of setup.instances) {
      w(`inst/${i.id}/state`, i.state);
      w(`inst/${i.id}/ip`, i.ip ?? '-');
    }
    for (const [vol, ids] of Object.entries(setup.attachments)) w(`attach/${vol}`, ids.map((i) => `${i}\n`).join(''));
    const config = [Object.keys(setup.stack).join(' '),
      Object.entries(setup.volumes).map(([n, v]) => `${n}=${v}`).join(' '), String(setup.journals ?? Object.keys(setup.stack).length), 'Formed'].join('\n');
    w(`ssm${CONFIG_PARAMETER}`, config);
    for (const [name, value] of Object.entries(setup.ssm ?? {})) w(`ssm${name}`, value);
    w('self', setup.self);
    w('partition', setup.instances.filter((i) => Object.values(setup.stack).includes(i.id)).map((i) => i.id).join(' '));
    fs.mkdirSync(path.join(this.dir, 'dev'));
    for (const vol of Object.values(setup.volumes)) {
      const image = this.device(vol);
      fs.writeFileSync(image, '');
      fs.truncateSync(image, 256 * 1024 * 1024);
      if (setup.formatted?.includes(vol)) {
        execFileSync('mkfs.gfs2', ['-O', '-p', 'lock_dlm', '-t', 'c1:old', '-j', '2', image], { stdio: 'ignore' });
      }
    }
    fs.mkdirSync(path.join(this.dir, 'corosync'));
    fs.writeFileSync(path.join(this.dir, 'cib.xml'), execFileSync('cibadmin', ['--empty']));
  }

  /** Makes this node a fresh image: no cluster packages until the bootstrap installs them. */
  public fresh(): this {
    fs.mkdirSync(path.join(this.dir, 'bin-later'), { recursive: true });
    fs.renameSync(path.join(this.dir, 'bin', 'pcs'), path.join(this.dir, 'bin-later', 'pcs'));
    return this;
  }

  /** The image file standing for a volume's stable device path. */
  public device(vol: string): string {
    return path.join(this.dir, 'dev', `nvme-Amazon_Elastic_Block_Store_vol${vol.replace(/^vol-/, '')}`);
  }

  /** Runs the bootstrap as it runs on the node; returns its exit status and log. */
  public run(args: string[] = [], env: Record<string, string> = {}, realPcs = false): { status: number | null; log: string } {
    const script = path.join(this.dir, 'bootstrap.sh');
    fs.writeFileSync(script, `#!/bin/bash\n${SCRIPT}`);
    const result = spawnSync('bash', [script, ...args], {
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        PATH: `${path.join(this.dir, 'bin')}:${path.join(this.dir, 'tools')}:/usr/bin:/bin`,
        W: this.dir,
        LOG: path.join(this.dir, 'bootstrap.log'),
        COROSYNC_DIR: path.join(this.dir, 'corosync'),
        STATE_DIR: path.join(this.dir, 'state'),
        DEV_DIR: path.join(this.dir, 'dev'),
        BOOTSTRAP_COPY: path.join(this.dir, 'copy', 'bootstrap.sh'),
        TIMEOUT: '20',
        POLL: '0',
        ...(realPcs ? { REAL_PCS: '1' } : {}),
        ...env,
      },
    });
    return { status: result.status, log: result.stdout + result.stderr };
  }

  public read(rel: string): string {
    const file = path.join(this.dir, rel);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  public write(rel: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(this.dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(this.dir, rel), text);
  }

  public get calls(): string {
    return this.read('calls');
  }

  /** The live CIB as pcs shows it. */
  public pcs(...args: string[]): string {
    return execFileSync('pcs', ['-f', path.join(this.dir, 'cib.xml'), ...args], { encoding: 'utf8' });
  }

  /** blkid's view of a volume's image (real gfs2-utils / util-linux). */
  public blkid(vol: string): string {
    const r = spawnSync('blkid', ['-p', '-o', 'export', this.device(vol)], { encoding: 'utf8' });
    return r.stdout;
  }

  /** `corosync -t` on the written configuration; returns its exit status and output. */
  public corosyncCheck(): { status: number | null; output: string } {
    const r = spawnSync('corosync', ['-c', path.join(this.dir, 'corosync', 'corosync.conf'), '-t'], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  }

  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
