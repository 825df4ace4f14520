import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { accounts, type Role, users } from '../schema';

/** The columns safe to send to a client: never the password hash. */
export const publicUserColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  fullName: users.fullName,
  role: users.role,
  active: users.active,
  tradingPaused: users.tradingPaused,
  pausedUntil: users.pausedUntil,
  stockVenue: users.stockVenue,
  cryptoBalance: users.cryptoBalance,
  stockBalance: users.stockBalance,
  createdAt: users.createdAt,
  lastLoginAt: users.lastLoginAt,
};

/** Inserts a user; returns null when the username or email is taken. */
export async function createUser(
  db: DbOrTx,
  input: {
    username: string;
    email: string;
    passwordHash: string;
    fullName: string;
    role?: Role;
    /** Paper starting balance in minor units. */
    balance: number;
  },
): Promise<PublicUser | null> {
  const [row] = await db
    .insert(users)
    .values({
      username: input.username,
      email: input.email,
      passwordHash: input.passwordHash,
      fullName: input.fullName,
      role: input.role ?? 'user',
      cryptoBalance: input.balance,
      stockBalance: input.balance,
    })
    .onConflictDoNothing()
    .returning(publicUserColumns);
  return row ?? null;
}

/** A user with the password hash, for login only. */
export async function findUserForLogin(db: DbOrTx, username: string) {
  const [row] = await db
    .select({ ...publicUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  return row ?? null;
}

export async function getUser(db: DbOrTx, id: string) {
  const [row] = await db.select(publicUserColumns).from(users).where(eq(users.id, id));
  return row ?? null;
}

/** A user as clients see it. */
export type PublicUser = NonNullable<Awaited<ReturnType<typeof getUser>>>;

export async function listUsers(db: DbOrTx): Promise<PublicUser[]> {
  return db.select(publicUserColumns).from(users).orderBy(asc(users.createdAt));
}

export async function usernameOrEmailTaken(db: DbOrTx, username: string, email: string) {
  const rows = await db
    .select({ username: users.username, email: users.email })
    .from(users)
    .where(
      sql`lower(${users.username}) = ${username.toLowerCase()} or lower(${users.email}) = ${email.toLowerCase()}`,
    );
  return {
    username: rows.some((r) => r.username.toLowerCase() === username.toLowerCase()),
    email: rows.some((r) => r.email.toLowerCase() === email.toLowerCase()),
  };
}

export async function updateUser(
  db: DbOrTx,
  id: string,
  patch: Partial<{
    fullName: string;
    email: string;
    role: Role;
    active: boolean;
    tradingPaused: boolean;
    pausedUntil: Date | null;
    stockVenue: string | null;
    lastLoginAt: Date;
  }>,
): Promise<PublicUser | null> {
  const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning(publicUserColumns);
  return row ?? null;
}

/**
 * Serialises changes to who is an admin until the transaction ends, so a check of `countAdmins` and
 * the demotion it allows cannot interleave with another (two admins demoting each other at once).
 */
export async function lockAdminRoles(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('tradehits:admin-roles'))`);
}

export async function countAdmins(db: DbOrTx): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)));
  return row?.n ?? 0;
}

/** Every account holding sealed venue credentials (for re-sealing under a new key). */
export async function listSealedCredentials(db: DbOrTx) {
  return db
    .select({ id: accounts.id, credentials: accounts.credentials })
    .from(accounts)
    .where(isNotNull(accounts.credentials))
    .orderBy(asc(accounts.id)) as Promise<{ id: string; credentials: string }[]>;
}

/**
 * Replaces an account's sealed credentials only if they are still `expected`: a user who re-links
 * their keys meanwhile keeps the new ones. Returns whether the row changed.
 */
export async function replaceSealedCredentials(
  db: DbOrTx,
  q: { id: string; expected: string; sealed: string },
): Promise<boolean> {
  const rows = await db
    .update(accounts)
    .set({ credentials: q.sealed })
    .where(and(eq(accounts.id, q.id), eq(accounts.credentials, q.expected)))
    .returning({ id: accounts.id });
  return rows.length === 1;
}
