/**
 * @module decompose/json-answer-checks
 * The red flags every JSON-answering archetype shares (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.3:
 * discard, never repair): `over-token-cap` (the answer ran into the cap), `not-json` (no JSON object can be
 * extracted) and `schema` (the object breaks the archetype's output schema, zod issues listed). The decomposer,
 * specifier and reviewer add their own rules after these.
 */
import type { z } from 'zod';
import type { RedFlagHit } from '../redflag/red-flag-rule.js';
import { OVER_TOKEN_CAP } from '../redflag/rules/over-token-cap.js';
import { formatSpecIssues } from '../task-spec/format-issues.js';
import { extractJsonObject } from './json-answer.js';

/** What the shared checks know besides the answer's text. */
export interface JsonAnswerContext {
  /** Token cap of the answer. */
  readonly maxOutputTokens: number;
  /** Tokens the model generated. */
  readonly outputTokens: number;
  /** Why generation stopped; `length` is `over-token-cap`. */
  readonly finishReason: string;
  /** Names the answer in `schema` reasons, e.g. `proposal`, `contract`. */
  readonly noun: string;
}

/** The schema-valid answer (null when `not-json` or `schema` hit) and the hits so far. */
export interface JsonAnswerCheck<T> {
  readonly value: T | null;
  readonly hits: RedFlagHit[];
}

/**
 * Runs the shared rules on `text`: `over-token-cap` (`finishReason` is `length` or `outputTokens > maxOutputTokens`;
 * the answer is still parsed, so that its other problems are recorded too), then `not-json` or `schema`, which end
 * the checks (there is nothing to look at). At most one hit per rule; the `schema` reason lists up to 8 issues as
 * `<field>: got <value>, expected <what>`. Never throws.
 */
export function checkJsonAnswer<S extends z.ZodType>(text: string, schema: S, context: JsonAnswerContext): JsonAnswerCheck<z.output<S>> {
  const hits: RedFlagHit[] = [];
  if (context.finishReason === 'length') hits.push({ rule: OVER_TOKEN_CAP, reason: `generation stopped at the token cap after ${context.outputTokens} tokens` });
  else if (context.outputTokens > context.maxOutputTokens) hits.push({ rule: OVER_TOKEN_CAP, reason: `${context.outputTokens} output tokens exceed the cap of ${context.maxOutputTokens}` });
  const json = extractJsonObject(text);
  if (!json.ok) {
    hits.push({ rule: 'not-json', reason: json.reason });
    return { value: null, hits };
  }
  const result = schema.safeParse(json.value);
  if (!result.success) {
    const issues = formatSpecIssues(context.noun, schema, json.value, result.error.issues);
    const listed = issues.slice(0, 8).map((issue) => issue.message.replace(new RegExp(`^${context.noun}: `), ''));
    const more = issues.length > listed.length ? `; and ${issues.length - listed.length} more` : '';
    hits.push({ rule: 'schema', reason: `${listed.join('; ')}${more}` });
    return { value: null, hits };
  }
  return { value: result.data, hits };
}
