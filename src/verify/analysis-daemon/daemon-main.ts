/**
 * @module verify/analysis-daemon/daemon-main
 * Entry script of the analysis daemon process, started detached by `DaemonAnalysisChannel` or `zerr daemon start`:
 * `node daemon-main.js --socket <path> --identity <hash> [--log <path>] [--idle-timeout-ms <ms>]`. Serves until idle,
 * stopped or signalled (SIGTERM, SIGINT, SIGHUP), then exits 0; exits 0 at once when another daemon already answers
 * on the socket, 1 when it cannot listen. Its log (start, stop, failed requests) is appended to `--log`.
 * Not imported by the engine.
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DaemonAlreadyRunningError, serveAnalysisDaemon } from './analysis-daemon.js';

const { values } = parseArgs({
  options: {
    socket: { type: 'string' },
    identity: { type: 'string' },
    log: { type: 'string' },
    'idle-timeout-ms': { type: 'string' },
  },
  strict: true,
});

const logPath = values.log;
const log = (line: string): void => {
  if (logPath === undefined) return;
  try {
    appendFileSync(logPath, `${new Date().toISOString()} pid ${process.pid} ${line}\n`, { mode: 0o600 });
  } catch {
    // a log that cannot be written is not worth stopping for
  }
};

const idle = values['idle-timeout-ms'] === undefined ? undefined : Number(values['idle-timeout-ms']);
if (values.socket === undefined || values.identity === undefined || (idle !== undefined && !(Number.isInteger(idle) && idle > 0))) {
  process.stderr.write('usage: daemon-main --socket <path> --identity <hash> [--log <path>] [--idle-timeout-ms <positive integer>]\n');
  process.exit(2);
}

try {
  const daemon = await serveAnalysisDaemon({
    socketPath: values.socket, identity: values.identity, log, ...(idle === undefined ? {} : { idleTimeoutMs: idle }),
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => { void daemon.close(`signal ${signal}`); });
  }
  await daemon.stopped;
  process.exit(0);
} catch (error) {
  if (error instanceof DaemonAlreadyRunningError) process.exit(0);
  log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
