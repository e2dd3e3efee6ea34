/**
 * @module bench/selection/dual-agreement
 * CodeT's dual execution agreement (Chen et al., "CodeT", ICLR 2023, arXiv 2207.10397, §2), re-implemented: run every
 * code sample against every model-written assert, group samples by the exact set of tests they pass (a consensus
 * set), score a set by (#samples) x (#tests passed), and pick the top set. One sandboxed run per problem: a Python
 * driver forks a fresh process per sample (isolation between samples) and runs all asserts of the problem in it,
 * each under a timer; a sample's process is killed at its deadline.
 */
import type { Sandbox } from '../../src/sandbox/sandbox.js';

const DRIVER = String.raw`
import json, os, select, signal, sys, time
data = json.load(open('data.json'))
prompt, tests = data['prompt'], data['tests']
compiled = []
for t in tests:
    try: compiled.append(compile(t, 'test', 'exec'))
    except BaseException: compiled.append(None)
class Alarm(BaseException): pass
def on_alarm(s, f): raise Alarm()
signal.signal(signal.SIGALRM, on_alarm)
out = []
for completion in data['completions']:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            devnull = os.open(os.devnull, os.O_WRONLY); os.dup2(devnull, 1); os.dup2(devnull, 2)
            ns = {'__name__': 'candidate'}
            signal.setitimer(signal.ITIMER_REAL, 2.0)
            exec(compile(prompt + completion, 'candidate', 'exec'), ns)
            signal.setitimer(signal.ITIMER_REAL, 0)
            for code in compiled:
                ok = '0'
                if code is not None:
                    try:
                        signal.setitimer(signal.ITIMER_REAL, data['perTestSec'])
                        exec(code, ns)
                        ok = '1'
                    except BaseException: pass
                    finally: signal.setitimer(signal.ITIMER_REAL, 0)
                os.write(w, ok.encode())
        except BaseException: pass
        os._exit(0)
    os.close(w)
    bits, deadline = b'', time.monotonic() + data['perSampleSec']
    while True:
        left = deadline - time.monotonic()
        if left <= 0: break
        ready, _, _ = select.select([r], [], [], left)
        if not ready: break
        chunk = os.read(r, 65536)
        if not chunk: break
        bits += chunk
    os.close(r)
    try: os.kill(pid, signal.SIGKILL)
    except ProcessLookupError: pass
    os.waitpid(pid, 0)
    out.append(bits.decode().ljust(len(tests), '0')[:len(tests)])
print(json.dumps(out))
`;

/**
 * Which tests each completion passes: one string of '0'/'1' per completion (length `tests.length`).
 * Failures of the whole run (timeout, crash) give all-zero rows, which leaves the problem at random choice.
 */
export async function passMatrix(options: {
  readonly sandbox: Sandbox;
  readonly prompt: string;
  readonly completions: readonly string[];
  readonly tests: readonly string[];
  readonly perTestSec?: number;
  readonly perSampleSec?: number;
}): Promise<string[]> {
  const perTestSec = options.perTestSec ?? 0.5;
  const perSampleSec = options.perSampleSec ?? 3;
  const zero = options.completions.map(() => '0'.repeat(options.tests.length));
  if (options.tests.length === 0) return zero;
  const wallTimeMs = Math.ceil((perSampleSec + 0.5) * options.completions.length * 1000) + 5000;
  const result = await options.sandbox.run({
    runtime: 'python', entry: 'driver.py',
    files: {
      'driver.py': DRIVER,
      'data.json': JSON.stringify({ prompt: options.prompt, completions: options.completions, tests: options.tests, perTestSec, perSampleSec }),
    },
    limits: { wallTimeMs, cpuTimeSec: Math.ceil(wallTimeMs / 1000), maxOutputBytes: 4 * 2 ** 20 },
  });
  if (result.exitCode !== 0) return zero;
  try {
    const rows = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '[]') as unknown;
    return Array.isArray(rows) && rows.length === options.completions.length ? rows.map(String) : zero;
  } catch {
    return zero;
  }
}

/**
 * The dual-agreement choice: indices of the samples in the top consensus set(s). Score of a set = size x tests
 * passed; when several sets tie for the top score all their samples are returned (scored as a uniform pick).
 */
export function dualAgreementChoice(rows: readonly string[]): number[] {
  const groups = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const members = groups.get(row);
    if (members === undefined) groups.set(row, [index]);
    else members.push(index);
  });
  let best = -1;
  let chosen: number[] = [];
  for (const [row, members] of groups) {
    const score = members.length * [...row].filter((bit) => bit === '1').length;
    if (score > best) { best = score; chosen = [...members]; }
    else if (score === best) chosen.push(...members);
  }
  return chosen.sort((a, b) => a - b);
}
