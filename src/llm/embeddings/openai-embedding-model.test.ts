import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OpenAiEmbeddingModel } from './openai-embedding-model.js';

/** An `/embeddings` endpoint that refuses (400) any input longer than 40 characters; a vector is [length, 1]. */
let server: Server;
let baseURL: string;
const seen: string[][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] };
      seen.push(body.input);
      res.setHeader('content-type', 'application/json');
      if (body.input.some((text) => text.length > 40)) {
        res.statusCode = 400;
        res.end(JSON.stringify({ error: { message: 'input too long', type: 'invalid_request_error', code: 'context_length_exceeded' } }));
        return;
      }
      res.end(JSON.stringify({ object: 'list', model: 'm', data: body.input.map((text, index) => ({ object: 'embedding', index, embedding: [text.length, 1] })), usage: { prompt_tokens: 1, total_tokens: 1 } }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => { await new Promise((done) => server.close(done)); });

describe('OpenAiEmbeddingModel', () => {
  test('vectors in input order; a text the server refuses as too long is cut in half until it is taken', async () => {
    const model = new OpenAiEmbeddingModel('m', { baseURL });
    seen.length = 0;
    const vectors = await model.embed(['short', 'x'.repeat(100), 'also short']);
    expect(vectors.map((vector) => [...vector])).toEqual([[5, 1], [25, 1], [10, 1]]);
    // The batch was refused, then each text alone; the long one was cut 100 -> 50 -> 25 characters.
    expect(seen.map((input) => input.map((text) => text.length))).toEqual([[5, 100, 10], [5], [100], [50], [25], [10]]);
  });

  test('a server that cannot be reached is an error of the shared HTTP table naming the endpoint', async () => {
    const model = new OpenAiEmbeddingModel('m', { baseURL: 'http://127.0.0.1:9/v1' });
    await expect(model.embed(['a'])).rejects.toThrow(/http:\/\/127\.0\.0\.1:9\/v1\/embeddings/);
  });
});
