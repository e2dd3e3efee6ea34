/**
 * @module bench/lib/bench-args
 * Splits the arguments after the benchmark's name into the runner's own flags (`--quick`, `--out <dir>`) and the
 * benchmark's arguments (e.g. selection's `--full-grid`), which are passed through untouched.
 */

/** The runner's flags and the benchmark's own arguments. */
export interface BenchArgs {
  readonly quick: boolean;
  /** `--out <dir>` as given (relative to the caller), or undefined. */
  readonly out: string | undefined;
  /** Everything else, in order. */
  readonly args: readonly string[];
}

/** Parses `rest` (the arguments after the benchmark's name). */
export function parseBenchArgs(rest: readonly string[]): BenchArgs {
  const outIndex = rest.indexOf('--out');
  const out = outIndex >= 0 ? rest[outIndex + 1] : undefined;
  const args = rest.filter((arg, index) => arg !== '--quick' && (outIndex < 0 || (index !== outIndex && index !== outIndex + 1)));
  return { quick: rest.includes('--quick'), out, args };
}

/**
 * Every value given to `flag` in `args` (`--include a.json --include b.json` -> `['a.json', 'b.json']`), in order.
 * @throws Error `<flag>: expected <what> after it` when a `flag` has no value after it (or another flag).
 */
export function flagValues(args: readonly string[], flag: string, what: string): string[] {
  return args.flatMap((arg, index) => {
    if (arg !== flag) return [];
    const value = args[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag}: expected ${what} after it`);
    return [value];
  });
}
