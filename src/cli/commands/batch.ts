/**
 * @module cli/commands/batch
 * `zerr batch submit <specs…> --priority N` (`--build <requirements…>`), `zerr batch status [batch-id]`, `zerr batch
 * cancel <batch-id>`: the batch processor (issue 15). Each spec becomes a solve run (each requirements file a build)
 * waiting in Redis, taken by priority (1 the highest) by the
 * `zerr serve --redis` servers as their run slots free up; `status` lists the jobs, their runs and results; `cancel`
 * removes the waiting ones and cancels the running ones. `--json` for scripts. Exit 3 for bad input (a spec that
 * does not check, a bad priority, an unknown batch), 8 when Redis does not answer.
 */
import type { Command } from 'commander';
import { formatTable } from '../text-table.js';
import { integerIn, positiveInt } from '../option-parsers.js';
import { buildRequestOf, isoTime, openRunQueue, solveRequestOf, withRedisOption } from '../run-queue-options.js';

interface SubmitFlags { redis: string; priority?: number; k?: number; maxSamples?: number; build?: boolean; name?: string; language?: string; json?: boolean }
interface StatusFlags { redis: string; json?: boolean }

/** Registers `batch` on `program`. */
export function registerBatchCommand(program: Command): void {
  const batch = program.command('batch').description('The batch processor: solve and build runs waiting in Redis by priority, taken by zerr serve --redis');
  withRedisOption(batch.command('submit <files...>')
    .description('queue one solve run per spec file (YAML or JSON), or with --build one build per requirements file; each checked first')
    .option('--build', 'the files are requirements (text or Markdown): one build each, into the server\'s --out-root')
    .option('--name <name>', 'with --build: the project name (default: from each file\'s name)')
    .option('--language <language>', 'with --build: typescript or python (default typescript)')
    .option('--priority <n>', 'priority of the batch: 1 is the highest (default: before every prioritized run)', integerIn('--priority', 1, 2_097_152))
    .option('-k, --k <n>', 'first-to-ahead-by-k margin of each run (default the server\'s: 3)', positiveInt('--k'))
    .option('--max-samples <n>', 'sample budget of each run (default the server\'s: 20)', positiveInt('--max-samples'))
    .option('--json', 'print {batchId, jobIds} as JSON'))
    .action(async (specs: string[], flags: SubmitFlags) => {
      const requests = [];
      for (const path of specs) {
        requests.push(flags.build === true
          ? await buildRequestOf(path, { name: flags.name, language: flags.language, k: flags.k, maxSamples: flags.maxSamples })
          : await solveRequestOf(path, { k: flags.k, maxSamples: flags.maxSamples }));
      }
      const queue = await openRunQueue(flags.redis);
      try {
        const submitted = await queue.submitBatch(requests, flags.priority === undefined ? {} : { priority: flags.priority });
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(submitted)}\n`);
          return;
        }
        process.stdout.write(`batch ${submitted.batchId}: ${submitted.jobIds.length} run(s) queued${flags.priority === undefined ? '' : ` at priority ${flags.priority}`}\n`);
        process.stdout.write(`follow it with: zerr batch status ${submitted.batchId} --redis <url>\n`);
      } finally {
        await queue.close();
      }
    });
  withRedisOption(batch.command('status [batchId]')
    .description('the jobs of a batch (of every batch without an id): state, run, result')
    .option('--json', 'print the jobs as JSON'))
    .action(async (batchId: string | undefined, flags: StatusFlags) => {
      const queue = await openRunQueue(flags.redis);
      try {
        const [jobs, counts] = await Promise.all([queue.listJobs(batchId), queue.counts()]);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify({ jobs, counts }, null, 2)}\n`);
          return;
        }
        process.stdout.write(await formatTable({
          head: ['job', 'spec', 'priority', 'state', 'run', 'result', 'queued at'],
          rows: jobs.map((job) => [job.jobId, job.source ?? job.taskId ?? '-', job.priority === 0 ? '-' : String(job.priority), job.state, job.runId ?? '-', job.result ?? '-', isoTime(job.createdAt)]),
        }));
        process.stdout.write(`runs queue: ${counts.waiting + counts.prioritized} waiting, ${counts.active} running, ${counts.completed} done, ${counts.failed} failed\n`);
      } finally {
        await queue.close();
      }
    });
  withRedisOption(batch.command('cancel <batchId>')
    .description('remove the batch\'s waiting runs and cancel its running ones')
    .option('--json', 'print {removed, flagged} as JSON'))
    .action(async (batchId: string, flags: StatusFlags) => {
      const queue = await openRunQueue(flags.redis);
      try {
        const cancelled = await queue.cancelBatch(batchId);
        process.stdout.write(flags.json === true ? `${JSON.stringify(cancelled)}\n`
          : `batch ${batchId}: ${cancelled.removed} waiting run(s) removed, ${cancelled.flagged} running run(s) being cancelled by their server\n`);
      } finally {
        await queue.close();
      }
    });
}
