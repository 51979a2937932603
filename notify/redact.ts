/** Keeping notifier secrets (webhook URLs, SMTP passwords) out of error messages. */

/**
 * Removes secrets from text that is about to become an error message (which the outbox
 * writes to disk and the CLI prints). Each secret is also removed in its URL-encoded forms,
 * since libraries quote URLs and credentials both ways.
 */
export function redact(text: string, secrets: Array<string | null | undefined>): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(encodeURI(secret));
    try {
      variants.add(decodeURIComponent(secret));
    } catch {
      // Not valid percent-encoding: the raw form is covered already.
    }
  }
  // Longest first, so a URL is replaced whole before its path is. Strings under 4 characters
  // are left alone: replacing every "p" would wreck the message and hide nothing (we never
  // put secrets into messages ourselves; this only catches libraries quoting them).
  let out = text;
  for (const variant of [...variants].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(variant).join('***');
  }
  return out;
}
