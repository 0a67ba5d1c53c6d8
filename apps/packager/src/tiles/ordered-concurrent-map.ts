/**
 * Maps an async sequence with up to `concurrency` calls in flight and yields the results in input order,
 * so a slow object read never reorders the output and at most `concurrency` results wait in memory.
 * The first failure is thrown in order; later in-flight calls are awaited quietly so none is left
 * running unobserved when the consumer stops.
 */
export async function* orderedConcurrentMap<Input, Output>(
  source: AsyncIterable<Input> | Iterable<Input>,
  concurrency: number,
  map: (input: Input) => Promise<Output>,
): AsyncGenerator<Output> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a whole number >= 1, got ${concurrency}`);
  }
  const inFlight: Promise<Output>[] = [];
  try {
    for await (const input of source) {
      const pending = map(input);
      // Handled here so a rejection that lands before its turn is not reported as unhandled.
      pending.catch(() => undefined);
      inFlight.push(pending);
      if (inFlight.length >= concurrency) yield await (inFlight.shift() as Promise<Output>);
    }
    while (inFlight.length > 0) yield await (inFlight.shift() as Promise<Output>);
  } finally {
    await Promise.allSettled(inFlight);
  }
}
