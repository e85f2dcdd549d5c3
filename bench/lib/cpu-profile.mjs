import { readFileSync } from 'node:fs';

/** Which part of the system a profile frame belongs to (package, bridge folder, Node internals, or V8 pseudo-frames). */
export function categoryOf(callFrame) {
  const { url, functionName } = callFrame;
  if (!url) {
    if (['(garbage collector)', '(idle)', '(program)', '(root)'].includes(functionName)) return functionName;
    return `(native) ${functionName || 'anonymous'}`;
  }
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (modules) return modules[1];
  const ours = url.match(/packages\/([^/]+)\/dist\/(?:([^/]+)\/)?/);
  if (ours) return ours[2] && !ours[2].endsWith('.js') ? `${ours[1]}/${ours[2]}` : ours[1];
  if (url.startsWith('node:')) return url.replace(/^node:internal\/(.*?)(\/.*)?$/, 'node:$1');
  return url.replace(/^file:\/\/.*\/(bench\/.*)$/, '$1');
}

/**
 * Summarises a `.cpuprofile` (node --cpu-prof): total sampled time, and self time grouped by category and by
 * function, largest first. Idle time is reported apart, so percentages are of busy time.
 */
export function summarizeCpuProfile(file, { top = 15 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Samples taken while the inspector itself ran (starting and stopping the profiler) are not the server's work.
  const underInspector = (id) => {
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      if (nodes.get(cur).callFrame.url === 'node:inspector') return true;
    }
    return false;
  };
  const byCategory = new Map();
  const byFunction = new Map();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    if (underInspector(id)) continue;
    const { callFrame } = nodes.get(id);
    const category = categoryOf(callFrame);
    if (category === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    byCategory.set(category, (byCategory.get(category) ?? 0) + us);
    const where = callFrame.url
      ? `${callFrame.url.replace(/^.*\/(node_modules|packages)\//, '')}:${callFrame.lineNumber + 1}`
      : '';
    // A native leaf (a C++ binding such as better-sqlite3's `run`) is named with its JS caller, which says what it is.
    const caller = !callFrame.url && parent.has(id) ? nodes.get(parent.get(id)).callFrame : undefined;
    const via = caller?.url
      ? ` <- ${caller.functionName || '(anonymous)'} ${caller.url.replace(/^.*\/(node_modules|packages)\//, '')}`
      : '';
    const key = `${callFrame.functionName || '(anonymous)'} ${where}${via}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const rank = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pctOfBusy: Math.round((us / busyUs) * 1000) / 10 }));
  return {
    sampledMs: Math.round((busyUs + idleUs) / 1000),
    busyMs: Math.round(busyUs / 1000),
    idlePct: Math.round((idleUs / (busyUs + idleUs)) * 1000) / 10,
    byCategory: rank(byCategory),
    byFunction: rank(byFunction),
  };
}
