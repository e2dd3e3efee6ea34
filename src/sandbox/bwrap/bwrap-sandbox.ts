/**
 * @module sandbox/bwrap/bwrap-sandbox
 * The bubblewrap `Sandbox`: every run in a fresh private work folder (a size-capped tmpfs with the input files
 * bound read-only), fresh namespaces (no network), read-only system folders, an unprivileged uid, rlimits via
 * `prlimit`, and a wall-clock SIGKILL of the whole tree.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:os';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/index.js';
import type { Sandbox, SandboxLimits, SandboxProcess, SandboxRunRequest, SandboxRunResult, SandboxStartRequest } from '../sandbox.js';
import { packageMounts, type NodePackageMount } from '../node-packages.js';
import { SandboxProcessPool } from '../sandbox-process-pool.js';
import { spawnInteractive, type InteractiveSpawn } from '../spawn-interactive.js';
import { resolveLimits, SandboxLimitsSchema, validateRunRequest } from '../sandbox-limits.js';
import { noSandboxMessage, SandboxUnavailableError } from '../sandbox-unavailable-error.js';
import type { RuntimePaths } from '../runtime-command.js';
import { spawnCapped } from '../spawn-capped.js';
import { createWorkFolder, type WorkFolder } from '../work-folder.js';
import { SANDBOX_UID } from './bwrap-args.js';
import { prepareBwrapLaunch } from './bwrap-launch.js';
import { detectSandbox, type SandboxDetection } from './detect-sandbox.js';

/** Options of {@link BwrapSandbox}. Every field is optional. */
export interface BwrapSandboxOptions {
  /** bubblewrap binary. Default `bwrap` (from PATH). */
  readonly bwrapPath?: string;
  /** setpriv binary, used to drop host root to uid 65534. Default `setpriv`. */
  readonly setprivPath?: string;
  /** Default `/usr/bin/prlimit`. */
  readonly prlimitPath?: string;
  /** Node used inside. Default `process.execPath`. */
  readonly nodePath?: string;
  /** Python used inside. Default `/usr/bin/python3`. */
  readonly pythonPath?: string;
  /** Limits applied where a request leaves them out (defaults: see `DEFAULT_SANDBOX_LIMITS`). */
  readonly defaultLimits?: SandboxLimits;
  /** Pre-started processes kept per distinct `start` request, integer 0..8 (0: none). Default 2. */
  readonly prestart?: number;
}

const OptionsSchema = z
  .object({
    bwrapPath: z.string().min(1).optional(),
    setprivPath: z.string().min(1).optional(),
    prlimitPath: z.string().startsWith('/').optional(),
    nodePath: z.string().startsWith('/').optional(),
    pythonPath: z.string().startsWith('/').optional(),
    defaultLimits: SandboxLimitsSchema.optional(),
    prestart: z.number().int().min(0).max(8).optional(),
  })
  .strict();

/**
 * Runs programs under bubblewrap. Concurrent runs are independent. The availability probe runs once, on the
 * first `run`.
 *
 * @throws InvalidArgumentError (`invalid_argument`) from the constructor for bad options, from `run` for a bad
 *   request.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) from `run` when bubblewrap does not work here, or after
 *   `close()`.
 */
export class BwrapSandbox implements Sandbox {
  readonly kind = 'bwrap' as const;
  readonly #options: BwrapSandboxOptions;
  readonly #paths: RuntimePaths;
  readonly #folders = new Set<WorkFolder>();
  readonly #pool: SandboxProcessPool;
  #detection: Promise<SandboxDetection> | undefined;
  #closed = false;

  constructor(options: BwrapSandboxOptions = {}) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = issue?.path.map(String).join('.') ?? '';
      throw new InvalidArgumentError({
        parameter: `options.${key}`,
        value: (options as Record<string, unknown>)[String(issue?.path[0] ?? '')],
        expected: issue?.message ?? 'valid bwrap sandbox options',
      });
    }
    this.#options = options;
    this.#pool = new SandboxProcessPool({ sparesPerKey: options.prestart ?? 2 });
    this.#paths = {
      prlimit: options.prlimitPath ?? '/usr/bin/prlimit',
      node: options.nodePath ?? process.execPath,
      python: options.pythonPath ?? '/usr/bin/python3',
    };
  }

  /** Probes bubblewrap (once per instance) and reports whether it works. */
  detect(signal?: AbortSignal): Promise<SandboxDetection> {
    this.#detection ??= detectSandbox({
      ...(this.#options.bwrapPath ? { bwrapPath: this.#options.bwrapPath } : {}),
      ...(this.#options.setprivPath ? { setprivPath: this.#options.setprivPath } : {}),
      prlimitPath: this.#paths.prlimit,
      nodePath: this.#paths.node,
      ...(signal ? { signal } : {}),
    }).catch((error: unknown) => {
      this.#detection = undefined; // an aborted probe is not a verdict: probe again next time
      throw error;
    });
    return this.#detection;
  }

  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    validateRunRequest(request);
    await this.ready(request.signal);
    const limits = resolveLimits(request.limits, this.#options.defaultLimits);
    const mounts = packageMounts(request.nodePackages, process.getuid?.() === 0);
    const folder = await this.#workFolder(request);
    this.#folders.add(folder);
    try {
      const launch = await this.#prepare(request, limits, folder, mounts);
      let result: SandboxRunResult;
      try {
        result = await spawnCapped({
          command: launch.command,
          args: launch.args,
          cwd: folder.path,
          env: launch.env,
          extraStdio: launch.extraStdio,
          wallTimeMs: limits.wallTimeMs,
          maxOutputBytes: limits.maxOutputBytes,
          ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } finally {
        await launch.dispose();
      }
      return unwrapSignal(result);
    } finally {
      this.#folders.delete(folder);
      await folder.remove();
    }
  }

  /**
   * Starts (or takes a pre-started) program for an interactive exchange; see `Sandbox.start`. Spares are kept per
   * distinct request (`options.prestart`, default 2), each with its own work folder and namespaces, used once.
   */
  async start(request: SandboxStartRequest): Promise<SandboxProcess> {
    validateRunRequest(request);
    if (this.#closed) throw new SandboxUnavailableError('The bwrap sandbox is closed.');
    // The launch goes alongside a probe still under way (the probe is the same launch: where it fails, so does this
    // one), and the process is handed out only once the probe has said the sandbox works.
    const detection = this.detect();
    const { key, limits } = this.#poolKey(request);
    const taking = this.#pool.take(key, () => this.#launch(request, limits));
    const [probed, taken] = await Promise.allSettled([detection, taking]);
    if (probed.status === 'rejected' || !probed.value.available) {
      if (taken.status === 'fulfilled') await taken.value.kill();
      if (probed.status === 'rejected') throw probed.reason;
      throw new SandboxUnavailableError(noSandboxMessage(probed.value.reason));
    }
    if (taken.status === 'rejected') throw taken.reason;
    return taken.value;
  }

  /** See `Sandbox.ready`: waits for the probe (run once per instance); `signal` stops the wait. */
  async ready(signal?: AbortSignal): Promise<void> {
    if (this.#closed) throw new SandboxUnavailableError('The bwrap sandbox is closed.');
    const detection = await this.detect(signal);
    if (!detection.available) throw new SandboxUnavailableError(noSandboxMessage(detection.reason));
  }

  /** See `Sandbox.prestart`: one spare for `request`, launched alongside the probe if that is still under way. */
  prestart(request: SandboxStartRequest): void {
    validateRunRequest(request);
    if (this.#closed) return;
    this.detect().catch(() => undefined); // its answer reaches the later start
    const { key, limits } = this.#poolKey(request);
    this.#pool.prestart(key, () => this.#launch(request, limits));
  }

  /** The pool key of a start request (runtime, entry, arguments, files and limits) and its resolved limits. */
  #poolKey(request: SandboxStartRequest): { key: string; limits: ReturnType<typeof resolveLimits> } {
    const limits = resolveLimits(request.limits, this.#options.defaultLimits);
    const key = createHash('sha256').update(JSON.stringify([request.runtime, request.entry, request.args ?? [], request.files, limits])).digest('hex');
    return { key, limits };
  }

  /** A fresh work folder holding `request.files`, owned by the sandbox's uid when the engine runs as root. */
  #workFolder(request: SandboxStartRequest): Promise<WorkFolder> {
    const dropping = process.getuid?.() === 0;
    return createWorkFolder(request.files, dropping ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : undefined);
  }

  /** The bwrap command line of `request` over `folder` (see `prepareBwrapLaunch`). */
  #prepare(request: SandboxStartRequest, limits: ReturnType<typeof resolveLimits>, folder: WorkFolder, mounts: readonly NodePackageMount[] = []): ReturnType<typeof prepareBwrapLaunch> {
    return prepareBwrapLaunch({
      runtime: request.runtime,
      entry: request.entry,
      args: request.args ?? [],
      limits,
      paths: this.#paths,
      workFolder: { hostPath: folder.path, files: Object.keys(request.files), mounts },
      ...(this.#options.bwrapPath ? { bwrapPath: this.#options.bwrapPath } : {}),
      ...(this.#options.setprivPath ? { setprivPath: this.#options.setprivPath } : {}),
    });
  }

  /** Launches one interactive process for `request` in its own work folder (removed when the process ends). */
  async #launch(request: SandboxStartRequest, limits: ReturnType<typeof resolveLimits>): Promise<InteractiveSpawn> {
    const folder = await this.#workFolder(request);
    try {
      const launch = await this.#prepare(request, limits, folder);
      return spawnInteractive({
        command: launch.command,
        args: launch.args,
        cwd: folder.path,
        env: launch.env,
        extraStdio: launch.extraStdio,
        maxOutputBytes: limits.maxOutputBytes,
        wallTimeMs: limits.wallTimeMs,
        onEnded: async () => {
          await launch.dispose();
          await folder.remove();
        },
      });
    } catch (error) {
      await folder.remove();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
    const folders = [...this.#folders];
    this.#folders.clear();
    await Promise.all(folders.map((f) => f.remove()));
  }
}

/**
 * bubblewrap's init exits with `128 + n` when the program died of signal `n`; report that as the signal, as a
 * plain child process would (a program that itself exits with 129..192 is misread; accepted).
 */
function unwrapSignal(result: SandboxRunResult): SandboxRunResult {
  if (result.signal !== null || result.exitCode === null || result.exitCode <= 128 || result.exitCode > 128 + 64) return result;
  const number = result.exitCode - 128;
  const name = Object.entries(constants.signals).find(([, n]) => n === number)?.[0];
  return name === undefined ? result : { ...result, exitCode: null, signal: name };
}
