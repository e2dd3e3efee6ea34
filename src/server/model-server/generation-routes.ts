/**
 * @module server/model-server/generation-routes
 * `POST /v1/chat/completions` and `POST /v1/completions`: validate, check the model name and the prompt's length,
 * wait for a turn in the admission queue (429 when it is full), generate on one of the model's sequences (concurrent
 * requests share the context's batched decode), and answer whole or as Server-Sent Events (`data: <chunk>` lines,
 * a last chunk with `finish_reason`, optionally one with `usage`, then `data: [DONE]`). A client that closes the
 * connection aborts its generation, which frees its sequence.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InvalidArgumentError, parseOptions, type GenerateResult } from '../../index.js';
import { ApiError } from '../api-error.js';
import { openEventStream } from '../event-stream-response.js';
import type { AdmissionQueue } from './admission-queue.js';
import { chatGenerationRequest, completionGenerationRequest, type GenerationRequest } from './generation-request.js';
import type { ModelServerMetrics } from './model-server-metrics.js';
import { ChatCompletionBodySchema, CompletionBodySchema } from './openai-request-schemas.js';
import {
  CHAT_SHAPE, COMPLETION_SHAPE, openAiFinishReason, openAiUsage, responseHead, type ResponseShape,
} from './openai-response-shapes.js';
import { toOpenAiError } from './openai-wire-error.js';
import type { ServedModel } from './served-model.js';

/** What the model routes work with. */
export interface ModelRouteContext {
  readonly model: ServedModel;
  readonly admission: AdmissionQueue;
  readonly metrics: ModelServerMetrics;
}

/** Route options of the routes that need the API key (when one is set). */
export const AUTH_ROUTE = { config: { auth: true } } as const;

/** Registers the two generation routes on `app`. */
export function registerGenerationRoutes(app: FastifyInstance, context: ModelRouteContext): void {
  app.post('/v1/chat/completions', AUTH_ROUTE, async (request, reply) =>
    generate(context, reply, chatGenerationRequest(parseOptions(ChatCompletionBodySchema, request.body ?? {}, 'body')), CHAT_SHAPE, 'body.messages'));
  app.post('/v1/completions', AUTH_ROUTE, async (request, reply) =>
    generate(context, reply, completionGenerationRequest(parseOptions(CompletionBodySchema, request.body ?? {}, 'body')), COMPLETION_SHAPE, 'body.prompt'));
}

/**
 * @throws ApiError `model_not_found` (404) when the request names another model than the one served.
 */
export function checkModelName(model: ServedModel, requested: string | null | undefined): void {
  if (requested == null || requested === model.modelId) return;
  throw new ApiError('model_not_found', `model ${JSON.stringify(requested)} is not served here; this server serves ${JSON.stringify(model.modelId)} (GET /v1/models)`);
}

/**
 * An AbortSignal that aborts when the client closes the connection before the response has been sent in full.
 */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new DOMException('the client closed the connection', 'AbortError'));
  });
  return controller.signal;
}

async function generate(context: ModelRouteContext, reply: FastifyReply, request: GenerationRequest, shape: ResponseShape, promptField: string): Promise<unknown> {
  const { model, admission, metrics } = context;
  checkModelName(model, request.model);
  const promptTokens = model.countTokens(request.prompt);
  if (promptTokens >= model.contextSize) {
    throw new ApiError('context_length_exceeded', `${promptField.slice('body.'.length)} is ${promptTokens} tokens; this server's context holds ${model.contextSize} tokens per request (prompt and output together)`);
  }
  const signal = clientGoneSignal(reply);
  const release = await admission.admit(signal);
  try {
    if (!request.stream) {
      const result = await withBodyParameters(model.generate({ ...request.options, signal }));
      metrics.observeTokens(result.usage);
      return { ...responseHead(shape, model.modelId, false), choices: [shape.choice(result.text, openAiFinishReason(result.finishReason))], usage: openAiUsage(result.usage) };
    }
    await stream(context, reply, request, shape, signal);
    return undefined;
  } finally {
    release();
  }
}

async function stream(context: ModelRouteContext, reply: FastifyReply, request: GenerationRequest, shape: ResponseShape, signal: AbortSignal): Promise<void> {
  const { model, metrics } = context;
  // Errors found before the first token (a schema llama.cpp cannot compile) still get their own status: the stream
  // opens with the first chunk.
  const head = responseHead(shape, model.modelId, true);
  let raw: ReturnType<typeof openEventStream> | undefined;
  const send = (data: unknown): void => {
    raw ??= openEventStream(reply);
    if (!raw.destroyed && !raw.writableEnded) raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  };
  let result: GenerateResult;
  try {
    const opening = shape.opening;
    result = await withBodyParameters(model.generateStreaming({ ...request.options, signal }, (text) => {
      if (raw === undefined && opening !== undefined) send({ ...head, choices: [opening] });
      send({ ...head, choices: [shape.delta(text)] });
    }));
  } catch (error) {
    if (raw === undefined) throw error;
    // Mid-stream: the status is sent; OpenAI clients raise an `error` object found in the stream.
    if (!signal.aborted) send(toOpenAiError(error).body);
    raw.end();
    return;
  }
  metrics.observeTokens(result.usage);
  if (shape.opening !== undefined && raw === undefined) send({ ...head, choices: [shape.opening] });
  send({ ...head, choices: [shape.closing(openAiFinishReason(result.finishReason))] });
  if (request.includeUsage) send({ ...head, choices: [], usage: openAiUsage(result.usage) });
  send('[DONE]');
  raw?.end();
}

/** The provider's complaint about a JSON Schema names the request's field. */
async function withBodyParameters<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof InvalidArgumentError && error.parameter === 'options.jsonSchema') throw error.renamed('body.response_format.json_schema.schema');
    throw error;
  }
}
