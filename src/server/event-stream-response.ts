/**
 * @module server/event-stream-response
 * Opens a Server-Sent Events response (WHATWG HTML §9.2) on a Fastify reply: the run event stream of `zerr serve`
 * and the streamed completions of `zerr model-server` both start this way.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * Hijacks `reply` (Fastify sends nothing more itself) and writes the 200 `text/event-stream` head: no caching, no
 * proxy buffering (`X-Accel-Buffering: no`), a kept-alive connection. Returns the raw response to write events on;
 * the caller ends it.
 */
export function openEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  return raw;
}
