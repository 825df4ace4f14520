import type { Config } from '@tradehits/config';
import { toCents } from '@tradehits/core/money';
import { audit, createUser, type Db, ensurePaperAccounts, findUserForLogin } from '@tradehits/db';
import { hashPassword } from './auth/password';

/**
 * Creates the admin account from ADMIN_USERNAME / ADMIN_PASSWORD on first start. An existing account
 * with that name is left as it is (its password is never overwritten from the environment).
 */
export async function ensureAdmin(db: Db, config: Config): Promise<'created' | 'exists' | 'not-configured'> {
  if (!config.ADMIN_USERNAME || !config.ADMIN_PASSWORD) return 'not-configured';
  if (await findUserForLogin(db, config.ADMIN_USERNAME)) return 'exists';
  const balance = toCents(config.PAPER_START_BALANCE);
  const passwordHash = await hashPassword(config.ADMIN_PASSWORD);
  return db.transaction(async (tx) => {
    const user = await createUser(tx, {
      username: config.ADMIN_USERNAME!,
      email: config.ADMIN_EMAIL ?? `${config.ADMIN_USERNAME}@tradehits.local`,
      fullName: 'Administrator',
      passwordHash,
      role: 'admin',
      balance,
    });
    if (!user) return 'exists';
    await ensurePaperAccounts(tx, user.id, balance);
    await audit(tx, { actorId: null, action: 'admin.bootstrap', targetType: 'user', targetId: user.id });
    return 'created';
  });
}
