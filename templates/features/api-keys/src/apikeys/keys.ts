import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The form of a key: `cpa_<prefix>_<secret>`. The fixed `cpa_` lets secret scanners (GitHub's, gitleaks) find a
 * leaked key; the 8-character prefix names the key in lists and logs; the 43-character secret carries 256 bits.
 * Letters and digits only, so a double-click selects the whole key.
 */
export const KEY_PATTERN = /^cpa_([0-9A-Za-z]{8})_([0-9A-Za-z]{43})$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters of the alphabet, each drawn uniformly (randomInt rejects the biased draws). */
function randomText(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
  return text;
}

export function newKey(): { key: string; prefix: string } {
  const prefix = randomText(8);
  return { key: `cpa_${prefix}_${randomText(43)}`, prefix };
}

/** The prefix of a well-formed key, or null: anything else is refused before the database is asked. */
export function prefixOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** SHA-256 suffices at 256 bits of entropy: no guess can be tried offline faster than the key space allows. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Compares in constant time: how much of a hash matched never shows in the answer's timing. */
export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** `90d`, `12h`, `30m` as milliseconds; null when the text is not such a duration. */
export function durationMs(text: string): number | null {
  const match = /^([1-9]\d{0,5})([mhd])$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}
