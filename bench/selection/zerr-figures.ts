/**
 * @module bench/selection/zerr-figures
 * The figures of one zerr configuration of the `selection` benchmark, as stored in `selection.json` under
 * `figures.zerr["<setting>:k<k>:<with|without>"]`, and the table rows drawn from them. Rows are always drawn from
 * the stored figures, so a configuration carried over from an earlier full run (`--include <selection.json>`) reads
 * exactly as it did in that run's own tables.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { median, quantile } from '../lib/benchmark.js';

/** One zerr configuration: setting (a) CodeT's, (b) docstring examples visible; k of first-to-ahead-by-k; model tests. */
export interface ZerrConfig { readonly setting: 'a' | 'b'; readonly k: number; readonly modelTests: boolean }

const problemFiguresSchema = z.object({ taskId: z.string(), outcome: z.string(), samples: z.number().int().nonnegative(), passed: z.boolean() });

const zerrFiguresSchema = z.object({
  /** pass@1 in percent, one decimal. */
  pass1: z.number(),
  /** Share of problems decided by consensus, percent. */
  consensusShare: z.number(),
  meanSamples: z.number(),
  /** Red-flagged samples by rule, summed over problems (each red-flagged sample counts under exactly one rule). */
  redFlagsByRule: z.record(z.string(), z.number().int().nonnegative()),
  /** Wall-clock seconds of the configuration in the run that measured it. */
  seconds: z.number(),
  perProblem: z.array(problemFiguresSchema),
  /** Set on figures carried over from an earlier run: that run's command and date. */
  from: z.object({ command: z.string(), date: z.string() }).optional(),
});

/** Figures of one configuration (see the module comment). */
export type ZerrFigures = z.infer<typeof zerrFiguresSchema>;

/** One problem's result under one configuration, as the run produces it. */
export interface ZerrProblemResult extends z.infer<typeof problemFiguresSchema> {
  readonly redFlagsByRule: Readonly<Record<string, number>>;
  readonly redFlagged: number;
}

/** Mean of `values` (NaN when empty). */
export const mean = (values: readonly number[]): number => (values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
/** A share 0..1 as a percentage with one decimal. */
export const pct = (value: number): number => Math.round(value * 1000) / 10;

/** The key of a configuration in `figures.zerr`, e.g. `a:k5:with`. */
export function configKey(config: ZerrConfig): string {
  return `${config.setting}:k${config.k}:${config.modelTests ? 'with' : 'without'}`;
}

/**
 * Inverse of {@link configKey}.
 * @throws Error naming the key when it is not `<a|b>:k<n>:<with|without>`.
 */
export function parseConfigKey(key: string): ZerrConfig {
  const match = /^([ab]):k(\d+):(with|without)$/.exec(key);
  if (match === null) throw new Error(`selection: bad configuration key ${JSON.stringify(key)}; expected <a|b>:k<n>:<with|without>`);
  return { setting: match[1] as 'a' | 'b', k: Number(match[2]), modelTests: match[3] === 'with' };
}

/** Summarises one configuration's per-problem results into its stored figures. */
export function zerrFigures(results: readonly ZerrProblemResult[], seconds: number): ZerrFigures {
  const redFlagsByRule: Record<string, number> = {};
  for (const r of results) for (const [rule, count] of Object.entries(r.redFlagsByRule)) redFlagsByRule[rule] = (redFlagsByRule[rule] ?? 0) + count;
  const flagged = results.reduce((sum, r) => sum + r.redFlagged, 0);
  const byRule = Object.values(redFlagsByRule).reduce((a, b) => a + b, 0);
  if (flagged !== byRule) throw new Error(`selection: ${flagged} red-flagged samples but ${byRule} counted by rule`);
  return {
    pass1: pct(mean(results.map((r) => Number(r.passed)))),
    consensusShare: pct(mean(results.map((r) => Number(r.outcome === 'consensus')))),
    meanSamples: mean(results.map((r) => r.samples)),
    redFlagsByRule,
    seconds,
    perProblem: results.map((r) => ({ taskId: r.taskId, outcome: r.outcome, samples: r.samples, passed: r.passed })),
  };
}

/** Entries in reading order: setting (a) before (b), without model tests before with, larger k first. */
export function sortedEntries(zerr: Readonly<Record<string, ZerrFigures>>): [string, ZerrFigures][] {
  const rank = (key: string): [number, number, number] => {
    const config = parseConfigKey(key);
    return [config.setting === 'a' ? 0 : 1, config.modelTests ? 1 : 0, -config.k];
  };
  return Object.entries(zerr).sort(([a], [b]) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
}

/** The setting's name in the tables. */
export function settingName(setting: 'a' | 'b'): string {
  return setting === 'a' ? 'a (no docstring examples)' : 'b (docstring examples visible)';
}

/** The rows of one configuration in the three tables (pass@1 per method; samples and consensus; red flags by rule). */
export function zerrRows(config: ZerrConfig, figures: ZerrFigures): { method: (string | number)[]; samples: (string | number)[]; flags: (string | number)[] } {
  const tests = config.modelTests ? 'with' : 'without';
  const setting = settingName(config.setting);
  const samples = figures.perProblem.map((r) => r.samples);
  const share = (outcome: string) => `${pct(mean(figures.perProblem.map((r) => Number(r.outcome === outcome)))).toFixed(1)}%`;
  const flagged = Object.values(figures.redFlagsByRule).reduce((a, b) => a + b, 0);
  return {
    method: [`zerr k=${config.k} ${tests} model tests`, setting, figures.pass1.toFixed(1), '', figures.perProblem.length],
    samples: [
      setting, tests, config.k, figures.pass1.toFixed(1), mean(samples).toFixed(1), median(samples), quantile(samples, 0.9),
      share('consensus'), share('best-partial'), figures.perProblem.filter((r) => r.outcome === 'no-consensus').length, figures.seconds.toFixed(0),
    ],
    flags: [
      setting, tests, config.k, samples.reduce((a, b) => a + b, 0), flagged,
      Object.entries(figures.redFlagsByRule).sort((a, b) => b[1] - a[1]).map(([rule, count]) => `${rule} ${count}`).join(', ') || '-',
    ],
  };
}

/** zerr figures of an earlier full run, read for `--include`. */
export interface IncludedRun {
  readonly file: string;
  readonly command: string;
  readonly date: string;
  readonly zerr: Readonly<Record<string, ZerrFigures>>;
}

const resultsFileSchema = z.object({
  benchmark: z.literal('selection'),
  quick: z.literal(false),
  command: z.string(),
  date: z.string(),
  config: z.object({ problems: z.number().int() }).loose(),
  figures: z.object({ zerr: z.record(z.string(), zerrFiguresSchema) }).loose(),
}).loose();

/**
 * Reads the zerr figures of an earlier full `selection` run (its `selection.json`) to carry its configurations into
 * this run's tables.
 * @param problems The number of problems this run scores; the earlier run must have scored as many.
 * @throws Error naming the file when it is unreadable, not a full selection run, or scored another problem set.
 */
export async function readIncludedRun(file: string, problems: number): Promise<IncludedRun> {
  let parsed: z.infer<typeof resultsFileSchema>;
  try {
    parsed = resultsFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    throw new Error(`--include ${file}: not the results of a full selection run: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (parsed.config.problems !== problems) throw new Error(`--include ${file}: scored ${parsed.config.problems} problems, this run ${problems}`);
  for (const key of Object.keys(parsed.figures.zerr)) parseConfigKey(key);
  return { file, command: parsed.command, date: parsed.date, zerr: parsed.figures.zerr };
}
