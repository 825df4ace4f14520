import { createHash } from 'node:crypto';
import type { Config } from '@tradehits/config';
import type { Broker } from '@tradehits/core';
import type { AccountRow } from '@tradehits/db';
import { createLiveBroker, type VenueCredentials } from '@tradehits/exchange';
import { openSecret } from '@tradehits/exchange/secret-box';
import { AccountSetupError } from './failures';

/**
 * Live brokers by configuration, then by account and sealed credentials. ccxt signs with a nonce per
 * client instance while Kraken wants nonces increasing per API key: one client per key keeps them
 * increasing under concurrency. Relinked keys seal differently, so they get a fresh broker.
 */
const cache = new WeakMap<Config, Map<string, Broker>>();

/**
 * The live broker for a live account: unseals the user's own venue keys (never logged) and builds the
 * venue's adapter once per (account, credentials). Every safety rail has already been applied above.
 */
export function brokerForAccount(config: Config, account: AccountRow): Broker {
  if (!account.credentials) throw new AccountSetupError('no live account with venue credentials');
  if (!config.SECRETS_KEY) throw new Error('SECRETS_KEY is not configured: live trading is off');
  if (account.venue !== 'kraken' && account.venue !== 'alpaca')
    throw new AccountSetupError(`no live broker for venue ${account.venue}`);
  let byKey = cache.get(config);
  if (!byKey) {
    byKey = new Map();
    cache.set(config, byKey);
  }
  const key = `${account.id}:${createHash('sha256').update(account.credentials).digest('hex')}`;
  const cached = byKey.get(key);
  if (cached) return cached;
  const opened = openSecret(config.SECRETS_KEY, account.credentials);
  let credentials: VenueCredentials;
  try {
    credentials = JSON.parse(opened) as VenueCredentials;
  } catch {
    // JSON.parse quotes its input in the message: never let the keys reach a log or the audit.
    throw new AccountSetupError('the live account credentials are not valid JSON once unsealed');
  }
  const broker = createLiveBroker(account.venue, credentials, config);
  byKey.set(key, broker);
  return broker;
}
