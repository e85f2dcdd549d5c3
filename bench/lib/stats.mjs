// Small statistics helpers: every figure in BENCHMARKS.md is the median of several runs, with min and max.

/** Sorted copy of finite numbers. */
function sorted(values) {
  return values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export function quantile(values, q) {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[rank];
}

/** `{median, min, max, runs}` of one figure over several runs. */
export function summarize(values) {
  const s = sorted(values);
  if (s.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: [] };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: values };
}

/** Rounds to `digits` decimals (keeps NaN). */
export function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
