import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedFlagger, TaskSpecSchema, overTokenCapRule, perStepErrorTarget } from '../src/index.js';
import { benchmark } from './hanoi.js';
import { writeBenchReport } from './lib/benchmark.js';
import { createHanoiMicroagent } from './hanoi/simulated-microagent.js';
import { solveHanoi } from './hanoi/solve-hanoi.js';
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

describe('hanoi: plain versus adaptive k on a harsh microagent (20% hard steps at 0.7, k = 2)', () => {
  const disks = 10;
  const harshSpec = TaskSpecSchema.parse({ ...spec, id: 'hanoi-10' });
  const solve = (options: { adaptive: boolean; decorrelation: 'none' | 'every-sample' | 'contested'; correlation: number }) => solveHanoi({
    disks, k: 2, spec: harshSpec, checkpointEvery: 1_000,
    flagger: new RedFlagger({ rules: [overTokenCapRule(), hanoiStrictFormatRule({ disks })] }),
    model: createHanoiMicroagent({
      p: 0.99, hardShare: 0.2, pHard: 0.7, malformedShare: 0.03, overlongShare: 0.01, maxOutputTokens: 750, seed: 7,
      variants: 3, variantCorrelation: options.correlation,
    }),
    variants: 3, decorrelation: options.decorrelation,
    ...(options.adaptive ? { adaptive: { errorTarget: perStepErrorTarget({ target: 0.95, steps: optimalLength(disks) }) } } : {}),
  });

  it('adaptive k leaves only unanimous wrong decisions; plain k also loses contested steps', async () => {
    const plain = await solve({ adaptive: false, decorrelation: 'none', correlation: 1 });
    const adaptive = await solve({ adaptive: true, decorrelation: 'none', correlation: 1 });
    expect(plain.wrongDecisions).toBeGreaterThan(plain.unanimousWrong + 5);
    expect(adaptive.wrongDecisions).toBe(adaptive.unanimousWrong);
    expect(adaptive.wrongDecisions).toBeLessThan(plain.wrongDecisions);
    // The same seeds: the unanimous first rounds are the same steps under both rules.
    expect(adaptive.unanimousWrong).toBe(plain.unanimousWrong);
    expect(adaptive.contestedCalls).toBeGreaterThan(plain.contestedCalls);
  });

  it('decorrelated from the first sample, adaptive k decides every step right; decorrelating only contested steps is too late', async () => {
    const roundRobin = await solve({ adaptive: true, decorrelation: 'every-sample', correlation: 0 });
    expect(roundRobin).toMatchObject({ wrongDecisions: 0, solved: true });
    const late = await solve({ adaptive: true, decorrelation: 'contested', correlation: 0 });
    expect(late.unanimousWrong).toBeGreaterThan(0);
    expect(late.wrongDecisions).toBe(late.unanimousWrong);
  });

  it('a call naming a prompt variant the microagent does not have is refused', async () => {
    const model = createHanoiMicroagent({ p: 0.99, hardShare: 0, pHard: 0.7, malformedShare: 0, overlongShare: 0, maxOutputTokens: 750, seed: 1, variants: 2 });
    await expect(model.generate({ prompt: 'previous_move = None\ncurrent_state = [[1], [], []]\n', metadata: { taskId: 'step-1', sampleIndex: '0', variant: '2' } }))
      .rejects.toThrow(/metadata\.variant 2 is not in 0\.\.1/);
  });
});
