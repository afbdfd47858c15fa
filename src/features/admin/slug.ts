/**
 * A council's address-friendly name: lower-case ASCII, Danish letters spelled out the Danish way
 * (æ → ae, ø → oe, å → aa: "Glumsø Lokalråd" → "glumsoe-lokalraad"), other accents dropped.
 */
export function slugify(text: string, maxLength = 60): string {
  return text
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
}
