/**
 * @module cli/interrupts
 * Ctrl-C and SIGTERM for long commands (`solve`, `build`, `resume`, `demo`): the first signal pauses the run
 * cleanly (the work sees an aborted signal, records what it has and ends `paused`, resumable with `zerr resume`);
 * a second one exits at once (130 for SIGINT, 143 for SIGTERM).
 */

/**
 * Runs `work` with an AbortSignal that the first SIGINT or SIGTERM aborts (reason: `Error('interrupted (SIGINT)')`),
 * printing one line on `stderr`; a second signal exits the process at once. The handlers are removed when `work`
 * settles.
 */
export async function withInterrupts<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: { readonly stderr?: NodeJS.WritableStream; readonly exit?: (code: number) => never } = {},
): Promise<T> {
  const stderr = options.stderr ?? process.stderr;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      stderr.write(`\nzerr: ${signal} again: exiting now (work in flight is lost; recorded samples are kept)\n`);
      exit(signal === 'SIGINT' ? 130 : 143);
      return;
    }
    stderr.write(`\nzerr: ${signal}: pausing after the calls in flight (press Ctrl-C again to exit at once)\n`);
    controller.abort(new Error(`interrupted (${signal})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
