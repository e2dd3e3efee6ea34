/**
 * @module cli/commands/escalations
 * `zerr escalations list|show|answer`: the questions a build (or a solve with `--fallback escalate`) put to a person
 * when no consensus could settle a task (seed guide §5, the last fallback). A code answer is verified when it is
 * given (every layer, after the task's dependency code; size limits never reject a person's code): a rejected
 * answer is not stored and the failing layer's reason is printed (exit 2); an accepted one is stored and the build
 * picks it up (a running build within its poll interval, a paused one on `zerr resume`). A decomposition answer is
 * checked when the build continues.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EscalationRecord } from '../../index.js';
import { openEngine, openStore } from '../cli-context.js';
import { loadEngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../text-table.js';

/** Registers `escalations list|show|answer` on `program`. */
export function registerEscalationsCommand(program: Command, setExit: (code: number) => void): void {
  const escalations = program.command('escalations').description('Questions builds put to a person, and their answers');
  escalations
    .command('list')
    .description('List escalations, oldest first')
    .option('--run <run-id>', 'only this run')
    .option('--all', 'include answered ones (default: open only)')
    .option('--store <file>', 'run store path (default <project>/.zerr/runs.sqlite)')
    .option('--json', 'JSON output')
    .action(async (options: { run?: string; all?: boolean; store?: string; json?: boolean }) => {
      const store = await openStore(options.store);
      try {
        const list = await store.listEscalations({
          ...(options.run === undefined ? {} : { runId: options.run }), ...(options.all === true ? {} : { status: 'open' as const }),
        });
        if (options.json === true) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else if (list.length === 0) process.stdout.write(options.all === true ? 'no escalations\n' : 'no open escalations\n');
        else {
          process.stdout.write(await formatTable({
            head: ['run', 'escalation', 'status', 'kind', 'task', 'reason'],
            rows: list.map((e) => [e.runId, e.escalationId, e.status, e.kind, e.taskId, firstLine(e.reason)]),
          }));
        }
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
    .option('--store <file>', 'run store path (default <project>/.zerr/runs.sqlite)')
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
    .option('--store <file>', 'run store path (default <project>/.zerr/runs.sqlite)')
    .option('--unsafe-no-sandbox', 'check the answer WITHOUT isolation when bubblewrap is unavailable (dangerous)')
    .option('--json', 'JSON output')
    .action(async (runId: string, escalationId: string, options: { codeFile?: string; code?: string; proposalFile?: string; by: string; store?: string; json?: boolean; unsafeNoSandbox?: boolean }) => {
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
      const { engine, store } = await openEngine({
        model: undefined, command: 'zerr escalations answer', unsafeNoSandbox: options.unsafeNoSandbox === true,
        ...(options.store === undefined ? {} : { store: options.store }),
      });
      try {
        const escalation = (await store.listEscalations({ runId })).find((each) => each.escalationId === escalationId);
        const { checkCodeAnswer, EscalationNotFoundError } = await loadEngineApi();
        if (escalation === undefined) throw new EscalationNotFoundError({ runId, escalationId });
        const check = await checkCodeAnswer(escalation, answer, (spec, code) => engine.verify(spec, code));
        if (check?.accepted === false) {
          if (options.json === true) process.stdout.write(`${JSON.stringify({ runId, escalationId, accepted: false, failedLayer: check.failedLayer, reason: check.reason }, null, 2)}\n`);
          else process.stdout.write(`rejected: the answer to ${escalationId} failed ${check.reason}\n  (not stored; the escalation stays open - fix the code and answer again)\n`);
          setExit(ExitCode.rejected);
          return;
        }
        const answered = await store.answerEscalation(runId, escalationId, { answer, answeredBy: options.by, answeredAt: Date.now() });
        const run = await store.getRun(runId);
        const next = run?.kind === 'build' ? `the build continues with it (zerr resume ${runId} if it is paused)` : 'recorded with the run';
        if (options.json === true) process.stdout.write(`${JSON.stringify({ ...answered, accepted: check?.accepted ?? null }, null, 2)}\n`);
        else process.stdout.write(`${check === undefined ? 'answered' : 'accepted: the answer passed every verification layer;'} ${escalationId} of run ${runId}: ${next}\n`);
        setExit(ExitCode.ok);
      } finally {
        await engine.close();
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
