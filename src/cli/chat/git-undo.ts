/**
 * @module cli/chat/git-undo
 * `/undo` in `zerr chat`: reverts the last commit zerr made in the project's git repository - a commit whose author is
 * `zerr` (what `zerr build` commits as) or whose message starts with `zerr` - with `git revert --no-edit`, so history
 * is added to, never rewritten. Commits a later commit already reverts are passed over, so a second `/undo` goes one
 * further back. Refused, with the reason, outside a repository, without such a commit, for a merge commit, when
 * tracked files have changes, and when the revert conflicts (the revert is aborted then: nothing is left half done).
 */
import { simpleGit, type SimpleGit } from 'simple-git';

/** How far back `/undo` looks for a commit of zerr's. */
export const UNDO_SEARCH_DEPTH = 500;

/** What `/undo` did. */
export type UndoOutcome =
  | {
      readonly status: 'reverted';
      /** The reverted commit. */
      readonly sha: string;
      readonly subject: string;
      /** The new commit that reverts it. */
      readonly revertSha: string;
      readonly revertSubject: string;
    }
  | { readonly status: 'refused'; readonly reason: string };

/** Options of {@link undoLastZerrCommit}. */
export interface UndoOptions {
  /** A folder in the repository. */
  readonly cwd: string;
  /** Aborts the git commands in flight. */
  readonly signal?: AbortSignal;
}

/** Whether a commit is zerr's: author `zerr`, or a message that starts with the word `zerr`. */
export function isZerrCommit(commit: { readonly authorName: string; readonly subject: string }): boolean {
  return commit.authorName.trim().toLowerCase() === 'zerr' || /^zerr\b/i.test(commit.subject.trim());
}

/** Field and record separators of the `git log` format. */
const FIELD = '\x1f';
const RECORD = '\x1e';

interface LoggedCommit {
  readonly sha: string;
  readonly authorName: string;
  readonly parents: readonly string[];
  readonly subject: string;
  readonly body: string;
}

/**
 * Reverts the last commit zerr made on the current branch (within {@link UNDO_SEARCH_DEPTH} commits) with
 * `git revert --no-edit <sha>`, as the user's own git would (their identity, hooks and signing settings).
 * Untracked files do not count as changes (the chat's own `.zerr/` and output folder are usually untracked).
 * @returns `reverted` with both commits, or `refused` with a reason that says what to do; never throws for the
 *   repository's state. A git that cannot be started is `refused` too.
 */
export async function undoLastZerrCommit(options: UndoOptions): Promise<UndoOutcome> {
  const git = simpleGit({ baseDir: options.cwd, ...(options.signal === undefined ? {} : { abort: options.signal }) });
  try {
    if (!(await git.checkIsRepo())) return refused(`${options.cwd} is not in a git repository; /undo reverts the commits zerr made in this project's repository`);
    const commits = await recentCommits(git);
    if (commits === null) return refused('the repository has no commits yet');
    const reverted = new Set(commits.flatMap((commit) => [...commit.body.matchAll(/This reverts commit ([0-9a-f]{40})/g)].map((match) => match[1] ?? '')));
    const target = commits.find((commit) => isZerrCommit(commit) && !reverted.has(commit.sha));
    if (target === undefined) {
      return refused(`no commit made by zerr (author zerr, or a message starting with "zerr") among the last ${UNDO_SEARCH_DEPTH} commits of this branch that is not reverted already`);
    }
    const label = `${target.sha.slice(0, 10)} "${target.subject}"`;
    if (target.parents.length > 1) return refused(`the last commit of zerr's, ${label}, is a merge; revert it yourself with git revert -m 1 ${target.sha.slice(0, 10)}`);
    const status = await git.status();
    const changed = status.files.filter((file) => file.index !== '?' || file.working_dir !== '?').map((file) => file.path);
    if (changed.length > 0) {
      return refused(`the working tree has changes to tracked files (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, and ${changed.length - 5} more` : ''}); commit or stash them, then /undo again`);
    }
    try {
      await git.raw(['revert', '--no-edit', target.sha]);
    } catch (error) {
      const message = errorText(error);
      if (/conflict/i.test(message)) {
        await git.raw(['revert', '--abort']).catch(() => undefined);
        return refused(`reverting ${label} conflicts with later changes; nothing was changed (resolve it yourself with git revert ${target.sha.slice(0, 10)})`);
      }
      if (/identity|tell me who you are|user\.email|user\.name/i.test(message)) {
        await git.raw(['revert', '--abort']).catch(() => undefined);
        return refused('git does not know who you are, so it cannot commit the revert: set git config user.name and user.email, then /undo again');
      }
      return refused(`git revert ${target.sha.slice(0, 10)} failed: ${firstLines(message)}`);
    }
    const [revertSha = '', revertSubject = ''] = (await git.raw(['log', '-n', '1', `--format=%H${FIELD}%s`])).trim().split(FIELD);
    return { status: 'reverted', sha: target.sha, subject: target.subject, revertSha, revertSubject };
  } catch (error) {
    if (options.signal?.aborted === true) throw options.signal.reason;
    return refused(`git failed: ${firstLines(errorText(error))}`);
  }
}

/** The branch's last commits, newest first; null when the branch has none. */
async function recentCommits(git: SimpleGit): Promise<LoggedCommit[] | null> {
  let text: string;
  try {
    text = await git.raw(['log', '-n', String(UNDO_SEARCH_DEPTH), `--format=%H${FIELD}%an${FIELD}%P${FIELD}%s${FIELD}%b${RECORD}`]);
  } catch (error) {
    if (/does not have any commits|bad default revision|unknown revision/i.test(errorText(error))) return null;
    throw error;
  }
  return text.split(RECORD).map((record) => record.replace(/^\s+/, '')).filter((record) => record !== '').map((record) => {
    const [sha = '', authorName = '', parents = '', subject = '', body = ''] = record.split(FIELD);
    return { sha, authorName, parents: parents.split(' ').filter((parent) => parent !== ''), subject, body };
  });
}

function refused(reason: string): UndoOutcome {
  return { status: 'refused', reason };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 3).join(' ').slice(0, 400);
}
