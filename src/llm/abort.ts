/**
 * @module llm/abort
 * Small AbortSignal helpers shared by providers and middleware.
 */

/** The error an aborted `signal` stands for: its `reason` (a DOMException `AbortError`/`TimeoutError` by default). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as `signal` aborts (the work behind
 * `promise` is not cancelled; use this only around work that cannot take a signal itself).
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves after `delayMs` ms, or rejects with the signal's reason when `signal` aborts first. */
export function abortableDelay(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return raceAbort(
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      signal?.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }),
    signal,
  );
}

/** True when `error` is an abort or timeout of an AbortSignal (DOMException `AbortError` / `TimeoutError`). */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
