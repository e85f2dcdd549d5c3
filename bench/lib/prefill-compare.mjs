// `--prefill`: each filled figure next to the empty one measured just before it (same engine, same conversations),
// as ratios filled / empty. Stored in results.json (`prefill`) and rendered by report.mjs.

const ratio = (filled, empty) =>
  Number.isFinite(filled) && Number.isFinite(empty) && empty !== 0 ? filled / empty : Number.NaN;

const rowsOf = (r) => r.prefill?.rows;

/** The empty figure a filled one is compared with: same engine (and conversations), `prefill.rows` 0. */
function emptyTwin(all, r) {
  return all.find((o) => rowsOf(o) === 0 && o.engine === r.engine && o.chats === r.chats);
}

function intakeFigures(r) {
  return {
    bridgeReqPerSec: r.bridge.reqPerSec.median,
    bareReqPerSec: r.bare.reqPerSec.median,
    ratioToBare: r.ratio.median,
    p50Ms: r.bridge.p50Ms.median,
    p99Ms: r.bridge.p99Ms.median,
    load: r.loadAverage?.median,
  };
}

/**
 * The relay figures of one direction: at the lowest (modest) rate tried, at `topRate` (the highest fixed rate both
 * figures of a pair tried), and the highest sustained rate the step-up found.
 */
function relayFigures(d, topRate) {
  const tried = d.fixed.filter((f) => !f.skipped);
  const modest = tried[0];
  const top = tried.find((f) => f.rate === topRate);
  return {
    modestRate: modest?.rate,
    modestP50Ms: modest?.p50Ms.median,
    modestP99Ms: modest?.p99Ms.median,
    modestBridgeCpuMsPerMsg: modest?.bridgeCpuMsPerMsg?.median,
    modestSustained: modest ? `${modest.sustainedRuns}/${modest.runs}` : undefined,
    topRate,
    topThroughput: top?.throughput.median,
    topP50Ms: top?.p50Ms.median,
    maxSustainedRate: d.maxSustainedRate,
  };
}

const triedRates = (d) => d.fixed.filter((f) => !f.skipped).map((f) => f.rate);

/** Rows `{figure, engine, chats?, direction?, rows, empty, filled, ratio}` for every filled figure with an empty twin. */
export function comparePrefill(results) {
  const out = [];
  const intake = Object.values(results.intake ?? {});
  for (const r of intake) {
    const twin = rowsOf(r) > 0 ? emptyTwin(intake, r) : undefined;
    if (!twin) continue;
    const empty = intakeFigures(twin);
    const filled = intakeFigures(r);
    out.push({
      figure: 'intake',
      engine: r.engine,
      rows: rowsOf(r),
      fill: { ms: r.prefill.ms, databaseMiB: r.prefill.databaseMiB },
      empty,
      filled,
      ratio: Object.fromEntries(Object.keys(empty).map((k) => [k, ratio(filled[k], empty[k])])),
    });
  }
  const relay = Object.values(results.relay ?? {});
  for (const r of relay) {
    const twin = rowsOf(r) > 0 ? emptyTwin(relay, r) : undefined;
    if (!twin) continue;
    for (const direction of ['inbound', 'outbound']) {
      const both = triedRates(twin[direction]).filter((rate) => triedRates(r[direction]).includes(rate));
      const topRate = both.at(-1);
      const empty = relayFigures(twin[direction], topRate);
      const filled = relayFigures(r[direction], topRate);
      const keys = ['modestP50Ms', 'modestP99Ms', 'modestBridgeCpuMsPerMsg', 'topThroughput', 'maxSustainedRate'];
      out.push({
        figure: 'relay',
        engine: r.engine,
        chats: r.chats,
        direction,
        rows: rowsOf(r),
        fill: { ms: r.prefill.ms, databaseMiB: r.prefill.databaseMiB },
        empty,
        filled,
        ratio: Object.fromEntries(keys.map((k) => [k, ratio(filled[k], empty[k])])),
      });
    }
  }
  return out;
}
