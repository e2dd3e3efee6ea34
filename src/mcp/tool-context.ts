/**
 * @module mcp/tool-context
 * What every tool handler shares: the result shape (structured content plus a text summary), the progress
 * notifications a client asks for with a `progressToken`, and the handler wrapper that turns thrown engine errors
 * into tool errors through the one table in `error-table.ts`.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { EngineEvent, Engine, RunService, RunStore } from '../index.js';
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
 * Sends `notifications/progress` for engine events when the request carried a `progressToken` (a no-op otherwise):
 * progress counts the events, the message names the event (`sample-end clamp#2`). Clients that set
 * `resetTimeoutOnProgress` keep long calls (a build with `wait`) alive this way. Never throws.
 */
export function progressReporter(extra: ToolExtra): (event: EngineEvent) => void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => undefined;
  let progress = 0;
  return (event) => {
    progress += 1;
    const where = 'taskId' in event ? ` ${event.taskId}${'sampleIndex' in event ? `#${event.sampleIndex}` : ''}` : '';
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message: `${event.type}${where}` } })
      .catch(() => undefined);
  };
}

/** Rounds for text summaries. */
export function round(value: number, digits = 4): string {
  return String(Number(value.toFixed(digits)));
}
