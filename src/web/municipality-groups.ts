/**
 * Councils grouped by municipality, in the order they come — the repositories sort by municipality
 * and then name — for a form's <optgroup>s and for grouped lists.
 */
export function groupByMunicipality<C extends { municipality_name: string }>(
  councils: Iterable<C>,
): { municipality: string; councils: C[] }[] {
  const groups = new Map<string, C[]>();
  for (const council of councils) {
    const list = groups.get(council.municipality_name) ?? [];
    list.push(council);
    groups.set(council.municipality_name, list);
  }
  return [...groups].map(([municipality, councils]) => ({ municipality, councils }));
}
