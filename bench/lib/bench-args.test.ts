import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './bench-args.js';

describe('parseBenchArgs', () => {
  it('passes a benchmark flag through when it comes first (it was dropped before: --full-grid never reached selection)', () => {
    expect(parseBenchArgs(['--full-grid'])).toEqual({ quick: false, out: undefined, args: ['--full-grid'] });
  });
  it('takes --quick and --out <dir> out and keeps the rest in order', () => {
    expect(parseBenchArgs(['--grid', 'a:5', '--out', 'x', '--quick', '--seed', '3'])).toEqual({ quick: true, out: 'x', args: ['--grid', 'a:5', '--seed', '3'] });
  });
});

describe('selection --grid', async () => {
  const { parseGrid, zerrGrid } = await import('../selection.js');
  it('parses setting, k and +tests', () => {
    expect(parseGrid('a:5,a:3+tests,b:3')).toEqual([
      { setting: 'a', k: 5, modelTests: false }, { setting: 'a', k: 3, modelTests: true }, { setting: 'b', k: 3, modelTests: false },
    ]);
    expect(zerrGrid(false, ['--grid', 'a:2'])).toEqual([{ setting: 'a', k: 2, modelTests: false }]);
    expect(zerrGrid(false, ['--full-grid'])).toHaveLength(8);
  });
  it('names a bad entry', () => {
    expect(() => parseGrid('a:5,c:3')).toThrow('bad entry "c:3"');
  });
});
