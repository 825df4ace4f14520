import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, openWithIndex, SecretBoxError, sealSecret } from './secret-box';

const key = randomBytes(32).toString('base64');

describe('secret box', () => {
  it('round-trips text, including non-ASCII and empty strings', () => {
    for (const text of ['kraken-secret/+==', 'clé-秘密', '']) {
      expect(openSecret(key, sealSecret(key, text))).toBe(text);
    }
  });

  it('uses a fresh IV each time and never shows the plaintext', () => {
    const a = sealSecret(key, 'same secret');
    const b = sealSecret(key, 'same secret');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toContain('same');
  });

  it('rejects any flipped byte in IV, tag or ciphertext', () => {
    const sealed = sealSecret(key, 'api secret value');
    const parts = sealed.split('.');
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      const tampered = parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
      expect(() => openSecret(key, tampered)).toThrow(SecretBoxError);
    }
  });

  it('rejects the wrong key with a clear message', () => {
    const sealed = sealSecret(key, 'x');
    expect(() => openSecret(randomBytes(32).toString('base64'), sealed)).toThrow(
      /altered or the key is wrong/,
    );
  });

  it('rejects malformed input and bad keys', () => {
    expect(() => openSecret(key, 'plain text')).toThrow(/not a sealed secret/);
    expect(() => openSecret(key, 'v2.a.b.c')).toThrow(/unsupported sealed-secret version "v2"/);
    expect(() => openSecret(key, 'v1.AAAA.AAAA.AAAA')).toThrow(/malformed/);
    expect(() => sealSecret('c2hvcnQ=', 'x')).toThrow(/32 bytes/);
  });

  it('opens with the previous key after a rotation and says which key fitted', () => {
    const next = randomBytes(32).toString('base64');
    const old = sealSecret(key, 'sealed before rotation');
    expect(openWithIndex([next, key], old)).toEqual({ plaintext: 'sealed before rotation', keyIndex: 1 });
    expect(openWithIndex([next, key], sealSecret(next, 'new')).keyIndex).toBe(0);
    expect(() => openSecret([next], old)).toThrow(SecretBoxError);
    expect(() => openSecret([], old)).toThrow(/no secret key/);
  });
});
