/**
 * @module cli/commands/schedule
 * `zerr schedule add --cron "<expr>" [--id <id>] -- solve <spec> [--k N] [--max-samples N]` (or `-- build -f
 * <requirements> [--name N] [--language L] ...`), `zerr schedule list`, `zerr schedule remove <id>`: the scheduler
 * (issue 15), on BullMQ's job schedulers in Redis. Each time the cron expression fires, the solve or build becomes a
 * run job that a `zerr serve --redis` takes (`zerr batch status` lists them). The spec or requirements are read and
 * checked when the schedule is added, and kept in Redis. Exit 3 for bad input, 8 when Redis
 * does not answer.
 */
import { basename } from 'node:path';
import { Command as CommanderCommand, type Command } from 'commander';
import { formatTable } from '../text-table.js';
import { positiveInt } from '../option-parsers.js';
import { buildRequestOf, isoTime, openRunQueue, solveRequestOf, withRedisOption } from '../run-queue-options.js';

interface AddFlags { redis: string; cron: string; id?: string; tz?: string; json?: boolean }
interface ListFlags { redis: string; json?: boolean }

/** The scheduled command after `--`, parsed. */
type ScheduledCommand =
  | { readonly kind: 'solve'; readonly file: string; readonly k?: number; readonly maxSamples?: number }
  | { readonly kind: 'build'; readonly file: string; readonly name?: string; readonly language?: string; readonly k?: number; readonly maxSamples?: number };

const SCHEDULED_USAGE = 'solve <spec.yaml> [--k N] [--max-samples N], or build -f <requirements.md> [--name N] [--language L] [--k N] [--max-samples N], after --';

/**
 * The scheduled command after `--`: `solve <spec> [--k N] [--max-samples N]` or `build -f <requirements> [--name N]
 * [--language L] [--k N] [--max-samples N]`.
 * @throws InvalidArgumentError (`invalid_argument`, parameter `command`) for anything else.
 */
export async function scheduledCommand(args: readonly string[]): Promise<ScheduledCommand> {
  const { InvalidArgumentError } = await import('../../errors/index.js');
  const refuse = (why?: string) => new InvalidArgumentError({ parameter: 'command', value: args.join(' '), expected: why === undefined ? SCHEDULED_USAGE : `${SCHEDULED_USAGE} (${why})` });
  if (args[0] !== 'solve' && args[0] !== 'build') throw refuse();
  let parsed: ScheduledCommand | undefined;
  const parser = new CommanderCommand(args[0]).exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .option('-k, --k <n>', '', positiveInt('--k')).option('--max-samples <n>', '', positiveInt('--max-samples'));
  if (args[0] === 'solve') {
    parser.argument('<spec>').action((spec: string, options: { k?: number; maxSamples?: number }) => { parsed = { kind: 'solve', file: spec, ...options }; });
  } else {
    parser.requiredOption('-f, --requirements-file <file>').option('--name <name>').option('--language <language>')
      .action((options: { requirementsFile: string; name?: string; language?: string; k?: number; maxSamples?: number }) => {
        const { requirementsFile, ...rest } = options;
        parsed = { kind: 'build', file: requirementsFile, ...rest };
      });
  }
  try {
    parser.parse(args.slice(1), { from: 'user' });
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
  if (parsed === undefined) throw refuse();
  return parsed;
}

/** Registers `schedule` on `program`. */
export function registerScheduleCommand(program: Command): void {
  const schedule = program.command('schedule').description('The scheduler: solve and build runs on a cron schedule, kept in Redis, taken by zerr serve --redis');
  withRedisOption(schedule.command('add')
    .description('add (or replace) a schedule: zerr schedule add --cron "0 3 * * *" -- solve spec.yaml --k 3')
    .requiredOption('--cron <expr>', 'when: a cron expression, 5 fields (minute hour day month weekday) or 6 with seconds first')
    .option('--id <id>', 'the schedule\'s id (default: from the spec file name)')
    .option('--tz <zone>', 'time zone of the cron expression (default UTC)')
    .option('--json', 'print the schedule as JSON')
    .argument('<command...>', 'after --: solve <spec> [--k N] [--max-samples N], or build -f <requirements> [--name N] [--language L] [--k N] [--max-samples N]'))
    .action(async (command: string[], flags: AddFlags) => {
      const scheduled = await scheduledCommand(command);
      const request = scheduled.kind === 'solve'
        ? await solveRequestOf(scheduled.file, { k: scheduled.k, maxSamples: scheduled.maxSamples })
        : await buildRequestOf(scheduled.file, { name: scheduled.name, language: scheduled.language, k: scheduled.k, maxSamples: scheduled.maxSamples });
      const id = flags.id ?? basename(scheduled.file).replace(/\.(ya?ml|json|md|markdown|txt)$/i, '').replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64);
      const queue = await openRunQueue(flags.redis);
      try {
        const added = await queue.addSchedule(id, flags.cron, request, flags.tz === undefined ? {} : { tz: flags.tz });
        process.stdout.write(flags.json === true ? `${JSON.stringify(added)}\n`
          : `schedule ${added.id}: ${command.join(' ')} at "${added.cron}"; next run ${isoTime(added.next)}\n`);
      } finally {
        await queue.close();
      }
    });
  withRedisOption(schedule.command('list').description('the schedules, with their next run').option('--json', 'print them as JSON'))
    .action(async (flags: ListFlags) => {
      const queue = await openRunQueue(flags.redis);
      try {
        const schedules = await queue.listSchedules();
        process.stdout.write(flags.json === true ? `${JSON.stringify(schedules, null, 2)}\n` : await formatTable({
          head: ['id', 'cron', 'spec', 'next run'], rows: schedules.map((entry) => [entry.id, entry.cron, entry.source ?? '-', isoTime(entry.next)]),
        }));
      } finally {
        await queue.close();
      }
    });
  withRedisOption(schedule.command('remove <id>').description('remove a schedule (runs it already queued stay)').option('--json', 'print {removed} as JSON'))
    .action(async (id: string, flags: ListFlags) => {
      const queue = await openRunQueue(flags.redis);
      try {
        await queue.removeSchedule(id);
        process.stdout.write(flags.json === true ? `${JSON.stringify({ removed: id })}\n` : `schedule ${id} removed\n`);
      } finally {
        await queue.close();
      }
    });
}
