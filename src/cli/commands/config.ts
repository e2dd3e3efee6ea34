/**
 * @module cli/commands/config
 * `zerr config show [--json]` prints the configuration a command started here would use (`zerr.config.yaml` of the
 * project merged over the user's `config.yaml`) and the files it came from; `zerr config check [file]` validates one
 * file (default: each file found) and says which command reads each route. Exit 0 valid, 3 invalid (every
 * problem as `<file>: <field>: got <value>, expected <what>`).
 */
import type { Command } from 'commander';
import { commandConfig } from '../cli-config.js';

/** Registers `config show|check` on `program`. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('The zerr.config.yaml a command started here reads: models, routes per archetype, defaults');
  config
    .command('show')
    .description('Print the configuration in effect here (the project\'s zerr.config.yaml over the user\'s ~/.config/zerr/config.yaml) and where it came from')
    .option('--json', 'print it as JSON: { files, config }')
    .action(async (options: { json?: boolean }) => {
      const { stringify } = await import('yaml');
      const loaded = await commandConfig();
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ files: loaded.files, config: loaded.config }, null, 2)}\n`);
        return;
      }
      const from = loaded.files.length === 0 ? '# no zerr.config.yaml here and no user config: built-in defaults\n' : `# from ${loaded.files.join(', then ')}\n`;
      process.stdout.write(`${from}${stringify(loaded.config)}`);
    });
  config
    .command('check')
    .description('Validate a configuration file (default: the files found here); exit 3 naming every problem')
    .argument('[file]')
    .action(async (file: string | undefined) => {
      const { configNotes, readConfigFile } = await import('../../config/index.js');
      const files = file === undefined ? (await commandConfig()).files : [file];
      if (files.length === 0) {
        process.stdout.write('no configuration file here (zerr.config.yaml in the project, ~/.config/zerr/config.yaml): built-in defaults\n');
        return;
      }
      for (const path of files) {
        const checked = await readConfigFile(path);
        const notes = configNotes(checked);
        process.stdout.write(`${path}: valid (${Object.keys(checked.models).length} models, routes for ${Object.keys(checked.routes).join(', ') || 'no archetype'})\n`);
        for (const note of notes) process.stdout.write(`  note: ${note}\n`);
      }
    });
}
