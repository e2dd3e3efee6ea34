/**
 * @module server/model-server/generation-request
 * Turns a parsed OpenAI chat or completion request into the model call it asks for: the provider's
 * {@link GenerateOptions} (chat messages stay messages, rendered by the provider as its continuation prompt), the
 * prompt text whose tokens must fit the context, and how to answer (streamed or not, usage in the stream or not).
 */
import { renderMessagesAsPrompt, type ChatMessage, type GenerateOptions } from '../../index.js';
import type { ChatCompletionBody, CompletionBody } from './openai-request-schemas.js';

/** Temperature when a request gives none: the OpenAI API's default. */
export const DEFAULT_TEMPERATURE = 1;

/** One generation request, ready for the model. */
export interface GenerationRequest {
  /** The model call, without its signal (the server adds the client's). */
  readonly options: GenerateOptions;
  /** The raw prompt the model continues (chat messages rendered), for the context-length check. */
  readonly prompt: string;
  /** The model id the request named, if any. */
  readonly model: string | undefined;
  /** Answer as Server-Sent Events. */
  readonly stream: boolean;
  /** With `stream`: send a last chunk with the usage (`stream_options.include_usage`). */
  readonly includeUsage: boolean;
}

type SamplingBody = Pick<CompletionBody, 'model' | 'max_tokens' | 'temperature' | 'top_p' | 'seed' | 'stop' | 'stream' | 'stream_options'>;

/** `POST /v1/chat/completions`: `developer` messages count as `system`; text parts are joined by newlines. */
export function chatGenerationRequest(body: ChatCompletionBody): GenerationRequest {
  const messages: ChatMessage[] = body.messages.map((message) => ({
    role: message.role === 'developer' ? 'system' : message.role,
    content: typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text).join('\n'),
  }));
  const maxOutputTokens = body.max_completion_tokens ?? body.max_tokens;
  const schema = body.response_format?.type === 'json_schema' ? body.response_format.json_schema?.schema : undefined;
  return {
    ...common(body),
    options: { messages, ...sampling(body, maxOutputTokens), ...(schema == null ? {} : { jsonSchema: schema }) },
    prompt: renderMessagesAsPrompt(messages),
  };
}

/** `POST /v1/completions`: the prompt is continued as raw text. */
export function completionGenerationRequest(body: CompletionBody): GenerationRequest {
  const prompt = typeof body.prompt === 'string' ? body.prompt : (body.prompt[0] ?? '');
  return { ...common(body), options: { prompt, ...sampling(body, body.max_tokens) }, prompt };
}

function common(body: SamplingBody): Pick<GenerationRequest, 'model' | 'stream' | 'includeUsage'> {
  return { model: body.model ?? undefined, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true };
}

function sampling(body: SamplingBody, maxOutputTokens: number | null | undefined): Omit<GenerateOptions, 'prompt' | 'messages'> {
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    temperature: body.temperature ?? DEFAULT_TEMPERATURE,
    ...(body.top_p == null ? {} : { topP: body.top_p }),
    ...(body.seed == null ? {} : { seed: body.seed }),
    ...(maxOutputTokens == null ? {} : { maxOutputTokens }),
    ...(stop.length === 0 ? {} : { stop }),
  };
}
