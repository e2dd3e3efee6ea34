import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scheduledCommand } from './commands/schedule.js';
import { buildRequestOf, solveRequestOf } from './run-queue-options.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'zerr-run-jobs-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('run jobs of zerr batch and zerr schedule', () => {
  test('a requirements file becomes a checked build job, named after the file unless --name says otherwise', async () => {
    const path = join(dir, 'Text Stats.requirements.md');
    await writeFile(path, '# Text statistics\nCount the words of a text.\n');
    expect(await buildRequestOf(path, { k: 2 })).toEqual({
      kind: 'build', source: 'Text Stats.requirements.md',
      request: { requirements: '# Text statistics\nCount the words of a text.\n', name: 'text-stats-requirements', k: 2 },
    });
    expect(await buildRequestOf(path, { name: 'counter', language: 'python' })).toMatchObject({ request: { name: 'counter', language: 'python' } });
    await expect(buildRequestOf(path, { language: 'cobol' })).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('language') });
    const empty = join(dir, 'empty.md');
    await writeFile(empty, '   \n');
    await expect(buildRequestOf(empty)).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('requirements') });
    await expect(buildRequestOf(join(dir, 'missing.md'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('a spec file becomes a checked solve job', async () => {
    const spec = join(import.meta.dirname, '../../test/fixtures/specify/largest-even.yaml');
    expect(await solveRequestOf(spec, { k: 2 })).toMatchObject({ kind: 'solve', source: 'largest-even.yaml', k: 2, spec: { id: expect.any(String) } });
  });

  test('the scheduled command after -- is a solve or a build, anything else is refused naming what is expected', async () => {
    expect(await scheduledCommand(['solve', 'spec.yaml', '--k', '2'])).toEqual({ kind: 'solve', file: 'spec.yaml', k: 2 });
    expect(await scheduledCommand(['build', '-f', 'req.md', '--name', 'stats', '--language', 'python', '--max-samples', '6']))
      .toEqual({ kind: 'build', file: 'req.md', name: 'stats', language: 'python', maxSamples: 6 });
    await expect(scheduledCommand(['build', 'req.md'])).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('--requirements-file') });
    await expect(scheduledCommand(['implement', 'x'])).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringContaining('build -f <requirements.md>') });
    await expect(scheduledCommand(['solve', 'spec.yaml', '--k', '0'])).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
