/**
 * @module cli/vote-options
 * The vote-rule flags `solve` and `build` share: `--vote first-to-ahead-by-k|adaptive` and `--target <t>` (adaptive
 * k's target, decision 022), with `defaults.vote`/`defaults.target` of zerr.config.yaml behind them.
 */
import { Option, type Command } from 'commander';
import { optionOrConfigured } from './cli-config.js';
import { probability } from './option-parsers.js';

/** A vote rule as the flags name it. */
export type VoteRule = 'first-to-ahead-by-k' | 'adaptive';

/** The parsed flags, as commander gives them (no defaults: the configuration's, then the engine's, apply). */
export interface VoteFlags {
  vote?: VoteRule;
  target?: number;
}

/** Adds `--vote` and `--target` to `command`; `decided` says what the target is the probability of. Returns it. */
export function withVoteOptions(command: Command, decided: string): Command {
  return command
    .addOption(new Option('--vote <rule>', 'vote rule: first-to-ahead-by-k (default), or adaptive (a contested vote needs the margin its split calls for against --target)')
      .choices(['first-to-ahead-by-k', 'adaptive']))
    .option('--target <t>', `with --vote adaptive: probability that ${decided}, in (0, 1) (default 0.95)`, probability('--target'));
}

/**
 * The vote rule of a command: the flag, else `defaults.vote`, else plain; and adaptive k's target (the flag, else
 * `defaults.target`; undefined: the engine's 0.95), only under `adaptive`.
 * @returns `{ error }` when `--target` was given without `--vote adaptive` (a usage error: exit 3).
 */
export async function chosenVote(command: Command, flags: VoteFlags): Promise<{ readonly vote: VoteRule; readonly target: number | undefined } | { readonly error: string }> {
  const vote = (await optionOrConfigured(command, 'vote', flags.vote)) ?? 'first-to-ahead-by-k';
  const target = await optionOrConfigured(command, 'target', flags.target);
  if (command.getOptionValueSource('target') === 'cli' && vote !== 'adaptive') {
    return { error: `--target sets the error target of adaptive k; add --vote adaptive (the vote rule is ${vote}).` };
  }
  return { vote, target: vote === 'adaptive' ? target : undefined };
}
