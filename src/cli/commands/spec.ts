/**
 * @module cli/commands/spec
 * `zerr spec schema` prints the task spec's JSON Schema; `zerr spec check <file>` validates a spec file.
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
      const { taskSpecJsonSchema } = await import('../../spec/index.js'); // the spec module alone: fast start-up
      process.stdout.write(`${JSON.stringify(taskSpecJsonSchema(), null, 2)}\n`);
    });
  spec
    .command('check')
    .description('Validate a task spec file (YAML or JSON); prints the normalised spec with --json')
    .argument('<file>')
    .option('--json', 'print the validated spec (defaults applied) as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { loadTaskSpec } = await import('../../spec/index.js');
      const loaded = await loadTaskSpec(file);
      if (options.json === true) process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
      else process.stdout.write(`${file}: valid task spec ${loaded.id} (${loaded.language}, ${loaded.testCases.length} test cases)\n`);
      setExit(ExitCode.ok);
    });
}
