/**
 * @module sandbox/sandbox
 * The contract for running untrusted generated code. Generated code never runs in the engine's own process:
 * every run is a separate process, under bubblewrap (`sandbox/bwrap/`), with resource limits and a wall-clock kill.
 */

/** Interpreter a sandboxed run uses. */
export type SandboxRuntime = 'node' | 'python';

/** Resource limits of one sandboxed process. Units are in the names. */
export interface SandboxLimits {
  /** Wall-clock limit; the process group is killed after it. Default 10_000. */
  readonly wallTimeMs?: number;
  /** CPU-time rlimit in seconds (RLIMIT_CPU). Default 10. */
  readonly cpuTimeSec?: number;
  /** Address-space limit in MiB (RLIMIT_AS for python; V8 heap + RLIMIT_AS for node). Default 512. */
  readonly memoryLimitMb?: number;
  /** Largest file the process may write, in MiB (RLIMIT_FSIZE). Default 8. */
  readonly fileSizeLimitMb?: number;
  /** Maximum processes/threads of the sandbox user (RLIMIT_NPROC). Default 64. */
  readonly maxProcesses?: number;
  /** Bytes of stdout/stderr kept each; the rest is dropped and `outputTruncated` set. Default 1 MiB. */
  readonly maxOutputBytes?: number;
}

/** One sandboxed run: files written into a fresh private work folder, then `entry` run with `runtime`. */
export interface SandboxRunRequest {
  readonly runtime: SandboxRuntime;
  /** Relative path -> content, written into the run's private work folder (the only writable place). */
  readonly files: Readonly<Record<string, string>>;
  /** Relative path (in `files`) of the program to run. */
  readonly entry: string;
  /** Extra command-line arguments for the program. */
  readonly args?: readonly string[];
  readonly stdin?: string;
  readonly limits?: SandboxLimits;
  readonly signal?: AbortSignal;
  /**
   * npm packages of zerr's own installation the program may import (node only): each, with its runtime
   * dependencies, readable read-only at `node_modules/<name>` of the work folder (`sandbox/node-packages.ts`). For
   * engine-written code that needs a library (a built service's Fastify server); never given to a candidate of a
   * single task. Default none.
   */
  readonly nodePackages?: readonly string[];
}

/** Outcome of one sandboxed run. */
export interface SandboxRunResult {
  /** Exit code, or null when killed by a signal. */
  readonly exitCode: number | null;
  /** Signal that ended the process (e.g. `SIGKILL`), or null. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the wall-clock limit killed the process. */
  readonly timedOut: boolean;
  /** True when stdout or stderr went over `maxOutputBytes`. */
  readonly outputTruncated: boolean;
  readonly durationMs: number;
}

/**
 * An interactive sandboxed program (see {@link Sandbox.start}): the host writes lines to its stdin and reads lines
 * from its stdout, one exchange at a time, timing each exchange itself. Its files come from the request, like
 * {@link SandboxRunRequest.files}; it gets no stdin up front.
 */
export type SandboxStartRequest = Omit<SandboxRunRequest, 'stdin' | 'signal' | 'nodePackages'>;

/** The next line read from a {@link SandboxProcess}, or why none came. */
export type SandboxLine =
  /** `atMs`: host `performance.now()` when the line's last bytes arrived. */
  | { readonly kind: 'line'; readonly text: string; readonly atMs: number }
  /** stdout closed (the program ended) before a whole line came. */
  | { readonly kind: 'eof' }
  /** No line within the time asked for (the process is still running). */
  | { readonly kind: 'timeout' }
  /** The program wrote more than `maxOutputBytes` (it has been killed). */
  | { readonly kind: 'overflow' };

/** How a {@link SandboxProcess} ended. */
export interface SandboxProcessEnd {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last 4 KiB of stderr at most. */
  readonly stderr: string;
  /** True when the wall-clock limit (counted from {@link Sandbox.start} returning) killed it. */
  readonly timedOut: boolean;
  readonly outputTruncated: boolean;
}

/** A running sandboxed program, used by exactly one caller for one purpose and then killed. */
export interface SandboxProcess {
  /** Writes `line` and a newline to the program's stdin. Never throws (writes to an ended program are dropped). */
  send(line: string): void;
  /** Waits at most `timeoutMs` for the next whole stdout line (lines are queued; none is lost). */
  nextLine(timeoutMs: number): Promise<SandboxLine>;
  /** Kills the whole process group (idempotent) and resolves once it has ended. */
  kill(): Promise<SandboxProcessEnd>;
  /** Resolves when the program has ended, for whatever reason. */
  readonly ended: Promise<SandboxProcessEnd>;
}

/** Isolation level of a sandbox, reported in every run record. */
export type SandboxKind = 'bwrap' | 'unsafe-no-sandbox';

/**
 * Runs untrusted programs in isolation. Implementations: `sandbox/bwrap/` (bubblewrap: no network, read-only
 * system, private tmp, no host home, dies with the parent) and an explicit unsafe fallback that exists only when
 * the user passes `--unsafe-no-sandbox`.
 */
export interface Sandbox {
  readonly kind: SandboxKind;
  /**
   * Runs one program. Never throws for anything the program does (crash, timeout, output flood): those are in the
   * result.
   * @throws SandboxUnavailableError (`sandbox_unavailable`) when the isolation itself cannot be set up.
   */
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
  /**
   * Starts one program for an interactive exchange over stdin/stdout lines, under the same isolation and limits as
   * `run` (the wall clock counts from when the process is handed over). Implementations may keep a few processes of
   * the same request pre-started (each handed to exactly one caller, then discarded), so start-up leaves the
   * critical path. The caller must `kill()` it when done.
   * @throws SandboxUnavailableError (`sandbox_unavailable`) when the isolation itself cannot be set up.
   * @throws InvalidArgumentError (`invalid_argument`) for a bad request.
   */
  start(request: SandboxStartRequest): Promise<SandboxProcess>;
  /**
   * Launches a process for `request` now, so that a `start` of the same request soon after finds it started (a
   * caller with other work to do first). Nothing is handed out; failures surface from the later `start`.
   * Optional: a sandbox that keeps no started processes leaves it out.
   */
  prestart?(request: SandboxStartRequest): void;
  /**
   * Resolves once the sandbox is known to work (a sandbox made with `awaitProbe: false` is still probing at first).
   * @throws SandboxUnavailableError (`sandbox_unavailable`) with the probe's reason when it does not.
   * Optional: a sandbox that is ready when made leaves it out.
   */
  ready?(): Promise<void>;
  /** Stops warm workers and removes temporary folders. Idempotent. */
  close(): Promise<void>;
}
