import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { applyStopSequences, StopSequenceScanner } from './stop-sequences.js';

describe('applyStopSequences', () => {
  it('cuts before the earliest of several stop sequences and ignores empty ones', () => {
    expect(applyStopSequences('x = 1\nprint(x)\ndef g', ['\ndef', '\nprint', ''])).toEqual({ text: 'x = 1', stopped: true });
    expect(applyStopSequences('abc', [''])).toEqual({ text: 'abc', stopped: false });
    expect(applyStopSequences('abc', undefined)).toEqual({ text: 'abc', stopped: false });
  });
});

describe('StopSequenceScanner', () => {
  it('holds back the start of a stop sequence until it is complete or broken', () => {
    const scanner = new StopSequenceScanner(['\ndef', '']);
    expect(scanner.push('x = 1')).toBe('x = 1');
    expect(scanner.push('\nd')).toBe('');
    expect(scanner.push('o')).toBe('\ndo');
    expect(scanner.push(' it\nde')).toBe(' it');
    expect(scanner.push('f g')).toBe('');
    expect(scanner.stopped).toBe(true);
    expect(scanner.push('more')).toBe('');
    expect(scanner.flush()).toBe('');
  });

  it('releases a held tail at the end of a text without the stop sequence', () => {
    const scanner = new StopSequenceScanner(['STOP']);
    expect(scanner.push('ab ST')).toBe('ab ');
    expect(scanner.flush()).toBe('ST');
    expect(scanner.stopped).toBe(false);
  });

  it('releases exactly applyStopSequences of the whole text, however it is split (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '\n');
    const text = fc.array(alphabet, { maxLength: 40 }).map((chars) => chars.join(''));
    fc.assert(fc.property(
      text, fc.array(fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((chars) => chars.join('')), { maxLength: 3 }), fc.array(fc.nat(40)),
      (whole, stop, splits) => {
        const cuts = [...new Set(splits.map((split) => split % (whole.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...cuts, whole.length].slice(1).map((end, i, ends) => whole.slice(i === 0 ? 0 : ends[i - 1], end));
        const scanner = new StopSequenceScanner(stop);
        const released = pieces.map((piece) => scanner.push(piece)).join('') + scanner.flush();
        const expected = applyStopSequences(whole, stop);
        expect(released).toBe(expected.text);
        expect(scanner.stopped).toBe(expected.stopped);
      },
    ));
  });
});
