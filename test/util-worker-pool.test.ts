import { describe, it, expect } from 'vitest';
import { orderedPool, queuedPool } from '../src/util/worker-pool.js';

const module = new URL('./helpers/double-worker.ts', import.meta.url);
type Out = { readonly value: number; readonly thread: number };

describe('queued worker pool', () => {
  it('answers every input, queued before and while it runs, with its own output, on every worker', async () => {
    const pool = queuedPool<number, Out>(module, { offset: 1 }, 2, 3);
    try {
      const first = Array.from({ length: 100 }, (_, i) => pool.run(i));
      pool.ahead = 1;
      const later = Array.from({ length: 50 }, (_, i) => pool.run(1000 + i));
      const outputs = await Promise.all([...first, ...later]);
      expect(outputs.map((o) => o.value)).toEqual([
        ...Array.from({ length: 100 }, (_, i) => 2 * i + 1),
        ...Array.from({ length: 50 }, (_, i) => 2 * (1000 + i) + 1),
      ]);
      expect(new Set(outputs.map((o) => o.thread)).size).toBe(2);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("rejects an input the worker refuses with the worker's message, and goes on with the others", async () => {
    const pool = queuedPool<number, Out>(module, { offset: 0 }, 2, 2);
    try {
      const results = await Promise.allSettled([pool.run(3), pool.run(-4), pool.run(5)]);
      expect(results[0]).toEqual({ status: 'fulfilled', value: expect.objectContaining({ value: 6 }) });
      expect(results[1]).toEqual({ status: 'rejected', reason: new Error('negative input -4') });
      expect(results[2]).toEqual({ status: 'fulfilled', value: expect.objectContaining({ value: 10 }) });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('rejects what is still queued when closed, and every input after', async () => {
    const pool = queuedPool<number, Out>(module, { offset: 0 }, 1, 1);
    const settling = Promise.allSettled(Array.from({ length: 20 }, (_, i) => pool.run(i)));
    await pool.close();
    const settled = await settling;
    expect(settled.some((r) => r.status === 'rejected')).toBe(true);
    await expect(pool.run(1)).rejects.toThrow(/closed/);
  }, 60_000);
});

describe('ordered worker pool', () => {
  it('yields every output in input order and reports progress up to the total', async () => {
    const progress: number[] = [];
    const values: number[] = [];
    for await (const o of orderedPool<number, Out>(module, { offset: 3 }, [5, 1, 4, 1, 5, 9, 2, 6], 2, (done, total) =>
      progress.push(done / total),
    ))
      values.push(o.value);
    expect(values).toEqual([13, 5, 11, 5, 13, 21, 7, 15]);
    expect(progress.at(-1)).toBe(1);
  }, 60_000);

  it("fails the run with a worker's message after the outputs before it, leaving no rejection unhandled", async () => {
    const unhandled: unknown[] = [];
    const record = (e: unknown): number => unhandled.push(e);
    process.on('unhandledRejection', record);
    try {
      const values: number[] = [];
      const consume = async (): Promise<void> => {
        for await (const o of orderedPool<number, Out>(module, { offset: 0 }, [1, 2, -3, 4, -5, 6], 2))
          values.push(o.value);
      };
      await expect(consume()).rejects.toThrow('negative input -3');
      expect(values).toEqual([2, 4]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  }, 60_000);
});
