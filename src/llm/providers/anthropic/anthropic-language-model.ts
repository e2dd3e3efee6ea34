/**
 * @module llm/providers/anthropic/anthropic-language-model
 * Claude models through the Anthropic Messages API (`@anthropic-ai/sdk`, `POST /v1/messages`).
 */
// Type only: the SDK loads on the first request, so that importing the engine does not load it.
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type {
  FinishReason,
  GenerateOptions,
  GenerateResult,
  LanguageModel,
  ModelCapabilities,
} from '../../language-model.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { ModelEmptyAnswerError, ModelRefusedError, ModelUnavailableError } from '../../model-errors.js';
import { validateGenerateOptions } from '../../generate-options-schema.js';
import { parseOptions } from '../../../errors/parse-options.js';
import { messagesOf } from '../../render-messages.js';
import { applyStopSequences } from '../../stop-sequences.js';
import { mapHttpError } from '../map-http-error.js';

const PROVIDER = 'anthropic';
/** Where requests go without `baseURL` and `ANTHROPIC_BASE_URL` (the SDK's default). */
const DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** `max_tokens` sent when the call sets no `maxOutputTokens` (the Messages API requires one). */
export const DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS = 1024;

const OptionsSchema = z
  .object({
    model: z.string().min(1, 'a model name'),
    baseURL: z.url('an http(s) URL').optional(),
    apiKey: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive('a positive integer').default(600_000),
  })
  .strict();

/** Options of {@link AnthropicLanguageModel}. */
export interface AnthropicLanguageModelOptions {
  /** Model name, e.g. `claude-sonnet-4-5`. */
  readonly model: string;
  /** Server base URL without `/v1`. Default: `ANTHROPIC_BASE_URL` env, else `https://api.anthropic.com`. */
  readonly baseURL?: string;
  /** Default: `ANTHROPIC_API_KEY` env. Neither -> ModelUnavailableError at construction. */
  readonly apiKey?: string;
  /** Transport timeout of one HTTP request in ms (SDK `timeout`). Default 600_000; prefer the timeout middleware. */
  readonly timeoutMs?: number;
}

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
};

/**
 * Anthropic Messages API model, chat style. System messages are joined into `system`; a raw `prompt` becomes one
 * user message. `maxOutputTokens` defaults to {@link DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS}. `seed` is ignored (the
 * API has none); `jsonSchema` is not supported and rejected. SDK retries are off (`maxRetries: 0`). Whitespace-only
 * stop sequences (which the API rejects) are applied client-side only.
 */
export class AnthropicLanguageModel implements LanguageModel {
  readonly provider = PROVIDER;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities = { completionStyle: 'chat', jsonSchema: false, honoursTemperature: true };
  /** Base URL requests go to. */
  readonly baseURL: string;
  private readonly clientOptions: NonNullable<ConstructorParameters<typeof Anthropic>[0]>;
  private client: Promise<Anthropic> | undefined;
  private closed = false;

  /**
   * @throws InvalidArgumentError for bad options; ModelUnavailableError (`model_unavailable`) when no API key is
   *   given and `ANTHROPIC_API_KEY` is unset - before any call is made.
   */
  constructor(options: AnthropicLanguageModelOptions) {
    const parsed = parseOptions(OptionsSchema, options, 'options');
    const apiKey = parsed.apiKey ?? process.env['ANTHROPIC_API_KEY'];
    if (apiKey === undefined || apiKey === '') {
      throw new ModelUnavailableError({
        provider: PROVIDER,
        message: 'no API key: pass apiKey or set ANTHROPIC_API_KEY',
      });
    }
    this.modelId = parsed.model;
    // The SDK's own default: ANTHROPIC_BASE_URL, else Anthropic's API.
    this.baseURL = parsed.baseURL ?? process.env['ANTHROPIC_BASE_URL'] ?? DEFAULT_BASE_URL;
    this.clientOptions = { apiKey, maxRetries: 0, timeout: parsed.timeoutMs, baseURL: this.baseURL };
  }

  /**
   * One Messages API request.
   * @throws ModelUnavailableError (unreachable, HTTP 401/403/404, after `close()`), ModelCallError (`isRetryable`
   *   for 408/409/429/5xx/network resets, `retryAfterMs` from `Retry-After`), ModelEmptyAnswerError
   *   (`model_empty_answer`: no text, unless a stop sequence ended it), ModelRefusedError (`model_refused`:
   *   `stop_reason` refusal), ModelTimeoutError, InvalidArgumentError, the signal's reason.
   */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const started = performance.now();
    validateGenerateOptions(options);
    options.signal?.throwIfAborted();
    if (this.closed) throw new ModelUnavailableError({ provider: PROVIDER, message: `client for ${this.baseURL} is closed` });
    if (options.jsonSchema !== undefined) {
      throw new InvalidArgumentError({
        parameter: 'options.jsonSchema',
        value: options.jsonSchema,
        expected: 'undefined: the anthropic provider does not enforce a JSON Schema',
      });
    }
    const messages = messagesOf(options);
    const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
    const stop = (options.stop ?? []).filter((sequence) => /\S/.test(sequence));
    this.client ??= import('@anthropic-ai/sdk').then(({ default: Client }) => new Client(this.clientOptions));
    const client = await this.client;
    let response: Anthropic.Message;
    try {
      response = await client.messages.create(
        {
          model: this.modelId,
          max_tokens: options.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS,
          messages: messages
            .filter((message) => message.role !== 'system')
            .map((message) => ({ role: message.role as 'user' | 'assistant', content: message.content })),
          ...(system.length === 0 ? {} : { system: system.join('\n\n') }),
          ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
          ...(options.topP === undefined ? {} : { top_p: options.topP }),
          ...(stop.length === 0 ? {} : { stop_sequences: stop }),
        },
        options.signal === undefined ? {} : { signal: options.signal },
      );
    } catch (error) {
      throw mapHttpError({ provider: PROVIDER, url: this.baseURL, error, signal: options.signal });
    }
    if (response.stop_reason === 'refusal') {
      const said = response.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      throw new ModelRefusedError({ provider: PROVIDER, refusal: said });
    }
    const text = response.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    if (text.trim() === '' && response.stop_reason !== 'stop_sequence') {
      throw new ModelEmptyAnswerError({ provider: PROVIDER, url: this.baseURL, finishReason: response.stop_reason });
    }
    const cut = applyStopSequences(text, options.stop);
    return {
      text: cut.text,
      usage: { inputTokens: response.usage.input_tokens, outputTokens: response.usage.output_tokens },
      finishReason: cut.stopped ? 'stop' : (FINISH_REASONS[response.stop_reason ?? ''] ?? 'other'),
      latencyMs: performance.now() - started,
      modelId: response.model,
    };
  }

  /** Marks the client closed. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
