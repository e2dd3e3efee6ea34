/**
 * @module telemetry/logger
 * The structured logger of the service edges: pino, one JSON object per line. Fields that could hold code,
 * prompts or credentials are redacted as a second line of defence; callers log ids, counts and outcomes.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { z } from 'zod';
import { parseOptions } from '../errors/parse-options.js';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * Lowest level written: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`.
   * Default: env `ZERR_LOG_LEVEL`, else `info`.
   */
  readonly level?: string;
  /** Where the JSON lines go. Default stdout (pino's `sonic-boom` on fd 1). */
  readonly destination?: DestinationStream;
}

/** The levels {@link createLogger} accepts. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Paths (pino `redact` syntax) whose values are replaced by `[redacted]`: code and prompts where a request or a
 * tool call carries them, and credentials. Error objects keep their `code` (`invalid_argument`, ...).
 */
export const REDACTED_PATHS: readonly string[] = [
  'code', 'prompt', 'messages', 'text', '*.prompt', '*.messages', '*.text',
  'body.code', 'req.body.code', 'candidate.code', 'arguments.code', 'input.code',
  'apiKey', 'password', 'token', 'authorization', '*.apiKey', '*.password', '*.token', '*.authorization',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
];

const LoggerOptionsSchema = z
  .object({
    level: z.enum(LOG_LEVELS, `one of ${LOG_LEVELS.join(', ')}`).optional(),
    destination: z.custom<DestinationStream>((value) => typeof (value as { write?: unknown } | null)?.write === 'function', 'a stream with write(line)').optional(),
  })
  .strict();

/**
 * A pino logger writing JSON lines (`level` as a number, `time` in epoch ms, `name: "zerr"`, `msg`), with
 * {@link REDACTED_PATHS} redacted.
 * @throws InvalidArgumentError (`invalid_argument`) for an unknown level (`options.level`, or `ZERR_LOG_LEVEL`
 *   reported as `options.level`) or a destination without `write`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env['ZERR_LOG_LEVEL'];
  const config = parseOptions(LoggerOptionsSchema, {
    ...options,
    ...(options.level === undefined && envLevel !== undefined && envLevel !== '' ? { level: envLevel } : {}),
  }, 'options');
  const pinoOptions = {
    name: 'zerr',
    level: config.level ?? 'info',
    redact: {
      paths: [...REDACTED_PATHS],
      censor: '[redacted]',
    },
  };
  return config.destination === undefined ? pino(pinoOptions) : pino(pinoOptions, config.destination);
}
