import { describe, expect, test } from 'vitest';
import { canonicalProposalJson, parseProposalJson } from './canonical-proposal.js';
import { baseProposal } from './testing/proposals.js';

describe('canonical proposal JSON', () => {
  test('keys sorted at every level, subtask order kept; round-trips', () => {
    const json = canonicalProposalJson(baseProposal());
    expect(json.startsWith('{"subtasks":[{"dependencies":[],"description":"Implements tokenize."')).toBe(true);
    expect(parseProposalJson(json)).toEqual(baseProposal());
  });

  test('null, invalid JSON and non-proposals read as null', () => {
    expect(parseProposalJson(null)).toBeNull();
    expect(parseProposalJson('{"subtasks": [')).toBeNull();
    expect(parseProposalJson('{"subtasks": []}')).toBeNull();
  });
});
