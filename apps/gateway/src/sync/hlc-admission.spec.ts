import { FunctionClock, formatHlc } from '@map-offline/crdt';
import { HlcAdmission } from './hlc-admission';

describe('HlcAdmission', () => {
  const now = 1_700_000_000_000;
  const admission = new HlcAdmission(new FunctionClock(() => now));
  const at = (wallTime: number) => formatHlc({ wallTime, counter: 0, nodeId: 'tablet-a' });

  it('rejects timestamps more than five minutes ahead of the server clock, by index, and nothing else', () => {
    const rejections = admission.check([
      at(now - 86_400_000),
      at(now + 299_000),
      at(now + 301_000),
      'not an hlc',
      at(now + 3_600_000),
    ]);
    expect(rejections.map((rejection) => [rejection.index, rejection.code, rejection.field])).toEqual([
      [2, 'HLC_DRIFT_EXCEEDED', 'hlc'],
      [4, 'HLC_DRIFT_EXCEEDED', 'hlc'],
    ]);
    expect(rejections[0].reason).toContain('at most 300000 ms ahead');
  });
});
