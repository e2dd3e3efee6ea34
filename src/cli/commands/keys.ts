/**
 * @module cli/commands/keys
 * `zerr keys create|list|revoke`: the API keys of `zerr serve`. A key is printed once, when it is created; the key
 * file (default `api-keys.json` beside the run store, env ZERR_KEYS) holds only a salted scrypt hash of it.
 */
import { chosenStorePath } from '../cli-config.js';
import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { formatTable } from '../text-table.js';

interface KeysOptions {
  keys?: string;
  store?: string;
  json?: boolean;
}

/** Registers `keys create|list|revoke` on `program`. */
export function registerKeysCommand(program: Command, setExit: (code: number) => void): void {
  const keys = program.command('keys').description('API keys of `zerr serve`');
  const withFile = (command: Command): Command => command
    .option('--keys <file>', 'key file, default api-keys.json beside the run store (env ZERR_KEYS)')
    .option('--store <file>', 'run store path the key file sits beside (default <project>/.zerr/runs.sqlite, env ZERR_STORE)')
    .option('--json', 'JSON output');

  withFile(keys.command('create').description('Create a key and print it (once: only its hash is kept)').requiredOption('--name <name>', 'who or what uses the key'))
    .action(async (options: KeysOptions & { name: string }) => {
      const store = await openKeys(options);
      const { key, record } = await store.create(options.name);
      if (options.json === true) process.stdout.write(`${JSON.stringify({ key, id: record.id, name: record.name, createdAt: record.createdAt, file: store.path }, null, 2)}\n`);
      else process.stdout.write(`${key}\n\nkey ${record.id} (${record.name}) created in ${store.path}.\nThis is the only time the key is shown: store it now. Send it as "Authorization: Bearer <key>".\n`);
      setExit(ExitCode.ok);
    });
  withFile(keys.command('list').description('List keys (id, name, created, revoked); never the keys themselves'))
    .action(async (options: KeysOptions) => {
      const store = await openKeys(options);
      const list = (await store.list()).map(({ id, name, createdAt, revokedAt }) => ({ id, name, createdAt, revokedAt }));
      if (options.json === true) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length === 0) process.stdout.write(`no keys in ${store.path}\n`);
      else {
        process.stdout.write(await formatTable({
          head: ['id', 'status', 'created', 'name'],
          rows: list.map((key) => [key.id, key.revokedAt === null ? 'active' : 'revoked', new Date(key.createdAt).toISOString(), key.name]),
        }));
      }
      setExit(ExitCode.ok);
    });
  withFile(keys.command('revoke').description('Revoke a key (servers refuse it from their next request)').argument('<id>'))
    .action(async (id: string, options: KeysOptions) => {
      const store = await openKeys(options);
      const revoked = await store.revoke(id);
      if (revoked === undefined) {
        process.stderr.write(`zerr keys revoke: no key ${id} in ${store.path} (zerr keys list)\n`);
        setExit(ExitCode.badInput);
        return;
      }
      if (options.json === true) process.stdout.write(`${JSON.stringify({ id: revoked.id, name: revoked.name, revokedAt: revoked.revokedAt }, null, 2)}\n`);
      else process.stdout.write(`revoked ${revoked.id} (${revoked.name})\n`);
      setExit(ExitCode.ok);
    });
}

async function openKeys(options: KeysOptions) {
  const { ApiKeyStore, resolveKeysPath } = await import('../../server/index.js');
  const storePath = await chosenStorePath(options.store);
  return new ApiKeyStore(resolveKeysPath({ cwd: process.cwd(), storePath, ...(options.keys === undefined ? {} : { path: options.keys }) }));
}
