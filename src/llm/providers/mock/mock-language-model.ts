/**
 * @module llm/providers/mock/mock-language-model
 * A scriptable in-memory {@link LanguageModel} for tests (Vercel AI SDK `MockLanguageModelV3` style): fixed
 * answer, one answer per call, or a function; records its calls; fails loudly when unconfigured.
 */
import type {
  GenerateOptions,
  GenerateResult,
  LanguageModel,
  ModelCapabilities,
} from '../../language-model.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';
import { raceAbort } from '../../abort.js';
import { validateGenerateOptions } from '../../generate-options-schema.js';
import { applyStopSequences } from '../../stop-sequences.js';
import { estimateTokenCount } from '../../token-estimate.js';
import { MockUnconfiguredError } from './mock-unconfigured-error.js';

/**
 * One scripted answer: the text, a partial result (missing fields are filled in), or an `Error` to throw.
 */
export type MockResponse = string | Partial<GenerateResult> | Error;

/** A function answering call number `callIndex` (zero-based); it may also throw. */
export type MockResponseFunction = (
  options: Omit<GenerateOptions, 'signal'>,
  callIndex: number,
) => MockResponse | Promise<MockResponse>;

/** Options of {@link MockLanguageModel}. */
export interface MockLanguageModelOptions {
  /**
   * What to answer: one response for every call, an array consumed one per call in order (exhausted ->
   * `mock_unconfigured`), or a function. Omitted -> every call throws `mock_unconfigured`.
   */
  readonly responses?: MockResponse | readonly MockResponse[] | MockResponseFunction;
  /** Default `mock-model`. */
  readonly modelId?: string;
  /** Default `{ completionStyle: 'chat', jsonSchema: false, honoursTemperature: false }`, merged with this. */
  readonly capabilities?: Partial<ModelCapabilities>;
}

/**
 * Scriptable mock model. `provider` is `mock`. Token usage is {@link estimateTokenCount} of the prompt (or the
 * message contents) and of the answer; `stop` sequences are applied to scripted text (finishReason `stop`).
 *
 * @example
 * const model = new MockLanguageModel({ responses: ['def f(): return 1', new Error('boom')] });
 * await model.generate({ prompt: 'x' }); // text 'def f(): return 1'
 * await model.generate({ prompt: 'x' }); // throws Error('boom'); a third call throws MockUnconfiguredError
 */
export class MockLanguageModel implements LanguageModel {
  readonly provider = 'mock';
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /** Every call's options, in call order, without `signal`. Recorded before the response is produced. */
  readonly calls: Omit<GenerateOptions, 'signal'>[] = [];
  /** Number of times `close()` was called. */
  closeCount = 0;
  private readonly responses: MockLanguageModelOptions['responses'];

  constructor(options: MockLanguageModelOptions = {}) {
    this.responses = options.responses;
    this.modelId = options.modelId ?? 'mock-model';
    this.capabilities = {
      completionStyle: 'chat',
      jsonSchema: false,
      honoursTemperature: false,
      ...options.capabilities,
    };
  }

  /**
   * Answers with the next scripted response.
   * @throws MockUnconfiguredError (`mock_unconfigured`), the scripted Error, InvalidArgumentError (also for
   *   `jsonSchema` unless `capabilities.jsonSchema`), or the signal's reason when aborted.
   */
  async generate(options: GenerateOptions): Promise<GenerateResult> {
    const started = performance.now();
    validateGenerateOptions(options);
    options.signal?.throwIfAborted();
    if (options.jsonSchema !== undefined && !this.capabilities.jsonSchema) {
      throw new InvalidArgumentError({
        parameter: 'options.jsonSchema',
        value: options.jsonSchema,
        expected: 'undefined: this mock is configured with capabilities.jsonSchema false',
      });
    }
    const { signal, ...recorded } = options;
    const callIndex = this.calls.length;
    this.calls.push(recorded);
    const response = await raceAbort(Promise.resolve(this.responseFor(recorded, callIndex)), signal);
    if (response instanceof Error) throw response;
    const partial: Partial<GenerateResult> = typeof response === 'string' ? { text: response } : response;
    const stopped = applyStopSequences(partial.text ?? '', options.stop);
    const input = options.prompt ?? (options.messages ?? []).map((message) => message.content).join('\n');
    return {
      text: stopped.text,
      usage: partial.usage ?? {
        inputTokens: estimateTokenCount(input),
        outputTokens: estimateTokenCount(stopped.text),
      },
      finishReason: partial.finishReason ?? 'stop',
      latencyMs: partial.latencyMs ?? performance.now() - started,
      modelId: partial.modelId ?? this.modelId,
      ...(partial.costUsd === undefined ? {} : { costUsd: partial.costUsd }),
    };
  }

  /** Idempotent; counts calls in {@link MockLanguageModel.closeCount}. */
  async close(): Promise<void> {
    this.closeCount += 1;
  }

  private responseFor(options: Omit<GenerateOptions, 'signal'>, callIndex: number): MockResponse | Promise<MockResponse> {
    const responses = this.responses;
    if (responses === undefined) {
      throw new MockUnconfiguredError({ callIndex, reason: 'no responses configured' });
    }
    if (typeof responses === 'function') return responses(options, callIndex);
    if (Array.isArray(responses)) {
      const list = responses as readonly MockResponse[];
      const response = list[callIndex];
      if (response === undefined) {
        throw new MockUnconfiguredError({ callIndex, reason: `all ${list.length} scripted responses were used` });
      }
      return response;
    }
    return responses as MockResponse;
  }
}
