import { describe, expect, it } from 'vitest';
import { mapOrdered } from '#haven/platform/concurrency/map-ordered.js';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function collect<R>(iterable: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const value of iterable) {
    out.push(value);
  }
  return out;
}

async function* asyncRange(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i += 1) {
    await sleep(0);
    yield i;
  }
}

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

/** Tracks how many calls run at once. */
function gauge(): { track<R>(work: () => Promise<R>): Promise<R>; readonly max: number } {
  let running = 0;
  let max = 0;
  return {
    async track<R>(work: () => Promise<R>): Promise<R> {
      running += 1;
      max = Math.max(max, running);
      try {
        return await work();
      } finally {
        running -= 1;
      }
    },
    get max() {
      return max;
    },
  };
}

describe('mapOrdered', () => {
  it('yields results in input order although later items finish first', async () => {
    // Delays decrease along the input, so completion order is the reverse of input order.
    const finished: number[] = [];
    const results = await collect(
      mapOrdered(range(8), 8, async (i) => {
        await sleep((8 - i) * 5);
        finished.push(i);
        return i * 10;
      }),
    );
    expect(finished).not.toEqual(range(8));
    expect(results).toEqual(range(8).map((i) => i * 10));
  });

  it('keeps order for an async iterable input', async () => {
    const results = await collect(
      mapOrdered(asyncRange(20), 4, async (i) => {
        await sleep((i * 7) % 11);
        return `#${i}`;
      }),
    );
    expect(results).toEqual(range(20).map((i) => `#${i}`));
  });

  it.each([1, 3, 5])('never runs more than %i calls at once, and does use that many', async (concurrency) => {
    const load = gauge();
    await collect(mapOrdered(range(30), concurrency, (i) => load.track(() => sleep(i % 4))));
    expect(load.max).toBe(concurrency);
  });

  it('runs calls one after another with concurrency 1', async () => {
    const events: string[] = [];
    await collect(
      mapOrdered(range(3), 1, async (i) => {
        events.push(`start ${i}`);
        await sleep(2);
        events.push(`end ${i}`);
      }),
    );
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('yields nothing for an empty input', async () => {
    expect(await collect(mapOrdered([], 4, () => Promise.resolve(1)))).toEqual([]);
  });

  it('handles fewer items than the concurrency', async () => {
    expect(await collect(mapOrdered([1, 2], 10, (i) => Promise.resolve(i + 1)))).toEqual([2, 3]);
  });

  it('surfaces an error at its position: earlier results first, then the error', async () => {
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const value of mapOrdered(range(8), 3, async (i) => {
        // The failing item finishes before the ones ahead of it.
        await sleep(i === 3 ? 0 : 10);
        if (i === 3) {
          throw new Error('item 3 failed');
        }
        return i;
      })) {
        seen.push(value);
      }
    } catch (error) {
      caught = error;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).message).toBe('item 3 failed');
  });

  it('reports the first failure in input order when several items fail', async () => {
    const run = collect(
      mapOrdered(range(6), 6, async (i) => {
        await sleep(10 - i);
        if (i >= 2) {
          throw new Error(`item ${i} failed`);
        }
        return i;
      }),
    );
    // The later failures are never awaited; they must not surface as unhandled rejections either.
    await expect(run).rejects.toThrow('item 2 failed');
  });

  it('stops pulling input when the consumer stops', async () => {
    let calls = 0;
    let pulled = 0;
    function* endless(): Generator<number> {
      for (let i = 0; ; i += 1) {
        pulled += 1;
        yield i;
      }
    }
    for await (const value of mapOrdered(endless(), 3, (i) => {
      calls += 1;
      return Promise.resolve(i);
    })) {
      expect(value).toBe(0);
      break;
    }
    expect(calls).toBe(3);
    expect(pulled).toBe(3);
  });

  it('propagates an error from the input itself', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      await sleep(0);
      throw new Error('input broke');
    }
    await expect(collect(mapOrdered(failing(), 2, (i) => Promise.resolve(i)))).rejects.toThrow('input broke');
  });
});
