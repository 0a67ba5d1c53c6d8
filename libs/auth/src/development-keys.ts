import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, JWK, KeyLike } from 'jose';
import { DEFAULT_DEVELOPMENT_KEY_DIRECTORY } from './auth-config';

export const DEVELOPMENT_KEY_ALGORITHM = 'ES256';
/** The private key file inside the key directory (mode 0600); the public key is derived from it. */
export const DEVELOPMENT_PRIVATE_KEY_FILE = 'signing-key.private.jwk.json';

export interface DevelopmentSigningKey {
  kid: string;
  privateKey: KeyLike;
  /** The public half, with `kid`, `alg` and `use`, ready for a JWKS. */
  publicJwk: JWK;
}

/**
 * Loads the development ES256 key pair from keyDirectory (relative paths resolve against the working
 * directory), generating it on first use. The gateway and `npm run token` call this at the same time on
 * a fresh checkout, so the file is published with link(2), which refuses to overwrite: exactly one
 * generated key wins and both processes read it.
 */
export async function loadOrCreateDevelopmentSigningKey(
  keyDirectory: string = DEFAULT_DEVELOPMENT_KEY_DIRECTORY,
): Promise<DevelopmentSigningKey> {
  const directory = resolve(keyDirectory);
  const keyPath = join(directory, DEVELOPMENT_PRIVATE_KEY_FILE);
  const existing = await readKeyFile(keyPath);
  if (existing !== undefined) return signingKeyFromJwk(existing);

  await mkdir(directory, { recursive: true, mode: 0o700 });
  const generated = await generateDevelopmentJwk();
  const temporaryPath = join(directory, `.${DEVELOPMENT_PRIVATE_KEY_FILE}.${randomUUID()}`);
  await writeFile(temporaryPath, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporaryPath, keyPath);
  } catch (error: unknown) {
    if (!isAlreadyExists(error)) throw error;
  } finally {
    await unlink(temporaryPath);
  }
  const published = await readKeyFile(keyPath);
  if (published === undefined) throw new Error(`development key ${keyPath} vanished while it was created`);
  return signingKeyFromJwk(published);
}

async function generateDevelopmentJwk(): Promise<DevelopmentPrivateJwk> {
  const { privateKey } = await generateKeyPair(DEVELOPMENT_KEY_ALGORITHM, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  // RFC 7638 thumbprint of the public members: stable, and different for every generated key.
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  return { ...privateJwk, kid, alg: DEVELOPMENT_KEY_ALGORITHM, use: 'sig' };
}

type DevelopmentPrivateJwk = JWK & { kid: string };

async function readKeyFile(keyPath: string): Promise<DevelopmentPrivateJwk | undefined> {
  let text: string;
  try {
    text = await readFile(keyPath, 'utf8');
  } catch (error: unknown) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isDevelopmentPrivateJwk(parsed)) {
    throw new Error(`${keyPath} is not an ES256 private JWK with a kid; delete it to generate a new key`);
  }
  return parsed;
}

async function signingKeyFromJwk(privateJwk: DevelopmentPrivateJwk): Promise<DevelopmentSigningKey> {
  const privateKey = await importJWK(privateJwk, DEVELOPMENT_KEY_ALGORITHM);
  if (privateKey instanceof Uint8Array) throw new Error('the development key must be an EC key');
  const { kty, crv, x, y, kid } = privateJwk;
  return { kid, privateKey, publicJwk: { kty, crv, x, y, kid, alg: DEVELOPMENT_KEY_ALGORITHM, use: 'sig' } };
}

function isDevelopmentPrivateJwk(value: unknown): value is DevelopmentPrivateJwk {
  if (typeof value !== 'object' || value === null) return false;
  const fields: Record<string, unknown> = { ...value };
  return (
    fields['kty'] === 'EC' &&
    fields['crv'] === 'P-256' &&
    ['x', 'y', 'd', 'kid'].every((name) => typeof fields[name] === 'string' && fields[name] !== '')
  );
}

function isNotFound(error: unknown): boolean {
  return systemErrorCode(error) === 'ENOENT';
}

function isAlreadyExists(error: unknown): boolean {
  return systemErrorCode(error) === 'EEXIST';
}

// Checked by shape, not `instanceof Error`: errors from Node's fs are created in another realm under jest.
function systemErrorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
