/** "3 s", "4 min", "2 h" for a duration in ms. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A local date and time for an ISO string or epoch ms; an em dash for none. */
export function when(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** The text of a message payload, or its type in brackets. */
export function messageText(payload: unknown, type: string): string {
  const p = payload as { text?: unknown; message?: { text?: unknown } } | null;
  const text = typeof p?.text === 'string' ? p.text : typeof p?.message?.text === 'string' ? p.message.text : '';
  return text || `[${type}]`;
}
