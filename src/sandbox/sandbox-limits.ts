/**
 * @module sandbox/sandbox-limits
 * Defaults and boundary validation of sandbox limits and run requests (shared by every `Sandbox` implementation).
 */
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/index.js';
import type { SandboxLimits, SandboxRunRequest } from './sandbox.js';

/** Limits with every default applied. Units are in the names. */
export type ResolvedSandboxLimits = Required<SandboxLimits>;

/** Defaults of {@link SandboxLimits}: 10 s wall, 10 s CPU, 512 MiB memory, 8 MiB files, 64 processes, 1 MiB output. */
export const DEFAULT_SANDBOX_LIMITS: ResolvedSandboxLimits = Object.freeze({
  wallTimeMs: 10_000,
  cpuTimeSec: 10,
  memoryLimitMb: 512,
  fileSizeLimitMb: 8,
  maxProcesses: 64,
  maxOutputBytes: 1024 * 1024,
});

const positiveInt = z.number().int().positive();

/** zod schema of {@link SandboxLimits}. */
export const SandboxLimitsSchema = z
  .object({
    wallTimeMs: positiveInt.max(600_000).optional(),
    cpuTimeSec: positiveInt.max(600).optional(),
    memoryLimitMb: positiveInt.min(16).max(65_536).optional(),
    fileSizeLimitMb: positiveInt.max(4096).optional(),
    maxProcesses: positiveInt.max(4096).optional(),
    maxOutputBytes: positiveInt.max(256 * 1024 * 1024).optional(),
  })
  .strict();

/** A relative path inside the work folder: no leading `/`, no `..` segment, no NUL. */
const relativePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\0') && !p.split('/').some((s) => s === '..' || s === ''),
    'a relative path without ".." or empty segments',
  );

const RunRequestSchema = z
  .object({
    runtime: z.enum(['node', 'python']),
    files: z.record(relativePath, z.string()),
    entry: relativePath,
    args: z.array(z.string().refine((a) => !a.includes('\0'), 'no NUL')).optional(),
    stdin: z.string().optional(),
    limits: SandboxLimitsSchema.optional(),
    signal: z.instanceof(AbortSignal).optional(),
    nodePackages: z.array(z.string().regex(/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, 'an npm package name')).max(16).optional(),
  })
  .strict()
  .refine((r) => Object.hasOwn(r.files, r.entry), { message: 'entry must be one of files', path: ['entry'] })
  .refine((r) => r.nodePackages === undefined || r.nodePackages.length === 0 || r.runtime === 'node', { message: 'packages only for the node runtime', path: ['nodePackages'] })
  .refine((r) => !Object.keys(r.files).some((path) => path === 'node_modules' || path.startsWith('node_modules/')) || (r.nodePackages ?? []).length === 0, { message: 'no files under node_modules/ beside packages', path: ['files'] });

/**
 * Validates a run request at the sandbox boundary.
 * @throws InvalidArgumentError (`invalid_argument`) naming the offending field.
 */
export function validateRunRequest(request: SandboxRunRequest): void {
  const parsed = RunRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    let value: unknown = request;
    for (const key of issue?.path ?? []) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
    throw new InvalidArgumentError({
      parameter: path === '' ? 'request' : `request.${path}`,
      value,
      expected: issue?.message ?? 'a valid sandbox run request',
    });
  }
}

/** Applies defaults over `base` (itself defaulted) to `limits`. */
export function resolveLimits(limits: SandboxLimits | undefined, base: SandboxLimits = {}): ResolvedSandboxLimits {
  return { ...DEFAULT_SANDBOX_LIMITS, ...stripUndefined(base), ...stripUndefined(limits ?? {}) };
}

function stripUndefined(limits: SandboxLimits): SandboxLimits {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) as SandboxLimits;
}
