/**
 * @module sandbox/bwrap/find-executable
 * Finds a tool the sandbox launches (bwrap, setpriv, bash, unshare, mount) the way `execvp` would.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable (`name` with a `/` is checked as is, otherwise searched in PATH), or undefined. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (process.env['PATH'] ?? '/usr/bin:/bin').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
