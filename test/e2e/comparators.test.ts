/**
 * Comparators end to end (issue 14 #1): `zerr solve` with the output compared `unordered` groups candidates that
 * return the same elements in different orders into one behaviour class, so they vote together; with `exact` they
 * split. The candidates are hand-written Python (labelled as such: not a model's output), replayed through the
 * replay provider, verified in the real sandbox.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZerr } from '../fixtures/cli/run-zerr.js';

/** Hand-written: three correct `top_k` in three different output orders (descending, ascending, rotated). */
const CANDIDATES = [
  'def top_k(xs, k):\n    return sorted(xs, reverse=True)[:k]\n',
  'def top_k(xs, k):\n    return sorted(xs)[len(xs) - k:]\n',
  'def top_k(xs, k):\n    r = sorted(xs, reverse=True)[:k]\n    return r[1:] + r[:1]\n',
];

const spec = (compare: 'exact' | 'unordered'): string => [
  `id: top-k-${compare}`, 'name: top_k', 'description: The k largest values of xs, in any order.', 'language: python',
  'signature:', '  entryPoint: top_k', '  inputs: [{ name: xs, type: "List[int]" }, { name: k, type: int }]',
  `  output: { type: "List[int]", compare: ${compare} }`,
  'preconditions: ["0 <= k <= len(xs)"]',
  'testCases:', '  - { inputs: [[5, 1, 4, 2], 2], expected: [4, 5], compare: unordered }', '',
].join('\n');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zerr-comparators-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function solve(compare: 'exact' | 'unordered'): Promise<{ code: number; report: { outcome: string; classes: { votes: number }[]; verified: number } }> {
  const specFile = join(work, `${compare}.yaml`);
  await writeFile(specFile, spec(compare));
  const replay = join(work, `${compare}.jsonl`);
  const fence = (code: string): string => `\`\`\`python\n${code}\`\`\`\n`;
  await writeFile(replay, `${JSON.stringify({ taskId: `top-k-${compare}`, style: 'full-code', completions: CANDIDATES.map(fence) })}\n`);
  const result = await runZerr(
    ['solve', specFile, '--model', `replay:${replay}`, '--k', '2', '--max-samples', '3', '--no-python-types', '--out', join(work, `out-${compare}`), '--json'],
    { cwd: work, env: { ...process.env, CI: '1', ZERR_MODEL: '', ZERR_STORE: join(work, `${compare}.sqlite`) } },
  );
  return { code: result.code, report: JSON.parse(result.stdout) as { outcome: string; classes: { votes: number }[]; verified: number } };
}

describe('zerr solve with output comparators', () => {
  it('unordered: three orders of the same answer are one class and reach consensus; exact: they split', async () => {
    const unordered = await solve('unordered');
    expect(unordered.code).toBe(0);
    expect(unordered.report.outcome).toBe('consensus');
    expect(unordered.report.classes).toHaveLength(1);
    expect(unordered.report.classes[0]?.votes).toBe(2); // ahead by k = 2 after two samples
    const exact = await solve('exact');
    expect(exact.report.verified).toBe(3); // every candidate passes the (unordered) visible test
    expect(exact.report.classes).toHaveLength(3);
    expect(exact.report.outcome).not.toBe('consensus');
  }, 180_000);
});
