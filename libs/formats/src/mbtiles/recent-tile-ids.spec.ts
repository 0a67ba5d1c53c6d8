import { RecentTileIds } from './recent-tile-ids';

describe('RecentTileIds', () => {
  it('keeps an id that keeps repeating however many other bodies pass, and forgets the ones that do not', () => {
    const ids = new RecentTileIds(8);
    ids.set('sea', 'SEA');
    for (let body = 0; body < 100; body += 1) {
      if (ids.get(`land ${body}`) === undefined) ids.set(`land ${body}`, `LAND ${body}`);
      expect(ids.get('sea')).toBe('SEA');
    }
    expect(ids.get('land 0')).toBeUndefined();
    expect(ids.get('land 99')).toBe('LAND 99');
  });

  it('never holds more than its capacity', () => {
    const ids = new RecentTileIds(8);
    for (let body = 0; body < 20; body += 1) ids.set(`land ${body}`, `LAND ${body}`);
    const held = Array.from({ length: 20 }, (_, body) => ids.get(`land ${body}`)).filter(
      (id) => id !== undefined,
    );
    expect(held.length).toBeLessThanOrEqual(8);
    expect(held).toContain('LAND 19');
  });
});
