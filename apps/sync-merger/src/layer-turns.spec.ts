import { LayerTurns } from './layer-turns';

describe('LayerTurns', () => {
  it('runs the work of one layer one after another and other layers side by side, even after a failure', async () => {
    const turns = new LayerTurns();
    const events: string[] = [];
    const step =
      (name: string, milliseconds: number, fail = false) =>
      async (): Promise<string> => {
        events.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, milliseconds));
        events.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      turns.run('layer-1', step('a', 30, true)),
      turns.run('layer-1', step('b', 5)),
      turns.run('layer-2', step('c', 10)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('b start')).toBeGreaterThan(events.indexOf('a end'));
    expect(events.indexOf('c start')).toBeLessThan(events.indexOf('a end'));
  });
});
