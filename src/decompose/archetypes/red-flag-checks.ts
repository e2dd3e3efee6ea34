/**
 * @module decompose/archetypes/red-flag-checks
 * The red-flag rule names an archetype's profile lists (MAKER, Meyerson et al. 2025, arXiv 2511.09030, §3.3).
 * Code answers use the standard rules of `src/redflag/rules/`; JSON answers are checked like proposals.
 */
import { NO_CODE } from '../../redflag/rules/no-code.js';
import { OVER_TOKEN_CAP } from '../../redflag/rules/over-token-cap.js';
import { REFUSAL_OR_HEDGE } from '../../redflag/rules/refusal-or-hedge.js';
import { TOO_SHORT } from '../../redflag/rules/too-short.js';
import { UNBALANCED_DELIMITERS } from '../../redflag/rules/unbalanced-delimiters.js';
import { WRONG_FORMAT } from '../../redflag/rules/wrong-format.js';
import { PROPOSAL_RED_FLAG_RULES } from '../proposal-red-flags.js';

/** Checks of a code answer: the standard rules. */
export const CODE_CHECKS: readonly string[] = [OVER_TOKEN_CAP, NO_CODE, WRONG_FORMAT, REFUSAL_OR_HEDGE, UNBALANCED_DELIMITERS, TOO_SHORT];

/** Checks of any JSON answer: the cap, one extractable object, the output schema. */
export const JSON_CHECKS: readonly string[] = [OVER_TOKEN_CAP, 'not-json', 'schema'];

/** Checks of a decomposition proposal: the JSON checks plus the graph rules. */
export const PROPOSAL_CHECKS: readonly string[] = PROPOSAL_RED_FLAG_RULES;

/** Checks of a specifier's contract: the JSON checks, then the spec checks and a minimum of test cases (`specify-task.ts`). */
export const SPECIFIER_CHECKS: readonly string[] = [...JSON_CHECKS, 'invalid-spec', 'too-few-tests'];
