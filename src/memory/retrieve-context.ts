/**
 * @module memory/retrieve-context
 * What the memory gives a prompt (issue 17: retrieved context within a token budget): the chunks that best match a
 * task, and the failures earlier samples of the same task met (red-flag rules and layer reasons, so that later
 * samples can avoid them), cut to a token budget.
 */
import { estimateTokenCount } from '../llm/token-estimate.js';
import type { TaskSpec } from '../task-spec/task-spec.js';
import type { SqliteMemoryStore } from './sqlite-memory-store.js';
import { CODER_NAMESPACE } from './memory-chunk.js';

/** Default token budget of the retrieved context. */
export const DEFAULT_CONTEXT_TOKENS = 1024;

/** The retrieved context and what it was made of (recorded with the run). */
export interface RetrievedContext {
  /** The text for the prompt; empty when nothing was found. */
  readonly text: string;
  readonly chunks: readonly { readonly id: number; readonly source: string; readonly symbol: string | null; readonly type: string }[];
  /** Earlier failures of this task included. */
  readonly failures: number;
  /** Estimated tokens of `text` (`estimateTokenCount`). */
  readonly tokens: number;
}

/**
 * Retrieves context for `spec`: first up to 5 remembered failures of the same task id (newest first, from the
 * coder's namespace {@link CODER_NAMESPACE}), then the best chunks of a search for the task's name and description -
 * the project's (8 at most), then the coder's own (4 at most: code it verified for other tasks); a remembered failure
 * of another task and a chunk of this task's own verified code are left out - each added whole while the estimated
 * tokens stay within `maxTokens`.
 */
export async function retrieveContext(memory: Pick<SqliteMemoryStore, 'search' | 'find'>, spec: TaskSpec, options: { readonly maxTokens?: number } = {}): Promise<RetrievedContext> {
  const budget = options.maxTokens ?? DEFAULT_CONTEXT_TOKENS;
  const sections: string[] = [];
  const chunks: { id: number; source: string; symbol: string | null; type: string }[] = [];
  let tokens = 0;
  const take = (text: string): boolean => {
    const cost = estimateTokenCount(text);
    if (tokens + cost > budget) return false;
    tokens += cost;
    sections.push(text);
    return true;
  };
  const failures = await memory.find({ type: 'error', taskId: spec.id, namespace: CODER_NAMESPACE }, { limit: 5 });
  let failureCount = 0;
  for (const failure of failures) {
    if (!take(`- an earlier sample: ${failure.text}`)) break;
    failureCount += 1;
  }
  if (failureCount > 0) sections.splice(sections.length - failureCount, 0, 'Mistakes earlier samples of this task made:');
  const query = `${spec.name} ${spec.description}`;
  const project = await memory.search(query, { k: 8 });
  const own = await memory.search(query, { k: 4, namespace: CODER_NAMESPACE });
  for (const { chunk } of [...project.hits, ...own.hits]) {
    if (chunk.type === 'error' || (chunk.type === 'task' && chunk.taskId === spec.id)) continue;
    const where = `${chunk.source}${chunk.startLine === undefined ? '' : `:${chunk.startLine}`}${chunk.symbol === undefined ? '' : ` (${chunk.symbol})`}`;
    if (!take(`${where}:\n\`\`\`\n${chunk.text}\n\`\`\``)) continue;
    chunks.push({ id: chunk.id, source: chunk.source, symbol: chunk.symbol ?? null, type: chunk.type });
  }
  return { text: sections.join('\n'), chunks, failures: failureCount, tokens };
}
