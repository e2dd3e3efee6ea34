import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitError, GitRepository } from './git-repository.js';

const root = mkdtempSync(join(tmpdir(), 'zerr-git-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const folder = () => join(root, `repo-${++count}`);

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: root, GIT_CONFIG_NOSYSTEM: '1' } });
}

const plan = [
  { files: { 'plan.json': '{}\n', '.gitignore': 'dist/\n' }, message: 'zerr: plan\n', date: new Date('2025-01-01T00:00:01Z') },
  { files: { 'src/a.ts': 'export const a = 1;\n' }, message: 'zerr: level 0: a\n', date: new Date('2025-01-01T00:00:02Z') },
  { files: {}, message: 'zerr: integrate 1 module\n\nnothing changed, still committed', date: new Date('2025-01-01T00:00:03Z') },
];

async function replay(dir: string): Promise<string[]> {
  const repository = await GitRepository.open(dir);
  const shas: string[] = [];
  for (const step of plan) {
    await repository.writeFiles(step.files);
    shas.push(await repository.commit(step.message, { date: step.date }));
  }
  return shas;
}

describe('GitRepository (real git)', () => {
  it('creates the folder, inits branch main, and commits with a fixed author, date and message', async () => {
    const dir = join(folder(), 'nested', 'project');
    const repository = await GitRepository.open(dir);
    expect(await repository.headSha()).toBeUndefined();
    expect(await repository.log()).toEqual([]);
    const shas = await replay(dir);
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('main');
    expect(git(dir, 'log', '-1', '--format=%an <%ae> %at %cn <%ce> %ct').trim()).toBe('zerr <zerr@localhost> 1735689603 zerr <zerr@localhost> 1735689603');
    expect(readFileSync(join(dir, 'src/a.ts'), 'utf8')).toBe('export const a = 1;\n');
    expect(await repository.log()).toEqual(plan.map((step, i) => ({ sha: shas[i], message: step.message.replace(/\n$/, '') })));
    expect(await repository.headSha()).toBe(shas[2]);
    expect(await repository.findCommit('zerr: level 0: a\n')).toBe(shas[1]);
    expect(await repository.findCommit(plan[2]?.message ?? '')).toBe(shas[2]);
    expect(await repository.findCommit('zerr: level 0')).toBeUndefined();
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'config', '--local', '--list')).not.toMatch(/user\.|hookspath|gpgsign/i);
  });

  it('two repositories given the same files, messages and dates have the same shas', async () => {
    const [first, second] = [await replay(folder()), await replay(folder())];
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    expect(second).toEqual(first);
  });

  it('commits into a pre-existing repository, on top of its history, without running its hooks', async () => {
    const dir = folder();
    mkdirSync(dir);
    git(dir, 'init', '--quiet', '--initial-branch=trunk');
    writeFileSync(join(dir, 'old.txt'), 'old\n');
    git(dir, 'add', '-A');
    git(dir, '-c', 'user.name=Someone', '-c', 'user.email=someone@example.com', 'commit', '--quiet', '-m', 'existing work');
    writeFileSync(join(dir, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\ntouch hook-ran\nexit 1\n', { mode: 0o755 });
    git(dir, 'config', 'commit.gpgsign', 'true');
    const repository = await GitRepository.open(dir, { authorName: 'Builder', authorEmail: 'builder@example.com' });
    await repository.writeFiles({ 'new.txt': 'new\n' });
    const sha = await repository.commit('zerr: add new', { date: new Date('2025-02-01T00:00:00Z') });
    expect((await repository.log()).map((c) => c.message)).toEqual(['existing work', 'zerr: add new']);
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(sha);
    expect(git(dir, 'symbolic-ref', '--short', 'HEAD').trim()).toBe('trunk');
    expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Builder <builder@example.com>');
    expect(existsSync(join(dir, 'hook-ran'))).toBe(false);
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('new.txt');
  });

  it('a folder inside another repository gets a repository of its own', async () => {
    const outer = folder();
    await GitRepository.open(outer);
    const inner = join(outer, 'generated');
    const repository = await GitRepository.open(inner);
    await repository.writeFiles({ 'x.txt': 'x' });
    await repository.commit('inner', { date: new Date(0) });
    expect(existsSync(join(inner, '.git'))).toBe(true);
    expect(git(outer, 'rev-list', '--all')).toBe('');
    expect(git(outer, 'status', '--porcelain', '--untracked-files=normal')).toBe('?? generated/\n');
  });

  it('wraps git failures in GitError with the command and stderr', async () => {
    const dir = folder();
    const repository = await GitRepository.open(dir);
    writeFileSync(join(dir, '.git', 'index.lock'), '');
    await repository.writeFiles({ 'a.txt': 'a' });
    const failure = await repository.commit('blocked', { date: new Date(0) }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitError);
    expect(failure).toMatchObject({ code: 'git_failed', command: ['add', '-A'], stderr: expect.stringContaining('index.lock') });
    rmSync(join(dir, '.git', 'index.lock'));
    expect(await repository.commit('unblocked', { date: new Date(0) })).toMatch(/^[0-9a-f]{40}$/);
  });

  it('rejects paths outside the repository and bad messages or dates', async () => {
    const repository = await GitRepository.open(folder());
    for (const path of ['../escape.txt', '/abs.txt', 'a/../../b', '.git/config', 'a//b']) {
      await expect(repository.writeFiles({ [path]: 'x' })).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    await expect(repository.commit('', { date: new Date(0) })).rejects.toMatchObject({ parameter: 'message' });
    await expect(repository.commit('m', { date: new Date(Number.NaN) })).rejects.toMatchObject({ parameter: 'options.date' });
    expect(await repository.headSha()).toBeUndefined();
  });
});
