import { parseArgs } from 'node:util';
import { type Config, loadConfig } from '@tradehits/config';
import { createDb, listSealedCredentials, replaceSealedCredentials } from '@tradehits/db';
import { openWithIndex, SecretBoxError, sealSecret } from '@tradehits/exchange';
import { runWhenMain } from './args';

const USAGE = `Usage: npm run secrets:rotate [-- --json]

Re-seals every stored venue credential with SECRETS_KEY. Set the new key as SECRETS_KEY and the old
one as SECRETS_KEY_PREVIOUS (the server reads with both meanwhile), run this, then drop
SECRETS_KEY_PREVIOUS. Credentials already under SECRETS_KEY are left alone, so a rerun is harmless.
Exit status 1 if any credential opens with neither key (it is left as it is and named by account id).`;

/** What a rotation did, per account id for the ones it could not open. */
export interface RotationSummary {
  resealed: number;
  alreadyCurrent: number;
  /** Changed by a user while the rotation ran; a rerun picks them up if they still need it. */
  skipped: number;
  unreadable: string[];
}

/** Re-seals under `config.SECRETS_KEY` every credential sealed with `SECRETS_KEY_PREVIOUS`. */
export async function rotateSecrets(config: Config): Promise<RotationSummary> {
  if (!config.SECRETS_KEY) throw new Error('SECRETS_KEY is not set: there is no key to re-seal with');
  const db = createDb(config.database, { poolSize: 2 });
  const summary: RotationSummary = { resealed: 0, alreadyCurrent: 0, skipped: 0, unreadable: [] };
  try {
    for (const row of await listSealedCredentials(db.db)) {
      let opened: { plaintext: string; keyIndex: number };
      try {
        opened = openWithIndex(config.secretKeys, row.credentials);
      } catch (err) {
        if (!(err instanceof SecretBoxError)) throw err;
        summary.unreadable.push(row.id);
        continue;
      }
      if (opened.keyIndex === 0) {
        summary.alreadyCurrent++;
        continue;
      }
      const sealed = sealSecret(config.SECRETS_KEY, opened.plaintext);
      if (await replaceSealedCredentials(db.db, { id: row.id, expected: row.credentials, sealed }))
        summary.resealed++;
      else summary.skipped++;
    }
  } finally {
    await db.close();
  }
  return summary;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const summary = await rotateSecrets(loadConfig());
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      `re-sealed ${summary.resealed}, already current ${summary.alreadyCurrent}, changed meanwhile ${summary.skipped}\n`,
    );
    if (summary.unreadable.length)
      process.stdout.write(`opened with neither key (left as they are): ${summary.unreadable.join(', ')}\n`);
  }
  return summary.unreadable.length ? 1 : 0;
}

runWhenMain(import.meta.url, 'secrets:rotate', main);
