/**
 * The CLI's plain-text tables: columns aligned by terminal width, no borders, no trailing spaces, colour only when
 * asked for (a terminal without NO_COLOR).
 */
import { describe, expect, test } from 'vitest';
import { colourFor, formatTable } from './text-table.js';

describe('formatTable', () => {
  test('aligns columns two spaces apart under a header, numbers to the right, without borders or trailing spaces', async () => {
    const text = await formatTable({
      head: ['run', 'samples', 'model'],
      rows: [['run-1', '3', 'replay:codet'], ['run-20260101', '120', 'x']],
      alignRight: [1],
      colour: false,
    });
    expect(text).toBe(
      [
        'run           samples  model',
        'run-1               3  replay:codet',
        'run-20260101      120  x',
        '',
      ].join('\n'),
    );
  });

  test('counts wide characters as two cells and fills missing cells', async () => {
    const text = await formatTable({ head: ['name', 'id'], rows: [['表', 'a'], ['ü', 'b'], ['only']], colour: false });
    expect(text).toBe(['name  id', '表    a', 'ü     b', 'only', ''].join('\n'));
  });

  test('writes ANSI codes only when colour is on', async () => {
    const rows = [['a', 'b']];
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(await formatTable({ head: ['x', 'y'], rows, colour: false })).not.toMatch(ansi);
    expect(await formatTable({ head: ['x', 'y'], rows, colour: true })).toMatch(ansi);
  });

  test('colour changes no width: without its escape codes the coloured table is the plain one', async () => {
    const options = { head: ['run', 'n'], rows: [['run-long-name', '12'], ['r', '3']], alignRight: [1] };
    const plain = await formatTable({ ...options, colour: false });
    // eslint-disable-next-line no-control-regex
    const coloured = (await formatTable({ ...options, colour: true })).replace(/\u001b\[[0-9;]*m/g, '');
    expect(coloured).toBe(plain);
  });
});

describe('colourFor', () => {
  test('a terminal without NO_COLOR only', () => {
    expect(colourFor({ isTTY: true }, {})).toBe(true);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourFor({ isTTY: false }, {})).toBe(false);
    expect(colourFor({}, {})).toBe(false);
  });
});
