// What `--prefill=N` changes in a figure: the maintenance schedule is pushed past the figure (so no pruning round
// runs during it, for the empty run of a pair as for the filled one), and the database is filled before the figure.

/** Bridge environment of a figure run with `--prefill`: no maintenance round within a day of the start. */
export function maintenanceOff(prefill) {
  return prefill === undefined ? {} : { MAINTENANCE_INTERVAL_MS: String(86_400_000) };
}

/** Fills the bridge's database with `prefill` finished jobs and hooks (none for 0); resolves what was written. */
export async function fillBefore(bridge, { prefill, scopeId, channelInstanceKey, say, label }) {
  if (prefill === undefined) return undefined;
  if (prefill === 0) return { rows: 0 };
  say(`${label}: filling the database with ${prefill.toLocaleString('en-US')} finished jobs and hooks`);
  const filled = await bridge.prefill({ rows: prefill, scopeId, channelInstanceKey });
  say(
    `${label}: filled in ${Math.round(filled.ms / 1000)} s (${Object.entries(filled.timings)
      .map(([k, v]) => `${k} ${Math.round(v / 1000)} s`)
      .join(', ')}), database ${Math.round(filled.databaseMiB)} MiB`,
  );
  return filled;
}
