import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';
import { BadUserInputError } from '../errors';

const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 256;
/**
 * zxcvbn's score runs 0-4; 3 is "safely unguessable: moderate protection from an offline
 * slow-hash attack" (about 10^8 guesses), the usual bar (Dropbox's, zxcvbn's own advice).
 */
const MIN_SCORE = 3;

/**
 * The strength estimator, built on first use (its dictionaries take ~0.3 s and ~60 MB to load;
 * nothing is configured globally). Dictionaries: @zxcvbn-ts/language-common's `passwords-common`
 * (the most common passwords of breach corpora) and diceware list, and the English words, first
 * and last names and Wikipedia terms of @zxcvbn-ts/language-en, with the keyboard adjacency
 * graphs (qwerty, azerty, dvorak, keypads) for walks such as `qwertyuiop` or `1q2w3e4r`.
 * Levenshtein matching stays off: with these dictionaries it costs about a second per check.
 */
let estimator: ZxcvbnFactory | undefined;
function strength(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    useLevenshteinDistance: false,
  });
  return estimator;
}

/**
 * docs/product.md §3: at least 12 characters, not the email (or its local part), not a common
 * password. "Common" is decided by a maintained estimator (zxcvbn-ts) rather than a hand-made
 * list: a common password, a dictionary word with digits, a keyboard walk, a repeat or a
 * sequence scores below MIN_SCORE. The person's email and its parts count as known words.
 */
export function assertPasswordAcceptable(password: string, email: string, field = 'password'): void {
  if (typeof password !== 'string' || [...password].length < PASSWORD_MIN_LENGTH) {
    throw new BadUserInputError(`The password must have at least ${PASSWORD_MIN_LENGTH} characters.`, field);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new BadUserInputError(`The password must have at most ${PASSWORD_MAX_LENGTH} characters.`, field);
  }
  const lower = password.toLowerCase();
  const e = email.trim().toLowerCase();
  const local = e.split('@')[0];
  if (lower === e || (local.length >= 4 && lower.includes(local))) {
    throw new BadUserInputError('The password must not be or contain your email address.', field);
  }
  const userInputs = [e, local, ...local.split(/[^a-z0-9]+/).filter((w) => w.length >= 3)];
  if (strength().check(password, userInputs).score < MIN_SCORE) {
    throw new BadUserInputError('This password is too common or too easy to guess; choose a longer, less predictable one.', field);
  }
}
