import { ChangeOperation, formatHlc } from '@map-offline/crdt';
import { admitChanges, RejectionCode } from './change-admission';

const featureId = '3f0d6a52-1c2b-4f7e-8a90-5b6c7d8e9f01';
const hlc = formatHlc({ wallTime: 1_700_000_000_000, counter: 0, nodeId: 'tablet-a' });
const valid = {
  featureId,
  deviceId: 'tablet-a',
  op: ChangeOperation.CREATE,
  geometry: { type: 'Point', coordinates: [36.8, -1.28] },
  set: { name: 'oak' },
  clock: { 'tablet-a': 1 },
  hlc,
};
const context = { deviceId: 'tablet-a', layerId: 'layer-1', layer: { propertySchema: null }, rejections: [] };

describe('admitChanges', () => {
  it('admits valid changes with their batch index and a clean copy', () => {
    const admission = admitChanges([valid, { ...valid, featureId: featureId.toUpperCase() }], context);
    expect(admission.rejected).toEqual([]);
    expect(admission.admitted.map((entry) => [entry.index, entry.change.featureId])).toEqual([
      [0, featureId],
      [1, featureId],
    ]);
  });

  it('rejects each bad change on its own, with the library code, the field and the reason', () => {
    const admission = admitChanges(
      [
        valid,
        { ...valid, geometry: { type: 'Point', coordinates: [36.8, 95] } },
        { ...valid, deviceId: 'tablet-b', clock: { 'tablet-b': 1 } },
        'not a change',
        { ...valid, colour: 'red' },
      ],
      context,
    );
    expect(admission.admitted.map((entry) => entry.index)).toEqual([0]);
    expect(
      admission.rejected.map((result) => [result.index, result.featureId, result.code, result.field]),
    ).toEqual([
      [1, featureId, 'COORDINATE_OUT_OF_RANGE', 'geometry.coordinates[1]'],
      [2, featureId, RejectionCode.DEVICE_MISMATCH, 'deviceId'],
      [3, null, 'INVALID_CHANGE', 'change'],
      [4, featureId, 'UNKNOWN_MEMBER', 'colour'],
    ]);
    expect(admission.rejected.every((result) => result.outcome === 'REJECTED' && result.reason)).toBe(true);
  });

  it('rejects everything for an unknown layer, and what the gateway refused at push time', () => {
    expect(
      admitChanges([valid, valid], { ...context, layer: null }).rejected.map((result) => result.code),
    ).toEqual([RejectionCode.UNKNOWN_LAYER, RejectionCode.UNKNOWN_LAYER]);
    const refused = admitChanges([valid, valid], {
      ...context,
      rejections: [{ index: 1, code: 'HLC_DRIFT_EXCEEDED', reason: 'too far ahead', field: 'hlc' }],
    });
    expect(refused.admitted.map((entry) => entry.index)).toEqual([0]);
    expect(refused.rejected).toEqual([
      {
        index: 1,
        featureId,
        outcome: 'REJECTED',
        code: 'HLC_DRIFT_EXCEEDED',
        reason: 'too far ahead',
        field: 'hlc',
      },
    ]);
  });

  it('refuses server-side writer ids from devices and checks the layer schema', () => {
    const server = { ...valid, deviceId: 'server:office', clock: { 'server:office': 1 } };
    expect(admitChanges([server], { ...context, deviceId: 'server:office' }).rejected[0].code).toBe(
      RejectionCode.SERVER_DEVICE_ID,
    );
    const schema = { properties: { name: { type: 'number' as const } } };
    const violation = admitChanges([valid], { ...context, layer: { propertySchema: schema } }).rejected[0];
    expect([violation.code, violation.field]).toEqual(['SCHEMA_VIOLATION', 'set["name"]']);
  });
});
