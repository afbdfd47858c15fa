/**
 * Turns what a person typed into a safe SQLite FTS5 MATCH expression. Every term becomes a quoted
 * phrase (inner " doubled), so FTS5 operators (OR, NOT, NEAR, *, -, ^, :) and SQL
 * metacharacters are only ever text. The last term matches as a prefix, so a query can be typed
 * word by word. Terms are ANDed (FTS5 joins adjacent phrases with AND).
 *
 * Terms without a letter or digit are dropped: the unicode61 tokenizer makes no token of them,
 * and an empty phrase would make the whole AND match nothing. Returns null when no term is left.
 */
export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 12;

export function ftsMatchExpression(q: string): string | null {
  const terms = q
    .slice(0, MAX_QUERY_LENGTH)
    .split(/\s+/)
    .filter((term) => term !== '' && /[\p{L}\p{N}]/u.test(term))
    .slice(0, MAX_TERMS)
    .map((term) => `"${term.replaceAll('"', '""')}"`);
  if (terms.length === 0) return null;
  terms[terms.length - 1] += '*';
  return terms.join(' ');
}
