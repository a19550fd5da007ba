import 'server-only';

/**
 * Whether a signing secret is good enough, as a reason when it is not (null when it is).
 *
 * A start-up check, not a proof: it cannot tell a random string from a clever password, but it
 * refuses what is certainly guessable — a published value, something short, and anything whose
 * characters carry too little information (`aaaa…`, `password` × 4), and a shorter string
 * repeated. The measure is the string's length times the Shannon entropy of its character
 * distribution; `openssl rand -base64 48` scores about 330 bits, `openssl rand -hex 32` about
 * 250, `openssl rand -hex 16` about 110 (84 at worst in 5 million), `password` × 4 scores 88 (refused as a
 * repeat) and `a` × 32 scores 0.
 */

/**
 * Below this many bits (by the estimate above) a secret is refused. Not higher: the estimate of a
 * short random string falls below its true entropy, and at 100 it refused about 1 in 900
 * `openssl rand -hex 16` secrets (128 random bits; the lowest of 5 million samples scored 84).
 */
export const MIN_SECRET_BITS = 80;
export const MIN_SECRET_LENGTH = 32;

export function estimatedBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

export function secretProblem(secret: string, published: readonly string[] = []): string | null {
  if (published.includes(secret)) return 'is a published example value; generate your own (openssl rand -base64 48)';
  if ([...secret].length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters`;
  if (/^(.+?)\1+$/su.test(secret)) return 'is a shorter string repeated: use a random value (openssl rand -base64 48)';
  const bits = estimatedBits(secret);
  if (bits < MIN_SECRET_BITS) {
    return `looks guessable (about ${Math.floor(bits)} bits, needs ${MIN_SECRET_BITS}): use a random value (openssl rand -base64 48)`;
  }
  return null;
}
