import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedFlagger, TaskSpecSchema, overTokenCapRule } from '../src/index.js';
import { benchmark } from './hanoi.js';
import { writeBenchReport } from './lib/benchmark.js';
import { HANOI_STRICT_FORMAT, hanoiStrictFormatRule, parseHanoiAnswer } from './hanoi/strict-answer-rule.js';
import { applyMove, formatAnswer, initialState, isSolved, optimalLength, optimalMove, strategyMove, type Move } from './hanoi/towers.js';

const spec = TaskSpecSchema.parse({
  id: 'hanoi-3', name: 'hanoi', description: 'one move', language: 'python',
  signature: { entryPoint: 'next_move', output: { type: 'str' } }, limits: { maxOutputTokens: 750 },
});
const check = (flagger: RedFlagger, text: string, finishReason: 'stop' | 'length' = 'stop', outputTokens = 20) =>
  flagger.check({ spec, text, finishReason, outputTokens, code: null, generatedCode: null });

describe('towers', () => {
  it('the prompt strategy reproduces the closed-form optimal solution and solves the puzzle', () => {
    for (let disks = 1; disks <= 10; disks += 1) {
      let state: readonly (readonly number[])[] = initialState(disks);
      let previous: Move | null = null;
      for (let step = 1; step <= optimalLength(disks); step += 1) {
        const move = strategyMove(state, previous);
        expect(move).toEqual(optimalMove(disks, step));
        state = applyMove(state, move as Move);
        previous = move;
      }
      expect(isSolved(state, disks)).toBe(true);
    }
  });
});

describe('hanoi strict-format red flag', () => {
  const flagger = new RedFlagger({ rules: [overTokenCapRule(), hanoiStrictFormatRule({ disks: 3 })] });
  const good = formatAnswer([1, 0, 2], [[3, 2], [], [1]]);

  it('accepts a well-formed answer in the paper format', async () => {
    expect(good).toBe('move = [1, 0, 2]\nnext_state = [[3, 2], [], [1]]');
    expect(await check(flagger, good)).toEqual([]);
    expect(parseHanoiAnswer(good, 3)).toEqual({ move: [1, 0, 2], nextState: [[3, 2], [], [1]] });
  });

  it.each([
    ['prose before the answer', `I will move disk 1.\n${good}`],
    ['JSON instead of the format', '{"move":[1,0,2],"next_state":[[3,2],[],[1]]}'],
    ['missing next_state line', 'move = [1, 0, 2]'],
    ['no spaces after commas', 'move = [1,0,2]\nnext_state = [[3,2],[],[1]]'],
    ['renamed field', 'move = [1, 0, 2]\nstate = [[3, 2], [], [1]]'],
    ['trailing text', `${good}\nDone.`],
    ['disk out of range', 'move = [4, 0, 2]\nnext_state = [[3, 2], [], [1]]'],
    ['same peg twice', 'move = [1, 2, 2]\nnext_state = [[3, 2], [], [1]]'],
    ['a disk missing', 'move = [1, 0, 2]\nnext_state = [[3], [], [1]]'],
    ['larger disk on a smaller one', 'move = [1, 0, 2]\nnext_state = [[2, 3], [], [1]]'],
  ])('rejects %s', async (_, text) => {
    const hits = await check(flagger, text);
    expect(hits.map((hit) => hit.rule)).toEqual([HANOI_STRICT_FORMAT]);
  });

  it('flags an overlong answer through the token-cap rule even when it starts well-formed', async () => {
    const hits = await check(flagger, `${good}\nLet me think again...`, 'length', 750);
    expect(hits.map((hit) => hit.rule)).toEqual(['over-token-cap', HANOI_STRICT_FORMAT]);
    expect(flagger.counts()).toMatchObject({ 'over-token-cap': 1 });
  });
});

describe('hanoi benchmark (quick)', () => {
  it('solves n = 6 and 8 with zero errors at k_min and writes its report', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'zerr-hanoi-test-'));
    try {
      const started = performance.now();
      const report = await benchmark.run({ quick: true, args: [], dataDir: outDir, log: () => {} });
      const written = await writeBenchReport(benchmark, report, { outDir, command: 'test', quick: true, durationMs: performance.now() - started });
      const runs = (report.figures['runs'] as {
        disks: number; k: number; kMin: number; steps: number; calls: number; wrongDecisions: number; solved: boolean;
        recordsRead: { decisions: number; checkpoints: number };
      }[]);
      const atKMin = runs.filter((run) => run.k === run.kMin);
      expect(atKMin.map((run) => run.disks)).toEqual([6, 8]);
      for (const run of atKMin) {
        expect(run.wrongDecisions).toBe(0);
        expect(run.solved).toBe(true);
        expect(run.calls).toBeGreaterThanOrEqual(run.steps * run.k);
      }
      for (const run of runs) expect(run.recordsRead.decisions).toBe(run.steps);
      expect(await readFile(written.markdown, 'utf8')).toContain('Samples (model calls) per step');
      expect(written.svg).not.toBeNull();
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
