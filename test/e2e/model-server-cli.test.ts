/**
 * `zerr model-server` as a user starts it: the built CLI in a child process on the real stories260K model, port 0,
 * `--json`. It prints one JSON line with its URL, serves `/v1/models` and a completion there, and SIGINT closes it
 * (exit 0). Bad flags are refused naming the flag and the value, without a stack trace (exit 3); a missing model
 * file is exit 4.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'zerr.js');
const MODEL = resolve(ROOT, '..', 'shared', 'models', 'stories260K.gguf');

function zerr(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)').toBe(true);
});

describe.runIf(existsSync(MODEL))('zerr model-server', () => {
  it('prints its URL as JSON, serves the model, and closes cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'model-server', '--model', `llama-cpp:${MODEL}?contextSize=128`, '--port', '0', '--sequences', '2', '--json'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const line = await new Promise<string>((done, fail) => {
        createInterface({ input: child.stdout }).once('line', done);
        child.once('exit', () => fail(new Error(`exited before listening: ${stderr}`)));
      });
      const listening = JSON.parse(line) as { event: string; url: string; baseURL: string; model: string; sequences: number; contextSize: number; apiKey: boolean };
      expect(listening).toMatchObject({ event: 'listening', model: 'stories260K.gguf', sequences: 2, apiKey: false });
      expect(listening.contextSize).toBeGreaterThanOrEqual(128); // from the URI's query
      expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(listening.baseURL).toBe(`${listening.url}/v1`);
      const models = await (await fetch(`${listening.baseURL}/models`)).json() as { data: { id: string }[] };
      expect(models.data.map((model) => model.id)).toEqual(['stories260K.gguf']);
      const completion = await fetch(`${listening.baseURL}/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: 8, temperature: 0 }),
      });
      expect(await completion.json()).toMatchObject({ object: 'text_completion', usage: { completion_tokens: 8 } });
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(0);
      expect(stderr).toContain('SIGINT: closing');
      await expect(fetch(`${listening.url}/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses bad option values naming the flag and the value, and a model that is not a local GGUF file', async () => {
    const sequences = await zerr(['model-server', '--model', MODEL, '--sequences', '0']);
    expect(sequences.code).toBe(3);
    expect(sequences.stderr).toContain('--sequences must be an integer from 1 to 64, got "0"');
    const port = await zerr(['model-server', '--model', MODEL, '--port', '70000']);
    expect(port.code).toBe(3);
    expect(port.stderr).toContain('--port must be an integer from 0 to 65535, got "70000"');
    const remote = await zerr(['model-server', '--model', 'openai:gpt-4o']);
    expect(remote.code).toBe(3);
    expect(remote.stderr).toContain('--model must be a .gguf file or a llama-cpp:<file.gguf> URI');
    const missing = await zerr(['model-server', '--model', '/nonexistent/model.gguf', '--port', '0']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('/nonexistent/model.gguf');
    for (const result of [sequences, port, remote, missing]) expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
