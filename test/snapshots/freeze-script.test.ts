/**
 * The freeze script run for real, against stub `fsfreeze`, `systemd-run`, `systemctl` and
 * `mountpoint` binaries on PATH that keep the frozen filesystems and the pending safety thaw in a
 * temporary directory. The contract it follows is AWS's: EBS User Guide, "Automating
 * application-consistent snapshots with pre and post scripts" (sample documents: exit 201 pre-script
 * failed, 202 post-script failed, 203 auto thaw occurred before the post-script, 204 pre-script while
 * a post-script was expected, 205 post-script while a pre-script was expected), and DLM API
 * reference "Script" (DLM calls the document with pre-script, post-script or dry-run).
 * `fsfreeze -f` on a frozen filesystem fails with "Device or resource busy" (util-linux fsfreeze(8),
 * quoted by the same AWS sample as FS_ALREADY_FROZEN_ERROR).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'snapshots', 'scripts', 'freeze-filesystems.sh');
const RUN_ID = '0123abcd-0123-4567-89ab-0123456789ab';

const STUBS: Record<string, string> = {
  fsfreeze: `#!/bin/bash
echo "fsfreeze $*" >> "$STUB/calls"
f="$STUB/frozen/$(echo "$2" | tr / _)"
if [ "$1" = -f ]; then
  [[ " $FAIL_FREEZE " == *" $2 "* ]] && { echo "fsfreeze: $2: freeze failed: Operation not supported" >&2; exit 1; }
  [ -e "$f" ] && { echo "fsfreeze: $2: freeze failed: Device or resource busy" >&2; exit 1; }
  touch "$f"
else
  [ -e "$f" ] || { echo "fsfreeze: $2: unfreeze failed: Invalid argument" >&2; exit 1; }
  rm "$f"
fi`,
  'systemd-run': `#!/bin/bash
echo "systemd-run $*" >> "$STUB/calls"
unit=""
while [[ "$1" == --* ]]; do case "$1" in --unit=*) unit="\${1#--unit=}";; esac; shift; done
printf '%q ' "$@" > "$STUB/units/$unit"`,
  systemctl: `#!/bin/bash
echo "systemctl $*" >> "$STUB/calls"
unit="\${2%.timer}"
[ -e "$STUB/units/$unit" ] || exit 5
rm "$STUB/units/$unit"`,
  mountpoint: `#!/bin/bash
[[ " $STUB_MOUNTS " == *" $2 "* ]]`,
  sync: '#!/bin/bash\necho sync >> "$STUB/calls"',
};

interface World {
  readonly stub: string;
  /** Runs the script as DLM would. */
  run(command: string, env?: Record<string, string>): { status: number; out: string };
  /** The filesystems frozen right now. */
  frozen(): string[];
  /** Safety-thaw units still pending. */
  pending(): string[];
  /** Lets the pending safety thaw fire, as systemd would after MAX_FREEZE_SECONDS. */
  fireSafetyThaw(): void;
  /** Freezes a filesystem behind the script's back (another tool, an admin). */
  freezeByOther(mp: string): void;
  calls(): string[];
}

function world(mounts = '/data /srv/db'): World {
  const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'dlm-freeze-'));
  for (const dir of ['bin', 'frozen', 'units', 'state']) fs.mkdirSync(path.join(stub, dir));
  for (const [name, body] of Object.entries(STUBS)) fs.writeFileSync(path.join(stub, 'bin', name), body, { mode: 0o755 });
  fs.writeFileSync(path.join(stub, 'calls'), '');
  const env = {
    PATH: `${path.join(stub, 'bin')}:${process.env.PATH}`, STUB: stub, STUB_MOUNTS: mounts,
    FREEZE_MOUNT_POINTS: mounts, MAX_FREEZE_SECONDS: '60', DLM_FREEZE_STATE_DIR: path.join(stub, 'state'),
  };
  return {
    stub,
    run: (command, extra = {}) => {
      const r = spawnSync('bash', [SCRIPT, command, RUN_ID], { env: { ...env, ...extra }, encoding: 'utf8' });
      return { status: r.status!, out: r.stdout + r.stderr };
    },
    frozen: () => fs.readdirSync(path.join(stub, 'frozen')).map((f) => f.replace(/_/g, '/')).sort(),
    pending: () => fs.readdirSync(path.join(stub, 'units')),
    fireSafetyThaw: () => {
      for (const unit of fs.readdirSync(path.join(stub, 'units'))) {
        const file = path.join(stub, 'units', unit);
        const command = fs.readFileSync(file, 'utf8');
        fs.rmSync(file);
        const r = spawnSync('bash', ['-c', command], { env, encoding: 'utf8' });
        expect(r.status).toBe(0);
      }
    },
    freezeByOther: (mp) => fs.writeFileSync(path.join(stub, 'frozen', mp.replace(/\//g, '_')), ''),
    calls: () => fs.readFileSync(path.join(stub, 'calls'), 'utf8').trim().split('\n').filter((l) => l),
  };
}

describe('a normal run', () => {
  test('pre-script arms the safety thaw before it freezes, post-script cancels it and thaws', () => {
    // GIVEN
    const w = world();
    // WHEN the pre-script runs
    const pre = w.run('pre-script');
    // THEN both filesystems are frozen, with one safety thaw pending, armed before the first freeze
    expect(pre).toEqual({ status: 0, out: expect.stringContaining('froze /srv/db (safety thaw in 60s)') });
    expect(w.frozen()).toEqual(['/data', '/srv/db']);
    expect(w.pending()).toEqual([`dlm-thaw-${RUN_ID}`]);
    const calls = w.calls();
    expect(calls.findIndex((c) => c.startsWith('systemd-run'))).toBeLessThan(calls.indexOf('fsfreeze -f /data'));
    expect(calls.find((c) => c.startsWith('systemd-run'))).toContain('--on-active=60s');
    // WHEN the post-script runs
    const post = w.run('post-script');
    // THEN everything is thawed and the safety thaw is cancelled
    expect(post).toEqual({ status: 0, out: expect.stringContaining('thawed /srv/db') });
    expect(w.frozen()).toEqual([]);
    expect(w.pending()).toEqual([]);
    expect(w.calls()).toContain(`systemctl stop dlm-thaw-${RUN_ID}.timer`);
  });

  test('dry-run checks the mount points and freezes nothing', () => {
    // GIVEN
    const w = world();
    // WHEN
    const r = w.run('dry-run');
    // THEN
    expect(r).toEqual({ status: 0, out: expect.stringContaining('dry run: would freeze /data /srv/db') });
    expect(w.calls()).toEqual([]);
  });
});

describe('the contract codes', () => {
  test('203: the safety thaw fired before the post-script, so the snapshot is reported inconsistent', () => {
    // GIVEN a pre-script whose post-script comes too late
    const w = world();
    expect(w.run('pre-script').status).toBe(0);
    // WHEN the timer fires, then the post-script runs
    w.fireSafetyThaw();
    expect(w.frozen()).toEqual([]);
    const post = w.run('post-script');
    // THEN the post-script fails with 203, and the next run starts clean
    expect(post).toEqual({ status: 203, out: expect.stringContaining('not application-consistent') });
    expect(w.run('pre-script').status).toBe(0);
  });

  test('204: a pre-script while a freeze awaits its post-script freezes nothing more and thaws nothing', () => {
    // GIVEN a run that froze and is waiting for its post-script
    const w = world();
    expect(w.run('pre-script').status).toBe(0);
    const callsBefore = w.calls().length;
    // WHEN a second pre-script comes
    const again = w.run('pre-script');
    // THEN it fails with 204 and leaves the first run's freeze and safety thaw alone
    expect(again).toEqual({ status: 204, out: expect.stringContaining('awaits its post-script') });
    expect(w.calls().slice(callsBefore)).toEqual([]);
    expect(w.frozen()).toEqual(['/data', '/srv/db']);
    expect(w.pending()).toHaveLength(1);
  });

  test('204: a filesystem frozen by another process is left frozen, and the partial freeze is rolled back', () => {
    // GIVEN /srv/db frozen by someone else
    const w = world();
    w.freezeByOther('/srv/db');
    // WHEN
    const pre = w.run('pre-script');
    // THEN the script stops with 204, thaws only its own /data, cancels its safety thaw, keeps /srv/db frozen
    expect(pre).toEqual({ status: 204, out: expect.stringContaining('/srv/db is already frozen by another process') });
    expect(w.frozen()).toEqual(['/srv/db']);
    expect(w.pending()).toEqual([]);
    expect(w.calls()).not.toContain('fsfreeze -u /srv/db');
  });

  test('201: a failed freeze rolls back the filesystems already frozen', () => {
    // GIVEN a filesystem that cannot be frozen
    const w = world();
    // WHEN
    const pre = w.run('pre-script', { FAIL_FREEZE: '/srv/db' });
    // THEN nothing stays frozen and no safety thaw is left behind
    expect(pre).toEqual({ status: 201, out: expect.stringContaining('could not freeze /srv/db') });
    expect(w.frozen()).toEqual([]);
    expect(w.pending()).toEqual([]);
    expect(w.calls()).toContain('fsfreeze -u /data');
  });

  test('201: a safety thaw that cannot be scheduled means no freeze', () => {
    // GIVEN a systemd-run that fails (no systemd as init, no D-Bus)
    const w = world();
    fs.writeFileSync(path.join(w.stub, 'bin', 'systemd-run'), '#!/bin/bash\necho "Failed to connect to bus" >&2; exit 1', { mode: 0o755 });
    // WHEN
    const pre = w.run('pre-script');
    // THEN nothing is frozen and no state is left that would block the next run
    expect(pre).toEqual({ status: 201, out: expect.stringContaining('could not schedule the safety thaw') });
    expect(w.frozen()).toEqual([]);
    expect(fs.readdirSync(path.join(w.stub, 'state'))).toEqual([]);
  });

  test('205: a post-script without a pre-script freeze thaws nothing, not even a freeze of another process', () => {
    // GIVEN a filesystem frozen by someone else, and no pre-script
    const w = world();
    w.freezeByOther('/data');
    // WHEN
    const post = w.run('post-script');
    // THEN
    expect(post).toEqual({ status: 205, out: expect.stringContaining('no freeze of a pre-script') });
    expect(w.frozen()).toEqual(['/data']);
    expect(w.calls()).toEqual([]);
  });

  test('202: a thaw that fails makes the post-script fail', () => {
    // GIVEN a run whose /data was thawed behind its back
    const w = world();
    expect(w.run('pre-script').status).toBe(0);
    fs.rmSync(path.join(w.stub, 'frozen', '_data'));
    // WHEN
    const post = w.run('post-script');
    // THEN /srv/db is still thawed, and the failure is reported
    expect(post).toEqual({ status: 202, out: expect.stringContaining('could not thaw /data') });
    expect(w.frozen()).toEqual([]);
  });

  test("a late safety thaw of an earlier run does not thaw a later run's freeze", () => {
    // GIVEN run 1 froze, its post-script thawed, and run 2 froze again
    const w = world();
    expect(w.run('pre-script').status).toBe(0);
    const unit = path.join(w.stub, 'units', w.pending()[0]);
    const firstThaw = fs.readFileSync(unit, 'utf8');
    expect(w.run('post-script').status).toBe(0);
    expect(spawnSync('bash', [SCRIPT, 'pre-script', 'fedcba98-0123-4567-89ab-0123456789ab'], {
      env: { PATH: `${path.join(w.stub, 'bin')}:${process.env.PATH}`, STUB: w.stub, STUB_MOUNTS: '/data /srv/db',
        FREEZE_MOUNT_POINTS: '/data /srv/db', DLM_FREEZE_STATE_DIR: path.join(w.stub, 'state') },
    }).status).toBe(0);
    // WHEN run 1's safety thaw fires anyway (a timer that escaped cancellation)
    spawnSync('bash', ['-c', firstThaw], { env: { PATH: `${path.join(w.stub, 'bin')}:${process.env.PATH}`, STUB: w.stub } });
    // THEN run 2's freeze stands
    expect(w.frozen()).toEqual(['/data', '/srv/db']);
  });
});

describe('mount points the script refuses', () => {
  test.each([['/'], ['/.'], ['//'], ['/data/..'], ['/var'], ['/var/lib'], ['/var/log/amazon'], ['/run']])(
    '%s (resolves to a filesystem the SSM agent or the script writes to)', (mp) => {
      // GIVEN a mount point list with a dangerous entry
      const w = world(`/data ${mp}`);
      // WHEN / THEN nothing is frozen
      expect(w.run('pre-script')).toEqual({ status: 201, out: expect.stringContaining('refusing to freeze') });
      expect(w.frozen()).toEqual([]);
    });

  test('empty lists, unmounted paths and unknown commands fail before any freeze', () => {
    const w = world();
    expect(w.run('pre-script', { FREEZE_MOUNT_POINTS: '' })).toEqual({ status: 201, out: expect.stringContaining('FREEZE_MOUNT_POINTS is empty') });
    expect(w.run('pre-script', { FREEZE_MOUNT_POINTS: '/mnt/none' })).toEqual({ status: 201, out: expect.stringContaining('is not a mount point') });
    expect(w.run('snapshot')).toEqual({ status: 1, out: expect.stringContaining("unknown command 'snapshot'") });
    expect(w.calls()).toEqual([]);
  });
});
