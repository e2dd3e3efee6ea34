/**
 * @module cli/commands/model-server
 * `zerr model-server --model <file.gguf | llama-cpp:URI>`: loads one GGUF model in this process and serves it over
 * an OpenAI-compatible HTTP API (`/v1/models`, `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`,
 * streaming; `/health`, `/metrics`), so that workers on other machines share the one loaded model:
 * `--model "openai:<id>?baseURL=http://<host>:<port>/v1&mode=completions"`. Concurrent requests each take one of
 * `--sequences` sequences of one context and are decoded in one batch per token; up to `--queue` more wait, beyond
 * that requests get 429 `model_queue_full` with `Retry-After`. `--api-key` (or env ZERR_MODEL_SERVER_API_KEY)
 * requires `Authorization: Bearer <key>` on `/v1/*`. Prints where it listens (`--json`: one JSON line). SIGINT /
 * SIGTERM close the server (requests in flight are aborted) and then the model; exit 0. Exit 3 for a bad option or
 * an address it cannot listen on, 4 when the model cannot be loaded.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadEngineApi, type EngineApi } from '../engine-api.js';
import { ExitCode } from '../exit-codes.js';
import { integerIn, nonNegativeInt, port, positiveInt } from '../option-parsers.js';

/** Environment variable read for the API key when `--api-key` is not given. */
export const MODEL_SERVER_API_KEY_ENV = 'ZERR_MODEL_SERVER_API_KEY';

/** Defaults of the model settings a flag or the `llama-cpp:` URI's query may set. */
const DEFAULTS = { sequences: 4, threads: 1, contextSize: 1024 } as const;

interface ModelServerFlags {
  model: string;
  modelId?: string;
  host: string;
  port: number;
  sequences?: number;
  threads?: number;
  contextSize?: number;
  queue: number;
  apiKey?: string;
  json?: boolean;
}

interface ModelSettings {
  readonly modelPath: string;
  readonly sequences: number;
  readonly threads: number;
  readonly contextSize: number;
}

/** Registers `model-server` on `program`. */
export function registerModelServerCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('model-server')
    .description('Serve one local GGUF model over an OpenAI-compatible HTTP API (chat, completions, embeddings, streaming), batching concurrent requests')
    .requiredOption('-m, --model <model>', 'a .gguf file, or a llama-cpp:<file.gguf>[?threads=&sequences=&contextSize=] URI (flags given win over the URI)')
    .option('--model-id <id>', 'the model id served in /v1/models and expected in requests (default: the file name)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-p, --port <n>', 'TCP port (0: any free port; the URL is printed)', port('--port'), 8090)
    .option('--sequences <n>', `parallel sequences of the one context: requests generating at once (default ${DEFAULTS.sequences})`, integerIn('--sequences', 1, 64))
    .option('--threads <n>', `CPU threads of llama.cpp (default ${DEFAULTS.threads}; more than free cores collapses throughput)`, positiveInt('--threads'))
    .option('--context-size <n>', `context tokens of each sequence: prompt and output of one request (default ${DEFAULTS.contextSize})`, integerIn('--context-size', 16, 1_048_576))
    .option('--queue <n>', 'requests that may wait for a sequence; beyond, 429 model_queue_full with Retry-After', nonNegativeInt('--queue'), 16)
    .option('--api-key <key>', `require Authorization: Bearer <key> on /v1/* (env ${MODEL_SERVER_API_KEY_ENV}; default: no key)`)
    .option('--json', 'print one JSON line {"event":"listening","url",...} when listening (messages go to stderr)')
    .action(async (flags: ModelServerFlags) => {
      const api = await loadEngineApi();
      const settings = modelSettings(flags, api);
      if (typeof settings === 'string') {
        process.stderr.write(`zerr model-server: ${settings}\n`);
        setExit(ExitCode.badInput);
        return;
      }
      const apiKey = flags.apiKey ?? (process.env[MODEL_SERVER_API_KEY_ENV] || undefined);
      const model = await api.LlamaCppLanguageModel.create({ ...settings, ...(flags.modelId === undefined ? {} : { modelId: flags.modelId }) });
      const { createModelServer } = await import('../../server/index.js');
      const app = createModelServer({ model, maxQueued: flags.queue, ...(apiKey === undefined ? {} : { apiKey }) });
      const stop = async (): Promise<void> => {
        try {
          await app.close();
        } finally {
          await model.close();
        }
      };
      let address: string;
      try {
        address = await app.listen({ port: flags.port, host: flags.host });
      } catch (error) {
        await stop();
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
          process.stderr.write(`zerr model-server: cannot listen on --host ${flags.host} --port ${flags.port}: ${(error as Error).message}; choose another (--port 0: any free port)\n`);
          setExit(ExitCode.badInput);
          return;
        }
        throw error;
      }
      const baseURL = `${address}/v1`;
      const listening = {
        event: 'listening', url: address, baseURL, model: model.modelId, modelPath: settings.modelPath, sequences: model.sequences,
        contextSize: model.contextSize, threads: settings.threads, queue: flags.queue, apiKey: apiKey !== undefined,
      };
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify(listening)}\n`);
      } else {
        process.stdout.write(`zerr model-server: listening on ${address} (OpenAI base URL ${baseURL})\n`);
        process.stdout.write(`zerr model-server: model ${model.modelId}, ${model.sequences} sequence(s) x ${model.contextSize} tokens, ` +
          `${settings.threads} thread(s), up to ${flags.queue} request(s) queued, ${apiKey === undefined ? 'no API key (anyone who can reach it may use it)' : 'API key required'}\n`);
        process.stdout.write(`zerr model-server: use it with --model "openai:${model.modelId}?baseURL=${baseURL}&mode=completions"\n`);
      }
      await new Promise<void>((done) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          process.stderr.write(`zerr model-server: ${signal}: closing\n`);
          void stop().finally(done);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      setExit(ExitCode.ok);
    });
}

/**
 * The model file and settings: a flag given wins, then a value the `llama-cpp:` URI's query names, then
 * {@link DEFAULTS}. Returns a message for a `--model` that is neither a file path nor a `llama-cpp:` URI.
 * @throws InvalidArgumentError (`invalid_argument`) for a malformed `llama-cpp:` URI.
 */
function modelSettings(flags: ModelServerFlags, api: Pick<EngineApi, 'parseModelUri' | 'MODEL_URI_PROVIDERS'>): ModelSettings | string {
  const value = flags.model;
  const scheme = /^([a-z][a-z-]*):/.exec(value)?.[1];
  let fromUri: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  let path = value;
  if (scheme === 'llama-cpp') {
    const parsed = api.parseModelUri(value);
    if (parsed.provider !== 'llama-cpp') return `--model must name a llama-cpp model, got ${JSON.stringify(value)}`;
    const given = new URLSearchParams(value.includes('?') ? value.slice(value.indexOf('?') + 1) : '');
    path = parsed.path;
    fromUri = Object.fromEntries((['sequences', 'threads', 'contextSize'] as const).filter((key) => given.has(key)).map((key) => [key, parsed[key]]));
  } else if (scheme !== undefined && (api.MODEL_URI_PROVIDERS as readonly string[]).includes(scheme)) {
    return `--model must be a .gguf file or a llama-cpp:<file.gguf> URI (the server runs the model itself), got ${JSON.stringify(value)}`;
  }
  return {
    modelPath: resolve(path),
    sequences: flags.sequences ?? fromUri.sequences ?? DEFAULTS.sequences,
    threads: flags.threads ?? fromUri.threads ?? DEFAULTS.threads,
    contextSize: flags.contextSize ?? fromUri.contextSize ?? DEFAULTS.contextSize,
  };
}
