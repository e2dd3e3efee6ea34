import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { ALL_EVENTS, SECRET_CODE } from '../../test/fixtures/telemetry/engine-event-sequence.js';
import { logEngineEvents } from './log-engine-events.js';
import { createLogger } from './logger.js';

/** A destination that keeps the lines written to it. */
function memoryDestination(): { readonly stream: Writable; readonly lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk.toString('utf8')); done(); } });
  return {
    stream,
    lines: () => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

describe('createLogger', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('writes JSON lines at info and above by default', () => {
    const out = memoryDestination();
    const logger = createLogger({ destination: out.stream });
    logger.debug('hidden');
    logger.info({ runId: 'r1' }, 'shown');
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: LEVEL.info, name: 'zerr', runId: 'r1', msg: 'shown' });
    expect(typeof lines[0]?.['time']).toBe('number');
  });

  it('takes the level from ZERR_LOG_LEVEL unless one is given', () => {
    vi.stubEnv('ZERR_LOG_LEVEL', 'warn');
    expect(createLogger({ destination: memoryDestination().stream }).level).toBe('warn');
    expect(createLogger({ level: 'debug', destination: memoryDestination().stream }).level).toBe('debug');
  });

  it('rejects an unknown level, given or from the environment', () => {
    expect(() => createLogger({ level: 'loud' })).toThrow(InvalidArgumentError);
    vi.stubEnv('ZERR_LOG_LEVEL', 'verbose');
    expect(() => createLogger()).toThrow(/options\.level/);
  });

  it('redacts code, prompts and credentials but keeps error codes', () => {
    const out = memoryDestination();
    const logger = createLogger({ destination: out.stream });
    logger.info({ code: SECRET_CODE, prompt: 'p', body: { code: SECRET_CODE }, req: { headers: { authorization: 'Bearer s3cret' } }, err: { code: 'invalid_argument' } }, 'request');
    const line = JSON.stringify(out.lines()[0]);
    expect(line).not.toContain('SECRET_TOKEN_42');
    expect(line).not.toContain('s3cret');
    expect(line).toContain('invalid_argument');
    expect(out.lines()[0]).toMatchObject({ code: '[redacted]', prompt: '[redacted]', body: { code: '[redacted]' } });
  });
});

describe('logEngineEvents', () => {
  const logAll = (level: string) => {
    const out = memoryDestination();
    const listener = logEngineEvents(createLogger({ level, destination: out.stream }));
    for (const event of ALL_EVENTS) listener(event);
    return out.lines();
  };

  it('logs every event at debug with its type, runId and taskId', () => {
    const lines = logAll('debug');
    expect(lines).toHaveLength(ALL_EVENTS.length);
    lines.forEach((line, index) => {
      const event = ALL_EVENTS[index];
      expect(line).toMatchObject({ event: event?.type, msg: event?.type, runId: event?.runId });
      if (event !== undefined && 'taskId' in event) expect(line['taskId']).toBe(event.taskId);
      else expect(line).not.toHaveProperty('taskId');
    });
  });

  it('chooses levels: samples at debug, outcomes at info, failures at warn, a failed run at error', () => {
    const lines = logAll('debug');
    const levelOf = (type: string, where: (line: Record<string, unknown>) => boolean = () => true) => lines.filter((line) => line['event'] === type && where(line)).map((line) => line['level']);
    expect(new Set(levelOf('sample-end'))).toEqual(new Set([LEVEL.debug]));
    expect(new Set(levelOf('sample-red-flagged'))).toEqual(new Set([LEVEL.debug]));
    expect(new Set(levelOf('verify-layer-end'))).toEqual(new Set([LEVEL.debug]));
    expect(new Set(levelOf('task-end'))).toEqual(new Set([LEVEL.info]));
    expect(new Set(levelOf('vote-decided'))).toEqual(new Set([LEVEL.info]));
    expect(new Set(levelOf('commit-created'))).toEqual(new Set([LEVEL.info]));
    expect(new Set(levelOf('sample-failed'))).toEqual(new Set([LEVEL.warn]));
    expect(new Set(levelOf('task-escalated'))).toEqual(new Set([LEVEL.warn]));
    expect(levelOf('integration-end')).toEqual([LEVEL.warn, LEVEL.info]);
    expect(levelOf('run-end', (line) => line['status'] === 'failed')).toEqual([LEVEL.error]);
    expect(levelOf('run-end', (line) => line['status'] !== 'failed')).toEqual([LEVEL.info, LEVEL.info, LEVEL.info]);
  });

  it('logs ids, counts and outcomes, never code, red-flag reasons or provider messages', () => {
    const lines = logAll('debug');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('SECRET_TOKEN_42');
    expect(text).not.toContain('def solve');
    expect(lines.find((line) => line['event'] === 'sample-red-flagged')).toMatchObject({ sampleIndex: 1, rules: ['over-token-cap', 'unbalanced-delimiters'] });
    expect(lines.find((line) => line['event'] === 'sample-failed')).toMatchObject({ errorCode: 'model_timeout', sampleIndex: 2 });
    expect(lines.find((line) => line['event'] === 'task-end')).toMatchObject({ taskId: 't1', outcome: 'consensus', samples: 5 });
    expect(lines.find((line) => line['event'] === 'run-end' && line['status'] === 'failed')).toMatchObject({ error: 'all 1 calls failed; last error: 503' });
    expect(lines.find((line) => line['event'] === 'sample-end')).toMatchObject({ inputTokens: 100, outputTokens: 50, costUsd: 0.001 });
  });

  it('writes only what the level lets through', () => {
    const lines = logAll('info');
    expect(lines.every((line) => (line['level'] as number) >= LEVEL.info)).toBe(true);
    expect(lines.filter((line) => line['event'] === 'sample-end')).toHaveLength(0);
    expect(lines.filter((line) => line['event'] === 'task-end')).toHaveLength(5);
  });
});
