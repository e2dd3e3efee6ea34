/**
 * @module cli/run-queue-options
 * What `zerr batch` and `zerr schedule` share: the `--redis` option, opening the run queue, and a spec file or a
 * requirements file read into a run job (checked here, so bad input is refused before it waits in Redis).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { BullmqRunQueue, RunJobRequest } from '../queue/index.js';
import { loadEngineApi } from './engine-api.js';

/** Adds `--redis <url>` (required; env ZERR_REDIS). */
export function withRedisOption(command: Command): Command {
  return command.requiredOption('--redis <url>', 'the Redis the runs wait in: redis://[user:password@]host[:port][/db] (env ZERR_REDIS)', process.env['ZERR_REDIS']);
}

/**
 * The run queue on `url`, once Redis answers.
 * @throws InvalidArgumentError for a bad URL; QueueUnavailableError when Redis does not answer within 5 s.
 */
export async function openRunQueue(url: string): Promise<BullmqRunQueue> {
  const { BullmqRunQueue, pingRedisUrl } = await import('../queue/index.js');
  await pingRedisUrl(url);
  return new BullmqRunQueue({ url });
}

/**
 * A solve run of the spec in `path` (YAML or JSON), checked against the spec schema.
 * @throws InvalidSpecError naming the file and field; the file system's error for a missing file.
 */
export async function solveRequestOf(path: string, options: { readonly k?: number | undefined; readonly maxSamples?: number | undefined }): Promise<RunJobRequest> {
  const { loadTaskSpec } = await import('../task-spec/index.js');
  const spec = await loadTaskSpec(path);
  return {
    kind: 'solve', spec: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>, source: basename(path),
    ...(options.k === undefined ? {} : { k: options.k }), ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
  };
}

/** What a build job takes besides the requirements file (the server's build defaults otherwise). */
export interface BuildJobOptions {
  readonly name?: string | undefined;
  readonly language?: string | undefined;
  readonly k?: number | undefined;
  readonly maxSamples?: number | undefined;
}

/**
 * A build run of the requirements in `path` (plain text or Markdown), checked as a build request. The project name
 * defaults to the file's name (`text-stats.requirements.md` -> `text-stats-requirements`).
 * @throws InvalidArgumentError naming the field (`request.name`, `request.language`, ...); the file system's error.
 */
export async function buildRequestOf(path: string, options: BuildJobOptions = {}): Promise<RunJobRequest> {
  const { readFile } = await import('node:fs/promises');
  const { parseBuildRequest } = await loadEngineApi();
  const requirements = await readFile(path, 'utf8');
  const fromFile = basename(path).replace(/\.(md|markdown|txt)$/i, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 64);
  const input = {
    requirements, name: options.name ?? (fromFile === '' ? 'zerr-project' : fromFile),
    ...(options.language === undefined ? {} : { language: options.language }),
    ...(options.k === undefined ? {} : { k: options.k }), ...(options.maxSamples === undefined ? {} : { maxSamples: options.maxSamples }),
  };
  parseBuildRequest(input);
  return { kind: 'build', request: input, source: basename(path) };
}

/** `ms` since the epoch as an ISO date and time to the second, or `-`. */
export function isoTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
