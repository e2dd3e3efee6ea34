import { describe, it, expect } from 'vitest';
import { wrapLanguageModel } from '../language-model.js';
import { MockLanguageModel } from '../providers/mock/mock-language-model.js';
import { concurrencyLimitMiddleware } from './concurrency-limit.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('concurrencyLimitMiddleware', () => {
  it('keeps at most maxConcurrency calls in flight and runs queued ones in order', async () => {
    const gates = [gate(), gate(), gate()];
    let running = 0;
    let peak = 0;
    const model = new MockLanguageModel({
      responses: async (_options, index) => {
        running += 1;
        peak = Math.max(peak, running);
        await gates[index]?.promise;
        running -= 1;
        return `#${index}`;
      },
    });
    const limit = concurrencyLimitMiddleware({ maxConcurrency: 2 });
    const wrapped = wrapLanguageModel(model, limit);
    const calls = [0, 1, 2].map((i) => wrapped.generate({ prompt: `p${i}` }));
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(limit.activeCount).toBe(2);
    expect(limit.pendingCount).toBe(1);
    for (const g of gates) g.open();
    expect((await Promise.all(calls)).map((r) => r.text)).toEqual(['#0', '#1', '#2']);
    expect(peak).toBe(2);
    expect(model.calls.map((c) => c.prompt)).toEqual(['p0', 'p1', 'p2']);
  });

  it('rejects a queued call when its signal aborts, without calling the model', async () => {
    const blocker = gate();
    const model = new MockLanguageModel({
      responses: async () => {
        await blocker.promise;
        return 'x';
      },
    });
    const wrapped = wrapLanguageModel(model, concurrencyLimitMiddleware({ maxConcurrency: 1 }));
    const first = wrapped.generate({ prompt: 'first' });
    const controller = new AbortController();
    const queued = wrapped.generate({ prompt: 'queued', signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    blocker.open();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(model.calls.map((c) => c.prompt)).toEqual(['first']);
  });
});
