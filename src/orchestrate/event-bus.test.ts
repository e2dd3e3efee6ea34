import { describe, expect, test } from 'vitest';
import type { EngineEvent } from './engine-events.js';
import { EventBus } from './event-bus.js';

const event: EngineEvent = { type: 'task-start', runId: 'run-1', at: 1, taskId: 't', k: 3, maxSamples: 10 };

describe('EventBus', () => {
  test('delivers to every listener in registration order', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on(() => seen.push('a'));
    bus.on(() => seen.push('b'));
    bus.emit(event);
    expect(seen).toEqual(['a', 'b']);
  });

  test('a throwing listener is isolated and reported; later listeners still run', () => {
    const errors: [unknown, EngineEvent][] = [];
    const bus = new EventBus({ onListenerError: (error, failed) => errors.push([error, failed]) });
    const boom = new Error('listener broke');
    const seen: EngineEvent[] = [];
    bus.on(() => {
      throw boom;
    });
    bus.on((received) => seen.push(received));
    expect(() => bus.emit(event)).not.toThrow();
    expect(seen).toEqual([event]);
    expect(errors).toEqual([[boom, event]]);
  });

  test('without an error hook a throwing listener is still swallowed', () => {
    const bus = new EventBus();
    let after = 0;
    bus.on(() => {
      throw new Error('x');
    });
    bus.on(() => {
      after += 1;
    });
    expect(() => bus.emit(event)).not.toThrow();
    expect(after).toBe(1);
  });

  test('the returned function unsubscribes', () => {
    const bus = new EventBus();
    let count = 0;
    const off = bus.on(() => {
      count += 1;
    });
    bus.emit(event);
    off();
    bus.emit(event);
    expect(count).toBe(1);
  });
});
