// A hand-written SVG line chart: relay latency (log scale) against the offered rate, one line per series.

const W = 760;
const H = 440;
const M = { left: 70, right: 200, top: 40, bottom: 56 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const esc = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/**
 * `series`: `[{ label, dashed, points: [[rate, ms], ...] }]`. Returns the SVG text. The y axis is logarithmic
 * because p99 under overload is orders of magnitude above p50 at low rates.
 */
export function latencyChart({ title, subtitle, series }) {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0);
  const maxX = Math.max(10, ...all.map(([x]) => x)) * 1.05;
  const minY = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...all.map(([, y]) => y)))));
  const maxY = 10 ** Math.ceil(Math.log10(Math.max(10, ...all.map(([, y]) => y))));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x) => M.left + (x / maxX) * pw;
  const sy = (y) => M.top + ph - ((Math.log10(y) - Math.log10(minY)) / (Math.log10(maxY) - Math.log10(minY))) * ph;
  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${M.left}" y="20" font-size="15" font-weight="bold">${esc(title)}</text>`);
  if (subtitle) out.push(`<text x="${M.left}" y="34" font-size="11" fill="#555">${esc(subtitle)}</text>`);
  // Grid and y ticks: every power of ten, with 2 and 5 between.
  for (let decade = minY; decade < maxY * 1.001; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const y = decade * m;
      if (y > maxY * 1.001) break;
      const py = sy(y);
      out.push(
        `<line x1="${M.left}" y1="${py}" x2="${M.left + pw}" y2="${py}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`,
      );
      out.push(
        `<text x="${M.left - 6}" y="${py + 4}" text-anchor="end" fill="#333">${y >= 1000 ? `${y / 1000} s` : `${y} ms`}</text>`,
      );
    }
  }
  const stepX = niceStep(maxX);
  for (let x = 0; x <= maxX; x += stepX) {
    const px = sx(x);
    out.push(`<line x1="${px}" y1="${M.top}" x2="${px}" y2="${M.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${px}" y="${M.top + ph + 16}" text-anchor="middle" fill="#333">${x}</text>`);
  }
  out.push(`<line x1="${M.left}" y1="${M.top + ph}" x2="${M.left + pw}" y2="${M.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">offered rate (messages per second)</text>`);
  out.push(
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">latency (log scale)</text>`,
  );
  series.forEach((s, i) => {
    // p50 and p99 of one series share a colour; p99 is dashed.
    const color = COLORS[Math.floor(i / 2) % COLORS.length];
    const pts = s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0)
      .sort((a, b) => a[0] - b[0]);
    if (pts.length === 0) return;
    const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    for (const [x, y] of pts)
      out.push(
        `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${s.label}: ${x}/s, ${Math.round(y * 10) / 10} ms`)}</title></circle>`,
      );
    const ly = M.top + 10 + i * 20;
    out.push(
      `<line x1="${W - M.right + 16}" y1="${ly}" x2="${W - M.right + 44}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${W - M.right + 50}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceStep(max) {
  const raw = max / 8;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}
