import { describe, it, expect } from 'vitest';
import { applyStopSequences } from './stop-sequences.js';

describe('applyStopSequences', () => {
  it('cuts before the earliest of several stop sequences and ignores empty ones', () => {
    expect(applyStopSequences('x = 1\nprint(x)\ndef g', ['\ndef', '\nprint', ''])).toEqual({ text: 'x = 1', stopped: true });
    expect(applyStopSequences('abc', [''])).toEqual({ text: 'abc', stopped: false });
    expect(applyStopSequences('abc', undefined)).toEqual({ text: 'abc', stopped: false });
  });
});
