/**
 * @module cli/progress-display
 * Live progress of a run on stderr, driven by the engine's event stream: per task, samples drawn, red flags,
 * verification failures, equivalence classes and the vote tallies. A spinner on a terminal; one line per finished
 * task otherwise (CI logs, pipes). Silent with `--json` so stdout stays machine-readable.
 */
import type { Ora } from 'ora';
import type { EngineEvent } from '../index.js';

interface TaskProgress {
  maxSamples: number;
  k: number;
  samples: number;
  /** Calls that gave no answer (not samples: they do not use up the budget). */
  failedCalls: number;
  flagged: number;
  failed: number;
  verified: number;
  tallies: readonly { classKey: string; votes: number }[];
}

/**
 * Renders engine events as progress on `stream` (default stderr). Made by {@link ProgressDisplay.create}, which loads
 * the spinner library (ora, about 80 ms of start-up) only for a terminal.
 */
export class ProgressDisplay {
  readonly #tasks = new Map<string, TaskProgress>();
  readonly #spinner: Ora | undefined;
  readonly #stream: NodeJS.WriteStream;

  private constructor(stream: NodeJS.WriteStream, spinner: Ora | undefined) {
    this.#stream = stream;
    this.#spinner = spinner;
  }

  /**
   * A spinner on a terminal (`stream.isTTY`, no `CI` in the environment) when `enabled` (default true); else one
   * line per finished task. `stream` defaults to stderr.
   */
  static async create(options: { stream?: NodeJS.WriteStream; enabled?: boolean } = {}): Promise<ProgressDisplay> {
    const stream = options.stream ?? process.stderr;
    const interactive = (options.enabled ?? true) && stream.isTTY === true && process.env['CI'] === undefined;
    if (!interactive) return new ProgressDisplay(stream, undefined);
    const { default: ora } = await import('ora');
    // discardStdin: false - ora's default puts the terminal in raw mode, where Ctrl-C sends no SIGINT.
    return new ProgressDisplay(stream, ora({
      stream, text: 'starting', discardStdin: false,
      // https://no-color.org: any non-empty NO_COLOR turns colour off.
      ...(process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '' ? { color: false as const } : {}),
    }).start());
  }

  /** Event listener; pass to `engine.on`. */
  readonly onEvent = (event: EngineEvent): void => {
    switch (event.type) {
      case 'task-start':
        this.#tasks.set(event.taskId, { maxSamples: event.maxSamples, k: event.k, samples: 0, failedCalls: 0, flagged: 0, failed: 0, verified: 0, tallies: [] });
        break;
      case 'sample-end':
        this.#update(event.taskId, (task) => { task.samples += 1; });
        break;
      case 'sample-failed':
        this.#update(event.taskId, (task) => { task.failedCalls += 1; });
        break;
      case 'sample-red-flagged':
        this.#update(event.taskId, (task) => { task.flagged += 1; });
        break;
      case 'candidate-verified':
        this.#update(event.taskId, (task) => { if (event.passed) task.verified += 1; else task.failed += 1; });
        break;
      case 'vote-cast':
        this.#update(event.taskId, (task) => { task.tallies = event.tallies; });
        break;
      case 'task-end': {
        const task = this.#tasks.get(event.taskId);
        const line = `${event.taskId}: ${event.outcome} - ${task === undefined ? '' : describe(task)}`;
        if (this.#spinner !== undefined) this.#spinner.stopAndPersist({ symbol: event.outcome === 'consensus' ? '✔' : '✖', text: line }).start();
        else this.#stream.write(`${line}\n`);
        break;
      }
      case 'nodes-created':
        this.#line(`${event.replaces === null ? 'requirements' : event.replaces} decomposed into ${event.nodes.length} task(s): ${event.nodes.map((node) => node.id).join(', ')}`);
        break;
      case 'task-escalated':
        this.#line(`${event.taskId}: escalated - ${event.reason}`);
        break;
      case 'commit-created':
        this.#line(`commit ${event.sha.slice(0, 10)} ${event.message.split('\n')[0] ?? ''}`);
        break;
      case 'integration-end':
        this.#line(`integration ${event.passed ? 'passed' : 'failed'}: ${event.testsPassed} tests passed, ${event.testsFailed} failed, ${event.typeErrors} type errors${event.failingTaskIds.length === 0 ? '' : ` (traced to ${event.failingTaskIds.join(', ')})`}`);
        break;
      case 'run-end':
        this.#spinner?.stop();
        // A solve run's reason starts with `paused:` already.
        if (event.status === 'paused') this.#stream.write(`${/^paused\b/.test(event.reason ?? '') ? '' : 'paused: '}${event.reason ?? ''}\n`);
        break;
      default:
        break;
    }
  };

  /**
   * Writes `text` to `stream` (default stdout) between spinner frames: the spinner stops, the text is written, and
   * the spinner goes on.
   */
  print(text: string, stream: NodeJS.WritableStream = process.stdout): void {
    const spinning = this.#spinner?.isSpinning === true;
    this.#spinner?.stop();
    stream.write(text);
    if (spinning) this.#spinner?.start();
  }

  /** Stops the spinner (idempotent). */
  stop(): void {
    this.#spinner?.stop();
  }

  #line(text: string): void {
    if (this.#spinner !== undefined) this.#spinner.stopAndPersist({ symbol: '•', text }).start();
    else this.#stream.write(`${text}\n`);
  }

  #update(taskId: string, change: (task: TaskProgress) => void): void {
    const task = this.#tasks.get(taskId);
    if (task === undefined) return;
    change(task);
    if (this.#spinner !== undefined) this.#spinner.text = `${taskId}: ${describe(task)}`;
  }
}

function describe(task: TaskProgress): string {
  const votes = task.tallies.slice(0, 4).map((tally) => `${tally.classKey.slice(0, 6)}:${tally.votes}`).join(' ');
  return (
    `samples ${task.samples}/${task.maxSamples}${task.failedCalls === 0 ? '' : ` (+${task.failedCalls} calls without an answer)`}, red-flagged ${task.flagged}, failed verification ${task.failed}, ` +
    `verified ${task.verified}, classes ${task.tallies.length}${votes ? ` [${votes}]` : ''} (k=${task.k})`
  );
}
