/**
 * @module llm/providers/openai/openai-language-model
 * Any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio) through the `openai` SDK v6:
 * `/v1/chat/completions` (chat) or `/v1/completions` (continuation).
 */
// Type only: the SDK loads on the first request, so that importing the engine does not load it.
import type OpenAI from 'openai';
import { z } from 'zod';
import type {
  FinishReason,
  GenerateOptions,
  GenerateResult,
  LanguageModel,
  ModelCapabilities,
} from '../../language-model.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { ModelCallError, ModelEmptyAnswerError, ModelRefusedError, ModelUnavailableError } from '../../model-errors.js';
import { validateGenerateOptions } from '../../generate-options-schema.js';
import { parseOptions } from '../../../errors/parse-options.js';
import { messagesOf, promptOf } from '../../render-messages.js';
import { applyStopSequences } from '../../stop-sequences.js';
import { estimateTokenCount } from '../../token-estimate.js';
import { mapHttpError } from '../map-http-error.js';

const PROVIDER = 'openai';
/** Where requests go without `baseURL` and `OPENAI_BASE_URL` (the SDK's default). */
const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** OpenAI's API accepts at most this many `stop` sequences; the rest are applied client-side. */
const MAX_SERVER_STOP_SEQUENCES = 4;
/** API key sent when none is configured: local servers ignore it, OpenAI answers 401 (-> model_unavailable). */
export const PLACEHOLDER_API_KEY = 'sk-no-key-required';

const OptionsSchema = z
  .object({
    model: z.string().min(1, 'a model name'),
    baseURL: z.url('an http(s) URL such as http://127.0.0.1:8000/v1').optional(),
    apiKey: z.string().min(1).optional(),
    mode: z.enum(['chat', 'completions']).default('chat'),
    timeoutMs: z.number().int().positive('a positive integer').default(600_000),
  })
  .strict();

/** Options of {@link OpenAILanguageModel}. */
export interface OpenAILanguageModelOptions {
  /** Model name as the server knows it, e.g. `gpt-4.1-mini` or `Qwen/Qwen2.5-Coder-7B-Instruct`. */
  readonly model: string;
  /** Server base URL including `/v1`. Default: `OPENAI_BASE_URL` env, else `https://api.openai.com/v1`. */
  readonly baseURL?: string;
  /** Default: `OPENAI_API_KEY` env, else {@link PLACEHOLDER_API_KEY} (for local servers). */
  readonly apiKey?: string;
  /** `chat` (default): `/chat/completions`, chat style. `completions`: `/completions`, continuation style. */
  readonly mode?: 'chat' | 'completions';
  /** Transport timeout of one HTTP request in ms (SDK `timeout`). Default 600_000; prefer the timeout middleware. */
  readonly timeoutMs?: number;
}

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
};

/**
 * OpenAI-compatible model. SDK retries are off (`maxRetries: 0`; the retry middleware decides). `jsonSchema` is
 * sent as `response_format: { type: 'json_schema', strict: true }` in chat mode (capabilities.jsonSchema) and
 * rejected in completions mode. `maxOutputTokens` is sent as `max_tokens` (what compatible servers accept).
 * At most 4 stop sequences go to the server; all are applied to the text client-side. Usage comes from the
 * server; when it reports none, it is estimated with `estimateTokenCount`.
 */
export class OpenAILanguageModel implements LanguageModel {
  readonly provider = PROVIDER;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /** Base URL requests go to. */
  readonly baseURL: string;
  private readonly mode: 'chat' | 'completions';
  private readonly clientOptions: NonNullable<ConstructorParameters<typeof OpenAI>[0]>;
  private client: Promise<OpenAI> | undefined;
  private closed = false;

  /** @throws InvalidArgumentError (`invalid_argument`) naming the bad option. */
  constructor(options: OpenAILanguageModelOptions) {
    const parsed = parseOptions(OptionsSchema, options, 'options');
    this.modelId = parsed.model;
    this.mode = parsed.mode;
    // The SDK's own default: OPENAI_BASE_URL, else OpenAI's API.
    this.baseURL = parsed.baseURL ?? process.env['OPENAI_BASE_URL'] ?? DEFAULT_BASE_URL;
    this.clientOptions = {
      apiKey: parsed.apiKey ?? process.env['OPENAI_API_KEY'] ?? PLACEHOLDER_API_KEY,
      maxRetries: 0,
      timeout: parsed.timeoutMs,
      baseURL: this.baseURL,
    };
    this.capabilities = {
      completionStyle: parsed.mode === 'chat' ? 'chat' : 'continuation',
      jsonSchema: parsed.mode === 'chat',
      honoursTemperature: true,
    };
  }

  /**
   * One request to the server.
   * @throws ModelUnavailableError (unreachable server, HTTP 401/403/404, or after `close()`), ModelCallError
   *   (`isRetryable` for 408/409/429/5xx/network resets, with `retryAfterMs` from `Retry-After`; also for a response
   *   without choices), ModelEmptyAnswerError (`model_empty_answer`: content null or blank; in completions mode with
   *   stop sequences only null, since a stop sequence may end a continuation at once),
   *   ModelRefusedError (`model_refused`: a `refusal`), ModelTimeoutError, InvalidArgumentError, the signal's reason
   *   when aborted.
   */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const started = performance.now();
    validateGenerateOptions(options);
    options.signal?.throwIfAborted();
    if (this.closed) throw new ModelUnavailableError({ provider: PROVIDER, message: `client for ${this.baseURL} is closed` });
    if (options.jsonSchema !== undefined && this.mode === 'completions') {
      throw new InvalidArgumentError({
        parameter: 'options.jsonSchema',
        value: options.jsonSchema,
        expected: 'undefined in completions mode (use mode chat for structured outputs)',
      });
    }
    const stop = (options.stop ?? []).filter((sequence) => sequence.length > 0);
    const common = {
      model: this.modelId,
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.topP === undefined ? {} : { top_p: options.topP }),
      ...(options.maxOutputTokens === undefined ? {} : { max_tokens: options.maxOutputTokens }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(stop.length === 0 ? {} : { stop: stop.slice(0, MAX_SERVER_STOP_SEQUENCES) }),
    };
    const requestOptions = options.signal === undefined ? {} : { signal: options.signal };
    this.client ??= import('openai').then(({ default: Client }) => new Client(this.clientOptions));
    const client = await this.client;
    let answer: {
      text: string | null | undefined; refusal?: string | null | undefined; finish: string | null | undefined;
      model: string | undefined; usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    } | undefined;
    try {
      if (this.mode === 'chat') {
        const response = await client.chat.completions.create(
          {
            ...common,
            messages: messagesOf(options).map((message) => ({ role: message.role, content: message.content })),
            ...(options.jsonSchema === undefined
              ? {}
              : { response_format: { type: 'json_schema' as const, json_schema: { name: 'output', schema: { ...options.jsonSchema }, strict: true } } }),
          },
          requestOptions,
        );
        const choice = response.choices[0];
        answer = choice && {
          text: choice.message.content, refusal: choice.message.refusal, finish: choice.finish_reason, model: response.model, usage: response.usage,
        };
      } else {
        const response = await client.completions.create({ ...common, prompt: promptOf(options) }, requestOptions);
        const choice = response.choices[0];
        answer = choice && { text: choice.text, finish: choice.finish_reason, model: response.model, usage: response.usage };
      }
    } catch (error) {
      throw mapHttpError({ provider: PROVIDER, url: this.baseURL, error, signal: options.signal });
    }
    if (answer === undefined) {
      throw new ModelCallError({ provider: PROVIDER, message: `response from ${this.baseURL} has no choices`, isRetryable: false });
    }
    if (typeof answer.refusal === 'string' && answer.refusal !== '') throw new ModelRefusedError({ provider: PROVIDER, refusal: answer.refusal });
    // Blank text is no answer - except a continuation that a stop sequence may have cut at once (a real, bad sample).
    if ((answer.text ?? '').trim() === '' && (this.mode === 'chat' || stop.length === 0 || answer.text == null)) {
      throw new ModelEmptyAnswerError({ provider: PROVIDER, url: this.baseURL, finishReason: answer.finish });
    }
    const cut = applyStopSequences(answer.text ?? '', stop);
    return {
      text: cut.text,
      usage: {
        inputTokens: answer.usage?.prompt_tokens ?? estimateTokenCount(promptOf(options)),
        outputTokens: answer.usage?.completion_tokens ?? estimateTokenCount(cut.text),
      },
      finishReason: cut.stopped ? 'stop' : (FINISH_REASONS[answer.finish ?? ''] ?? 'other'),
      latencyMs: performance.now() - started,
      modelId: answer.model ?? this.modelId,
    };
  }

  /** Marks the client closed (the SDK holds no sockets of its own beyond fetch's pool). Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
