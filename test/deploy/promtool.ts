/**
 * @module test/deploy/promtool
 * Runs Prometheus's `promtool` (Debian package `prometheus`, installed by scripts/setup.sh). A missing promtool is a
 * failed check, never a skipped one.
 */
import { spawnSync } from 'node:child_process';

/** What one promtool command did: its exit status and its output (stdout then stderr). */
export interface PromtoolResult {
  readonly status: number | null;
  readonly output: string;
}

/** Runs `promtool ...args` (10 s at most); a promtool that cannot be started answers status null and says why. */
export function promtool(args: readonly string[]): PromtoolResult {
  const result = spawnSync('promtool', args, { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) {
    return { status: null, output: `promtool could not run (${result.error.message}): install Debian's prometheus package (scripts/setup.sh)` };
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
