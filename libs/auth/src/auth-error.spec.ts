import { AuthError, AuthErrorCode, authErrorHttpStatus } from './auth-error';

describe('AuthError', () => {
  it('answers 403 only for a missing scope and 401 for everything else', () => {
    for (const code of Object.values(AuthErrorCode)) {
      expect(authErrorHttpStatus(code)).toBe(code === AuthErrorCode.INSUFFICIENT_SCOPE ? 403 : 401);
    }
  });

  it('has a default message for every code', () => {
    for (const code of Object.values(AuthErrorCode)) {
      const error = new AuthError(code);
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.code).toBe(code);
      expect(error.name).toBe('AuthError');
    }
  });
});
