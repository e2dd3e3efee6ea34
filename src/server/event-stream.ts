/**
 * @module server/event-stream
 * Writes a run's numbered events as Server-Sent Events (WHATWG HTML §9.2): `id: <n>`, `event: <type>`,
 * `data: <JSON>`, a blank line; `: heartbeat` comments keep proxies from closing an idle stream. The stream ends
 * after `run-end` (or at once when the run is not live here and every kept event was sent).
 */
import type { FastifyReply } from 'fastify';
import type { RunService } from '../index.js';
import { openEventStream } from './event-stream-response.js';

/** Streams the events of `runId` after `afterId` on `reply` (hijacked: Fastify sends nothing more itself). */
export async function streamRunEvents(
  reply: FastifyReply, service: RunService, runId: string, options: { readonly afterId: number; readonly heartbeatMs: number },
): Promise<void> {
  const raw = openEventStream(reply);
  raw.write(`retry: 3000\n: events of ${runId} after ${options.afterId}\n\n`);
  const controller = new AbortController();
  const onClose = (): void => { controller.abort(); };
  raw.on('close', onClose);
  const heartbeat = setInterval(() => { raw.write(': heartbeat\n\n'); }, options.heartbeatMs);
  try {
    for await (const entry of service.events(runId, { afterId: options.afterId, signal: controller.signal })) {
      raw.write(`id: ${entry.id}\nevent: ${entry.event.type}\ndata: ${JSON.stringify(entry.event)}\n\n`);
    }
  } finally {
    clearInterval(heartbeat);
    raw.off('close', onClose);
    if (!raw.writableEnded) raw.end();
  }
}
