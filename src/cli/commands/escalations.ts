/**
 * @module cli/commands/escalations
 * `zerr escalations list|show|answer`: the questions a build put to a person when no consensus could settle a task
 * (seed guide §5, the last fallback). An answer is stored at once; the build picks it up (a running build within
 * its poll interval, a paused one on `zerr resume`), checks it through the verification layers and continues.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EscalationRecord } from '../../index.js';
import { openStore } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';

/** Registers `escalations list|show|answer` on `program`. */
export function registerEscalationsCommand(program: Command, setExit: (code: number) => void): void {
  const escalations = program.command('escalations').description('Questions builds put to a person, and their answers');
  escalations
    .command('list')
    .description('List escalations, oldest first')
    .option('--run <run-id>', 'only this run')
    .option('--all', 'include answered ones (default: open only)')
    .option('--store <file>', 'run store path (default .zerr/runs.sqlite)')
    .option('--json', 'JSON output')
    .action(async (options: { run?: string; all?: boolean; store?: string; json?: boolean }) => {
      const store = await openStore(options.store);
      try {
        const list = await store.listEscalations({
          ...(options.run === undefined ? {} : { runId: options.run }), ...(options.all === true ? {} : { status: 'open' as const }),
        });
        if (options.json === true) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) process.stdout.write(options.all === true ? 'no escalations\n' : 'no open escalations\n');
        else for (const e of list) process.stdout.write(`${e.runId}  ${e.escalationId}  ${e.status.padEnd(8)} ${e.kind.padEnd(13)} ${e.taskId}: ${firstLine(e.reason)}\n`);
        setExit(ExitCode.ok);
      } finally {
        await store.close();
      }
    });
  escalations
    .command('show')
    .description('Show one escalation: the question, the reason and the context (spec, best partial code)')
    .argument('<run-id>')
    .argument('<escalation-id>')
    .option('--store <file>', 'run store path (default .zerr/runs.sqlite)')
    .option('--json', 'JSON output')
    .action(async (runId: string, escalationId: string, options: { store?: string; json?: boolean }) => {
      const store = await openStore(options.store);
      try {
        const found = (await store.listEscalations({ runId })).find((e) => e.escalationId === escalationId);
        if (found === undefined) {
          process.stderr.write(`zerr escalations show: run ${runId} has no escalation ${escalationId} (zerr escalations list --run ${runId} --all)\n`);
          setExit(ExitCode.badInput);
          return;
        }
        process.stdout.write(options.json === true ? `${JSON.stringify(found, null, 2)}\n` : format(found));
        setExit(ExitCode.ok);
      } finally {
        await store.close();
      }
    });
  escalations
    .command('answer')
    .description('Answer an escalation with code (for a task) or a decomposition (JSON, for a plan)')
    .argument('<run-id>')
    .argument('<escalation-id>')
    .option('--code-file <file>', 'the function, as TypeScript source')
    .option('--code <text>', 'the function, inline')
    .option('--proposal-file <file>', 'a decomposition proposal as JSON: { "subtasks": [...] }')
    .option('--by <name>', 'who answers', process.env['USER'] ?? 'cli')
    .option('--store <file>', 'run store path (default .zerr/runs.sqlite)')
    .option('--json', 'JSON output')
    .action(async (runId: string, escalationId: string, options: { codeFile?: string; code?: string; proposalFile?: string; by: string; store?: string; json?: boolean }) => {
      const given = [options.codeFile, options.code, options.proposalFile].filter((value) => value !== undefined).length;
      if (given !== 1) {
        process.stderr.write('zerr escalations answer: give exactly one of --code-file, --code or --proposal-file\n');
        setExit(ExitCode.badInput);
        return;
      }
      let answer: unknown;
      if (options.proposalFile !== undefined) {
        try {
          answer = { proposal: JSON.parse(await readFile(options.proposalFile, 'utf8')) as unknown };
        } catch (error) {
          process.stderr.write(`zerr escalations answer: ${options.proposalFile} is not JSON: ${error instanceof Error ? error.message : String(error)}\n`);
          setExit(ExitCode.badInput);
          return;
        }
      } else {
        answer = { code: options.code ?? await readFile(options.codeFile as string, 'utf8') };
      }
      const store = await openStore(options.store);
      try {
        const answered = await store.answerEscalation(runId, escalationId, { answer, answeredBy: options.by, answeredAt: Date.now() });
        if (options.json === true) process.stdout.write(`${JSON.stringify(answered, null, 2)}\n`);
        else process.stdout.write(`answered ${escalationId} of run ${runId}; the build checks the answer when it continues (zerr resume ${runId})\n`);
        setExit(ExitCode.ok);
      } finally {
        await store.close();
      }
    });
}

function format(e: EscalationRecord & { runId: string }): string {
  return [
    `escalation ${e.escalationId} of run ${e.runId}: ${e.status} (${e.kind}, task ${e.taskId})`,
    `  reason: ${e.reason}`,
    `  question: ${e.question}`,
    `  context: ${JSON.stringify(e.context, null, 2).split('\n').join('\n  ')}`,
    ...(e.status === 'answered' ? [`  answered by ${e.answeredBy ?? '?'}: ${JSON.stringify(e.answer)}`] : []),
    '',
  ].join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
