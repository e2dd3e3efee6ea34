import { describe, it, expect } from 'vitest';
import { ResourcePool } from './resource-pool.js';

describe('ResourcePool', () => {
  it('hands out free items, then makes callers wait in FIFO order', async () => {
    const pool = new ResourcePool(['a', 'b']);
    expect([await pool.acquire(), await pool.acquire()]).toEqual(['a', 'b']);
    const order: string[] = [];
    const first = pool.acquire().then((item) => order.push(`1:${item}`));
    const second = pool.acquire().then((item) => order.push(`2:${item}`));
    expect(pool.waiting).toBe(2);
    pool.release('b');
    pool.release('a');
    await Promise.all([first, second]);
    expect(order).toEqual(['1:b', '2:a']);
  });

  it('removes an aborted waiter without losing the item', async () => {
    const pool = new ResourcePool(['a']);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(pool.waiting).toBe(0);
    pool.release(held);
    expect(pool.available).toBe(1);
  });

  it('rejects waiters and later callers once closed', async () => {
    const pool = new ResourcePool(['a']);
    await pool.acquire();
    const waiting = pool.acquire();
    pool.close(() => new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(pool.acquire()).rejects.toThrow('closed');
  });
});
