/**
 * @module store/resolve-run-id
 * Resolves the run a person names: `latest`, a full run id, or a unique prefix of one, as `git` resolves short
 * hashes. Used by `zerr runs show`; works on any {@link RunStore}.
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { RunNotFoundError } from './errors/run-not-found-error.js';
import type { RunStore } from './run-store.js';

/** The word that names the most recent run. */
export const LATEST_RUN = 'latest';

/** Candidates shown when a prefix is ambiguous. */
const SHOWN = 5;

/**
 * The id of the run `ref` names: `latest` (the most recently created run), an exact id, or a prefix matching exactly
 * one run; a prefix without the `run-` of generated ids is tried with it too (`20260101-1530` finds
 * `run-20260101-153012-a3f9c1`). An exact id wins over longer ids it prefixes.
 * @throws RunNotFoundError (`run_not_found`) when no run matches (or the store is empty for `latest`);
 *   InvalidArgumentError (`invalid_argument`, parameter `runId`) for an empty ref or a prefix matching several runs
 *   (the message lists the most recent of them).
 */
export async function resolveRunId(store: Pick<RunStore, 'findRunIds'>, ref: string): Promise<string> {
  const text = ref.trim();
  if (text === '') throw new InvalidArgumentError({ parameter: 'runId', value: ref, expected: `a run id, a unique prefix of one, or "${LATEST_RUN}"` });
  if (text === LATEST_RUN) {
    const [latest] = await store.findRunIds('', { limit: 1 });
    if (latest === undefined) throw new RunNotFoundError({ runId: text, message: 'No runs are recorded in this store yet.' });
    return latest;
  }
  for (const prefix of text.startsWith('run-') ? [text] : [text, `run-${text}`]) {
    const found = await store.findRunIds(prefix, { limit: 1000 });
    if (found.includes(prefix)) return prefix;
    if (found.length === 1 && found[0] !== undefined) return found[0];
    if (found.length > 1) {
      const shown = found.slice(0, SHOWN).join(', ');
      throw new InvalidArgumentError({
        parameter: 'runId', value: ref,
        expected: `a prefix of exactly one run; ${JSON.stringify(text)} matches ${found.length} runs (${shown}${found.length > SHOWN ? ', ...' : ''}): type more of the id`,
      });
    }
  }
  throw new RunNotFoundError({ runId: text, message: `No run matches ${JSON.stringify(text)} in this store; \`zerr runs list\` shows the recorded runs.` });
}
