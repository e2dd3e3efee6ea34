/**
 * @module orchestrate/event-bus
 * A tiny synchronous fan-out of engine events to listeners. A throwing listener is isolated: it is reported to the
 * `onListenerError` hook and never breaks the engine or the other listeners.
 */
import type { EngineEvent, EngineEventListener } from './engine-events.js';

/** Fan-out of {@link EngineEvent}s. */
export class EventBus {
  readonly #listeners = new Set<EngineEventListener>();
  readonly #onListenerError: (error: unknown, event: EngineEvent) => void;

  constructor(options: { onListenerError?: (error: unknown, event: EngineEvent) => void } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => undefined);
  }

  /** Adds a listener; returns the function that removes it. */
  on(listener: EngineEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers `event` to every listener, in registration order. */
  emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error, event);
      }
    }
  }
}
