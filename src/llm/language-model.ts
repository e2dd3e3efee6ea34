/**
 * @module llm/language-model
 * The contract every model provider implements, and the middleware shape that wraps one. "Agents" in MAKER are
 * calls to a shared model, not processes: the engine only ever calls {@link LanguageModel.generate}.
 */

/** One chat message. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Options of one model call. Exactly one of `prompt` or `messages` is required. */
export interface GenerateOptions {
  /** Raw text prompt for completion-style use (the model continues it). */
  readonly prompt?: string;
  /** Chat messages for chat-style use. */
  readonly messages?: readonly ChatMessage[];
  /** Sampling temperature, >= 0. Default: provider's default (usually 1). */
  readonly temperature?: number;
  /** Nucleus sampling mass in (0, 1]. */
  readonly topP?: number;
  /** Maximum tokens to generate. */
  readonly maxOutputTokens?: number;
  /** Stop sequences; the returned text is cut before the first one and excludes it. */
  readonly stop?: readonly string[];
  /** When set, the output must be JSON matching this JSON Schema (grammar / `response_format`). */
  readonly jsonSchema?: Readonly<Record<string, unknown>>;
  /** Seed for providers that support reproducible sampling. */
  readonly seed?: number;
  /** Cancels the call. */
  readonly signal?: AbortSignal;
  /**
   * Opaque call metadata (task id, prompt variant, sample index). Providers may use it (the replay provider keys
   * recorded outputs on `taskId`); it is never sent to a remote model.
   */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Token usage of one call. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Why generation stopped. `length` means the token cap was hit (a red-flag candidate). */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'error' | 'other';

/** Result of one model call. */
export interface GenerateResult {
  /** Generated text (continuation for `prompt`, assistant content for `messages`). */
  readonly text: string;
  readonly usage: TokenUsage;
  readonly finishReason: FinishReason;
  /** Wall-clock latency of the call in ms. */
  readonly latencyMs: number;
  /** Model that answered (provider-reported when available). */
  readonly modelId: string;
  /** Cost of the call in USD when known (set by the usage middleware from the model's pricing). */
  readonly costUsd?: number;
  /** Attempts the call took when the retry middleware retried it (2 or more); absent after a first-try success. */
  readonly attempts?: number;
}

/** How a model is best prompted: continue a code prefix, or answer chat messages. */
export type CompletionStyle = 'continuation' | 'chat';

/** Static facts about a model the engine uses to build prompts. */
export interface ModelCapabilities {
  /** `continuation`: the engine sends the code stub as a raw prompt; `chat`: instructions and a fenced answer. */
  readonly completionStyle: CompletionStyle;
  /** Whether `jsonSchema` is enforced (grammar, structured outputs). */
  readonly jsonSchema: boolean;
  /** Whether the provider honours `temperature` (a replay of recorded samples does not). */
  readonly honoursTemperature: boolean;
}

/**
 * A language model. Implementations: `llm/providers/<name>/`. A provider that cannot reach its model throws
 * `ModelUnavailableError`; it never returns made-up text.
 */
export interface LanguageModel {
  /** Provider name, e.g. `llama-cpp`, `openai`, `replay`, `mock`. */
  readonly provider: string;
  /** Model identifier, e.g. a GGUF file name or `gpt-4.1-mini`. */
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /**
   * Generates one sample.
   * @throws ModelCallError (`model_call_failed`, `isRetryable` from the HTTP status), ModelUnavailableError
   *   (`model_unavailable`), InvalidArgumentError (`invalid_argument`), AbortError when `signal` aborts.
   */
  generate(options: GenerateOptions): Promise<GenerateResult>;
  /** Releases resources (native contexts, sockets). Idempotent. */
  close(): Promise<void>;
}

/**
 * Cross-cutting behaviour around a model (Vercel AI SDK `wrapLanguageModel` style): retry, timeout, circuit
 * breaker, usage accounting, concurrency limit.
 */
export interface LanguageModelMiddleware {
  /** Name for diagnostics, e.g. `retry`. */
  readonly name: string;
  wrapGenerate(options: GenerateOptions, next: (options: GenerateOptions) => Promise<GenerateResult>): Promise<GenerateResult>;
}

/**
 * Wraps `model` in `middlewares`; the first middleware is the outermost. The returned model keeps the provider,
 * modelId and capabilities of `model`; `close()` closes `model`.
 */
export function wrapLanguageModel(model: LanguageModel, ...middlewares: readonly LanguageModelMiddleware[]): LanguageModel {
  const call = middlewares.reduceRight<(options: GenerateOptions) => Promise<GenerateResult>>(
    (next, middleware) => (options) => middleware.wrapGenerate(options, next),
    (options) => model.generate(options),
  );
  return {
    provider: model.provider,
    modelId: model.modelId,
    capabilities: model.capabilities,
    generate: call,
    close: () => model.close(),
  };
}
