/**
 * @module test/helpers/redis-server
 * A real `redis-server` (Debian's package; `scripts/setup.sh` installs it) on a free loopback port, in a
 * temporary folder, for the queue's conformance and failure tests. `restart()` stops it with SIGKILL and starts it
 * again on the same port (with append-only persistence when asked, so jobs survive).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running redis-server. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Kills it (SIGKILL) and starts it again on the same port and folder. */
  restart(options?: { readonly downMs?: number }): Promise<void>;
  /** Kills it (SIGKILL) without starting it again. */
  kill(): Promise<void>;
  /** Starts it again after `kill()`. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts `redis-server` on a free port; `persist` turns on append-only persistence (fsync always). */
export async function startRedisServer(options: { readonly persist?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'zerr-redis-'));
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'warning',
      ...(options.persist === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])];
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    started.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    started.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`redis-server exited (${started.exitCode}): ${output}`);
      if (await answersPing(port)) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    await new Promise<void>((resolve) => { running.once('exit', () => resolve()); running.kill('SIGKILL'); });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    start: launch,
    async restart(restartOptions = {}) {
      await kill();
      await new Promise((resolve) => setTimeout(resolve, restartOptions.downMs ?? 0));
      await launch();
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether something on `port` answers a RESP PING with PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net').then(({ connect }) => {
      const socket = connect(port, '127.0.0.1');
      const done = (value: boolean) => { socket.destroy(); resolve(value); };
      socket.setTimeout(500, () => done(false));
      socket.on('error', () => done(false));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data: Buffer) => done(data.toString().includes('PONG')));
    }).catch(() => resolve(false));
  });
}
