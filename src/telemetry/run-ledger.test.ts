import { describe, expect, it } from 'vitest';
import { RunLedger } from './run-ledger.js';

describe('RunLedger', () => {
  it('takes the kind from run-start, and falls back to build events when run-start names none', () => {
    const ledger = new RunLedger();
    expect(ledger.observe({ type: 'run-start', runId: 'r1', at: 1, taskIds: [], model: 'm', kind: 'demo' }).kind).toBe('demo');
    expect(ledger.observe({ type: 'run-start', runId: 'r2', at: 1, taskIds: [], model: 'm' }).kind).toBe('solve');
    expect(ledger.observe({ type: 'commit-created', runId: 'r2', at: 2, label: 'decomposition', sha: 'abc', message: 'x' }).kind).toBe('build');
    expect(ledger.observe({ type: 'run-end', runId: 'r1', at: 3, status: 'completed' })).toEqual({ model: 'm', kind: 'demo' });
  });
});
