/**
 * @module mcp/tool-context
 * What every tool handler shares: the result shape (structured content plus a text summary), the progress
 * notifications a client asks for with a `progressToken`, and the handler wrapper that turns thrown engine errors
 * into tool errors through the one table in `error-table.ts`.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { EngineEvent, Engine, RunService, RunStore, SqliteMemoryStore } from '../index.js';
import { toolError } from './error-table.js';

/** The request context the SDK hands a tool handler. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What the tools are built from (narrow: each tool takes what it uses). */
export interface McpDependencies {
  readonly engine: Engine;
  readonly service: RunService;
  readonly store: RunStore;
  /**
   * Whether the engine has a real model. Default true. When false, `solve`, `build` and `answer_escalation` stay
   * listed but answer `model_required` before touching the engine; the other tools and the resources work as usual.
   */
  readonly modelAvailable?: boolean;
  /** Opens the project's memory for one `memory_search` call (closed after it). Absent: the tool is not listed. */
  /** Folder that `implement` targets are resolved against (the project root). Default the process's working directory. */
  readonly projectRoot?: string;
  readonly openMemory?: () => Promise<SqliteMemoryStore>;
}

/** Throws ModelRequiredError (`model_required`) for `tool` when the server has no model; a no-op otherwise. */
export type ModelGate = (tool: string) => void;

/** A tool result: `structured` as structured content, `text` as the one text block (for clients that read only text). */
export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * Wraps a handler so that what it throws comes back as a tool error (`isError`, the engine's code and message).
 * Protocol-level failures stay with the SDK.
 */
export function guarded<A>(handler: (args: A, extra: ToolExtra) => Promise<CallToolResult>): (args: A, extra: ToolExtra) => Promise<CallToolResult> {
  return async (args, extra) => {
    try {
      return await handler(args, extra);
    } catch (error) {
      return toolError(error);
    }
  };
}

/**
 * Progress of a run in tasks, from its engine events: `total` is the tasks known so far (the run's tasks; a build's
 * decomposition replaces a node by its subtasks) plus one for a build's integration; `progress` is the tasks settled
 * (and the integration, once it ended) plus a fraction that grows with every event since the last one settled, so
 * that it rises with each event (MCP requires every notification's progress to exceed the last) and stays below the
 * next whole task. A finished run's progress is its total.
 */
export class RunProgress {
  readonly #tasks = new Set<string>();
  readonly #settled = new Set<string>();
  #build = false;
  #integrated = false;
  #finished = false;
  #eventsSinceSettled = 0;

  /** Folds one event in. */
  observe(event: EngineEvent): void {
    this.#eventsSinceSettled += 1;
    switch (event.type) {
      case 'run-start':
        for (const id of event.taskIds) this.#tasks.add(id);
        this.#build = event.kind === 'build';
        break;
      case 'nodes-created':
        this.#build = true;
        if (event.replaces !== null) this.#tasks.delete(event.replaces);
        for (const node of event.nodes) this.#tasks.add(node.id);
        break;
      case 'task-end':
      case 'task-settled':
        this.#tasks.add(event.taskId);
        if (!this.#settled.has(event.taskId)) this.#eventsSinceSettled = 0;
        this.#settled.add(event.taskId);
        break;
      case 'integration-end':
        this.#integrated = true;
        this.#eventsSinceSettled = 0;
        break;
      case 'run-end':
        this.#finished = true;
        break;
      default:
        break;
    }
  }

  /** Units of work known: tasks, plus the integration of a build. At least 1. */
  get total(): number {
    return Math.max(1, this.#tasks.size + (this.#build ? 1 : 0));
  }

  /** Units done, in [0, total]; see the class comment. */
  get progress(): number {
    if (this.#finished) return this.total;
    const done = [...this.#settled].filter((id) => this.#tasks.has(id)).length + (this.#integrated ? 1 : 0);
    const events = this.#eventsSinceSettled;
    return Math.min(this.total, done + events / (events + 1));
  }
}

/**
 * Sends `notifications/progress` for engine events when the request carried a `progressToken` (a no-op otherwise):
 * `progress` of `total` in tasks ({@link RunProgress}), the message naming the event and the whole units done
 * (`sample-end clamp#2 (0/1 done)`). Clients that set `resetTimeoutOnProgress` keep long calls (a build
 * with `wait`) alive this way. A notification whose progress would not exceed the last one's is not sent. Never throws.
 */
export function progressReporter(extra: ToolExtra): (event: EngineEvent) => void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => undefined;
  const run = new RunProgress();
  let last = -1;
  return (event) => {
    run.observe(event);
    const { progress, total } = run;
    if (progress <= last) return;
    last = progress;
    const where = 'taskId' in event ? ` ${event.taskId}${'sampleIndex' in event ? `#${event.sampleIndex}` : ''}` : '';
    const message = `${event.type}${where} (${Math.floor(progress)}/${total} done)`;
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, total, message } })
      .catch(() => undefined);
  };
}

/** Rounds for text summaries. */
export function round(value: number, digits = 4): string {
  return String(Number(value.toFixed(digits)));
}
