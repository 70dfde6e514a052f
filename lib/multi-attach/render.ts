import { Token } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';

/** Characters a known parameter may contain: no quotes, `$`, backticks or newlines reach the shell. */
const SAFE = /^[A-Za-z0-9 ._:/=,@+-]*$/;

/**
 * Reads `scripts/<file>` and replaces every `@@NAME@@` with its value. The script assigns each
 * one inside single quotes, so a value that is not SAFE is refused rather than escaped; tokens
 * (volume ids, ARNs, the region) resolve to AWS identifiers, which are SAFE by construction.
 * The first line (the shebang) is dropped: `UserData.forLinux()` writes its own. Comment lines are
 * dropped too (EC2 user data is limited to 16 KB before base64 encoding); `#!` lines stay.
 */
export function renderScript(scope: IConstruct, file: string, params: { [name: string]: string }): string {
  const text = fs.readFileSync(path.join(__dirname, 'scripts', file), 'utf8');
  const used = new Set<string>();
  const rendered = text.replace(/@@([A-Z_]+)@@/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${scope.node.path}: scripts/${file} needs a value for @@${name}@@`);
    if (!Token.isUnresolved(value) && !SAFE.test(value)) {
      throw new Error(`${scope.node.path}: the value of ${name} in scripts/${file} must match ${SAFE}, got '${value}'.`);
    }
    used.add(name);
    return value;
  });
  const unused = Object.keys(params).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`scripts/${file} has no placeholder for ${unused.join(', ')}`);
  return rendered.slice(rendered.indexOf('\n') + 1).split('\n').filter((line) => !/^\s*#(?!!)/.test(line)).join('\n');
}
