/**
 * Replaces every occurrence of the given secrets in a text by `[redacted]`. Used on error messages built from
 * server answers, which could echo a token, a code or the client secret back to us.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; tokens and secrets are long.
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out;
}
