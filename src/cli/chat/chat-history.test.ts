import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatHistory } from './chat-history.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'zerr-chat-history-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

describe('ChatHistory', () => {
  it('is empty before the first message, and makes its folder on the first append', async () => {
    const history = new ChatHistory({ path: join(dir, 'project', '.zerr', 'chat-history.jsonl') });
    expect(await history.messageCount()).toBe(0);
    expect(await history.lastExchanges(20)).toEqual([]);
    await history.append({ role: 'user', text: 'a function that clamps x' });
    expect(await history.messageCount()).toBe(1);
  });

  it('appends one JSON line per entry, with the time, and groups outcomes under their message', async () => {
    let now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const history = new ChatHistory({ path: join(dir, 'h.jsonl'), now: () => now++ });
    await history.append({ role: 'user', text: 'a function that clamps x' });
    await history.append({ role: 'zerr', kind: 'spec', text: 'proposed spec clamp', runId: 'run-1', outcome: 'consensus' });
    await history.append({ role: 'user', text: 'y' });
    await history.append({ role: 'zerr', kind: 'solve', text: 'consensus', runId: 'run-2', outcome: 'consensus' });
    const lines = (await readFile(history.path, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ at: '2026-01-02T03:04:05.000Z', role: 'user', text: 'a function that clamps x' });
    expect(lines[1]).toMatchObject({ role: 'zerr', kind: 'spec', runId: 'run-1', outcome: 'consensus' });
    expect(await history.messageCount()).toBe(2);
    const exchanges = await history.lastExchanges(1);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]?.message.text).toBe('y');
    expect(exchanges[0]?.outcomes.map((outcome) => outcome.runId)).toEqual(['run-2']);
  });

  it('skips lines that do not parse or are not entries, and keeps the rest', async () => {
    const history = new ChatHistory({ path: join(dir, 'h.jsonl') });
    await history.append({ role: 'user', text: 'first' });
    await appendFile(history.path, '{"at": "2026-01-01T00:00:00Z", "role": "user", "te\n[1, 2]\n{"role": "admin", "text": "x", "at": "t"}\n\n');
    await history.append({ role: 'user', text: 'second' });
    expect((await history.entries()).map((entry) => entry.text)).toEqual(['first', 'second']);
    expect((await history.lastExchanges(20)).map((exchange) => exchange.message.text)).toEqual(['first', 'second']);
  });

  it('a history path that is a folder is an error naming it', async () => {
    const history = new ChatHistory({ path: dir });
    await expect(history.entries()).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
