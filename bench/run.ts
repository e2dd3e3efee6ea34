/**
 * @module bench/run
 * `npm run bench -- <name> [--quick] [--out <dir>] [...args]`: runs one benchmark and writes its results under
 * bench/results/ (or `--out`). `npm run bench -- list` names them.
 */
import { resolve } from 'node:path';
import { BENCHMARKS } from './registry.js';
import { writeBenchReport } from './lib/benchmark.js';
import { parseBenchArgs } from './lib/bench-args.js';

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'list' || name === '--help') {
    console.log(`benchmarks: ${Object.keys(BENCHMARKS).join(', ')}\nusage: npm run bench -- <name> [--quick] [--out <dir>]`);
    return name === undefined ? 2 : 0;
  }
  const load = BENCHMARKS[name];
  if (load === undefined) {
    console.error(`unknown benchmark ${JSON.stringify(name)}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    return 2;
  }
  const { quick, out, args } = parseBenchArgs(rest);
  const outDir = out !== undefined ? resolve(out) : resolve(import.meta.dirname, 'results', quick ? 'quick' : '.');
  const benchmark = await load();
  const dataDir = process.env['ZERR_DATA_DIR'] ?? resolve(import.meta.dirname, '..', '..', 'shared');
  const started = performance.now();
  const report = await benchmark.run({ quick, args, dataDir, log: (line) => process.stderr.write(`${line}\n`) });
  const durationMs = performance.now() - started;
  const written = await writeBenchReport(benchmark, report, { outDir, quick, durationMs, command: `npm run bench -- ${argv.join(' ')}` });
  console.log(`${benchmark.name}: wrote ${written.json}, ${written.markdown}${written.svg === null ? '' : `, ${written.svg}`}`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
