import { ConflictKind, FieldConflict } from '@map-offline/crdt';
import { conflictIdOf } from './conflict-identity';

const write = (deviceId: string, counter: number, value: string) => ({
  value,
  clock: { [deviceId]: counter },
  hlc: `000000000001:0000:${deviceId}`,
  deviceId,
});

describe('conflictIdOf', () => {
  const conflict: FieldConflict = {
    field: 'properties.name',
    kind: ConflictKind.CONCURRENT_WRITES,
    candidates: [write('tablet-a', 2, 'pine'), write('tablet-b', 1, 'fig')],
  };

  it('is a UUID (version 8) that depends on the writes, not on their order', () => {
    const id = conflictIdOf('layer-1', 'feature-1', conflict);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const reversed = { ...conflict, candidates: [...conflict.candidates].reverse() };
    expect(conflictIdOf('layer-1', 'feature-1', reversed)).toBe(id);
  });

  it('differs for another layer, feature, field, kind or set of writes', () => {
    const id = conflictIdOf('layer-1', 'feature-1', conflict);
    const others = [
      conflictIdOf('layer-2', 'feature-1', conflict),
      conflictIdOf('layer-1', 'feature-2', conflict),
      conflictIdOf('layer-1', 'feature-1', { ...conflict, field: 'properties.height' }),
      conflictIdOf('layer-1', 'feature-1', { ...conflict, kind: ConflictKind.CONCURRENT_CHANGE }),
      conflictIdOf('layer-1', 'feature-1', {
        ...conflict,
        candidates: [...conflict.candidates, write('phone-c', 1, 'elm')],
      }),
    ];
    expect(new Set([id, ...others]).size).toBe(6);
  });
});
