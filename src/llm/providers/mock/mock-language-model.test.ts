import { describe, it, expect } from 'vitest';
import { MockLanguageModel } from './mock-language-model.js';
import { MockUnconfiguredError } from './mock-unconfigured-error.js';
import { InvalidArgumentError } from '../../../errors/invalid-argument-error.js';

describe('MockLanguageModel', () => {
  it('answers a fixed string on every call and records calls without the signal', async () => {
    const model = new MockLanguageModel({ responses: 'hello world' });
    const signal = new AbortController().signal;
    const first = await model.generate({ prompt: 'say hi', signal, metadata: { taskId: 't1' } });
    const second = await model.generate({ messages: [{ role: 'user', content: 'again' }] });
    expect(first.text).toBe('hello world');
    expect(second.text).toBe('hello world');
    expect(model.calls).toEqual([
      { prompt: 'say hi', metadata: { taskId: 't1' } },
      { messages: [{ role: 'user', content: 'again' }] },
    ]);
    expect(model.calls[0]).not.toHaveProperty('signal');
  });

  it('serves an array in order and fails loudly when it is used up', async () => {
    const model = new MockLanguageModel({ responses: ['a', { text: 'b', finishReason: 'length' }] });
    expect((await model.generate({ prompt: 'p' })).text).toBe('a');
    const second = await model.generate({ prompt: 'p' });
    expect(second).toMatchObject({ text: 'b', finishReason: 'length' });
    const error = await model.generate({ prompt: 'p' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockUnconfiguredError);
    expect(error).toMatchObject({ code: 'mock_unconfigured', callIndex: 2 });
  });

  it('throws mock_unconfigured when no response is configured', async () => {
    await expect(new MockLanguageModel().generate({ prompt: 'p' })).rejects.toMatchObject({
      code: 'mock_unconfigured',
    });
  });

  it('calls a function with the options and the call index, and throws scripted errors', async () => {
    const model = new MockLanguageModel({
      responses: async (options, index) => (index === 1 ? new Error('scripted') : `#${index}:${options.prompt}`),
    });
    expect((await model.generate({ prompt: 'x' })).text).toBe('#0:x');
    await expect(model.generate({ prompt: 'y' })).rejects.toThrow('scripted');
  });

  it('applies stop sequences and counts whitespace/punctuation pieces as tokens', async () => {
    const model = new MockLanguageModel({ responses: 'return a[i] + 1\ndef other(): pass' });
    const result = await model.generate({ prompt: 'def f(a, i):', stop: ['\ndef'] });
    expect(result.text).toBe('return a[i] + 1');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ inputTokens: 8, outputTokens: 7 });
  });

  it('uses configured capabilities over the chat default', () => {
    expect(new MockLanguageModel().capabilities.completionStyle).toBe('chat');
    const model = new MockLanguageModel({ capabilities: { completionStyle: 'continuation', jsonSchema: true } });
    expect(model.capabilities).toEqual({ completionStyle: 'continuation', jsonSchema: true, honoursTemperature: false });
  });

  it('rejects invalid options with InvalidArgumentError naming the field', async () => {
    const model = new MockLanguageModel({ responses: 'x' });
    const error = await model.generate({ prompt: 'p', topP: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ parameter: 'options.topP', value: 2 });
    await expect(model.generate({})).rejects.toMatchObject({ parameter: 'options.prompt' });
    expect(model.calls).toHaveLength(0);
  });

  it('rejects with the abort reason when the signal aborts while the response is pending', async () => {
    const model = new MockLanguageModel({ responses: () => new Promise<string>(() => undefined) });
    const controller = new AbortController();
    const pending = model.generate({ prompt: 'p', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
