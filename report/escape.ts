/**
 * Text from documents (headings, row names, prose in messages) goes into HTML and into a JSON
 * block: it may hold `<script>`, bidi overrides that turn text around, or terminal escapes.
 * Invisible and control characters are shown by their code point, so a reviewer sees that they
 * are there; then the text is escaped for where it goes.
 */

/** C0/C1 controls (but tab), DEL, bidi embeddings/overrides/isolates, marks, line separators, BOM. */
const INVISIBLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** `\u202e` becomes `<U+202E>` (as text): what a document hides is shown, never obeyed. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** For element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Document text as HTML: made visible, then escaped. */
export function html(text: string): string {
  return escapeHtml(visible(text));
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` as \u escapes, so no
 * `</script>` or `<!--` can end or change the block, and the text parses back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
