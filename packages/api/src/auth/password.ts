import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

// The ~49,000 most common passwords from leaked sets, as the zxcvbn-ts project publishes them.
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * Why a new password is too easy to guess, or null. Length alone lets "aaaaaaaaaa" and "1234567890"
 * through: the first guesses of any attacker.
 */
export function passwordProblem(password: string): string | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'That password is among the most common ones: choose another';
  if (new Set(lower).size < 5) return 'Use at least 5 different characters';
  return null;
}

// argon2id (the library default) with OWASP's minimum: 19 MiB, 2 passes, 1 lane.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** Checks a password against a stored hash; false (never a throw) on any mismatch or bad hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
