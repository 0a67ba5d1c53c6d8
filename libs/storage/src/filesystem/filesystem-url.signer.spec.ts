import { FilesystemUrlSigner, type SignedGrant } from './filesystem-url.signer';

const secret = 'k'.repeat(32);
const base = 'http://127.0.0.1:4000';
const nowMilliseconds = 1_700_000_000_000;
const sha256 = 'a'.repeat(64);

function verifyUrl(
  signer: FilesystemUrlSigner,
  method: string,
  url: string,
  key: string,
): ReturnType<FilesystemUrlSigner['verify']> {
  return signer.verify(method, key, new URL(url).searchParams);
}

describe('FilesystemUrlSigner', () => {
  const signer = new FilesystemUrlSigner(secret, base, () => nowMilliseconds);
  const putGrant: SignedGrant = {
    method: 'PUT',
    key: 'packages/räume 1/area.zip',
    expiresAtSeconds: signer.expiryFromNow(60),
    size: 1234,
    sha256,
    contentType: 'application/zip',
  };

  it('builds the URL under /storage/objects with each key segment encoded', () => {
    const url = new URL(signer.signUrl(putGrant));
    expect(url.origin).toBe(base);
    expect(url.pathname).toBe('/storage/objects/packages/r%C3%A4ume%201/area.zip');
    expect(url.searchParams.get('expires')).toBe(String(nowMilliseconds / 1000 + 60));
  });

  it('verifies its own URL and returns the signed grant', () => {
    const result = verifyUrl(signer, 'PUT', signer.signUrl(putGrant), putGrant.key);
    expect(result).toEqual({ valid: true, grant: putGrant });
  });

  it.each([
    ['size', '1235'],
    ['sha256', 'b'.repeat(64)],
    ['contentType', 'text/html'],
    ['expires', String(nowMilliseconds / 1000 + 6000)],
  ])('refuses a URL whose %s was changed', (parameter, value) => {
    const url = new URL(signer.signUrl(putGrant));
    url.searchParams.set(parameter, value);
    expect(verifyUrl(signer, 'PUT', url.toString(), putGrant.key)).toMatchObject({
      valid: false,
      reason: 'signature',
    });
  });

  it('refuses another key, another method and another secret', () => {
    const url = signer.signUrl(putGrant);
    expect(verifyUrl(signer, 'PUT', url, 'packages/other.zip')).toMatchObject({ reason: 'signature' });
    expect(verifyUrl(signer, 'GET', url, putGrant.key)).toMatchObject({ reason: 'signature' });
    const stranger = new FilesystemUrlSigner('x'.repeat(32), base, () => nowMilliseconds);
    expect(verifyUrl(stranger, 'PUT', url, putGrant.key)).toMatchObject({ reason: 'signature' });
  });

  it('accepts up to the expiry second and refuses after it', () => {
    const url = signer.signUrl(putGrant);
    const atExpiry = new FilesystemUrlSigner(secret, base, () => putGrant.expiresAtSeconds * 1000 + 999);
    expect(verifyUrl(atExpiry, 'PUT', url, putGrant.key)).toMatchObject({ valid: true });
    const later = new FilesystemUrlSigner(secret, base, () => (putGrant.expiresAtSeconds + 1) * 1000);
    expect(verifyUrl(later, 'PUT', url, putGrant.key)).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('refuses URLs without a signature or with a malformed expiry', () => {
    expect(signer.verify('GET', 'a', new URLSearchParams('expires=1'))).toMatchObject({
      reason: 'malformed',
    });
    expect(signer.verify('GET', 'a', new URLSearchParams('expires=soon&signature=x'))).toMatchObject({
      reason: 'malformed',
    });
    expect(signer.verify('DELETE', 'a', new URLSearchParams('expires=1&signature=x'))).toMatchObject({
      reason: 'malformed',
    });
  });

  it('binds the Content-Disposition of a GET', () => {
    const grant: SignedGrant = {
      method: 'GET',
      key: 'a/b',
      expiresAtSeconds: signer.expiryFromNow(60),
      contentDisposition: 'attachment; filename="b"',
    };
    const url = new URL(signer.signUrl(grant));
    expect(signer.verify('GET', 'a/b', url.searchParams)).toEqual({ valid: true, grant });
    url.searchParams.set('disposition', 'inline');
    expect(signer.verify('GET', 'a/b', url.searchParams)).toMatchObject({ reason: 'signature' });
  });
});
