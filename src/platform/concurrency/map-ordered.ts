/**
 * Maps an (async) iterable with at most `concurrency` calls in flight and yields the results in
 * input order: parallel work, repeatable output.
 */
export async function* mapOrdered<T, R>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  for await (const item of items) {
    const task = fn(item);
    // Rejections are observed when the task is awaited in order below.
    task.catch(() => undefined);
    window.push(task);
    if (window.length >= concurrency) {
      yield await window.shift()!;
    }
  }
  while (window.length > 0) {
    yield await window.shift()!;
  }
}
