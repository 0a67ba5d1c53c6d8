import { meetOf } from './conflict-base.reader';

describe('meetOf', () => {
  it('is what every clock has seen: the pointwise minimum, without zero entries', () => {
    expect(
      meetOf([
        { 'tablet-a': 3, 'tablet-b': 1 },
        { 'tablet-a': 2, 'tablet-b': 4, 'phone-c': 1 },
      ]),
    ).toEqual({ 'tablet-a': 2, 'tablet-b': 1 });
    expect(meetOf([{ 'tablet-a': 2 }, { 'tablet-b': 1 }])).toEqual({});
    expect(meetOf([])).toEqual({});
  });
});
