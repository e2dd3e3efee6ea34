/**
 * @module server/model-server/openai-request-schemas
 * zod schemas of the OpenAI request bodies the model server accepts (`POST /v1/chat/completions`,
 * `/v1/completions`, `/v1/embeddings`). Tolerant as the API's clients expect: unknown fields pass, `null` means
 * "not given". What this server cannot do is refused by name rather than ignored: more than one choice (`n`),
 * penalties, log probabilities, tools, `echo`, `best_of`, `suffix`, token-array prompts, `json_object` output.
 */
import { z } from 'zod';

const ROLES = ['system', 'developer', 'user', 'assistant'] as const;

/** A message's content: a string, or text parts (joined). */
const ContentSchema = z.union(
  [z.string(), z.array(z.object({ type: z.literal('text', { error: '"text" (only text parts)' }), text: z.string() }).loose())],
  { error: 'a string or an array of { type: "text", text } parts' },
);

const MessageSchema = z.object({
  role: z.enum(ROLES, { error: `one of ${ROLES.join(', ')} (this server has no tools)` }),
  content: ContentSchema.nullish(),
}).loose();

/** A field this server supports only at its neutral value (`0`, `false`, `null`, ...). */
const only = <T extends string | number | boolean>(value: T, why: string) => z.literal(value, { error: `${JSON.stringify(value)} or absent (${why})` }).nullish();

/** Sampling fields both generation endpoints share. */
const SamplingFields = {
  model: z.string().nullish(),
  max_tokens: z.number().int('a positive integer').positive('a positive integer').nullish(),
  temperature: z.number().min(0, 'a number in [0, 2]').max(2, 'a number in [0, 2]').nullish(),
  top_p: z.number().gt(0, 'a number in (0, 1]').max(1, 'a number in (0, 1]').nullish(),
  seed: z.number().int('an integer').nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: 'a string or an array of strings' }).nullish(),
  n: only(1, 'one choice per request'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
  presence_penalty: only(0, 'penalties are not supported'),
  frequency_penalty: only(0, 'penalties are not supported'),
};

/** `response_format`: plain text, or JSON matching a JSON Schema (llama.cpp grammar). */
const ResponseFormatSchema = z.object({
  type: z.enum(['text', 'json_schema'], { error: '"text" or "json_schema" (json_object is not supported: give a JSON Schema)' }),
  json_schema: z.object({
    name: z.string().nullish(),
    schema: z.record(z.string(), z.unknown(), { error: 'a JSON Schema object' }),
    strict: z.boolean().nullish(),
  }).loose().nullish(),
}).loose().refine((format) => format.type !== 'json_schema' || format.json_schema != null, {
  path: ['json_schema'], message: 'an object { name, schema } when type is "json_schema"',
});

/** `POST /v1/chat/completions`. */
export const ChatCompletionBodySchema = z.object({
  ...SamplingFields,
  messages: z.array(MessageSchema, { error: 'an array of messages' }).min(1, 'at least one message'),
  max_completion_tokens: z.number().int('a positive integer').positive('a positive integer').nullish(),
  response_format: ResponseFormatSchema.nullish(),
  logprobs: only(false, 'log probabilities are not supported'),
  tools: z.array(z.unknown()).max(0, 'no tools (this server has none)').nullish(),
}).loose();

/** `POST /v1/completions`. */
export const CompletionBodySchema = z.object({
  ...SamplingFields,
  prompt: z.union([z.string(), z.array(z.string()).length(1, 'one prompt')], { error: 'a string (or an array of exactly one string; token arrays are not supported)' }),
  echo: only(false, 'echo is not supported'),
  best_of: only(1, 'one candidate per request'),
  suffix: z.null({ error: 'absent (suffix/infill is not supported)' }).optional(),
  logprobs: only(0, 'log probabilities are not supported'),
}).loose();

/** `POST /v1/embeddings`. */
export const EmbeddingsBodySchema = z.object({
  model: z.string().nullish(),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)], {
    error: 'a non-empty string or an array of 1 to 2048 non-empty strings (token arrays are not supported)',
  }),
  encoding_format: z.enum(['float', 'base64'], { error: '"float" or "base64"' }).nullish(),
  dimensions: z.number().int('a positive integer').positive('a positive integer').nullish(),
}).loose();

/** A parsed chat completion request. */
export type ChatCompletionBody = z.output<typeof ChatCompletionBodySchema>;
/** A parsed completion request. */
export type CompletionBody = z.output<typeof CompletionBodySchema>;
/** A parsed embeddings request. */
export type EmbeddingsBody = z.output<typeof EmbeddingsBodySchema>;
