import { createHmac, timingSafeEqual } from 'node:crypto';

/** Route of StorageObjectsController, after the public base URL. */
export const STORAGE_OBJECTS_ROUTE = 'storage/objects';
/** Bumped if the signed fields change, so old URLs fail closed. */
const SIGNATURE_VERSION = 'map-offline-storage-v1';

export interface SignedGrant {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix time in seconds after which the URL is refused. */
  expiresAtSeconds: number;
  /** PUT: bytes the body must have. */
  size?: number;
  /** PUT: hex SHA-256 the body must have. */
  sha256?: string;
  /** PUT: media type stored with the object. */
  contentType?: string;
  /** GET: Content-Disposition to answer with. */
  contentDisposition?: string;
}

export type GrantVerification =
  | { valid: true; grant: SignedGrant }
  | { valid: false; reason: 'malformed' | 'signature' | 'expired'; message: string };

const QUERY = {
  expires: 'expires',
  size: 'size',
  sha256: 'sha256',
  contentType: 'contentType',
  contentDisposition: 'disposition',
  signature: 'signature',
} as const;

export function encodeKeyForUrl(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * Signs and checks the filesystem driver's presigned URLs: HMAC-SHA256 over the method, the key, the expiry
 * and, for PUT, the size, SHA-256 and content type. The fields are signed as a JSON array so no value can
 * be shifted into its neighbour.
 */
export class FilesystemUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly publicBaseUrl: string,
    /** Milliseconds since the epoch; injectable for tests. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds, so the URL carries the exact value that was signed. */
  expiryFromNow(expiresInSeconds: number): number {
    return Math.floor(this.now() / 1000) + expiresInSeconds;
  }

  signUrl(grant: SignedGrant): string {
    const url = new URL(`${this.publicBaseUrl}/${STORAGE_OBJECTS_ROUTE}/${encodeKeyForUrl(grant.key)}`);
    url.searchParams.set(QUERY.expires, String(grant.expiresAtSeconds));
    if (grant.size !== undefined) url.searchParams.set(QUERY.size, String(grant.size));
    if (grant.sha256 !== undefined) url.searchParams.set(QUERY.sha256, grant.sha256);
    if (grant.contentType !== undefined) url.searchParams.set(QUERY.contentType, grant.contentType);
    if (grant.contentDisposition !== undefined) {
      url.searchParams.set(QUERY.contentDisposition, grant.contentDisposition);
    }
    url.searchParams.set(QUERY.signature, this.signature(grant));
    return url.toString();
  }

  /** Checks a request's method, key (from the path) and query; the signature is checked before the expiry. */
  verify(method: string, key: string, query: URLSearchParams): GrantVerification {
    if (method !== 'GET' && method !== 'PUT') {
      return { valid: false, reason: 'malformed', message: `method ${method} cannot be presigned` };
    }
    const expires = query.get(QUERY.expires);
    const provided = query.get(QUERY.signature);
    if (expires === null || provided === null || !/^\d{1,12}$/.test(expires)) {
      return {
        valid: false,
        reason: 'malformed',
        message: 'expires and signature query parameters are required',
      };
    }
    const size = query.get(QUERY.size);
    if (size !== null && !/^\d{1,16}$/.test(size)) {
      return { valid: false, reason: 'malformed', message: 'size must be a whole number of bytes' };
    }
    const grant: SignedGrant = {
      method,
      key,
      expiresAtSeconds: Number(expires),
      size: size === null ? undefined : Number(size),
      sha256: query.get(QUERY.sha256) ?? undefined,
      contentType: query.get(QUERY.contentType) ?? undefined,
      contentDisposition: query.get(QUERY.contentDisposition) ?? undefined,
    };
    const expected = Buffer.from(this.signature(grant));
    const actual = Buffer.from(provided);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return {
        valid: false,
        reason: 'signature',
        message: 'signature does not match this method, key and query',
      };
    }
    if (Math.floor(this.now() / 1000) > grant.expiresAtSeconds) {
      return {
        valid: false,
        reason: 'expired',
        message: `URL expired at ${grant.expiresAtSeconds} (Unix seconds)`,
      };
    }
    return { valid: true, grant };
  }

  private signature(grant: SignedGrant): string {
    const fields = [
      SIGNATURE_VERSION,
      grant.method,
      grant.key,
      grant.expiresAtSeconds,
      grant.size ?? null,
      grant.sha256 ?? null,
      grant.contentType ?? null,
      grant.contentDisposition ?? null,
    ];
    return createHmac('sha256', this.secret).update(JSON.stringify(fields)).digest('base64url');
  }
}
