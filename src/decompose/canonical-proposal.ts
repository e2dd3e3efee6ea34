/**
 * @module decompose/canonical-proposal
 * The canonical JSON of a decomposition proposal (what the run store keeps as a sample's `code` and a decision's
 * chosen plan), and its inverse for resuming from recorded samples.
 */
import { parseJsonWith } from './json-answer.js';
import { canonicalValue } from '../vote/semantic-signature.js';
import { type DecompositionProposal, DecompositionProposalSchema } from './decomposition-proposal.js';

/** JSON of `proposal` with object keys sorted; subtask order is kept (it is the model's). */
export function canonicalProposalJson(proposal: DecompositionProposal): string {
  return JSON.stringify(canonicalValue(proposal));
}

/** Parses a proposal written by {@link canonicalProposalJson}; null when `json` is null, not JSON or not a proposal. */
export function parseProposalJson(json: string | null): DecompositionProposal | null {
  return parseJsonWith(DecompositionProposalSchema, json);
}
