/**
 * Runs the merges of one layer in this process one after another. Two merges of a layer almost always
 * share features, so running them side by side only makes one wait for the other's row locks with a
 * smaller group; one after another, each takes every batch queued meanwhile into its group. Other
 * layers still merge in parallel, and across replicas the row locks keep merges correct.
 */
export class LayerTurns {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(layerKey: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(layerKey) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => turn);
    this.tails.set(layerKey, tail);
    try {
      await previous;
      return await work();
    } finally {
      release();
      if (this.tails.get(layerKey) === tail) this.tails.delete(layerKey);
    }
  }
}
