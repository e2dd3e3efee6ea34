/**
 * @module server/model-server/embeddings-route
 * `POST /v1/embeddings`: one vector per input text, as float arrays or (`encoding_format: "base64"`, what the
 * official `openai` client asks for by default) base64 of little-endian float32. Embeddings take a turn in the
 * admission queue like generations (they share the CPU).
 */
import type { FastifyInstance } from 'fastify';
import { InvalidArgumentError, parseOptions } from '../../index.js';
import { AUTH_ROUTE, checkModelName, clientGoneSignal, type ModelRouteContext } from './generation-routes.js';
import { EmbeddingsBodySchema } from './openai-request-schemas.js';

/** Registers `POST /v1/embeddings` on `app`. */
export function registerEmbeddingsRoute(app: FastifyInstance, context: ModelRouteContext): void {
  const { model, admission, metrics } = context;
  app.post('/v1/embeddings', AUTH_ROUTE, async (request, reply) => {
    const body = parseOptions(EmbeddingsBodySchema, request.body ?? {}, 'body');
    checkModelName(model, body.model);
    const single = typeof body.input === 'string';
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const signal = clientGoneSignal(reply);
    const release = await admission.admit(signal);
    let result;
    try {
      result = await model.embed(texts, { signal });
    } catch (error) {
      const index = error instanceof InvalidArgumentError ? /^texts\[(\d+)\]$/.exec(error.parameter)?.[1] : undefined;
      if (index !== undefined && error instanceof InvalidArgumentError) throw error.renamed(single ? 'body.input' : `body.input.${index}`);
      throw error;
    } finally {
      release();
    }
    const size = result.embeddings[0]?.length ?? 0;
    if (body.dimensions != null && body.dimensions !== size) {
      throw new InvalidArgumentError({ parameter: 'body.dimensions', value: body.dimensions, expected: `${size} (this model's embedding size) or absent` });
    }
    metrics.observeTokens({ inputTokens: result.inputTokens, outputTokens: 0 });
    const base64 = body.encoding_format === 'base64';
    return {
      object: 'list',
      data: result.embeddings.map((vector, index) => ({
        object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      })),
      model: model.modelId,
      usage: { prompt_tokens: result.inputTokens, total_tokens: result.inputTokens },
    };
  });
}
