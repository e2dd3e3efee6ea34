/**
 * @module cli/commands/runs
 * `zerr runs list` and `zerr runs show <id>`: what the run store recorded, for people or (`--json`) scripts. A run
 * is named by its id, a unique prefix of it, or `latest`. `--samples` prints every sample with what stopped it: the
 * red-flag rule and its reason, or the failing verification layer and its reason.
 */
import type { Command } from 'commander';
import type { RunRecord } from '../../index.js';
import { openStore } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';
import { positiveInt } from '../option-parsers.js';
import { formatTable } from '../text-table.js';

/** Registers `runs list|show` on `program`. */
export function registerRunsCommand(program: Command, setExit: (code: number) => void): void {
  const runs = program.command('runs').description('Inspect recorded runs');
  runs
    .command('list')
    .description('List recent runs, most recent first')
    .option('--store <file>', 'run store path (default <project>/.zerr/runs.sqlite)')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--json', 'JSON output')
    .action(async (options: { store?: string; limit: number; json?: boolean }) => {
      const store = await openStore(options.store);
      try {
        const list = await store.listRuns({ limit: options.limit });
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.length === 0) process.stdout.write('no runs recorded yet\n');
        else {
          process.stdout.write(await formatTable({
            head: ['run', 'kind', 'status', 'tasks', 'samples', 'created', 'model'],
            rows: list.map((run) => [run.id, run.kind, run.status, String(run.tasks), String(run.samples), new Date(run.createdAt).toISOString(), run.model]),
            alignRight: [3, 4],
          }));
        }
      } finally {
        await store.close();
      }
    });
  runs
    .command('show')
    .description('Show everything recorded for a run: samples, red flags, verification layers, votes, decisions')
    .argument('<run-id>', 'a run id, a unique prefix of one (with or without "run-"), or "latest"')
    .option('--store <file>', 'run store path (default <project>/.zerr/runs.sqlite)')
    .option('--samples', 'also print every sample with its red flags and layer results, and the reason of each red flag or failing layer')
    .option('--json', 'the whole record as JSON')
    .action(async (ref: string, options: { store?: string; json?: boolean; samples?: boolean }) => {
      const store = await openStore(options.store);
      try {
        // The store alone, as openStore loads it: `runs show` needs no engine.
        const { resolveRunId, RunNotFoundError } = await import('../../store/index.js');
        const runId = await resolveRunId(store, ref);
        const run = await store.getRun(runId);
        if (run === undefined) throw new RunNotFoundError({ runId, message: `Run ${JSON.stringify(runId)} was removed while it was being read.` });
        if (options.json === true) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        else process.stdout.write(formatRun(run, options.samples === true));
        setExit(ExitCode.ok);
      } finally {
        await store.close();
      }
    });
}

/**
 * Human-readable rendering of a run record: per task, the counts of samples, red flags, failed layers, votes and
 * model calls that ended without an answer (by cause; they are not samples), and for a routed run (`route:coder`)
 * the samples by the model that answered them. With `withSamples`, one line per sample (the model of a routed run,
 * temperature, prompt variant,
 * tokens, latency, red-flag rules, layer statuses, class), then for a red-flagged sample a line per hit
 * (`red flag <rule>: <reason>`) and for a rejected one the failing layer (`failed <layer>: <reason>`); reasons are
 * cut to {@link REASON_CHARS} characters and kept on one line.
 */
export function formatRun(run: RunRecord, withSamples: boolean): string {
  const out: string[] = [
    `run ${run.id}: ${run.kind}, ${run.status}, model ${run.model}`,
    `  started ${new Date(run.createdAt).toISOString()}${run.finishedAt === null ? '' : `, finished ${new Date(run.finishedAt).toISOString()}`}`,
    `  config ${JSON.stringify(run.config)}`,
  ];
  if (run.summary !== null) out.push(`  summary ${JSON.stringify(run.summary)}`);
  for (const task of run.tasks) {
    const samples = run.samples.filter((s) => s.taskId === task.taskId);
    const flags = run.redFlags.filter((f) => f.taskId === task.taskId);
    const layers = run.layerResults.filter((l) => l.taskId === task.taskId);
    const votes = run.votes.filter((v) => v.taskId === task.taskId);
    const decision = run.decisions.find((d) => d.taskId === task.taskId);
    const callFailures = run.callFailures.filter((f) => f.taskId === task.taskId);
    const byRule = countBy(flags.map((f) => f.rule));
    const failedLayers = countBy(layers.filter((l) => l.status === 'fail').map((l) => l.layer));
    const byClass = countBy(votes.map((v) => v.classKey));
    const routed = run.model.startsWith('route:');
    out.push(
      `task ${task.taskId}`,
      `  samples ${samples.length}, red flags ${JSON.stringify(byRule)}, failed layers ${JSON.stringify(failedLayers)}`,
      `  votes per class ${JSON.stringify(byClass)}`,
      ...(routed ? [`  samples by the model that answered ${JSON.stringify(countBy(samples.map((sample) => sample.model)))}`] : []),
      ...(callFailures.length === 0
        ? []
        : [`  model calls without an answer ${callFailures.length} (not samples), by cause ${JSON.stringify(countBy(callFailures.map((f) => f.statusCode === null ? f.code : `${f.code} http ${f.statusCode}`)))}, attempts ${callFailures.reduce((sum, f) => sum + f.attempts, 0)}`]),
      decision === undefined
        ? '  no decision recorded'
        : `  decision: ${decision.outcome} (class ${decision.classKey ?? '-'}, ${decision.votes} votes vs ${decision.runnerUpVotes}, k=${decision.k}) - ${decision.reason}`,
    );
    if (withSamples) {
      for (const sample of samples) {
        const hits = flags.filter((f) => f.sampleIndex === sample.sampleIndex).map((f) => f.rule);
        const results = layers.filter((l) => l.sampleIndex === sample.sampleIndex).map((l) => `${l.layer}:${l.status}`);
        const vote = votes.find((v) => v.sampleIndex === sample.sampleIndex);
        out.push(
          `  #${sample.sampleIndex}${routed ? ` ${sample.model}` : ''} t=${sample.temperature ?? 'n/a'} ${sample.promptVariant} ${sample.outputTokens} tok ${sample.latencyMs.toFixed(1)} ms` +
            `${hits.length > 0 ? ` red-flagged[${hits.join(',')}]` : ''}${results.length > 0 ? ` ${results.join(' ')}` : ''}` +
            `${vote === undefined ? '' : ` class ${vote.classKey}`}`,
        );
        for (const hit of flags.filter((f) => f.sampleIndex === sample.sampleIndex)) out.push(`      red flag ${hit.rule}: ${oneLine(hit.reason)}`);
        for (const failed of layers.filter((l) => l.sampleIndex === sample.sampleIndex && l.status === 'fail')) out.push(`      failed ${failed.layer}: ${oneLine(failed.reason)}`);
      }
      for (const failure of callFailures) {
        out.push(`  call for #${failure.sampleIndex} without an answer after ${failure.attempts} attempt(s): ${failure.code}${failure.statusCode === null ? '' : ` (http ${failure.statusCode})`}: ${oneLine(failure.message)}`);
      }
    }
    if (decision?.code) out.push('  chosen code:', ...decision.code.split('\n').map((line) => `    ${line}`));
  }
  return `${out.join('\n')}\n`;
}

/** Longest reason printed by `runs show --samples` (the JSON output keeps them whole). */
export const REASON_CHARS = 240;

function oneLine(reason: string): string {
  const text = reason.replace(/\s+/g, ' ').trim();
  return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text || '(no reason recorded)';
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
