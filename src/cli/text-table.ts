/**
 * @module cli/text-table
 * The CLI's plain-text tables (`runs list`, `escalations list`, `keys list`, the demo's results), laid out by
 * cli-table3: a header row, then one line per row, columns two spaces apart and no borders, so the output stays easy
 * to read, to `grep` and to cut in a pipe. Widths count terminal cells (wide and combining characters included).
 */

/** Options of {@link formatTable}. */
export interface TextTableOptions {
  /** Column titles, one per column. */
  readonly head: readonly string[];
  /** Cells, one string per column; a row with fewer cells leaves the rest empty. */
  readonly rows: readonly (readonly string[])[];
  /** Columns to right-align (numbers), by index. Default none. */
  readonly alignRight?: readonly number[];
  /**
   * Bold titles (ANSI escape codes). Default {@link colourFor}(process.stdout): only on a terminal, and never when
   * `NO_COLOR` is set.
   */
  readonly colour?: boolean;
}

/** No border, no separator line: only the two-space gap between columns. */
const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
} as const;

/**
 * Whether output to `stream` may carry colour: it is a terminal and `NO_COLOR` (https://no-color.org) is unset or
 * empty.
 */
export function colourFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] === undefined || env['NO_COLOR'] === '');
}

/**
 * Lays `options.rows` out under `options.head` with cli-table3 (loaded on first use: it costs start-up time that
 * commands without a table should not pay). Lines end without trailing spaces; the text ends with a newline. Cells
 * should be one line each (a newline inside a cell makes the row taller).
 */
export async function formatTable(options: TextTableOptions): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const right = new Set(options.alignRight ?? []);
  // Bold is written here, not through cli-table3's `style.head`: that goes through @colors/colors, which decides on
  // its own (from the environment) whether to colour, so a caller's `colour: true` could be ignored.
  const bold = options.colour ?? colourFor(process.stdout);
  const table = new Table({
    head: options.head.map((title) => (bold && title !== '' ? `\u001b[1m${title}\u001b[22m` : title)),
    chars: BORDERLESS,
    colAligns: options.head.map((_, column) => (right.has(column) ? 'right' : 'left')),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  table.push(...options.rows.map((row) => options.head.map((_, column) => row[column] ?? '')));
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}
