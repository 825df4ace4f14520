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
  const credentials = JSON.parse(
    openSecret(services.config.SECRETS_KEY, account.credentials),
  ) as VenueCredentials;
  if (account.venue !== 'kraken' && account.venue !== 'alpaca')
    throw new Error(`no live broker for venue ${account.venue}`);
  return createLiveBroker(account.venue, credentials, services.config);
}
