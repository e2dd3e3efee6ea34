import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProjectRoot, stateFolder, userDataFolder } from './state-folder.js';

const work = mkdtempSync(join(tmpdir(), 'zerr-state-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the state folder', () => {
  it('is the .zerr/ of the nearest folder holding zerr.config.yaml or .git, from any folder below it', () => {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(join(repo, 'packages', 'app', 'src'), { recursive: true });
    writeFileSync(join(repo, 'packages', 'app', 'zerr.config.yaml'), 'models: {}\n');
    expect(findProjectRoot(join(repo, 'docs'))).toBe(repo); // a folder that does not exist yet still belongs to the repo
    expect(findProjectRoot(repo)).toBe(repo);
    expect(findProjectRoot(join(repo, 'packages', 'app', 'src'))).toBe(join(repo, 'packages', 'app')); // the nearer config wins
    expect(stateFolder(join(repo, 'packages'), {})).toBe(join(repo, '.zerr'));
    const worktree = join(work, 'worktree');
    mkdirSync(worktree);
    writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere\n'); // a worktree's or submodule's .git is a file
    expect(findProjectRoot(worktree)).toBe(worktree);
  });

  it('outside any project is the user\'s data folder, never the working folder (an editor may start zerr in /)', () => {
    expect(findProjectRoot('/')).toBeUndefined();
    expect(stateFolder('/', { XDG_DATA_HOME: '/var/data' })).toBe('/var/data/zerr');
    expect(userDataFolder({}, '/home/ada')).toBe('/home/ada/.local/share/zerr');
    expect(userDataFolder({ XDG_DATA_HOME: 'relative/ignored' }, '/home/ada')).toBe('/home/ada/.local/share/zerr');
  });
});
