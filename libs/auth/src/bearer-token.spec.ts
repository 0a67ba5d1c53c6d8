import { AuthErrorCode } from './auth-error';
import { extractBearerToken } from './bearer-token';

describe('extractBearerToken', () => {
  it('takes the token after "Bearer", in any case', () => {
    expect(extractBearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(extractBearerToken('bearer   abc.def-_~+/=')).toBe('abc.def-_~+/=');
    expect(extractBearerToken('  BEARER x.y.z ')).toBe('x.y.z');
  });

  it.each([undefined, null, ''])('calls %p a missing token', (value) => {
    expect(() => extractBearerToken(value)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MISSING_TOKEN }),
    );
  });

  it.each([
    'Basic dXNlcjpwYXNz',
    'Bearer',
    'Bearer ',
    'abc.def.ghi',
    'Bearer a b',
    'Bearer a"b',
    42,
    ['Bearer x'],
  ])('calls %p malformed', (value) => {
    expect(() => extractBearerToken(value)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.MALFORMED_TOKEN }),
    );
  });

  it('never repeats the presented value in its message', () => {
    const secret = 'Token sekret-value-123';
    try {
      extractBearerToken(secret);
      throw new Error('expected a failure');
    } catch (error: unknown) {
      expect(String(error)).not.toContain('sekret');
    }
  });
});
