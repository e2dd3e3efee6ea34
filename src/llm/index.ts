/**
 * @module llm
 * Public entry of the model layer: the {@link LanguageModel} contract, providers (mock, replay, llama-cpp, openai,
 * anthropic), middleware (retry, timeout, circuit breaker, usage, concurrency limit, `createModelStack`), the model router (a route's mix and fallback chain as one model), model
 * errors, pricing and the `--model` URI parser.
 */
export {
  wrapLanguageModel,
  type ChatMessage,
  type CompletionStyle,
  type FinishReason,
  type GenerateOptions,
  type GenerateResult,
  type LanguageModel,
  type LanguageModelMiddleware,
  type ModelCapabilities,
  type TokenUsage,
} from './language-model.js';
export {
  CircuitOpenError,
  ModelCallError,
  ModelEmptyAnswerError,
  ModelRefusedError,
  ModelTimeoutError,
  ModelUnavailableError,
  ReplayExhaustedError,
} from './model-errors.js';
export { GenerateOptionsSchema, validateGenerateOptions } from './generate-options-schema.js';
export { applyStopSequences, type StopResult } from './stop-sequences.js';
export { estimateTokenCount } from './token-estimate.js';
export { renderMessagesAsPrompt } from './render-messages.js';
export { retryAfterMsOf, type HeaderSource } from './retry-after.js';
export { flatPricing, type ModelPricing } from './model-pricing.js';
export {
  DEFAULT_MAX_CONSECUTIVE_FAILED_CALLS,
  FailedCallTally,
  failureCause,
  recordedFailureCause,
  type FailedCallTallyOptions,
} from './failed-call-tally.js';
export { lookupPackagePricing, PRICE_PACKAGE, type PriceLookup } from './pricing/genai-prices.js';

export {
  MockLanguageModel,
  type MockLanguageModelOptions,
  type MockResponse,
  type MockResponseFunction,
} from './providers/mock/mock-language-model.js';
export { MockUnconfiguredError } from './providers/mock/mock-unconfigured-error.js';
export { ReplayLanguageModel, type ReplayLanguageModelOptions } from './providers/replay/replay-language-model.js';
export type { ReplayStyle, ReplayTask } from './providers/replay/replay-task.js';
export { ReplayDataError } from './providers/replay/replay-data-error.js';
export { loadCodeT, CODET_MAX_OUTPUT_TOKENS } from './providers/replay/load-codet.js';
export { loadReplayJsonl } from './providers/replay/load-replay-jsonl.js';
export {
  LlamaCppLanguageModel,
  type EmbedResult,
  type LlamaCppOptions,
  type TextChunkListener,
} from './providers/llama-cpp/llama-cpp-language-model.js';
export { ResourcePool } from './providers/llama-cpp/resource-pool.js';
export { OpenAILanguageModel, type OpenAILanguageModelOptions } from './providers/openai/openai-language-model.js';
export {
  AnthropicLanguageModel,
  DEFAULT_ANTHROPIC_MAX_OUTPUT_TOKENS,
  type AnthropicLanguageModelOptions,
} from './providers/anthropic/anthropic-language-model.js';

export { DEFAULT_RETRY, retryMiddleware, type RetryEvent, type RetryOptions } from './middleware/retry.js';
export { timeoutMiddleware, type TimeoutOptions } from './middleware/timeout.js';
export {
  circuitBreakerMiddleware,
  type CircuitBreakerMiddleware,
  type CircuitBreakerOptions,
  type CircuitBreakerState,
} from './middleware/circuit-breaker.js';
export {
  concurrencyLimitMiddleware,
  type ConcurrencyLimitMiddleware,
  type ConcurrencyLimitOptions,
} from './middleware/concurrency-limit.js';
export { UsageTracker, type ModelPrice, type ModelUsage, type PriceTable } from './middleware/usage-tracker.js';
export { usageMiddleware, type UsageOptions } from './middleware/usage.js';
export {
  createModelStack,
  DEFAULT_MODEL_TIMEOUT_MS,
  defaultModelTimeoutMs,
  type ModelStack,
  type ModelStackOptions,
} from './middleware/model-stack.js';
export { ModelRouter, type ModelRouterOptions, type RouteAttempt, type RouteMember, type RouteMemberStats } from './router/model-router.js';

export {
  MODEL_URI_PROVIDERS,
  codetDir,
  createLanguageModel,
  modelPricingFor,
  parseModelUri,
  type CreateLanguageModelOptions,
  type ModelUri,
  type PriceOverride,
} from './model-uri.js';
export type { EmbeddingModel } from './embedding-model.js';
export { createEmbeddingModel } from './embeddings/create-embedding-model.js';
export { OpenAiEmbeddingModel } from './embeddings/openai-embedding-model.js';
export { LlamaCppEmbeddingModel } from './embeddings/llama-cpp-embedding-model.js';
