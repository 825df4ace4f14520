import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tradehits/config';
import { createUser, type DbHandle, listSealedCredentials, upsertLiveAccount } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { openSecret, sealSecret } from '@tradehits/exchange';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSecrets } from './rotate-secrets';

const oldKey = randomBytes(32).toString('base64');
const newKey = randomBytes(32).toString('base64');
const credentials = (n: number) => JSON.stringify({ apiKey: `key-${n}`, secret: `secret-${n}` });

async function user(db: DbHandle, name: string) {
  const u = await createUser(db.db, {
    username: name,
    email: `${name}@example.test`,
    passwordHash: 'x',
    fullName: name,
    balance: 0,
  });
  return u!.id;
}

describe('secrets:rotate', () => {
  let db: DbHandle & { url: string };
  beforeAll(async () => {
    db = await createPostgresTestDb();
  });
  afterAll(async () => {
    await db.close();
  });

  it('re-seals every credential under the new key, leaves current ones, and names unreadable ones', async () => {
    const [a, b, c] = [await user(db, 'ann'), await user(db, 'ben'), await user(db, 'cat')];
    const link = (userId: string, sealed: string, assetType: 'crypto' | 'stock' = 'crypto') =>
      upsertLiveAccount(db.db, {
        userId,
        assetType,
        venue: 'kraken',
        credentials: sealed,
        startBalance: 0,
      });
    await link(a, sealSecret(oldKey, credentials(1)));
    await link(a, sealSecret(oldKey, credentials(2)), 'stock');
    await link(b, sealSecret(newKey, credentials(3)));
    const stranger = await link(c, sealSecret(randomBytes(32).toString('base64'), credentials(4)));

    // While both keys are configured, the server reads either.
    const config = loadConfig({ DATABASE_URL: db.url, SECRETS_KEY: newKey, SECRETS_KEY_PREVIOUS: oldKey });
    for (const row of await listSealedCredentials(db.db))
      if (row.id !== stranger.id) expect(openSecret(config.secretKeys, row.credentials)).toMatch(/apiKey/);

    const summary = await rotateSecrets(config);
    expect(summary).toEqual({ resealed: 2, alreadyCurrent: 1, skipped: 0, unreadable: [stranger.id] });
    // After the rotation the new key alone opens all three; the one sealed elsewhere is untouched.
    const rows = await listSealedCredentials(db.db);
    const opened = rows
      .filter((r) => r.id !== stranger.id)
      .map((r) => JSON.parse(openSecret(newKey, r.credentials)));
    expect(opened.map((o) => o.apiKey).sort()).toEqual(['key-1', 'key-2', 'key-3']);
    expect(rows.find((r) => r.id === stranger.id)!.credentials).toBe(stranger.credentials);

    // A rerun changes nothing.
    expect(await rotateSecrets(config)).toMatchObject({ resealed: 0, alreadyCurrent: 3 });
  });

  it('runs as `npm run secrets:rotate -- --json` and exits 1 when a credential opens with neither key', async () => {
    const script = fileURLToPath(new URL('./rotate-secrets.ts', import.meta.url));
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, '--json'], {
        env: { ...process.env, DATABASE_URL: db.url, SECRETS_KEY: newKey, SECRETS_KEY_PREVIOUS: oldKey },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (c) => resolve({ code: c, stdout: out }));
    });
    expect(JSON.parse(stdout)).toMatchObject({
      resealed: 0,
      alreadyCurrent: 3,
      unreadable: [expect.any(String)],
    });
    expect(code).toBe(1);
  });
});
