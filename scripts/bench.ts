/**
 * `npm run bench`: wall time and peak memory of synthesizing the reference app, with and without
 * the built-in template check, each in a fresh process (as `cdk synth` runs it). A benchmark to
 * watch for regressions, not a timed test.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);

function synthOnce(templateCheck: boolean): { seconds: number; peakMiB: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const script = `
    const start = process.hrtime.bigint();
    require('ts-node').register({ transpileOnly: true });
    const { createReferenceApp } = require('./bin/reference-app');
    const context = JSON.parse(require('fs').readFileSync('cdk.json', 'utf8')).context;
    createReferenceApp({ outdir: ${JSON.stringify(outdir)}, context }).synth();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(JSON.stringify({ seconds, peakMiB: process.resourceUsage().maxRSS / 1024 }));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: root,
    env: { ...process.env, CDK_VALIDATION: templateCheck ? 'true' : 'false' },
    encoding: 'utf8',
  });
  fs.rmSync(outdir, { recursive: true, force: true });
  return JSON.parse(out.trim().split('\n').pop()!);
}

for (const templateCheck of [false, true]) {
  const samples = Array.from({ length: runs }, () => synthOnce(templateCheck));
  const seconds = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const peak = Math.max(...samples.map((s) => s.peakMiB));
  console.log(`synth reference app, template check ${templateCheck ? 'on ' : 'off'}: `
    + `median ${seconds[Math.floor(runs / 2)].toFixed(2)} s (min ${seconds[0].toFixed(2)}, max ${seconds[runs - 1].toFixed(2)}), `
    + `peak RSS ${peak.toFixed(0)} MiB, ${runs} runs`);
}
