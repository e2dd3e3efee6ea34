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
import { flatPricing, type ModelPricing } from './model-pricing.js';
import { lookupPackagePricing } from './pricing/genai-prices.js';
import { parseOptions } from '../errors/parse-options.js';
import { AnthropicLanguageModel } from './providers/anthropic/anthropic-language-model.js';
import { LlamaCppLanguageModel } from './providers/llama-cpp/llama-cpp-language-model.js';
import { MockLanguageModel } from './providers/mock/mock-language-model.js';
import { OpenAILanguageModel } from './providers/openai/openai-language-model.js';
import { ReplayLanguageModel } from './providers/replay/replay-language-model.js';
import { CLASSEVAL_MODELS, type ClassEvalModel } from './providers/replay/load-classeval.js';

/** Providers a model URI may name. */
export const MODEL_URI_PROVIDERS = ['mock', 'replay', 'llama-cpp', 'openai', 'anthropic'] as const;

/** A price given in a model URI (`?inputUsdPerMTok=0.4&outputUsdPerMTok=1.6`), in USD per 1,000,000 tokens. */
export interface PriceOverride {
  readonly inputUsdPerMTok: number;
  readonly outputUsdPerMTok: number;
}

/** What every parsed URI but `mock:` may carry: a price that overrides the looked-up one. */
interface Priced {
  readonly price?: PriceOverride;
}

/** A parsed model URI. */
export type ModelUri =
  | { readonly provider: 'mock'; readonly text: string }
  | (Priced & { readonly provider: 'replay'; readonly source: 'codet'; readonly seed: number })
  | (Priced & { readonly provider: 'replay'; readonly source: 'classeval'; readonly model: ClassEvalModel; readonly seed: number })
  | (Priced & { readonly provider: 'replay'; readonly source: 'jsonl'; readonly path: string; readonly seed: number })
  | (Priced & {
      readonly provider: 'llama-cpp';
      readonly path: string;
      readonly threads: number;
      readonly sequences: number;
      readonly contextSize: number;
    })
  | (Priced & { readonly provider: 'openai'; readonly model: string; readonly baseURL?: string; readonly mode: 'chat' | 'completions' })
  | (Priced & { readonly provider: 'anthropic'; readonly model: string; readonly baseURL?: string });

const positiveInt = z.coerce.number().int('an integer').positive('a positive integer');
const usdPerMTok = z.coerce.number().finite('a finite number').min(0, 'a price >= 0 in USD per 1,000,000 tokens');
/** Price query parameters every provider but `mock` accepts; both or neither (checked in {@link parseModelUri}). */
const PRICE_QUERY = { inputUsdPerMTok: usdPerMTok.optional(), outputUsdPerMTok: usdPerMTok.optional() };
const QUERY_SCHEMAS = {
  replay: z.object({ seed: z.coerce.number().int('an integer').default(0), model: z.enum(CLASSEVAL_MODELS).optional(), ...PRICE_QUERY }).strict(),
  'llama-cpp': z
    .object({ threads: positiveInt.default(1), sequences: positiveInt.default(2), contextSize: positiveInt.default(1024), ...PRICE_QUERY })
    .strict(),
  openai: z
    .object({ baseURL: z.url('an http(s) URL').optional(), mode: z.enum(['chat', 'completions']).default('chat'), ...PRICE_QUERY })
    .strict(),
  anthropic: z.object({ baseURL: z.url('an http(s) URL').optional(), ...PRICE_QUERY }).strict(),
};

/**
 * Parses a model URI:
 * - `mock:<text>` - always answers `<text>` (tests only);
 * - `replay:codet[?seed=N]` - CodeT's recorded HumanEval samples; `replay:classeval[?model=ChatGPT|CodeGeeX|Vicuna&seed=N]`
 *   - the ClassEval authors' recorded class-level samples (model default ChatGPT); `replay:<file.jsonl>[?seed=N]` -
 *   generic replay;
 * - `llama-cpp:<file.gguf>[?threads=1&sequences=2&contextSize=1024]` (defaults shown);
 * - `openai:<model>[?baseURL=http://127.0.0.1:8000/v1][&mode=chat|completions]`;
 * - `anthropic:<model>[?baseURL=...]`.
 *
 * Every provider but `mock` also takes `inputUsdPerMTok=<usd>&outputUsdPerMTok=<usd>` (both or neither): the model's
 * price in USD per 1,000,000 tokens, overriding the looked-up one (see {@link modelPricingFor}).
 *
 * Query parameters are validated (unknown ones rejected). Relative paths are resolved against the current
 * directory by {@link createLanguageModel}, not here.
 * @throws InvalidArgumentError (`invalid_argument`): parameter `modelUri` for an unknown provider (listing the
 *   known ones) or an empty target; `modelUri.<name>` for a bad query parameter (`modelUri.outputUsdPerMTok` when
 *   only `inputUsdPerMTok` is given, and the other way round).
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
      const { seed, model, ...price } = parseOptions(QUERY_SCHEMAS.replay, query, 'modelUri');
      const priced = priceOf(uri, price);
      if (model !== undefined && target !== 'classeval') {
        throw new InvalidArgumentError({ parameter: 'modelUri.model', value: model, expected: 'no model: only replay:classeval records several models' });
      }
      if (target === 'classeval') return { provider, source: 'classeval', model: model ?? 'ChatGPT', seed, ...priced };
      return target === 'codet' ? { provider, source: 'codet', seed, ...priced } : { provider, source: 'jsonl', path: target, seed, ...priced };
    }
    case 'llama-cpp': {
      const { inputUsdPerMTok, outputUsdPerMTok, ...rest } = parseOptions(QUERY_SCHEMAS['llama-cpp'], query, 'modelUri');
      return { provider, path: target, ...rest, ...priceOf(uri, { inputUsdPerMTok, outputUsdPerMTok }) };
    }
    case 'openai': {
      const { baseURL, mode, ...price } = parseOptions(QUERY_SCHEMAS.openai, query, 'modelUri');
      return { provider, model: target, mode, ...(baseURL === undefined ? {} : { baseURL }), ...priceOf(uri, price) };
    }
    case 'anthropic': {
      const { baseURL, ...price } = parseOptions(QUERY_SCHEMAS.anthropic, query, 'modelUri');
      return { provider, model: target, ...(baseURL === undefined ? {} : { baseURL }), ...priceOf(uri, price) };
    }
  }
}

/** The URI's price override: both parameters, or neither. */
function priceOf(uri: string, price: { inputUsdPerMTok?: number | undefined; outputUsdPerMTok?: number | undefined }): { price?: PriceOverride } {
  const { inputUsdPerMTok, outputUsdPerMTok } = price;
  if (inputUsdPerMTok === undefined && outputUsdPerMTok === undefined) return {};
  if (inputUsdPerMTok === undefined || outputUsdPerMTok === undefined) {
    const missing = inputUsdPerMTok === undefined ? 'inputUsdPerMTok' : 'outputUsdPerMTok';
    throw new InvalidArgumentError({
      parameter: `modelUri.${missing}`,
      value: uri,
      expected: `${missing} as well: a price names both inputUsdPerMTok and outputUsdPerMTok (USD per 1,000,000 tokens)`,
    });
  }
  return { price: { inputUsdPerMTok, outputUsdPerMTok } };
}

/**
 * The pricing of the model `uri` names, once `model` was created from it:
 * 1. the URI's own `inputUsdPerMTok` / `outputUsdPerMTok` (source `model URI`);
 * 2. for `openai:` and `anthropic:`, `@pydantic/genai-prices` looked up by model id and endpoint (`baseURL`, so a
 *    compatible provider such as Groq is priced as itself and a local server is not priced at all);
 * 3. otherwise undefined: llama-cpp, replay and mock models have no price unless given one.
 * @throws InvalidArgumentError for a bad URI (see {@link parseModelUri}).
 */
export async function modelPricingFor(uri: string, model: Pick<LanguageModel, 'provider' | 'modelId'>): Promise<ModelPricing | undefined> {
  const parsed = parseModelUri(uri);
  if (parsed.provider !== 'mock' && parsed.price !== undefined) return flatPricing({ ...parsed.price, source: 'model URI' });
  if (parsed.provider !== 'openai' && parsed.provider !== 'anthropic') return undefined;
  const baseURL = (model as { baseURL?: unknown }).baseURL;
  return lookupPackagePricing({ modelId: model.modelId, ...(typeof baseURL === 'string' ? { apiUrl: baseURL } : { providerId: parsed.provider }) });
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
 * `<dataDir>/recorded/codet-humaneval-codegen16b`, `replay:classeval` `<dataDir>/recorded/classeval-c5`.
 * @throws InvalidArgumentError for a bad URI; ReplayDataError (`replay_data_invalid`) for unreadable replay data;
 *   ModelUnavailableError for a missing GGUF file or a missing Anthropic key.
 */
export async function createLanguageModel(uri: string, options: CreateLanguageModelOptions = {}): Promise<LanguageModel> {
  const parsed = parseModelUri(uri);
  switch (parsed.provider) {
    case 'mock':
      return new MockLanguageModel({ responses: parsed.text, modelId: 'mock' });
    case 'replay':
      if (parsed.source === 'classeval') return ReplayLanguageModel.fromClassEval({ dir: classEvalRecordedDir(options), model: parsed.model, seed: parsed.seed, ...signalOf(options) });
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

/** The ClassEval recording folder (`recorded/classeval-c5`) under the shared data folder chosen by `options`. */
export function classEvalRecordedDir(options: Pick<CreateLanguageModelOptions, 'dataDir' | 'env'> = {}): string {
  return join(join(codetDir(options), '..'), 'classeval-c5');
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
