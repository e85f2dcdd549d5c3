/** Serialises a value for a JSON text column. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Parses a JSON text column; the store wrote it, so a parse error means corruption and is thrown. */
export function fromJson(text: string): unknown {
  return JSON.parse(text);
}
