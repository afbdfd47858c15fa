import { cleanText } from '../../web/schema-helpers.js';

/**
 * Turns what a person typed into a safe SQLite FTS5 MATCH expression. Every term becomes a quoted
 * phrase (inner " doubled), so FTS5 operators (AND, OR, NOT, NEAR, *, -, ^, :, parentheses) and
 * SQL metacharacters are only ever text. The last term matches as a prefix, so a query can be typed
 * word by word. Terms are ANDed (FTS5 joins adjacent phrases with AND).
 *
 * Total: any string gives a valid expression or null. Control characters go first — FTS5 reads
 * the expression as a C string, so a NUL inside a phrase cut it off ("unterminated string") — and
 * so do lone surrogates (half a character, from a cut or a bad encoding). Terms without a letter or
 * digit are dropped: the unicode61 tokenizer makes no token of them, and an empty phrase would make
 * the whole AND match nothing. Returns null when no term is left.
 */
export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 12;

const LONE_SURROGATE = /\p{Cs}/gu;

export function ftsMatchExpression(q: string): string | null {
  const terms = cleanText(q.slice(0, MAX_QUERY_LENGTH))
    .replace(LONE_SURROGATE, '')
    .split(/\s+/)
    .filter((term) => /[\p{L}\p{N}]/u.test(term))
    .slice(0, MAX_TERMS)
    .map((term) => `"${term.replaceAll('"', '""')}"`);
  if (terms.length === 0) return null;
  terms[terms.length - 1] += '*';
  return terms.join(' ');
}
