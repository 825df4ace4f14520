import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddress('::ffff:10.0.0.5', '6.6.6.6', 0)).toBe('10.0.0.5');
  });

  it('takes the entry the trusted proxy appended, never one the client wrote', () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the platform's front end appended the real address.
    expect(clientAddress('169.254.1.1', '6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('169.254.1.1', ['6.6.6.6', '198.51.100.7, 10.1.1.1'], 2)).toBe('198.51.100.7');
  });

  it('falls back to the furthest known hop when the header is short or absent', () => {
    expect(clientAddress('169.254.1.1', undefined, 1)).toBe('169.254.1.1');
    expect(clientAddress('169.254.1.1', '198.51.100.7', 3)).toBe('198.51.100.7');
  });

  it('never returns something that is not an address', () => {
    expect(clientAddress('169.254.1.1', "1.2.3.4' or 1=1", 1)).toBeNull();
    expect(clientAddress('169.254.1.1', '2001:db8::1', 1)).toBe('2001:db8::1');
  });
});
