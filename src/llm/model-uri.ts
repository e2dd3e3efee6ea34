/**
 * @module llm/model-uri
 * The CLI's `--model <uri>` syntax: parse a model URI and create the model it names.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { LanguageModel } from './language-model.js';
import { parseOptions } from '../errors/parse-options.js';
import { AnthropicLanguageModel } from './providers/anthropic/anthropic-language-model.js';
import { LlamaCppLanguageModel } from './providers/llama-cpp/llama-cpp-language-model.js';
import { MockLanguageModel } from './providers/mock/mock-language-model.js';
import { OpenAILanguageModel } from './providers/openai/openai-language-model.js';
import { ReplayLanguageModel } from './providers/replay/replay-language-model.js';

/** Providers a model URI may name. */
export const MODEL_URI_PROVIDERS = ['mock', 'replay', 'llama-cpp', 'openai', 'anthropic'] as const;

/** A parsed model URI. */
export type ModelUri =
  | { readonly provider: 'mock'; readonly text: string }
  | { readonly provider: 'replay'; readonly source: 'codet'; readonly seed: number }
  | { readonly provider: 'replay'; readonly source: 'jsonl'; readonly path: string; readonly seed: number }
  | {
      readonly provider: 'llama-cpp';
      readonly path: string;
      readonly threads: number;
      readonly sequences: number;
      readonly contextSize: number;
    }
  | { readonly provider: 'openai'; readonly model: string; readonly baseURL?: string; readonly mode: 'chat' | 'completions' }
  | { readonly provider: 'anthropic'; readonly model: string; readonly baseURL?: string };

const positiveInt = z.coerce.number().int('an integer').positive('a positive integer');
const QUERY_SCHEMAS = {
  replay: z.object({ seed: z.coerce.number().int('an integer').default(0) }).strict(),
  'llama-cpp': z
    .object({ threads: positiveInt.default(1), sequences: positiveInt.default(2), contextSize: positiveInt.default(1024) })
    .strict(),
  openai: z
    .object({ baseURL: z.url('an http(s) URL').optional(), mode: z.enum(['chat', 'completions']).default('chat') })
    .strict(),
  anthropic: z.object({ baseURL: z.url('an http(s) URL').optional() }).strict(),
};

/**
 * Parses a model URI:
 * - `mock:<text>` - always answers `<text>` (tests only);
 * - `replay:codet[?seed=N]` - CodeT's recorded HumanEval samples; `replay:<file.jsonl>[?seed=N]` - generic replay;
 * - `llama-cpp:<file.gguf>[?threads=1&sequences=2&contextSize=1024]` (defaults shown);
 * - `openai:<model>[?baseURL=http://127.0.0.1:8000/v1][&mode=chat|completions]`;
 * - `anthropic:<model>[?baseURL=...]`.
 *
 * Query parameters are validated (unknown ones rejected). Relative paths are resolved against the current
 * directory by {@link createLanguageModel}, not here.
 * @throws InvalidArgumentError (`invalid_argument`): parameter `modelUri` for an unknown provider (listing the
 *   known ones) or an empty target; `modelUri.<name>` for a bad query parameter.
 */
export function parseModelUri(uri: string): ModelUri {
  const colon = uri.indexOf(':');
  const provider = colon === -1 ? uri : uri.slice(0, colon);
  const rest = colon === -1 ? '' : uri.slice(colon + 1);
  if (!isProvider(provider)) {
    throw new InvalidArgumentError({
      parameter: 'modelUri',
      value: uri,
      expected: `<provider>:<target> with provider one of ${MODEL_URI_PROVIDERS.join(', ')}`,
    });
  }
  if (provider === 'mock') return { provider, text: rest };
  const question = rest.indexOf('?');
  const target = question === -1 ? rest : rest.slice(0, question);
  const query = Object.fromEntries(new URLSearchParams(question === -1 ? '' : rest.slice(question + 1)));
  if (target.length === 0) {
    throw new InvalidArgumentError({ parameter: 'modelUri', value: uri, expected: `a target after "${provider}:"` });
  }
  switch (provider) {
    case 'replay': {
      const { seed } = parseOptions(QUERY_SCHEMAS.replay, query, 'modelUri');
      return target === 'codet' ? { provider, source: 'codet', seed } : { provider, source: 'jsonl', path: target, seed };
    }
    case 'llama-cpp':
      return { provider, path: target, ...parseOptions(QUERY_SCHEMAS['llama-cpp'], query, 'modelUri') };
    case 'openai': {
      const { baseURL, mode } = parseOptions(QUERY_SCHEMAS.openai, query, 'modelUri');
      return { provider, model: target, mode, ...(baseURL === undefined ? {} : { baseURL }) };
    }
    case 'anthropic': {
      const { baseURL } = parseOptions(QUERY_SCHEMAS.anthropic, query, 'modelUri');
      return { provider, model: target, ...(baseURL === undefined ? {} : { baseURL }) };
    }
  }
}

/** Options of {@link createLanguageModel}. */
export interface CreateLanguageModelOptions {
  /**
   * The shared data folder (holding `recorded/` and `models/`). Default: env `ZERR_DATA_DIR`, else
   * `<repo>/../shared` where `<repo>` is the nearest folder above this module with a `package.json`.
   */
  readonly dataDir?: string;
  /** Environment to read `ZERR_DATA_DIR` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Cancels loading (replay files). */
  readonly signal?: AbortSignal;
}

/**
 * Creates the model a URI names (see {@link parseModelUri}). `replay:codet` reads
 * `<dataDir>/recorded/codet-humaneval-codegen16b`.
 * @throws InvalidArgumentError for a bad URI; ReplayDataError (`replay_data_invalid`) for unreadable replay data;
 *   ModelUnavailableError for a missing GGUF file or a missing Anthropic key.
 */
export async function createLanguageModel(uri: string, options: CreateLanguageModelOptions = {}): Promise<LanguageModel> {
  const parsed = parseModelUri(uri);
  switch (parsed.provider) {
    case 'mock':
      return new MockLanguageModel({ responses: parsed.text, modelId: 'mock' });
    case 'replay':
      return parsed.source === 'codet'
        ? ReplayLanguageModel.fromCodeT({ dir: codetDir(options), seed: parsed.seed, ...signalOf(options) })
        : ReplayLanguageModel.fromJsonl(resolve(parsed.path), { seed: parsed.seed, ...signalOf(options) });
    case 'llama-cpp':
      return LlamaCppLanguageModel.create({
        modelPath: resolve(parsed.path),
        threads: parsed.threads,
        sequences: parsed.sequences,
        contextSize: parsed.contextSize,
      });
    case 'openai':
      return new OpenAILanguageModel({
        model: parsed.model,
        mode: parsed.mode,
        ...(parsed.baseURL === undefined ? {} : { baseURL: parsed.baseURL }),
      });
    case 'anthropic':
      return new AnthropicLanguageModel({ model: parsed.model, ...(parsed.baseURL === undefined ? {} : { baseURL: parsed.baseURL }) });
  }
}

/** The CodeT recording folder under the shared data folder chosen by `options` (see {@link CreateLanguageModelOptions}). */
export function codetDir(options: Pick<CreateLanguageModelOptions, 'dataDir' | 'env'> = {}): string {
  const shared = options.dataDir ?? (options.env ?? process.env)['ZERR_DATA_DIR'] ?? join(repoRoot(), '..', 'shared');
  return join(shared, 'recorded', 'codet-humaneval-codegen16b');
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

function isProvider(name: string): name is (typeof MODEL_URI_PROVIDERS)[number] {
  return (MODEL_URI_PROVIDERS as readonly string[]).includes(name);
}

function signalOf(options: CreateLanguageModelOptions): { signal?: AbortSignal } {
  return options.signal === undefined ? {} : { signal: options.signal };
}
