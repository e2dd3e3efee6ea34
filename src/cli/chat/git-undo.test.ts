import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZerrCommit, undoLastZerrCommit } from './git-undo.js';

let dir: string;
/** Runs git in the repository, isolated from the user's configuration. */
function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}
/** Commits `file` with `content` as `author`. */
async function commit(file: string, content: string, message: string, author = 'Someone'): Promise<string> {
  await writeFile(join(dir, file), content);
  git('add', file);
  git('-c', `user.name=${author}`, '-c', `user.email=${author.toLowerCase()}@example.com`, 'commit', '--quiet', '-m', message);
  return git('rev-parse', 'HEAD').trim();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zerr-undo-'));
  process.env['GIT_CONFIG_GLOBAL'] = '/dev/null';
  process.env['GIT_CONFIG_NOSYSTEM'] = '1';
});
afterEach(async () => {
  delete process.env['GIT_CONFIG_GLOBAL'];
  delete process.env['GIT_CONFIG_NOSYSTEM'];
  await rm(dir, { recursive: true, force: true });
});

describe('isZerrCommit', () => {
  it('is the author zerr, or a message starting with the word zerr', () => {
    expect(isZerrCommit({ authorName: 'zerr', subject: 'task clamp: consensus' })).toBe(true);
    expect(isZerrCommit({ authorName: 'Ann', subject: 'zerr implement src/a.ts#f (3 votes vs 0)' })).toBe(true);
    expect(isZerrCommit({ authorName: 'Ann', subject: 'zerrfoo: nope' })).toBe(false);
    expect(isZerrCommit({ authorName: 'Ann', subject: 'Revert "zerr: add clamp"' })).toBe(false);
  });
});

describe('undoLastZerrCommit', () => {
  it('refuses outside a repository and in one without commits', async () => {
    expect(await undoLastZerrCommit({ cwd: dir })).toMatchObject({ status: 'refused', reason: expect.stringContaining('not in a git repository') as unknown });
    git('init', '--quiet');
    expect(await undoLastZerrCommit({ cwd: dir })).toEqual({ status: 'refused', reason: 'the repository has no commits yet' });
  });

  it('refuses when zerr made no commit', async () => {
    git('init', '--quiet');
    await commit('a.txt', 'one\n', 'first');
    expect(await undoLastZerrCommit({ cwd: dir })).toMatchObject({ status: 'refused', reason: expect.stringContaining('no commit made by zerr') as unknown });
  });

  it('reverts the last zerr commit with git revert, then the one before it; refuses with tracked changes', async () => {
    git('init', '--quiet');
    git('config', 'user.name', 'Owner');
    git('config', 'user.email', 'owner@example.com');
    await commit('a.txt', 'one\n', 'first');
    const older = await commit('b.txt', 'by zerr\n', 'zerr: add b', 'Ann');
    const newer = await commit('c.txt', 'zerr again\n', 'task c: consensus', 'zerr');
    await commit('d.txt', 'mine\n', 'my own work');

    await writeFile(join(dir, 'a.txt'), 'changed\n');
    await writeFile(join(dir, 'untracked.txt'), 'not in git\n');
    expect(await undoLastZerrCommit({ cwd: dir })).toMatchObject({ status: 'refused', reason: expect.stringContaining('changes to tracked files (a.txt)') as unknown });
    git('checkout', '--quiet', '--', 'a.txt');

    const first = await undoLastZerrCommit({ cwd: dir });
    expect(first).toMatchObject({ status: 'reverted', sha: newer, subject: 'task c: consensus', revertSubject: 'Revert "task c: consensus"' });
    expect(git('log', '-n', '1', '--format=%an %s')).toBe('Owner Revert "task c: consensus"\n');
    expect(git('ls-files')).not.toContain('c.txt');
    expect(git('ls-files')).toContain('d.txt');

    const second = await undoLastZerrCommit({ cwd: dir });
    expect(second).toMatchObject({ status: 'reverted', sha: older });
    expect(git('ls-files').split('\n')).toEqual(['a.txt', 'd.txt', '']);
    expect(await undoLastZerrCommit({ cwd: dir })).toMatchObject({ status: 'refused', reason: expect.stringContaining('not reverted already') as unknown });
  });

  it('a revert that conflicts is aborted: nothing changes', async () => {
    git('init', '--quiet');
    git('config', 'user.name', 'Owner');
    git('config', 'user.email', 'owner@example.com');
    await commit('a.txt', 'one\n', 'first');
    await commit('a.txt', 'two\n', 'zerr: change a', 'zerr');
    const head = await commit('a.txt', 'three\n', 'mine on top');
    const outcome = await undoLastZerrCommit({ cwd: dir });
    expect(outcome).toMatchObject({ status: 'refused', reason: expect.stringContaining('conflicts with later changes') as unknown });
    expect(git('rev-parse', 'HEAD').trim()).toBe(head);
    expect(git('status', '--porcelain')).toBe('');
  });
});
