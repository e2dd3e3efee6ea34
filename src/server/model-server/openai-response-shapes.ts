/**
 * @module server/model-server/openai-response-shapes
 * The OpenAI response bodies of the two generation endpoints, whole and as stream chunks: `chat.completion` /
 * `chat.completion.chunk` (`choices[0].message` / `choices[0].delta`) and `text_completion` (`choices[0].text`).
 */
import { randomUUID } from 'node:crypto';
import type { FinishReason, TokenUsage } from '../../index.js';

/** OpenAI's usage object. */
export interface OpenAiUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

/** How one endpoint shapes its answers. */
export interface ResponseShape {
  /** `object` of a whole response. */
  readonly object: string;
  /** `object` of a stream chunk. */
  readonly chunkObject: string;
  /** Prefix of response ids (`chatcmpl-`, `cmpl-`). */
  readonly idPrefix: string;
  /** The one choice of a whole response. */
  choice(text: string, finishReason: string): Record<string, unknown>;
  /** The choice of a chunk carrying `text`. */
  delta(text: string): Record<string, unknown>;
  /** The choice of the first chunk, before any text (chat: the assistant role), if the endpoint sends one. */
  readonly opening: Record<string, unknown> | undefined;
  /** The choice of the last chunk, with the finish reason. */
  closing(finishReason: string): Record<string, unknown>;
}

/** `POST /v1/chat/completions`. */
export const CHAT_SHAPE: ResponseShape = {
  object: 'chat.completion',
  chunkObject: 'chat.completion.chunk',
  idPrefix: 'chatcmpl-',
  choice: (text, finishReason) => ({ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: finishReason }),
  delta: (text) => ({ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }),
  opening: { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
  closing: (finishReason) => ({ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }),
};

/** `POST /v1/completions`. */
export const COMPLETION_SHAPE: ResponseShape = {
  object: 'text_completion',
  chunkObject: 'text_completion',
  idPrefix: 'cmpl-',
  choice: (text, finishReason) => ({ index: 0, text, logprobs: null, finish_reason: finishReason }),
  delta: (text) => ({ index: 0, text, logprobs: null, finish_reason: null }),
  opening: undefined,
  closing: (finishReason) => ({ index: 0, text: '', logprobs: null, finish_reason: finishReason }),
};

/** OpenAI's `finish_reason`: `length` when the token cap or the context ended the text, else `stop`. */
export function openAiFinishReason(reason: FinishReason): string {
  return reason === 'length' ? 'length' : reason === 'content-filter' ? 'content_filter' : 'stop';
}

/** OpenAI's usage of a call. */
export function openAiUsage(usage: TokenUsage): OpenAiUsage {
  return { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
}

/** The fields every response and chunk of one request share: `id`, `object`, `created` (Unix s), `model`. */
export function responseHead(shape: ResponseShape, model: string, chunk: boolean): { id: string; object: string; created: number; model: string } {
  return { id: `${shape.idPrefix}${randomUUID()}`, object: chunk ? shape.chunkObject : shape.object, created: Math.floor(Date.now() / 1000), model };
}
