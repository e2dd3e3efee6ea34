/**
 * @module verify/analysis-daemon/daemon-protocol
 * What the analysis daemon and its clients say to each other (JSON-RPC 2.0 over a Unix socket, framed by
 * `vscode-jsonrpc` as the Language Server Protocol is), and where the socket is.
 *
 * The socket's name carries a hash of the build ({@link daemonIdentity}): the engine's own modules (name, size,
 * modification time), Node's version, the analysis packages' manifests and the protocol version. A client therefore
 * only ever reaches a daemon that runs the same code it would run itself; after an upgrade or a rebuild the old
 * daemon is simply not found (it exits when idle). The socket lies in a folder of the user's alone (mode 0700, owned
 * by the user, not a symbolic link), so that no other user can answer in its place (decision 016).
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type Socket } from 'node:net';
import { createMessageConnection, RequestType, RequestType0, type MessageConnection } from 'vscode-jsonrpc/node';
import type { LintResult } from '../static/typescript-lint-engine.js';
import type { AnalysisRequest } from '../typescript/typescript-analysis-worker.js';
import type { TypeCheckResult } from '../typescript/typescript-compiler-service.js';

/** Version of the messages below; part of the socket's name. */
export const DAEMON_PROTOCOL_VERSION = 1;

/** Parameters of `zerr/analyse`: one type check or lint, with its wall-clock limit (ms) and its name in errors. */
export interface AnalyseParams {
  readonly request: AnalysisRequest;
  readonly timeoutMs: number;
  readonly what?: string;
}

/**
 * Why an analysis did not give a result, as `error.data` of a `zerr/analyse` reply (JSON-RPC error code
 * {@link ANALYSIS_ERROR_CODE}): the candidate's analysis ran out of time or memory or failed (`during: 'check'`), or
 * the daemon's worker could not start (`during: 'start'`, a fault of the installation).
 */
export type AnalysisErrorData =
  | { readonly kind: 'timeout'; readonly what: string; readonly timeoutMs: number }
  | { readonly kind: 'out-of-memory'; readonly what: string; readonly memoryLimitMb: number }
  | { readonly kind: 'worker'; readonly during: 'start' | 'check'; readonly message: string };

/** JSON-RPC error code of a `zerr/analyse` reply whose `data` is an {@link AnalysisErrorData}. */
export const ANALYSIS_ERROR_CODE = -32_050;

/** What `zerr/status` answers. Times in ms since the epoch, durations in ms, sizes in bytes. */
export interface DaemonStatus {
  readonly pid: number;
  readonly protocol: number;
  /** The build hash in the socket's name. */
  readonly identity: string;
  readonly socketPath: string;
  readonly startedAt: number;
  /** Analyses answered (results and analysis errors). */
  readonly requests: number;
  /** The daemon exits this long after its last request. */
  readonly idleTimeoutMs: number;
  readonly lastRequestAt: number | null;
  /** Resident set size of the daemon process (its analysis worker included). */
  readonly rssBytes: number;
}

/** `zerr/analyse`: a type check (`kind: 'types'`) or a lint (`kind: 'lint'`). */
export const AnalyseRequest = new RequestType<AnalyseParams, TypeCheckResult | LintResult, AnalysisErrorData>('zerr/analyse');
/** `zerr/status`: the daemon's {@link DaemonStatus}. */
export const StatusRequest = new RequestType0<DaemonStatus, void>('zerr/status');
/** `zerr/stop`: answers, then the daemon closes its socket and exits. */
export const StopRequest = new RequestType0<{ readonly pid: number }, void>('zerr/stop');

/**
 * Connects to the Unix socket at `path` within 1 s (the daemon's clients, and a starting daemon checking for a live
 * one). @throws the connect error, or an Error when it takes longer.
 */
export function connectSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`connecting to ${path} took over 1000 ms`)); }, 1000);
    socket.once('connect', () => { clearTimeout(timer); socket.removeAllListeners('error'); resolve(socket); });
    socket.once('error', (error) => { clearTimeout(timer); socket.destroy(); reject(error); });
  });
}

/**
 * A JSON-RPC connection over `socket`, listening. A socket error is left to the connection's close, which follows it.
 */
export function messageConnection(socket: Socket): MessageConnection {
  const connection = createMessageConnection(socket, socket);
  socket.on('error', () => undefined);
  connection.listen();
  return connection;
}

/** Packages whose code the analysis runs: their manifests are part of the build hash. */
const ANALYSIS_PACKAGES = ['typescript', 'eslint', 'typescript-eslint', '@typescript-eslint/parser', 'eslint-plugin-security', 'vscode-jsonrpc'];

/** The engine's module root: `dist/` in the built package, `src/` when running from sources. */
function moduleRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

let cachedIdentity: string | undefined;

/**
 * A 16-hex-digit hash of the build (see the module note). Costs one `stat` per module file (a few ms); cached per
 * process.
 */
export function daemonIdentity(): string {
  if (cachedIdentity !== undefined) return cachedIdentity;
  const root = moduleRoot();
  const hash = createHash('sha256');
  hash.update(`protocol ${DAEMON_PROTOCOL_VERSION}\nnode ${process.version}\nroot ${realpathSync(root)}\n`);
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        const info = statSync(path);
        hash.update(`${relative(root, path)} ${info.size} ${info.mtimeMs}\n`);
      }
    }
  };
  walk(root);
  const require = createRequire(import.meta.url);
  for (const name of ANALYSIS_PACKAGES) {
    try {
      const manifest = require.resolve(`${name}/package.json`);
      const info = statSync(manifest);
      hash.update(`${name} ${info.size} ${info.mtimeMs}\n`);
    } catch {
      hash.update(`${name} absent\n`);
    }
  }
  cachedIdentity = hash.digest('hex').slice(0, 16);
  return cachedIdentity;
}

/** Where the socket lives, and why it cannot be used when it cannot. */
export type DaemonPlace = { readonly socketPath: string; readonly logPath: string } | { readonly unavailable: string };

/**
 * The socket (and log) of this build's daemon, in `ZERR_DAEMON_DIR`, else `$XDG_RUNTIME_DIR/zerr`, else
 * `<tmpdir>/zerr-<uid>`. The folder is created with mode 0700 when missing; one that is a symbolic link, is not the
 * user's, or that others can read or write is refused (`unavailable` says why), as is a platform without user ids.
 */
export function daemonPlace(env: NodeJS.ProcessEnv = process.env): DaemonPlace {
  const uid = process.getuid?.();
  if (uid === undefined) return { unavailable: 'this platform has no Unix user ids' };
  const folder = env['ZERR_DAEMON_DIR'] ?? (env['XDG_RUNTIME_DIR'] ? join(env['XDG_RUNTIME_DIR'], 'zerr') : join(tmpdir(), `zerr-${uid}`));
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const info = lstatSync(folder);
    if (!info.isDirectory()) return { unavailable: `${folder} is not a folder` };
    if (info.uid !== uid) return { unavailable: `${folder} belongs to user ${info.uid}, not to this user (${uid})` };
    if ((info.mode & 0o077) !== 0) return { unavailable: `${folder} is open to other users (mode ${(info.mode & 0o777).toString(8)}; expected 700)` };
  } catch (error) {
    return { unavailable: `${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  const identity = daemonIdentity();
  const socketPath = join(folder, `analysis-${identity}.sock`);
  // Unix socket paths are limited to 107 bytes on Linux.
  if (Buffer.byteLength(socketPath) > 107) return { unavailable: `the socket path ${socketPath} is longer than 107 bytes` };
  return { socketPath, logPath: join(folder, `analysis-${identity}.log`) };
}
