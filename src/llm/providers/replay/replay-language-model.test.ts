import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { ReplayLanguageModel } from './replay-language-model.js';
import { ReplayDataError } from './replay-data-error.js';
import { seededShuffle } from '../../seeded-shuffle.js';
import { ReplayExhaustedError } from '../../model-errors.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../../test/fixtures/llm/${name}`, import.meta.url));
const codetDir = fileURLToPath(new URL('../../../../../shared/recorded/codet-humaneval-codegen16b', import.meta.url));

async function drain(model: ReplayLanguageModel, taskId: string): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    try {
      texts.push((await model.generate({ prompt: 'p', metadata: { taskId } })).text);
    } catch (error) {
      if (error instanceof ReplayExhaustedError) return texts;
      throw error;
    }
  }
}

describe('seededShuffle', () => {
  it('is a deterministic permutation that depends on seed and key', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = seededShuffle(items, 0, 'HumanEval/0');
    expect(seededShuffle(items, 0, 'HumanEval/0')).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
    expect(seededShuffle(items, 1, 'HumanEval/0')).not.toEqual(a);
    expect(seededShuffle(items, 0, 'HumanEval/1')).not.toEqual(a);
  });
});

describe('ReplayLanguageModel (in-memory)', () => {
  const tasks = new Map([['t', ['one', 'two', 'three', 'four']]]);

  it('serves every completion exactly once, then throws ReplayExhaustedError', async () => {
    const model = new ReplayLanguageModel({ tasks, seed: 7 });
    const served = await drain(model, 't');
    expect([...served].sort()).toEqual(['four', 'one', 'three', 'two']);
    expect(model.remaining('t')).toBe(0);
  });

  it('serves the same order for the same seed and a different one for another seed', async () => {
    const orders = await Promise.all(
      [3, 3, 4, 5, 6].map(async (seed) => drain(new ReplayLanguageModel({ tasks, seed }), 't')),
    );
    expect(orders[1]).toEqual(orders[0]);
    expect(orders.slice(2).some((order) => order.join() !== orders[0]?.join())).toBe(true);
  });

  it('throws ReplayExhaustedError for an unknown task and InvalidArgumentError without a task id', async () => {
    const model = new ReplayLanguageModel({ tasks });
    const error = await model.generate({ prompt: 'p', metadata: { taskId: 'nope' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayExhaustedError);
    expect(error).toMatchObject({ code: 'replay_exhausted', taskId: 'nope' });
    await expect(model.generate({ prompt: 'p' })).rejects.toMatchObject({ parameter: 'options.metadata.taskId' });
  });

  it('cuts at the first stop sequence and at maxOutputTokens estimated tokens', async () => {
    const model = new ReplayLanguageModel({ tasks: new Map([['t', ['a b\ndef c d e f', 'x y z w']]]), seed: 0 });
    const results = [
      await model.generate({ prompt: 'p', metadata: { taskId: 't' }, stop: ['\ndef'], maxOutputTokens: 3 }),
      await model.generate({ prompt: 'p', metadata: { taskId: 't' }, stop: ['\ndef'], maxOutputTokens: 3 }),
    ].sort((r1, r2) => r1.text.localeCompare(r2.text));
    expect(results[0]).toMatchObject({ text: 'a b', finishReason: 'stop', usage: { outputTokens: 2 } });
    expect(results[1]).toMatchObject({ text: 'x y z', finishReason: 'length', usage: { outputTokens: 3 } });
  });

  it('reports continuation or chat style from the data and rejects jsonSchema', async () => {
    expect(new ReplayLanguageModel({ tasks }).capabilities).toEqual({
      completionStyle: 'continuation',
      jsonSchema: false,
      honoursTemperature: false,
    });
    const chat = new ReplayLanguageModel({ tasks, style: 'full-code' });
    expect(chat.capabilities.completionStyle).toBe('chat');
    await expect(
      chat.generate({ prompt: 'p', metadata: { taskId: 't' }, jsonSchema: { type: 'object' } }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('ReplayLanguageModel keyed by metadata.sampleIndex', () => {
  const many = new Map([['t', Array.from({ length: 8 }, (_, i) => `completion ${i}`)]]);
  const ask = (model: ReplayLanguageModel, sampleIndex?: number) =>
    model.generate({ prompt: 'p', metadata: { taskId: 't', ...(sampleIndex === undefined ? {} : { sampleIndex: String(sampleIndex) }) } });

  it('a fresh model asked for sample 5 first serves what the 6th call of a cursor-based run serves', async () => {
    const cursorRun = await drain(new ReplayLanguageModel({ tasks: many, seed: 11 }), 't');
    expect(cursorRun).toHaveLength(8);
    const fresh = new ReplayLanguageModel({ tasks: many, seed: 11 });
    expect((await ask(fresh, 5)).text).toBe(cursorRun[5]);
    // Asking again (a retried or resumed sample) serves the same completion.
    expect((await ask(fresh, 5)).text).toBe(cursorRun[5]);
    expect(fresh.remaining('t')).toBe(7);
  });

  it('samples 0..n-1 in any call order serve the cursor order; the cursor is not moved by keyed calls', async () => {
    const cursorRun = await drain(new ReplayLanguageModel({ tasks: many, seed: 3 }), 't');
    const keyed = new ReplayLanguageModel({ tasks: many, seed: 3 });
    const indices = [7, 0, 3, 1, 6, 2, 5, 4];
    const texts = await Promise.all(indices.map(async (index) => [index, (await ask(keyed, index)).text] as const));
    for (const [index, text] of texts) expect(text).toBe(cursorRun[index]);
    expect(keyed.remaining('t')).toBe(0);
    // The unkeyed cursor still starts at the first position.
    expect((await ask(keyed)).text).toBe(cursorRun[0]);
  });

  it('an index past the recording is ReplayExhaustedError; a malformed index is InvalidArgumentError', async () => {
    const model = new ReplayLanguageModel({ tasks: many });
    await expect(ask(model, 8)).rejects.toBeInstanceOf(ReplayExhaustedError);
    await expect(ask(model, 8)).rejects.toMatchObject({ code: 'replay_exhausted', message: expect.stringContaining('served 8') });
    for (const bad of ['-1', '1.5', 'x', '', '01']) {
      await expect(model.generate({ prompt: 'p', metadata: { taskId: 't', sampleIndex: bad } })).rejects.toMatchObject({
        code: 'invalid_argument', parameter: 'options.metadata.sampleIndex',
      });
    }
  });
});

describe('ReplayLanguageModel.fromJsonl', () => {
  it('loads the generic format', async () => {
    const model = await ReplayLanguageModel.fromJsonl(fixture('replay-small.jsonl'), { seed: 1 });
    expect(model.taskIds).toEqual(['add', 'neg']);
    expect(model.modelId).toBe('replay-small.jsonl');
    expect((await model.generate({ prompt: 'def neg(x):\n', metadata: { taskId: 'neg' } })).text).toBe('    return -x\n');
  });

  it('names the file and line of a bad record, a bad JSON line, and a missing file', async () => {
    const badRecord = await ReplayLanguageModel.fromJsonl(fixture('replay-bad-record.jsonl')).catch((e: unknown) => e);
    expect(badRecord).toBeInstanceOf(ReplayDataError);
    expect(badRecord).toMatchObject({ code: 'replay_data_invalid', line: 2 });
    expect((badRecord as Error).message).toContain('replay-bad-record.jsonl:2');
    await expect(ReplayLanguageModel.fromJsonl(fixture('replay-bad-json.jsonl'))).rejects.toMatchObject({ line: 3 });
    const missing = await ReplayLanguageModel.fromJsonl(fixture('nope.jsonl')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'replay_data_invalid', line: undefined });
    expect((missing as Error).message).toContain('nope.jsonl');
  });
});

describe.runIf(existsSync(codetDir))('ReplayLanguageModel.fromCodeT', () => {
  it('joins samples to HumanEval task ids and serves 100 raw samples per task', async () => {
    const model = await ReplayLanguageModel.fromCodeT({ dir: codetDir, seed: 0 });
    expect(model.taskIds).toHaveLength(164);
    expect(new Set(model.taskIds)).toContain('HumanEval/163');
    expect(model.remaining('HumanEval/0')).toBe(100);
    const first = await model.generate({ prompt: 'def has_close_elements', metadata: { taskId: 'HumanEval/0' } });
    const again = await (await ReplayLanguageModel.fromCodeT({ dir: codetDir, seed: 0 })).generate({
      prompt: 'x',
      metadata: { taskId: 'HumanEval/0' },
    });
    expect(again.text).toBe(first.text);
    expect(model.capabilities.completionStyle).toBe('continuation');
  });

  it('fails with a typed error naming the missing file', async () => {
    const error = await ReplayLanguageModel.fromCodeT({ dir: fixture('') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayDataError);
    expect((error as Error).message).toContain('HumanEval_for_code_generation.jsonl');
  });
});
