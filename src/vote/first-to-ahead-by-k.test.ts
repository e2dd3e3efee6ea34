import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ZeroErrorError } from '../errors/index.js';
import { FirstToAheadByKVote, type VoteStatus } from './first-to-ahead-by-k.js';
import { VoteDecidedError } from './vote-decided-error.js';

/** Casts batches until decided; returns the status after each batch actually cast. */
function runBatches(k: number, batches: readonly (readonly string[])[]): VoteStatus[] {
  const vote = new FirstToAheadByKVote({ k });
  const history: VoteStatus[] = [];
  for (const batch of batches) {
    const status = vote.castBatch(batch);
    history.push(status);
    if (status.decided) break;
  }
  return history;
}

/** Cumulative counts after each batch, computed independently of the class under test. */
function cumulativeCounts(batches: readonly (readonly string[])[]): Map<string, number>[] {
  const counts = new Map<string, number>();
  return batches.map((batch) => {
    for (const key of batch) counts.set(key, (counts.get(key) ?? 0) + 1);
    return new Map(counts);
  });
}

function someoneAheadBy(counts: Map<string, number>, k: number): boolean {
  const sorted = [...counts.values()].sort((a, b) => b - a);
  return sorted.length > 0 && (sorted[0] ?? 0) - (sorted[1] ?? 0) >= k;
}

const keyArb = fc.constantFrom('a', 'b', 'c', 'd');
const batchesArb = fc.array(fc.array(keyArb, { maxLength: 6 }), { minLength: 1, maxLength: 25 });

describe('FirstToAheadByKVote', () => {
  it('decides when the leader is k ahead of the runner-up', () => {
    const vote = new FirstToAheadByKVote({ k: 2 });
    expect(vote.castBatch(['a', 'b', 'a']).decided).toBe(false);
    const status = vote.cast('a');
    expect(status).toMatchObject({ decided: true, winner: 'a', leaderVotes: 3, runnerUpVotes: 1, margin: 2, totalVotes: 4, batches: 2 });
    expect(status.tallies).toEqual([
      { classKey: 'a', votes: 3 },
      { classKey: 'b', votes: 1 },
    ]);
  });

  it('judges only at batch boundaries', () => {
    // One at a time, 'a','a' would decide with k=2 before the two 'b's arrive; in one batch it is a tie.
    const vote = new FirstToAheadByKVote({ k: 2 });
    expect(vote.castBatch(['a', 'a', 'b', 'b']).decided).toBe(false);
  });

  it('throws a typed error on casts after the decision and counts nothing', () => {
    const vote = new FirstToAheadByKVote({ k: 1 });
    vote.cast('x');
    const error = (() => {
      try {
        vote.cast('y');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(VoteDecidedError);
    expect(error).toBeInstanceOf(ZeroErrorError);
    expect((error as VoteDecidedError).code).toBe('vote_already_decided');
    expect(vote.status().totalVotes).toBe(1);
  });

  it('rejects invalid k and keys', () => {
    for (const k of [0, -1, 1.5, Number.NaN]) {
      expect(() => new FirstToAheadByKVote({ k })).toThrow(InvalidArgumentError);
    }
    try {
      new FirstToAheadByKVote({ k: 0 });
    } catch (error) {
      expect((error as InvalidArgumentError).parameter).toBe('options.k');
      expect((error as InvalidArgumentError).value).toBe(0);
    }
    const vote = new FirstToAheadByKVote({ k: 3 });
    expect(() => vote.castBatch(['a', ''])).toThrow(InvalidArgumentError);
    expect(vote.status().totalVotes).toBe(0);
  });

  it('reports an empty status and breaks bestPartial ties by key', () => {
    const vote = new FirstToAheadByKVote({ k: 5 });
    expect(vote.bestPartial()).toBeNull();
    expect(vote.status()).toMatchObject({ decided: false, winner: null, leaderVotes: 0, margin: 0, tallies: [] });
    vote.castBatch(['m', 'b', 'z', 'b', 'm']);
    expect(vote.bestPartial()).toEqual({ classKey: 'b', votes: 2 });
    expect(vote.status().tallies.map((tally) => tally.classKey)).toEqual(['b', 'm', 'z']);
  });

  it('property: permuting votes within batches never changes the result', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        batchesArb.chain((batches) =>
          fc.tuple(fc.constant(batches), fc.tuple(...batches.map((batch) => fc.shuffledSubarray([...batch], { minLength: batch.length, maxLength: batch.length })))),
        ),
        (k, [batches, permuted]) => {
          expect(runBatches(k, permuted)).toEqual(runBatches(k, batches));
        },
      ),
    );
  });

  it('property: a decided winner leads every other class by >= k, and no earlier boundary had anyone k ahead', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), batchesArb, (k, batches) => {
        const history = runBatches(k, batches);
        const counts = cumulativeCounts(batches);
        const last = history.at(-1);
        if (!last?.decided || last.winner === null) {
          counts.forEach((count) => expect(someoneAheadBy(count, k)).toBe(false));
          return;
        }
        const atDecision = counts[history.length - 1] ?? new Map<string, number>();
        const winnerVotes = atDecision.get(last.winner) ?? 0;
        for (const [key, votes] of atDecision) if (key !== last.winner) expect(winnerVotes - votes).toBeGreaterThanOrEqual(k);
        expect(winnerVotes).toBeGreaterThanOrEqual(k);
        counts.slice(0, history.length - 1).forEach((count) => expect(someoneAheadBy(count, k)).toBe(false));
      }),
    );
  });

  it('property: with a single class the decision comes exactly after k votes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (k) => {
        const vote = new FirstToAheadByKVote({ k });
        for (let i = 1; i < k; i += 1) expect(vote.cast('only').decided).toBe(false);
        expect(vote.cast('only')).toMatchObject({ decided: true, winner: 'only', totalVotes: k, runnerUpVotes: 0 });
      }),
    );
  });

  it('property: k = 1 is decided by the first batch with a unique maximum', () => {
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const history = runBatches(1, batches);
        const uniqueMax = cumulativeCounts(batches).findIndex((count) => {
          const sorted = [...count.values()].sort((a, b) => b - a);
          return sorted.length > 0 && (sorted[1] === undefined || (sorted[0] ?? 0) > sorted[1]);
        });
        if (uniqueMax === -1) expect(history.at(-1)?.decided).toBe(false);
        else expect(history.length - 1).toBe(uniqueMax);
        if (uniqueMax !== -1) expect(history.at(-1)?.decided).toBe(true);
      }),
    );
  });
});
