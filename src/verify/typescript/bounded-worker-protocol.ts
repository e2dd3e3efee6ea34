/**
 * @module verify/typescript/bounded-worker-protocol
 * The messages between a {@link BoundedWorker} host and its worker thread, and {@link serveBoundedWorker}, the loop a
 * worker entry module runs. Everything that crosses is structured-cloned plain data.
 *
 * Sequence: the worker warms up (loads its modules, parses the lib), posts `ready`, then answers each `request` with
 * a `result` or an `error` of the same `id`, one at a time (the host sends the next request only after the answer).
 */
import { parentPort } from 'node:worker_threads';

/** Host -> worker: analyse `request`. */
export interface WorkerRequestMessage<Request> {
  readonly type: 'request';
  readonly id: number;
  readonly request: Request;
}

/** Worker -> host. */
export type WorkerReplyMessage<Response> =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly value: Response }
  | { readonly type: 'error'; readonly id: number; readonly name: string; readonly message: string };

/** What a worker entry module provides. */
export interface BoundedWorkerHandlers<Request, Response> {
  /** Runs once before `ready` (load modules, parse the lib, one throw-away analysis); not counted in any check's time limit. */
  readonly warmUp?: () => void | Promise<void>;
  /** Analyses one request; a throw is sent back as an `error` reply. */
  readonly handle: (request: Request) => Response | Promise<Response>;
}

/**
 * Runs the worker side: warm up, post `ready`, answer requests. A warm-up that throws ends the worker with that
 * error (the host reports it as a start failure).
 * @throws Error when not called in a worker thread.
 */
export function serveBoundedWorker<Request, Response>(handlers: BoundedWorkerHandlers<Request, Response>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveBoundedWorker must run in a worker thread');
  const answer = async (message: WorkerRequestMessage<Request>): Promise<void> => {
    let reply: WorkerReplyMessage<Response>;
    try {
      reply = { type: 'result', id: message.id, value: await handlers.handle(message.request) };
    } catch (error) {
      const { name, message: text } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      reply = { type: 'error', id: message.id, name, message: text };
    }
    port.postMessage(reply);
  };
  const start = async (): Promise<void> => {
    await handlers.warmUp?.();
    port.on('message', (message: WorkerRequestMessage<Request>) => void answer(message));
    port.postMessage({ type: 'ready' } satisfies WorkerReplyMessage<Response>);
  };
  start().catch((error: unknown) => {
    // Rethrown outside the promise so that it reaches the host as the worker's 'error' event.
    setImmediate(() => {
      throw error;
    });
  });
}
