import type { AssetType, Broker } from '@tradehits/core';
import { getAccount } from '@tradehits/db';
import { createLiveBroker, type VenueCredentials } from '@tradehits/exchange';
import { openSecret } from '@tradehits/exchange/secret-box';
import type { Services } from '../runner';

/**
 * The live broker for a user's account: unseals the user's own venue keys (never logged) and builds
 * the venue's adapter. Every safety rail has already been applied above this point.
 */
export async function brokerFor(services: Services, userId: string, assetType: AssetType): Promise<Broker> {
  const account = await getAccount(services.db, userId, assetType, 'live');
  if (!account?.credentials) throw new Error('no live account with venue credentials');
  if (!services.config.SECRETS_KEY) throw new Error('SECRETS_KEY is not configured: live trading is off');
  const opened = openSecret(services.config.secretKeys, account.credentials);
  let credentials: VenueCredentials;
  try {
    credentials = JSON.parse(opened) as VenueCredentials;
  } catch {
    // JSON.parse quotes its input in the message: never let the keys reach a log or the audit.
    throw new Error('the live account credentials are not valid JSON once unsealed');
  }
  if (account.venue !== 'kraken' && account.venue !== 'alpaca')
    throw new Error(`no live broker for venue ${account.venue}`);
  return createLiveBroker(account.venue, credentials, services.config);
}
