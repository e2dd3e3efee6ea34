/**
 * @module orchestrate/implement/repository
 * The git work `zerr implement` does in a person's repository, through simple-git: find the repository and its
 * files, refuse a dirty tree, and commit the chosen code alone on a new branch, authored by `zerr`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from '../project-build/git-repository.js';

/** Author and committer of zerr's commits (what `zerr chat`'s `/undo` looks for). */
export const ZERR_AUTHOR = { name: 'zerr', email: 'zerr@localhost' } as const;

function git(dir: string, signal?: AbortSignal): SimpleGit {
  return simpleGit({ baseDir: dir, ...(signal === undefined ? {} : { abort: signal }) });
}

async function attempt<T>(command: readonly string[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new GitError({ command, stderr: error instanceof Error ? error.message : String(error), cause: error });
  }
}

/** The top-level folder of the repository holding `dir`, or undefined when `dir` is in none. */
export async function repositoryRoot(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir).revparse(['--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
}

/** Whether HEAD names a commit (false in a repository with no commit yet). */
export async function hasCommit(root: string): Promise<boolean> {
  try {
    await git(root).revparse(['--verify', '--quiet', 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

/** Whether `name` is a valid new branch name (`git check-ref-format --branch`). */
export async function isBranchName(root: string, name: string): Promise<boolean> {
  if (name.startsWith('-')) return false;
  try {
    await git(root).raw(['check-ref-format', '--branch', name]);
    return true;
  } catch {
    return false;
  }
}

/** Tracked paths with uncommitted changes (staged or not); untracked files do not count. */
export async function changedPaths(root: string): Promise<string[]> {
  const status = await attempt(['status'], () => git(root).status(['--untracked-files=no']));
  return status.files.map((file) => file.path);
}

/** Every file git knows or would add (tracked, and untracked not ignored), root-relative with `/` separators. */
export async function listFiles(root: string): Promise<string[]> {
  const out = await attempt(['ls-files'], () => git(root).raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard']));
  return [...new Set(out.split('\0').filter((path) => path !== ''))];
}

/** The current branch's name, or `HEAD` when detached. */
export async function currentBranch(root: string): Promise<string> {
  return (await attempt(['rev-parse'], () => git(root).revparse(['--abbrev-ref', 'HEAD']))).trim();
}

/** A unified diff of `path` from `before` to `after` (git's own diff of two temporary copies), labelled a/ and b/. */
export async function previewDiff(path: string, before: string, after: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'zerr-diff-'));
  try {
    await writeFile(join(folder, 'a'), before);
    await writeFile(join(folder, 'b'), after);
    const out = await git(folder).raw(['diff', '--no-index', '--no-color', '--', 'a', 'b']).catch((error: unknown) => {
      // `git diff --no-index` exits 1 when the files differ; simple-git then rejects with the output as the message.
      const text = error instanceof Error ? error.message : String(error);
      if (text.includes('@@')) return text;
      throw error;
    });
    return out.replace(/^diff --git a\/a b\/b$/m, `diff --git a/${path} b/${path}`).replace(/^--- a\/a$/m, `--- a/${path}`).replace(/^\+\+\+ b\/b$/m, `+++ b/${path}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** What {@link commitOnNewBranch} did. */
export interface ImplementCommit {
  readonly branch: string;
  readonly commit: string;
  /** The branch the repository was on before. */
  readonly from: string;
  readonly diff: string;
}

/**
 * Writes `text` to `path` (root-relative) on a new branch `branch` (or `branch-2`, `-3`, ... when taken) made from
 * the current HEAD, and commits that file alone as `zerr <zerr@localhost>` (hooks not run). Other changes in the
 * tree (with `--allow-dirty`) stay as they were, uncommitted. The repository is left on the new branch.
 * @throws GitError (`git_failed`) when a git command fails; nothing is committed then.
 */
export async function commitOnNewBranch(options: { readonly root: string; readonly path: string; readonly text: string; readonly branch: string; readonly message: string }): Promise<ImplementCommit> {
  const repository = git(options.root);
  const from = await currentBranch(options.root);
  const existing = new Set((await attempt(['branch'], () => repository.branchLocal())).all);
  let branch = options.branch;
  for (let n = 2; existing.has(branch); n++) branch = `${options.branch}-${n}`;
  const before = await readFile(join(options.root, options.path), 'utf8');
  await attempt(['checkout', '-b', branch], () => repository.checkoutLocalBranch(branch));
  try {
    await writeFile(join(options.root, options.path), options.text, 'utf8');
    await attempt(['add', options.path], () => repository.add(['--', options.path]));
    await attempt(['commit'], () => repository.raw([
      '-c', `user.name=${ZERR_AUTHOR.name}`, '-c', `user.email=${ZERR_AUTHOR.email}`,
      'commit', '--quiet', '--no-verify', '--cleanup=verbatim', '-m', options.message, '--only', '--', options.path,
    ]));
  } catch (error) {
    // Leave the repository as it was: the file's text, its index entry, the branch it was on; the new branch gone.
    await writeFile(join(options.root, options.path), before, 'utf8').catch(() => undefined);
    await repository.raw(['reset', '--quiet', '--', options.path]).catch(() => undefined);
    await repository.checkout(from).catch(() => undefined);
    await repository.deleteLocalBranch(branch, true).catch(() => undefined);
    throw error;
  }
  const commit = (await attempt(['rev-parse', 'HEAD'], () => repository.revparse(['HEAD']))).trim();
  return { branch, commit, from, diff: await previewDiff(options.path, before, options.text) };
}
