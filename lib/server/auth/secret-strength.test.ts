import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { estimatedBits, secretProblem } from './secret-strength';

describe('secret strength', () => {
  it('accepts what the docs tell you to generate', () => {
    for (let i = 0; i < 50; i++) {
      expect(secretProblem(randomBytes(48).toString('base64'))).toBeNull();
      expect(secretProblem(randomBytes(32).toString('hex'))).toBeNull();
      expect(secretProblem(randomBytes(16).toString('hex'))).toBeNull();
    }
  });

  it('refuses published, short, repeated and low-entropy secrets with a reason', () => {
    expect(secretProblem('published-example-secret-0123456789ab', ['published-example-secret-0123456789ab'])).toMatch(
      /published/,
    );
    expect(secretProblem('short')).toMatch(/at least 32/);
    expect(secretProblem('a'.repeat(40))).toMatch(/repeated/);
    expect(secretProblem('0123456789abcdef'.repeat(2))).toMatch(/repeated/);
    expect(secretProblem('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab')).toMatch(/guessable/);
    expect(estimatedBits('a'.repeat(32))).toBe(0);
    // Not repeated, all one class, too little information.
    expect(secretProblem('aaaabbbbaaaabbbbaaaabbbbaaaabbbc')).toMatch(/guessable/);
  });
});
