/**
 * @module sandbox/create-sandbox
 * The sandbox factory the engine's composition root calls: bubblewrap when it works, the unsafe fallback only when
 * the user asked for it, otherwise a clear error.
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import type { Sandbox } from './sandbox.js';
import { noSandboxMessage, SandboxUnavailableError } from './sandbox-unavailable-error.js';
import { BwrapSandbox, type BwrapSandboxOptions } from './bwrap/bwrap-sandbox.js';
import { UnsafeNoSandbox, type UnsafeNoSandboxOptions } from './unsafe/unsafe-no-sandbox.js';

/** Options of {@link createSandbox}. */
export interface CreateSandboxOptions {
  /** Set only from the user's `--unsafe-no-sandbox`. Default false. */
  readonly allowUnsafe?: boolean;
  readonly bwrap?: BwrapSandboxOptions;
  readonly unsafe?: UnsafeNoSandboxOptions;
  /**
   * `true` (default): the bubblewrap probe has answered before the sandbox is returned. `false`: the sandbox is
   * returned at once and probes in the background; its first run or start launches alongside the probe (the probe
   * is the same launch, so a launch can only succeed where the probe does) and throws SandboxUnavailableError with
   * the probe's reason. Only without `allowUnsafe` (choosing the fallback needs the probe's answer), and only for
   * work that costs nothing before its first run (`spec check`, `verify`): a solve must not draw samples first.
   */
  readonly awaitProbe?: boolean;
  readonly signal?: AbortSignal;
}

const OptionsSchema = z
  .object({
    allowUnsafe: z.boolean().optional(),
    bwrap: z.object({}).passthrough().optional(),
    unsafe: z.object({}).passthrough().optional(),
    awaitProbe: z.boolean().optional(),
    signal: z.instanceof(AbortSignal).optional(),
  })
  .strict();

/**
 * Creates the sandbox: a {@link BwrapSandbox} when its probe succeeds; else an {@link UnsafeNoSandbox} (which prints
 * a loud warning) when `allowUnsafe`; else throws.
 *
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when bubblewrap does not work and `allowUnsafe` is not set;
 *   the message carries the probe's reason and the fix.
 * @throws InvalidArgumentError (`invalid_argument`) for malformed options.
 */
export async function createSandbox(options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]?.path[0] ?? '');
    throw new InvalidArgumentError({
      parameter: `options.${key}`,
      value: (options as Record<string, unknown>)[key],
      expected: parsed.error.issues[0]?.message ?? 'valid options',
    });
  }
  const bwrap = new BwrapSandbox(options.bwrap);
  if (options.awaitProbe === false && options.allowUnsafe !== true) {
    bwrap.detect().catch(() => undefined); // started now; its answer (or error) reaches the first run or start
    return bwrap;
  }
  const detection = await bwrap.detect(options.signal);
  if (detection.available) return bwrap;
  await bwrap.close();
  if (options.allowUnsafe === true) return new UnsafeNoSandbox(options.unsafe);
  throw new SandboxUnavailableError(noSandboxMessage(detection.reason));
}
