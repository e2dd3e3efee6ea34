/**
 * @module cli/chat/chat-text
 * What `zerr chat` prints of a proposed spec and of a solve: how the spec was chosen and the spec itself; the vote
 * (outcome, the winning equivalence class's votes against the runner-up's, k), what was discarded (red-flagged,
 * failed verification) and the chosen code.
 */
import { formatCounts } from '../format-counts.js';
import type { ProposedSpec, SolveOutcome } from './chat-backend.js';
import type { SpecifyResult } from '../../index.js';

/** One line on how the specifier's vote went. */
export function specificationLine(result: SpecifyResult): string {
  const classes = result.classes.map((tally) => `${tally.classKey.slice(0, 8)}=${tally.votes}`).join(', ') || 'none';
  return `specification ${result.runId}: ${result.outcome} - ${result.reason} (samples ${result.samples}, red-flagged ${result.redFlagged}${formatCounts(result.redFlagsByRule)}, contract classes ${classes})`;
}

/** A proposed spec: where it came from, the YAML indented, and where it is on disk. */
export function proposalText(proposal: ProposedSpec): string {
  const lines: string[] = [];
  if (proposal.specification !== undefined) lines.push(specificationLine(proposal.specification));
  const from = proposal.origin === 'specifier' ? 'proposed spec' : proposal.origin === 'edited' ? 'edited spec' : `spec from ${proposal.file ?? 'the file'}`;
  lines.push(`${from}:`, ...proposal.yaml.trimEnd().split('\n').map((line) => `  ${line}`));
  if (proposal.spec.testCases.length === 0) lines.push('  (no test case: only the contract, the properties and the vote check candidates)');
  if (proposal.specification !== undefined && proposal.specification.outcome !== 'consensus') {
    lines.push(`note: no contract class led by k (${proposal.specification.outcome}); read the spec carefully before you confirm it`);
  }
  for (const dropped of proposal.specification?.droppedTestCases ?? []) lines.push(`left out test case ${JSON.stringify(dropped.inputs)}: ${dropped.reason}`);
  if (proposal.origin === 'specifier' && proposal.file !== null) lines.push(`written to ${proposal.file}`);
  return `${lines.join('\n')}\n`;
}

/** `/spec`: the last spec and where it is on disk. */
export function lastSpecText(proposal: ProposedSpec): string {
  const lines = [`last spec (${proposal.origin}${proposal.file === null ? '' : `, ${proposal.file}`}):`, ...proposal.yaml.trimEnd().split('\n').map((line) => `  ${line}`)];
  return `${lines.join('\n')}\n`;
}

/** A solve's result: the vote, the counts, where the files are, and the code. */
export function solveText(outcome: SolveOutcome): string {
  if (outcome.status === 'paused') {
    return `stopped: run ${outcome.runId} is paused (${outcome.reason.replace(/^paused:\s*/, '')}); continue it with: zerr resume ${outcome.runId}\n`;
  }
  const { result, runId, files } = outcome;
  const lines = [
    `run ${runId}: ${result.outcome} - ${result.reason}`,
    `  vote: ${result.classKey === null ? 'no class chosen' : `class ${result.classKey.slice(0, 16)}`} ${result.votes} votes vs runner-up ${result.runnerUpVotes} (k=${result.k})`,
    `  samples ${result.samples}, red-flagged ${result.redFlagged}${formatCounts(result.redFlagsByRule)}, failed verification ${result.failedVerification}${formatCounts(result.failedByLayer)}, verified ${result.verified}`,
    `  classes: ${result.classes.map((tally) => `${tally.classKey.slice(0, 8)}=${tally.votes}`).join(', ') || 'none'}`,
  ];
  if (result.failedCalls > 0) lines.push(`  model calls without an answer: ${result.failedCalls}${formatCounts(result.failedCallsByCause)}`);
  if (files.code !== null) lines.push(`  code: ${files.code}`);
  lines.push(`  report: ${files.report}`);
  if (result.code !== null) {
    lines.push(`--- ${result.outcome === 'consensus' ? 'verified code' : `${result.outcome} code (not chosen by consensus)`} ---`, result.code.trimEnd(), '---');
  }
  return `${lines.join('\n')}\n`;
}
