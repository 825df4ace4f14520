import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing for users' venue keys at rest. Format: `v1.<iv>.<tag>.<ciphertext>`, each part
 * base64url; the version prefix lets a future format (or key rotation) live beside this one.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret that cannot be opened: wrong key, tampered, truncated or not a sealed value. */
export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

function keyFrom(keyBase64: string): Buffer {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) throw new SecretBoxError('secret key must be 32 bytes encoded as base64');
  return key;
}

/** Encrypts `plaintext` with a fresh random IV; the result is safe to store as text. */
export function sealSecret(keyBase64: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(keyBase64), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/**
 * Decrypts a value made by `sealSecret`; throws `SecretBoxError` if it was altered or no key fits.
 * Given several keys (the current one first, then the one it replaced), the first that opens wins, so
 * credentials sealed before a key rotation stay readable until they are re-sealed.
 */
export function openSecret(keys: string | readonly string[], sealed: string): string {
  return openWithIndex(keys, sealed).plaintext;
}

/** Which of `keys` opens `sealed` (0 = the current key), with the plaintext. */
export function openWithIndex(
  keys: string | readonly string[],
  sealed: string,
): { plaintext: string; keyIndex: number } {
  const list = typeof keys === 'string' ? [keys] : keys;
  if (list.length === 0) throw new SecretBoxError('no secret key is configured');
  let failure: unknown;
  for (const [keyIndex, key] of list.entries()) {
    try {
      return { plaintext: openOne(key, sealed), keyIndex };
    } catch (err) {
      failure ??= err;
      if (!(err instanceof SecretBoxError)) throw err;
    }
  }
  throw failure;
}

function openOne(keyBase64: string, sealed: string): string {
  const key = keyFrom(keyBase64);
  const parts = sealed.split('.');
  if (parts.length !== 4)
    throw new SecretBoxError('not a sealed secret (expected v1.<iv>.<tag>.<ciphertext>)');
  const [version, ivText, tagText, ctText] = parts as [string, string, string, string];
  if (version !== VERSION) throw new SecretBoxError(`unsupported sealed-secret version "${version}"`);
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretBoxError('sealed secret is malformed (bad IV or tag length)');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretBoxError('sealed secret failed authentication: it was altered or the key is wrong');
  }
}
