/**
 * @module sandbox/unsafe/unsafe-no-sandbox
 * The explicit, loud fallback: a plain child process with the same rlimits, wall-clock kill and output caps as the
 * bubblewrap sandbox, but NO isolation (network, host files and home are reachable). Created only when the user
 * passes `--unsafe-no-sandbox`.
 */
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InvalidArgumentError } from '../../errors/index.js';
import type { Sandbox, SandboxLimits, SandboxProcess, SandboxRunRequest, SandboxRunResult, SandboxStartRequest } from '../sandbox.js';
import { spawnInteractive } from '../spawn-interactive.js';
import { resolveLimits, SandboxLimitsSchema, validateRunRequest } from '../sandbox-limits.js';
import { packageMounts } from '../node-packages.js';
import { SandboxProcessPool } from '../sandbox-process-pool.js';
import { SandboxUnavailableError } from '../sandbox-unavailable-error.js';
import { buildRuntimeCommand, minimalEnv, type RuntimePaths } from '../runtime-command.js';
import { spawnCapped } from '../spawn-capped.js';
import { createWorkFolder, type WorkFolder } from '../work-folder.js';

/** Options of {@link UnsafeNoSandbox}. */
export interface UnsafeNoSandboxOptions {
  readonly prlimitPath?: string;
  readonly nodePath?: string;
  readonly pythonPath?: string;
  readonly defaultLimits?: SandboxLimits;
  /** Where the warning goes. Default: `process.stderr.write`. */
  readonly warn?: (message: string) => void;
}

const OptionsSchema = z
  .object({
    prlimitPath: z.string().startsWith('/').optional(),
    nodePath: z.string().startsWith('/').optional(),
    pythonPath: z.string().startsWith('/').optional(),
    defaultLimits: SandboxLimitsSchema.optional(),
    warn: z.function().optional(),
  })
  .strict();

/** The warning printed when an {@link UnsafeNoSandbox} is created. */
export const UNSAFE_SANDBOX_WARNING =
  '\n!!! WARNING: --unsafe-no-sandbox: generated code will run WITHOUT isolation (no bubblewrap). It can reach the ' +
  'network, read and write your files and run other programs. Only resource limits and timeouts apply. !!!\n\n';

/**
 * Runs programs as plain child processes (own process group, rlimits via prlimit except RLIMIT_NPROC, which
 * would count every process of the user; node still runs under its permission model). Prints
 * {@link UNSAFE_SANDBOX_WARNING} on creation.
 */
export class UnsafeNoSandbox implements Sandbox {
  readonly kind = 'unsafe-no-sandbox' as const;
  readonly #paths: RuntimePaths;
  readonly #defaultLimits: SandboxLimits;
  readonly #folders = new Set<WorkFolder>();
  #closed = false;
  /** No pre-starting here; the pool only tracks started processes so that `close` waits for their clean-up. */
  readonly #started = new SandboxProcessPool({ sparesPerKey: 0 });

  constructor(options: UnsafeNoSandboxOptions = {}) {
    const parsed = OptionsSchema.safeParse(options);
    if (!parsed.success) {
      const key = String(parsed.error.issues[0]?.path[0] ?? '');
      throw new InvalidArgumentError({
        parameter: `options.${key}`,
        value: (options as Record<string, unknown>)[key],
        expected: parsed.error.issues[0]?.message ?? 'valid options',
      });
    }
    this.#paths = {
      prlimit: options.prlimitPath ?? '/usr/bin/prlimit',
      node: options.nodePath ?? process.execPath,
      python: options.pythonPath ?? '/usr/bin/python3',
    };
    this.#defaultLimits = options.defaultLimits ?? {};
    (options.warn ?? ((m: string) => process.stderr.write(m)))(UNSAFE_SANDBOX_WARNING);
  }

  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    validateRunRequest(request);
    if (this.#closed) throw new SandboxUnavailableError('The unsafe sandbox is closed.');
    const limits = resolveLimits(request.limits, this.#defaultLimits);
    const mounts = packageMounts(request.nodePackages, false);
    const folder = await createWorkFolder(request.files);
    this.#folders.add(folder);
    try {
      for (const mount of mounts) {
        await mkdir(dirname(join(folder.path, mount.path)), { recursive: true });
        await symlink(mount.hostPath, join(folder.path, mount.path), 'dir');
      }
      const [head = 'prlimit', ...rest] = buildRuntimeCommand({
        runtime: request.runtime,
        entry: request.entry,
        args: request.args ?? [],
        limits,
        paths: this.#paths,
        workFolder: folder.path,
        withProcessLimit: false,
        readableFolders: mounts.map((mount) => mount.hostPath),
      });
      return await spawnCapped({
        command: head,
        args: rest,
        cwd: folder.path,
        env: minimalEnv(folder.path),
        wallTimeMs: limits.wallTimeMs,
        maxOutputBytes: limits.maxOutputBytes,
        ...(request.stdin !== undefined ? { stdin: request.stdin } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } finally {
      this.#folders.delete(folder);
      await folder.remove();
    }
  }

  /** Starts a program for an interactive exchange (no pre-starting); see `Sandbox.start`. */
  async start(request: SandboxStartRequest): Promise<SandboxProcess> {
    validateRunRequest(request);
    if (this.#closed) throw new SandboxUnavailableError('The unsafe sandbox is closed.');
    const limits = resolveLimits(request.limits, this.#defaultLimits);
    return this.#started.take('', async () => {
      const folder = await createWorkFolder(request.files);
      const [head = 'prlimit', ...rest] = buildRuntimeCommand({
        runtime: request.runtime,
        entry: request.entry,
        args: request.args ?? [],
        limits,
        paths: this.#paths,
        workFolder: folder.path,
        withProcessLimit: false,
      });
      return spawnInteractive({
        command: head,
        args: rest,
        cwd: folder.path,
        env: minimalEnv(folder.path),
        maxOutputBytes: limits.maxOutputBytes,
        wallTimeMs: limits.wallTimeMs,
        onEnded: () => folder.remove(),
      });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#started.close();
    const folders = [...this.#folders];
    this.#folders.clear();
    await Promise.all(folders.map((f) => f.remove()));
  }
}
