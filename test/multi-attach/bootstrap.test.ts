import * as fs from 'fs';
import { World, WorldSetup } from './bootstrap-world';

/*
 * gfs2-bootstrap.sh run end to end against a simulated account (see bootstrap-world.ts), with the
 * real pcs (offline CIB), corosync -t, blkid and mkfs.gfs2. AWS behaviour the script relies on:
 * - DescribeVolumes lists every attachment of a Multi-Attach volume with its instance id
 *   (Amazon EC2 API Reference, "DescribeVolumes" / "VolumeAttachment").
 * - A stopped instance keeps its EBS attachments, and DetachVolume with Force=true detaches a
 *   volume from an instance (Amazon EC2 API Reference, "DetachVolume": "Force ... Forces
 *   detachment if the previous detachment attempt did not occur cleanly").
 * - DescribeStackResources returns the physical id of each logical resource of the stack
 *   (AWS CloudFormation API Reference, "DescribeStackResources").
 * - A wait condition with a CreationPolicy counts SignalResource calls, one UniqueId each, and
 *   fails on a FAILURE signal (AWS CloudFormation Template Reference, "AWS::CloudFormation::WaitCondition"
 *   and "CreationPolicy attribute"; API Reference "SignalResource").
 */
const VOL = 'vol-0aaa';
const NODES = { Node1: 'i-01', Node2: 'i-02' };
// This node's address is local, as corosync -t requires of one ring address.
const RUNNING = [{ id: 'i-01', state: 'running', ip: '127.0.0.1' }, { id: 'i-02', state: 'running', ip: '10.0.0.2' }];

function world(overrides: Partial<WorldSetup> = {}): World {
  return new World({
    stack: NODES,
    instances: RUNNING,
    attachments: { [VOL]: ['i-01', 'i-02'] },
    volumes: { data: VOL },
    self: 'i-01',
    ...overrides,
  });
}

const worlds: World[] = [];
function track(w: World): World {
  worlds.push(w);
  return w;
}
afterAll(() => worlds.forEach((w) => w.dispose()));

describe('first formation', () => {
  test('the leader formats a blank volume once, configures pacemaker with the real pcs and signals success', () => {
    // GIVEN two running nodes attached to a blank volume; this node has the lowest id
    const w = track(world());
    // WHEN it runs with the real pcs
    const { status, log } = w.run([], {}, true);
    // THEN the file system is GFS2 with the cluster's lock table
    expect(status).toBe(0);
    expect(w.blkid(VOL)).toContain('TYPE=gfs2');
    expect(w.blkid(VOL)).toContain('LABEL=c1:data');
    // the default one-node CIB is wiped before the real cluster is written
    expect(w.calls.indexOf('pcs cluster destroy --force')).toBeLessThan(w.calls.indexOf('systemctl enable --now corosync'));
    // fencing, dlm and the mount exist in the CIB, as the real pcs wrote them
    const config = w.pcs('config');
    expect(config).toMatch(/fence-aws \(class=stonith type=fence_aws\)/);
    expect(config).toMatch(/pcmk_host_list="?i-01 i-02"?\n/);
    expect(config).toContain('pcmk_delay_max=15');
    expect(config).toMatch(/Clone: locking-clone/);
    expect(config).toMatch(/Clone: fs-data-clone/);
    expect(config).toContain(`device=${w.device(VOL)}`);
    // corosync accepts the configuration
    const check = w.corosyncCheck();
    expect(check.output).not.toMatch(/error/i);
    expect(check.status).toBe(0);
    expect(w.read('corosync/corosync.conf')).toContain('two_node: 1');
    // the marker remembers which volume holds the file system, and the deploy hears of it
    expect(w.read('ssm/multi-attach/cid/fs/data')).toBe(VOL);
    expect(w.read('ssm/multi-attach/cid/members')).toBe('i-01 i-02 ');
    expect(w.calls).toContain('SIGNAL arn:aws:cloudformation:us-east-1:111111111111:stack/s/1 Formed i-01 SUCCESS');
    expect(log).toContain('every file system is mounted');
  });

  test('a signal the wait condition refuses (not yet in creation) is retried', () => {
    // GIVEN CloudFormation has not started creating the wait condition for the first two tries
    const w = track(world());
    w.write('signal-refusals', '2');
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(status).toBe(0);
    expect(log).toContain('signal not accepted yet (try 2)');
    expect(w.calls).toContain('SIGNAL arn:aws:cloudformation:us-east-1:111111111111:stack/s/1 Formed i-01 SUCCESS');
  });

  test('an existing file system is never re-formatted', () => {
    // GIVEN the volume already holds GFS2 (for example restored from a snapshot)
    const w = track(world({ formatted: [VOL] }));
    const before = w.blkid(VOL);
    // WHEN
    const { status, log } = w.run();
    // THEN its UUID and lock table are unchanged and mkfs never ran
    expect(status).toBe(0);
    expect(w.blkid(VOL)).toBe(before);
    expect(log).toContain('already has a file system or signature: not formatting');
    expect(log).not.toContain('creating GFS2');
  });

  test('a blank volume is never formatted when the cluster had a file system on another volume', () => {
    // GIVEN the marker says 'data' lived on vol-0old, and the new volume is blank (volume replaced with the nodes)
    const w = track(world({ ssm: { '/multi-attach/cid/fs/data': 'vol-0old' } }));
    // WHEN
    const { status, log } = w.run();
    // THEN nothing is formatted, the deploy fails, and the message names the way out
    expect(status).toBe(1);
    expect(w.blkid(VOL)).toBe('');
    expect(log).toContain(`refusing to format blank ${VOL} (data): this cluster had a file system for 'data' on vol-0old`);
    expect(log).toContain(`sudo FORMAT_VOLUMES=${VOL} /opt/multi-attach/bootstrap.sh`);
    expect(w.calls).toContain('Formed i-01 FAILURE');
  });

  test('an explicit FORMAT_VOLUMES naming the new volume formats it', () => {
    // GIVEN the same world, and the operator names the volume
    const w = track(world({ ssm: { '/multi-attach/cid/fs/data': 'vol-0old' } }));
    // WHEN
    const { status } = w.run([], { FORMAT_VOLUMES: VOL });
    // THEN
    expect(status).toBe(0);
    expect(w.blkid(VOL)).toContain('TYPE=gfs2');
    expect(w.read('ssm/multi-attach/cid/fs/data')).toBe(VOL);
  });

  test('three nodes get no two_node and every member in the fencing list', () => {
    // GIVEN
    const w = track(world({
      stack: { ...NODES, Node3: 'i-03' },
      instances: [...RUNNING, { id: 'i-03', state: 'running', ip: '10.0.0.3' }],
      attachments: { [VOL]: ['i-01', 'i-02', 'i-03'] },
    }));
    // WHEN
    const { status } = w.run();
    // THEN
    expect(status).toBe(0);
    expect(w.read('corosync/corosync.conf')).toContain('two_node: 0');
    expect(w.calls).toContain('pcs stonith create fence-aws fence_aws region=us-east-1 pcmk_host_list=i-01 i-02 i-03 power_timeout=240');
    expect(w.calls).not.toContain('pcmk_delay_max');
    expect(w.corosyncCheck().status).toBe(0);
  });

  test('installs the kernel modules through the flavour\'s meta-package, which follows kernel upgrades', () => {
    // GIVEN a fresh Ubuntu AWS kernel (gfs2 and dlm live in linux-modules-extra)
    const w = track(world()).fresh();
    // WHEN
    const { status } = w.run();
    // THEN
    expect(status).toBe(0);
    expect(w.calls).toContain('apt-get install -y -q linux-modules-extra-aws linux-modules-extra-6.8.0-1015-aws');
    expect(w.calls).not.toContain('apt-mark hold');
    expect(w.calls).toMatch(/apt-get install -y -q corosync pacemaker pcs dlm-controld gfs2-utils fence-agents-aws/);
  });

  test('without a meta-package the running kernel is held, so a fence reboot cannot boot a kernel without the modules', () => {
    // GIVEN
    const w = track(world()).fresh();
    w.write('no-meta', '');
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(status).toBe(0);
    expect(log).toContain('WARNING: no linux-modules-extra-aws; holding the kernel at 6.8.0-1015-aws');
    expect(w.calls).toContain('apt-get install -y -q linux-modules-extra-6.8.0-1015-aws');
    expect(w.calls).toContain('apt-mark hold linux-aws linux-image-aws linux-headers-aws');
  });

  test('missing gfs2/dlm kernel modules fail the bootstrap loudly', () => {
    // GIVEN
    const w = track(world());
    w.write('no-modules', '');
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(status).toBe(1);
    expect(log).toContain('kernel modules gfs2/dlm missing');
    expect(w.calls).toContain('Formed i-01 FAILURE');
  });
});

describe('discovery: membership from the stack and the volume attachments, never from tags', () => {
  test('a node the stack has not created yet keeps the others waiting, then fails', () => {
    // GIVEN Node2 is not created yet
    const w = track(world({ stack: { Node1: 'i-01', Node2: '-' } }));
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(status).toBe(1);
    expect(log).toContain('waiting: the stack has not created every node yet');
    expect(w.calls).not.toContain('systemctl enable');
  });

  test.each(['running', 'pending', 'stopping', 'shutting-down'])(
    'an instance of a replaced generation that is %s blocks the new cluster', (state) => {
      // GIVEN old i-09 is still attached to the volume
      const w = track(world({
        instances: [...RUNNING, { id: 'i-09', state, ip: '10.0.0.9' }],
        attachments: { [VOL]: ['i-09', 'i-01', 'i-02'] },
      }));
      // WHEN
      const { status, log } = w.run();
      // THEN no corosync starts, nothing is formatted, nothing is detached from a live node
      expect(status).toBe(1);
      expect(log).toContain(`waiting: instance i-09 (${state}) of a replaced generation is attached to ${VOL}`);
      expect(w.calls).not.toContain('systemctl enable');
      expect(w.calls).not.toContain('force-detach');
      expect(w.blkid(VOL)).toBe('');
    });

  test('a stopped instance of a replaced generation loses its attachment before the new cluster forms', () => {
    // GIVEN old i-09 is stopped (not terminated) and still attached
    const w = track(world({
      instances: [...RUNNING, { id: 'i-09', state: 'stopped' }],
      attachments: { [VOL]: ['i-09', 'i-01', 'i-02'] },
      formatted: [VOL],
      ssm: { '/multi-attach/cid/fs/data': VOL, '/multi-attach/cid/members': 'i-08 i-09 ' },
    }));
    // WHEN
    const { status } = w.run();
    // THEN it is force-detached first, so starting it later cannot write; the data is mounted, not formatted
    expect(status).toBe(0);
    expect(w.calls.indexOf(`ma-aws force-detach ${VOL} i-09`)).toBeGreaterThan(-1);
    expect(w.calls.indexOf(`ma-aws force-detach ${VOL} i-09`)).toBeLessThan(w.calls.indexOf('systemctl enable --now corosync'));
    expect(w.read(`attach/${VOL}`)).not.toContain('i-09');
    expect(w.read('ssm/multi-attach/cid/members')).toBe('i-01 i-02 ');
  });

  test('a terminated instance is ignored', () => {
    // GIVEN
    const w = track(world({
      instances: [...RUNNING, { id: 'i-09', state: 'terminated' }],
      attachments: { [VOL]: ['i-09', 'i-01', 'i-02'] },
    }));
    // THEN
    expect(w.run().status).toBe(0);
    expect(w.calls).not.toContain('force-detach');
  });

  test('a tagged or attached instance the stack does not hold as a node never joins', () => {
    // GIVEN this node is an old generation's instance that was started again
    const w = track(world({ self: 'i-09', instances: [...RUNNING, { id: 'i-09', state: 'running', ip: '10.0.0.9' }] }));
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(status).toBe(1);
    expect(log).toContain('this instance i-09 is not one of the stack\'s nodes');
    expect(w.calls).not.toContain('systemctl enable');
  });

  test('a new node the stack does not list yet (replacement in progress) waits, then forms once it is listed', () => {
    // GIVEN the stack still names the old Node1 (i-00) when this new node boots
    const w = track(world({ stack: { Node1: 'i-00', Node2: 'i-02' } }));
    w.write('stack-later/Node1', 'i-01');
    w.write('partition', 'i-01 i-02');
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(log).toContain("waiting: this instance i-01 is not one of the stack's nodes");
    expect(status).toBe(0);
  });

  test('a member that is not attached to every volume yet keeps the cluster waiting', () => {
    const w = track(world({ attachments: { [VOL]: ['i-01'] } }));
    const { status, log } = w.run();
    expect(status).toBe(1);
    expect(log).toContain(`waiting: ${VOL} is not attached to i-02 yet`);
  });
});

describe('re-runs: scaling out and adding volumes', () => {
  /** A world in which this node formed a two-node cluster, then the stack grew. */
  function formedThenGrown(): World {
    const w = track(world());
    expect(w.run().status).toBe(0);
    w.write('stack/Node3', 'i-03');
    w.write('inst/i-03/state', 'running');
    w.write('inst/i-03/ip', '10.0.0.3');
    w.write(`attach/${VOL}`, 'i-01\ni-02\ni-03\n');
    w.write('partition', 'i-01 i-02 i-03');
    w.write('ssm/multi-attach/cid/config', 'Node1 Node2 Node3\ndata=vol-0aaa\n3');
    return w;
  }

  test('a re-run after scale-out leaves the running cluster as it is and names the procedure', () => {
    // GIVEN
    const w = formedThenGrown();
    const conf = w.read('corosync/corosync.conf');
    // WHEN
    const { status, log } = w.run();
    // THEN
    expect(status).toBe(1);
    expect(log).toContain("the members changed (configured: i-01 i-02 ; now: i-01 i-02 i-03 ): follow the README procedure 'Scaling out'");
    expect(w.read('corosync/corosync.conf')).toBe(conf);
  });

  test('the new node of a scale-out does not form a second cluster next to the running one', () => {
    // GIVEN the cluster i-01 i-02 runs; i-03 boots for the first time
    const w = formedThenGrown();
    w.write('self', 'i-03');
    w.write('state/formed', '');
    const fresh = track(world({
      stack: { ...NODES, Node3: 'i-03' },
      instances: [...RUNNING, { id: 'i-03', state: 'running', ip: '10.0.0.3' }],
      attachments: { [VOL]: ['i-01', 'i-02', 'i-03'] },
      self: 'i-03',
      formatted: [VOL],
      ssm: { '/multi-attach/cid/fs/data': VOL, '/multi-attach/cid/members': 'i-01 i-02 ' },
    }));
    // WHEN
    const { status, log } = fresh.run();
    // THEN
    expect(status).toBe(1);
    expect(log).toContain("a running cluster of this id exists (i-01 i-02 ): this node joins it only through the README procedure 'Scaling out'");
    expect(fresh.calls).not.toContain('systemctl enable');
  });

  test('--reconfigure refuses while this node still runs the old cluster', () => {
    const w = formedThenGrown();
    const { status, log } = w.run(['--reconfigure']);
    expect(status).toBe(1);
    expect(log).toContain('stop the cluster on this node first: sudo pcs cluster stop');
  });

  test('--reconfigure with the cluster stopped re-forms it with the new members and keeps the data', () => {
    // GIVEN the operator stopped the cluster on every node (README "Scaling out")
    const w = formedThenGrown();
    const before = w.blkid(VOL);
    fs.rmSync(`${w.dir}/corosync-active`);
    // WHEN
    const { status } = w.run(['--reconfigure']);
    // THEN
    expect(status).toBe(0);
    expect(w.read('corosync/corosync.conf')).toContain('name: i-03');
    expect(w.read('corosync/corosync.conf')).toContain('two_node: 0');
    expect(w.corosyncCheck().status).toBe(0);
    expect(w.calls).toContain('pcs stonith update fence-aws pcmk_host_list=i-01 i-02 i-03');
    expect(w.blkid(VOL)).toBe(before);
  });

  test('a re-run after adding a volume creates its file system and mount, and leaves the first one alone', () => {
    // GIVEN a formed cluster; a second volume was added and attached to both nodes
    const w = track(world());
    expect(w.run().status).toBe(0);
    const first = w.blkid(VOL);
    w.write('attach/vol-0bbb', 'i-01\ni-02\n');
    w.write('dev/nvme-Amazon_Elastic_Block_Store_vol0bbb', '');
    fs.truncateSync(w.device('vol-0bbb'), 256 * 1024 * 1024);
    w.write('ssm/multi-attach/cid/config', 'Node1 Node2\ndata=vol-0aaa logs=vol-0bbb\n2');
    // WHEN
    const { status } = w.run();
    // THEN
    expect(status).toBe(0);
    expect(w.blkid('vol-0bbb')).toContain('LABEL=c1:logs');
    expect(w.blkid(VOL)).toBe(first);
    expect(w.calls).toContain('pcs resource clone fs-logs interleave=true');
    expect(w.calls.match(/pcs resource create fs-data /g)).toHaveLength(1);
  });
});
