/**
 * @module bench/lib/benchmark
 * The shape every benchmark under bench/ has, and the writer of its results: `bench/results/<name>.json`
 * (config, seeds, versions, figures), `<name>.md` (the tables) and `<name>.svg` (the main figure, drawn with
 * Vega-Lite). Benchmarks are measurements, not tests; their `--quick` forms run in the test suite so they keep working.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A Markdown table. */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** What a benchmark run produces. */
export interface BenchReport {
  /** Options the run used (sizes, k, repetitions, ...). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Seeds used, so the run can be repeated. */
  readonly seeds: Readonly<Record<string, number>>;
  /** Headline numbers, machine-readable. */
  readonly figures: Readonly<Record<string, unknown>>;
  readonly tables: readonly BenchTable[];
  /** Main figure as a Vega-Lite spec (data inline); drawn to `<name>.svg`. */
  readonly chart?: TopLevelSpec;
  /** Free-text notes printed under the tables. */
  readonly notes?: readonly string[];
}

/** Context handed to a benchmark. */
export interface BenchContext {
  /** Small, fast form (seconds) used by the test suite. */
  readonly quick: boolean;
  /** Extra command-line arguments after the benchmark name. */
  readonly args: readonly string[];
  /** Progress output (stderr). */
  readonly log: (line: string) => void;
  /** Folder holding the shared data (bench/, recorded/, models/). */
  readonly dataDir: string;
}

/** One benchmark. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchReport>;
}

/** Paths written by {@link writeBenchReport}. */
export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly svg: string | null;
}

/** Writes the JSON, Markdown and SVG of a report into `outDir` (default bench/results). */
export async function writeBenchReport(
  benchmark: Benchmark, report: BenchReport, options: { outDir: string; command: string; quick: boolean; durationMs: number },
): Promise<WrittenReport> {
  await mkdir(options.outDir, { recursive: true });
  const base = join(options.outDir, benchmark.name);
  const versions = await versionsOf(['typescript', 'node-llama-cpp', 'fast-check', 'better-sqlite3']);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) };
  const json = {
    benchmark: benchmark.name, description: benchmark.description, command: options.command, quick: options.quick,
    date: new Date().toISOString(), durationMs: options.durationMs, machine, versions,
    config: report.config, seeds: report.seeds, figures: report.figures, tables: report.tables, notes: report.notes ?? [],
  };
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  const markdown = [
    `# ${benchmark.name}`, '', benchmark.description, '',
    `Command: \`${options.command}\` (${options.quick ? 'quick' : 'full'} run, ${(options.durationMs / 1000).toFixed(1)} s, ` +
      `${machine.cpus} cores, node ${process.version}, ${json.date}).`, '',
    ...report.tables.flatMap((table) => [`## ${table.title}`, '', markdownTable(table), '']),
    ...(report.notes ?? []).map((note) => `- ${note}`),
    '',
  ].join('\n');
  await writeFile(`${base}.md`, markdown);
  let svg: string | null = null;
  if (report.chart !== undefined) {
    const view = new vega.View(vega.parse(compile(report.chart).spec), { renderer: 'none' });
    await writeFile(`${base}.svg`, await view.toSVG());
    view.finalize();
    svg = `${base}.svg`;
  }
  return { json: `${base}.json`, markdown: `${base}.md`, svg };
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(table: BenchTable): string {
  const cell = (value: string | number) => String(value).replaceAll('|', '\\|');
  return [
    `| ${table.columns.map(cell).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The `q`-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

async function versionsOf(packages: readonly string[]): Promise<Record<string, string>> {
  const root = resolve(import.meta.dirname, '..', '..');
  const versions: Record<string, string> = { zerr: await packageVersion(root) };
  for (const name of packages) versions[name] = await packageVersion(join(root, 'node_modules', name));
  return versions;
}

async function packageVersion(folder: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
