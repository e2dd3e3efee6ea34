/**
 * @module task-spec/spec-not-found-error
 * The error `loadTaskSpec` throws when the spec file does not exist, cannot be read, or is not a file.
 */
import { ZeroErrorError } from '../errors/index.js';

/** Words for the system error codes met when opening a spec file. */
const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, expected a YAML or JSON file',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
};

/**
 * The spec file does not exist, is not readable, or is not a regular file (a directory). The message is one line:
 * `Task spec file not found or not readable: <path> (<why>)`.
 *
 * Code: `spec_not_found`.
 */
export class SpecNotFoundError extends ZeroErrorError {
  /** The path as given by the caller. */
  readonly path: string;

  /**
   * @param options.reason why, in words (`is a directory, expected a YAML or JSON file`); default: from the cause's
   *   system error code (`no such file`, `permission denied`), else none.
   */
  constructor(options: { path: string; reason?: string; cause?: unknown }) {
    const code = (options.cause as { code?: unknown } | undefined)?.code;
    const reason = options.reason ?? (typeof code === 'string' ? WHY[code] : undefined);
    super('spec_not_found', `Task spec file not found or not readable: ${options.path}${reason === undefined ? '' : ` (${reason})`}`, {
      cause: options.cause,
    });
    this.path = options.path;
  }
}
