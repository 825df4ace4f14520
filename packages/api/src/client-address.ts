import { isIP } from 'node:net';

/**
 * The caller's address. Each trusted proxy appends the address it received the request from to
 * X-Forwarded-For, so with `trustedProxies` proxies in front the client is that many entries from the
 * right; anything further left was written by the client and is ignored. With no trusted proxy the
 * header is never read (a client could claim any address and escape the per-address limits).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: number,
): string | null {
  const hops = [normalise(socketAddress)];
  if (trustedProxies > 0 && forwardedFor) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    hops.push(
      ...header
        .split(',')
        .map((h) => normalise(h.trim()))
        .reverse(),
    );
  }
  // hops[0] is the nearest (the socket), hops[n] the address the n-th trusted proxy saw.
  const chosen = hops[Math.min(trustedProxies, hops.length - 1)];
  return chosen ?? null;
}

/** A bare IP (IPv4-mapped IPv6 as IPv4), or null for anything that is not one. */
function normalise(address: string | undefined): string | null {
  if (!address) return null;
  const bare = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return isIP(bare) ? bare : null;
}
