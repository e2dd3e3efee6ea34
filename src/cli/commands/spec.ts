/**
 * @module cli/commands/spec
 * `zerr spec schema` prints the task spec's JSON Schema; `zerr spec check <file>` checks a spec file as every command
 * does before the first sample: the schema, names, types, test cases against the signature, expressions parsed and
 * type-checked, and (only for a spec with preconditions or invariants) those run by the sandboxed judge on the visible
 * and generated inputs; with `--pyright`, a Python spec's expressions are also type-checked by pyright. Exit 0 valid,
 * 3 invalid (one line: each issue's field, value and what was expected), 5 no sandbox for the judge. Loads the spec module alone unless the judge is needed: fast start-up.
 */
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';

/** Registers `spec schema|check` on `program`. */
export function registerSpecCommand(program: Command, setExit: (code: number) => void): void {
  const spec = program.command('spec').description('Task spec tools');
  spec
    .command('schema')
    .description('Print the JSON Schema of a task spec')
    .action(async () => {
      const { taskSpecJsonSchema } = await import('../../task-spec/index.js'); // the spec module alone: fast start-up
      process.stdout.write(`${JSON.stringify(taskSpecJsonSchema(), null, 2)}\n`);
    });
  spec
    .command('check')
    .description('Check a task spec file (YAML or JSON) as solve and verify do before the first sample; prints the normalised spec with --json')
    .argument('<file>')
    .option('--json', 'print the validated spec (defaults applied) as JSON')
    .option('--unsafe-no-sandbox', 'evaluate the preconditions WITHOUT isolation when bubblewrap is unavailable')
    .option('--pyright', "also type-check a Python spec's expressions with pyright (1-2 s)")
    .action(async (file: string, options: { json?: boolean; unsafeNoSandbox?: boolean; pyright?: boolean }) => {
      const { loadTaskSpec, SpecValidationError, SpecCheckError, conditionsNeedJudge } = await import('../../task-spec/index.js');
      const loaded = await loadTaskSpec(file);
      if (options.pyright === true && loaded.language === 'python') {
        const { checkPythonExpressionTypes } = await import('../../preflight/index.js');
        const typed = await checkPythonExpressionTypes(loaded, file);
        if ('status' in typed) throw new SpecCheckError(`Cannot type-check the Python expressions with pyright: ${typed.status === 'not-installed' ? 'pyright is not installed' : typed.message ?? 'it failed'}`);
        if (typed.length > 0) throw new SpecValidationError({ source: file, issues: [...typed] });
      }
      const hasConditions = loaded.preconditions.length + loaded.invariants.length > 0; // none: nothing to load or run
      if (hasConditions && !conditionsNeedJudge(loaded)) {
        // Fast-path conditions (`low <= high` over numbers): evaluated without the judge, so no sandbox starts.
        const { checkSpecPreconditions } = await import('../../preflight/index.js');
        const issues = await checkSpecPreconditions(loaded, { source: file });
        if (issues.length > 0) throw new SpecValidationError({ source: file, issues });
      } else if (hasConditions) {
        // Preconditions run in the judge, a sandboxed process: load the sandbox and the judge only now, probing the
        // sandbox while the judge's modules load. No spare processes: the judge runs once, a spare would be waste.
        const opening = import('../../sandbox/index.js').then(({ createSandbox }) => createSandbox({ allowUnsafe: options.unsafeNoSandbox === true, bwrap: { prestart: 0 }, awaitProbe: false }));
        const { checkSpecPreconditions, SandboxJudge } = await import('../../preflight/index.js').catch(async (error: unknown) => {
          await opening.then((sandbox) => sandbox.close(), () => undefined);
          throw error;
        });
        const sandbox = await opening;
        try {
          const judge = new SandboxJudge({ sandbox });
          judge.prestart(loaded.language); // starting while the inputs are generated
          const issues = await checkSpecPreconditions(loaded, { judge, source: file });
          if (issues.length > 0) throw new SpecValidationError({ source: file, issues });
        } finally {
          await sandbox.close();
        }
      }
      if (options.json === true) process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
      else if (loaded.taskType === 'class' || loaded.taskType === 'module') {
        const steps = loaded.sequences.reduce((sum, sequence) => sum + sequence.steps.length, 0);
        const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
        const members = loaded.taskType === 'class' ? count(loaded.methods.length, 'method') : `${count(loaded.methods.length, 'function')}, ${count(loaded.fields.length, 'constant')}`;
        process.stdout.write(`${file}: valid task spec ${loaded.id} (${loaded.language} ${loaded.taskType} ${loaded.signature.entryPoint}: ${members}, ${count(loaded.sequences.length, 'call sequence')}, ${count(steps, 'step')}${loaded.invariants.length === 0 ? '' : `, ${count(loaded.invariants.length, 'invariant')}`})\n`);
      } else process.stdout.write(`${file}: valid task spec ${loaded.id} (${loaded.language}, ${loaded.testCases.length} test cases)\n`);
      setExit(ExitCode.ok);
    });
}
