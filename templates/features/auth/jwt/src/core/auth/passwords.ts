import { hash, verify } from '@node-rs/argon2';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * argon2id at OWASP's minimum (19 MiB, 2 iterations, parallelism 1): memory-hard
 * like scrypt, and about 15 ms of one core per check, so a login is no longer
 * the most expensive request of the API. @node-rs/argon2 ships prebuilt
 * binaries inside its npm packages (nothing compiles on install) and hashes on
 * libuv's thread pool, never on the event loop. The parameters are stored in
 * each hash (PHC format), so raising them later only needs this constant: a
 * hash made with weaker ones is re-hashed at the next successful login.
 */
export const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const; // argon2id is the binding's default algorithm

export interface PasswordCheck {
  ok: boolean;
  /** the hash was made with weaker parameters (or scrypt): store a fresh one now that the password is known */
  needsRehash: boolean;
}

/** `$argon2id$v=19$m=19456,t=2,p=1$salt$hash` */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2);
}

export async function checkPassword(password: string, stored: string): Promise<PasswordCheck> {
  if (stored.startsWith('$argon2')) {
    const ok = await verify(stored, password.normalize('NFKC')).catch(() => false);
    return { ok, needsRehash: ok && weakerThanCurrent(stored) };
  }
  if (stored.startsWith('scrypt$')) {
    const ok = await verifyScrypt(password, stored);
    return { ok, needsRehash: ok };
  }
  return { ok: false, needsRehash: false };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return (await checkPassword(password, stored)).ok;
}

function weakerThanCurrent(stored: string): boolean {
  const params = /^\$(argon2(?:id|i|d))\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!params) return true;
  const [, variant, m, t, p] = params;
  return variant !== 'argon2id' || Number(m) < ARGON2.memoryCost || Number(t) < ARGON2.timeCost || Number(p) < ARGON2.parallelism;
}

/** Hashes made before argon2id: `scrypt$N$r$p$salt$hash`, base64url parts. They verify, and are replaced at login. */
function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, expectedText] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!salt || !expectedText || !Object.values(params).every((value) => Number.isSafeInteger(value) && value > 0)) {
    return Promise.resolve(false);
  }
  const expected = Buffer.from(expectedText, 'base64url');
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve) =>
    scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, options, (error, key) =>
      resolve(!error && key.length === expected.length && timingSafeEqual(key, expected)),
    ),
  );
}

/** A real hash of nothing, so an unknown username costs the same time as a wrong password. */
let decoy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await checkPassword(password, await decoy);
}

/** A few of the passwords every guessing list starts with (Django's CommonPasswordValidator has 20,000). */
const COMMON = new Set(
  'password password1 password123 passw0rd 12345678 123456789 1234567890 qwertyuiop qwerty123 iloveyou sunshine princess football baseball welcome1 admin123 letmein1 trustno1 superman dragon123 monkey123 abc12345 11111111 00000000 changeme'.split(
    ' ',
  ),
);

/**
 * Why a new password is too weak, as Django's default validators judge it:
 * too short, entirely numeric, too close to the username, or a common one.
 * Empty when it will do.
 */
export function passwordProblems(password: string, username: string): string[] {
  const normalized = password.normalize('NFKC');
  const lower = normalized.toLowerCase();
  const problems: string[] = [];
  if ([...normalized].length < 8) problems.push('use at least 8 characters');
  if (/^\d+$/.test(normalized)) problems.push('use more than digits');
  const name = username.trim().toLowerCase();
  if (name.length >= 3 && (lower.includes(name) || name.includes(lower))) problems.push('do not base it on the username');
  if (COMMON.has(lower)) problems.push('it is one of the most common passwords');
  return problems;
}
