/**
 * @module orchestrate/project-build/git-repository
 * The git repository a `zerr build` writes its project into, through simple-git: deterministic commits (the same
 * tree, message, date and parent always give the same sha, which resuming a build relies on), and nothing of the
 * user's git setup touched or obeyed.
 *
 * Isolation from the user's setup: author and committer come from the environment (`GIT_AUTHOR_*`,
 * `GIT_COMMITTER_*`), never from config; the global and system config files are not read (`GIT_CONFIG_GLOBAL=
 * /dev/null`, `GIT_CONFIG_NOSYSTEM=1`), so a user's `commit.gpgsign`, `core.autocrlf`, `init.templateDir` or hooks
 * path can neither fail a commit nor change a sha; every command runs with `-c core.hooksPath=/dev/null
 * -c commit.gpgsign=false` (covering a pre-existing repository's own config) and commits pass `--no-verify`. Other
 * ambient `GIT_*` variables (`GIT_DIR` from a surrounding hook, say) are dropped by simple-git's environment guard.
 * Nothing is ever written to any config file.
 */
import { existsSync } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { InvalidArgumentError, ZeroErrorError } from '../../errors/index.js';

/**
 * A git command failed (or git could not be started).
 *
 * Code: `git_failed`.
 */
export class GitError extends ZeroErrorError {
  /** The git arguments, e.g. `['commit', '--allow-empty', ...]`. */
  readonly command: readonly string[];
  /** git's error output (or the failure's message when git did not start). */
  readonly stderr: string;

  constructor(options: { command: readonly string[]; stderr: string; cause?: unknown }) {
    super('git_failed', `git ${options.command.join(' ')} failed: ${options.stderr.trim() || 'no error output'}`, { cause: options.cause });
    this.command = options.command;
    this.stderr = options.stderr;
  }
}

/** Options of {@link GitRepository.open}. */
export interface GitRepositoryOptions {
  /** Author and committer name. Default `zerr`. */
  readonly authorName?: string;
  /** Author and committer e-mail. Default `zerr@localhost`. */
  readonly authorEmail?: string;
}

/** One commit of {@link GitRepository.log}. */
export interface GitCommit {
  readonly sha: string;
  /** The full message, without the final newline git adds. */
  readonly message: string;
}

/** Environment variables the commands may carry past simple-git's environment guard. */
const ALLOWED_ENVIRONMENT = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_TERMINAL_PROMPT',
] as const;

/** Separators of `git log` output: unit separator between fields, record separator after each commit. */
const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * A git repository at one folder. Methods run one at a time (calls are queued), so concurrent callers cannot
 * interleave `add` and `commit`.
 */
export class GitRepository {
  /** The repository's folder (absolute). */
  readonly dir: string;
  readonly #env: Readonly<Record<string, string>>;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, env: Readonly<Record<string, string>>) {
    this.dir = dir;
    this.#env = env;
  }

  /**
   * Opens the repository at `dir`, creating the folder and running `git init` (branch `main`) unless `dir` is
   * already the top level of a repository. A folder inside another repository gets its own repository, so
   * `git add -A` never stages the enclosing project.
   *
   * @throws InvalidArgumentError (`invalid_argument`) for an empty `dir` or an author with a newline or `<>`.
   * @throws GitError (`git_failed`) when git is missing or `git init` fails.
   */
  static async open(dir: string, options: GitRepositoryOptions = {}): Promise<GitRepository> {
    if (typeof dir !== 'string' || dir.trim() === '') throw new InvalidArgumentError({ parameter: 'dir', value: dir, expected: 'a folder path' });
    const authorName = options.authorName ?? 'zerr';
    const authorEmail = options.authorEmail ?? 'zerr@localhost';
    for (const [parameter, value] of [['options.authorName', authorName], ['options.authorEmail', authorEmail]] as const) {
      if (value.trim() === '' || /[\n\r<>\0]/.test(value)) {
        throw new InvalidArgumentError({ parameter, value, expected: 'a non-empty single line without < or >' });
      }
    }
    const absolute = resolve(dir);
    await mkdir(absolute, { recursive: true });
    const repository = new GitRepository(await realpath(absolute), {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? absolute,
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: authorName,
      GIT_AUTHOR_EMAIL: authorEmail,
      GIT_COMMITTER_NAME: authorName,
      GIT_COMMITTER_EMAIL: authorEmail,
    });
    if (!(await repository.#isTopLevel())) await repository.#git(['init', '--quiet', '--initial-branch=main']);
    return repository;
  }

  /**
   * Writes files (relative path -> content, UTF-8), creating folders. Files not named are left as they are.
   * @throws InvalidArgumentError (`invalid_argument`) for an absolute path, a `..` segment or a path into `.git`.
   */
  async writeFiles(files: Readonly<Record<string, string>>): Promise<void> {
    const targets = Object.entries(files).map(([path, content]) => {
      const segments = path.split(/[\\/]/);
      if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path) || segments.some((s) => s === '..' || s === '' || s === '.' || s.toLowerCase() === '.git') || typeof content !== 'string') {
        throw new InvalidArgumentError({ parameter: `files.${path}`, value: typeof content === 'string' ? path : content, expected: 'a relative path inside the repository (no "..", not into .git) with string content' });
      }
      const target = join(this.dir, ...segments);
      if (!target.startsWith(`${this.dir}${sep}`)) throw new InvalidArgumentError({ parameter: `files.${path}`, value: path, expected: 'a path inside the repository' });
      return [target, content] as const;
    });
    return this.#serial(async () => {
      for (const [target, content] of targets) {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, content, 'utf8');
      }
    });
  }

  /**
   * Stages everything (`git add -A`) and commits, even when nothing changed (`--allow-empty`: the sequence of
   * commits is fixed), with author and committer date `date` (whole seconds, UTC). The message is kept verbatim.
   * Returns the new commit's sha.
   *
   * @throws InvalidArgumentError (`invalid_argument`) for an empty message or an invalid date.
   * @throws GitError (`git_failed`) when git fails.
   */
  async commit(message: string, options: { readonly date: Date }): Promise<string> {
    if (typeof message !== 'string' || message.trim() === '' || message.includes('\0')) {
      throw new InvalidArgumentError({ parameter: 'message', value: message, expected: 'a non-empty commit message without NUL' });
    }
    const time = options.date instanceof Date ? options.date.getTime() : Number.NaN;
    if (!Number.isFinite(time) || time < 0) throw new InvalidArgumentError({ parameter: 'options.date', value: options.date, expected: 'a valid Date not before 1970' });
    const stamp = `@${Math.floor(time / 1000)} +0000`; // `@`: a raw timestamp even below 100000000
    return this.#serial(async () => {
      await this.#git(['add', '-A']);
      await this.#git(['commit', '--quiet', '--allow-empty', '--no-verify', '--cleanup=verbatim', '-m', message], {
        GIT_AUTHOR_DATE: stamp,
        GIT_COMMITTER_DATE: stamp,
      });
      return (await this.#git(['rev-parse', 'HEAD'])).trim();
    });
  }

  /** Every commit reachable from HEAD, oldest first (first parents only); empty before the first commit. */
  log(): Promise<GitCommit[]> {
    return this.#serial(() => this.#log());
  }

  /** The sha HEAD points to, or undefined before the first commit. */
  headSha(): Promise<string | undefined> {
    return this.#serial(() => this.#head());
  }

  /**
   * The sha of a commit reachable from HEAD whose full message equals `message` (compared without the final
   * newline, as {@link log} reports it), the newest if several; undefined when none.
   */
  findCommit(message: string): Promise<string | undefined> {
    const wanted = stripFinalNewline(message);
    return this.#serial(async () => (await this.#log()).findLast((c) => c.message === wanted)?.sha);
  }

  async #log(): Promise<GitCommit[]> {
    if ((await this.#head()) === undefined) return [];
    const out = await this.#git(['log', '--first-parent', '--reverse', `--format=%H${FIELD}%B${RECORD}`]);
    return out
      .split(RECORD)
      .map((record) => record.replace(/^\n/, ''))
      .filter((record) => record.includes(FIELD))
      .map((record) => {
        const at = record.indexOf(FIELD);
        return { sha: record.slice(0, at), message: stripFinalNewline(record.slice(at + 1)) };
      });
  }

  async #head(): Promise<string | undefined> {
    const out = await this.#git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {}, true);
    const sha = out.trim();
    return sha === '' ? undefined : sha;
  }

  /** Whether {@link dir} is the top level of a work tree (not merely inside one). */
  async #isTopLevel(): Promise<boolean> {
    if (!existsSync(join(this.dir, '.git'))) return false;
    const top = (await this.#git(['rev-parse', '--show-toplevel'], {}, true)).trim();
    return top !== '' && (await realpath(top)) === this.dir;
  }

  /** Runs one git command in {@link dir}; `tolerant` returns '' instead of throwing when it fails. */
  async #git(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}, tolerant = false): Promise<string> {
    let git: SimpleGit;
    try {
      git = simpleGit({
        baseDir: this.dir,
        config: ['core.hooksPath=/dev/null', 'commit.gpgsign=false', 'core.autocrlf=false'],
        unsafe: { allowUnsafeHooksPath: true, allowUnsafeConfigPaths: true },
        allowEnvironment: ALLOWED_ENVIRONMENT,
      }).env({ ...this.#env, ...extraEnv });
      return await git.raw([...args]);
    } catch (error) {
      if (tolerant) return '';
      throw new GitError({ command: args, stderr: error instanceof Error ? error.message : String(error), cause: error });
    }
  }

  /** Runs `task` after every earlier call has settled. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

function stripFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
