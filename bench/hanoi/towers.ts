/**
 * @module bench/hanoi/towers
 * Towers of Hanoi as MAKER (Meyerson et al. 2025, arXiv 2511.09030) §4 poses it: three pegs 0, 1, 2, disks 1 (smallest)
 * to n, all starting on peg 0, goal: all on peg 2. States and moves are written in the paper's format: a state is
 * `[[3, 2, 1], [], []]` (each peg bottom to top) and a move is `[disk, from, to]`.
 *
 * Two independent ways to get the optimal solution: {@link optimalMove} (closed form on the binary digits of the
 * move number, the ground truth) and {@link strategyMove} (the rule MAKER's prompt gives the microagent, which needs
 * only the current state and the previous move). A test checks that they agree on every step.
 */

/** A move `[disk, from, to]`. */
export type Move = readonly [disk: number, from: number, to: number];
/** Three pegs, each listed bottom to top. */
export type PegState = readonly (readonly number[])[];

/** The start state: every disk on peg 0. */
export function initialState(disks: number): number[][] {
  return [Array.from({ length: disks }, (_, i) => disks - i), [], []];
}

/** Number of moves of the optimal solution: 2^n - 1. */
export function optimalLength(disks: number): number {
  return 2 ** disks - 1;
}

/**
 * Move number `step` (1-based) of the optimal solution from peg 0 to peg 2: the disk is one plus the number of
 * trailing zero bits of `step`; it goes from peg `(step & (step - 1)) mod 3` to `((step | (step - 1)) + 1) mod 3`,
 * which solves towards peg 2 for odd n and towards peg 1 for even n, so pegs 1 and 2 are swapped when n is even.
 */
export function optimalMove(disks: number, step: number): Move {
  const disk = 31 - Math.clz32(step & -step) + 1;
  let from = (step & (step - 1)) % 3;
  let to = ((step | (step - 1)) + 1) % 3;
  if (disks % 2 === 0) {
    from = from === 0 ? 0 : 3 - from;
    to = to === 0 ? 0 : 3 - to;
  }
  return [disk, from, to];
}

/**
 * The strategy from MAKER's prompt: if the previous move did not move disk 1, move disk 1 one peg in its cyclic
 * direction (0 -> 1 -> 2 -> 0 for even n, 0 -> 2 -> 1 -> 0 for odd n); otherwise make the only legal move that does
 * not involve disk 1 (disk 1 again when there is none, which only a wrong earlier decision can cause). Null when disk 1
 * is not on top of any peg (a broken state).
 */
export function strategyMove(state: PegState, previous: Move | null): Move | null {
  const disks = state.reduce((sum, peg) => sum + peg.length, 0);
  const from = state.findIndex((peg) => peg[peg.length - 1] === 1);
  const smallest: Move | null = from < 0 ? null : [1, from, (from + (disks % 2 === 0 ? 1 : 2)) % 3];
  if (previous === null || previous[0] !== 1) return smallest;
  // After a wrong decision the state may have no such move (all disks on one peg): then disk 1 moves again.
  return legalMoves(state).find((move) => move[0] !== 1) ?? smallest;
}

/** Every legal move of `state` (top disk onto an empty peg or a larger top disk). */
export function legalMoves(state: PegState): Move[] {
  const moves: Move[] = [];
  for (let from = 0; from < 3; from += 1) {
    const disk = top(state, from);
    if (disk === undefined) continue;
    for (let to = 0; to < 3; to += 1) {
      if (to === from) continue;
      const target = top(state, to);
      if (target === undefined || target > disk) moves.push([disk, from, to]);
    }
  }
  return moves;
}

/** The state after `move`; throws when the move is not legal in `state`. */
export function applyMove(state: PegState, move: Move): number[][] {
  const [disk, from, to] = move;
  if (top(state, from) !== disk) throw new Error(`illegal move [${move.join(', ')}]: disk ${disk} is not on top of peg ${from}`);
  const target = top(state, to);
  if (target !== undefined && target < disk) throw new Error(`illegal move [${move.join(', ')}]: disk ${target} on peg ${to} is smaller`);
  const next = state.map((peg) => [...peg]);
  next[from]?.pop();
  next[to]?.push(disk);
  return next;
}

/** True when every disk is on peg 2. */
export function isSolved(state: PegState, disks: number): boolean {
  return state[2]?.length === disks;
}

/** `[[3, 2, 1], [], []]`: the paper's state format. */
export function formatState(state: PegState): string {
  return `[${state.map((peg) => `[${peg.join(', ')}]`).join(', ')}]`;
}

/** `[1, 0, 2]`: the paper's move format. */
export function formatMove(move: Move): string {
  return `[${move[0]}, ${move[1]}, ${move[2]}]`;
}

/** The answer MAKER's microagent must give: `move = [d, f, t]` and `next_state = [...]` on two lines. */
export function formatAnswer(move: Move, nextState: PegState): string {
  return `move = ${formatMove(move)}\nnext_state = ${formatState(nextState)}`;
}

function top(state: PegState, peg: number): number | undefined {
  const stack = state[peg];
  return stack === undefined ? undefined : stack[stack.length - 1];
}
