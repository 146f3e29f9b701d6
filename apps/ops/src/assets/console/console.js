/**
 * The operator console of ops (/console): live topology, traffic charts, request lists with
 * waterfalls, and dead letters, fed by the Server-Sent Events of /console/events and searched via
 * /console/requests?q= (shapes: apps/ops/src/app/console/console.events.ts).
 *
 * Every value from the server is rendered as text: the DOM is built with createElement,
 * textContent (append of strings) and setAttribute only — never innerHTML or its relatives.
 */

/** How many of each the page keeps (a few hundred requests at most). */
const LIMITS = { recent: 150, slowest: 50, partial: 100, search: 100, deadLetters: 100 };
const GONE_MS = 4000;
const SVG_NS = 'http://www.w3.org/2000/svg';
const THEME_KEY = 'ops-console-theme';
const OUTCOMES = { gateway: ['complete', 'partial', 'error'], chain: ['ok', 'timeout', 'left', 'error'] };
const STATUS_CLASS = {
  ok: 'ok',
  complete: 'ok',
  partial: 'warn',
  timeout: 'warn',
  error: 'err',
  left: 'left',
  pending: 'muted',
  unsent: 'muted',
};

/** Everything the page shows; a `hello` replaces it all. */
const state = {
  ready: false,
  instance: null,
  topology: null,
  topologyAt: 0,
  traffic: { windowS: 300, series: new Map(), load: [] },
  lists: { recent: [], slowest: [], partial: [], search: [] },
  deadLetters: [],
  selected: null,
};

// ---------------------------------------------------------------------------------------------
// DOM helpers: text only.

/** An element with attributes (set with setAttribute) and children (strings become text nodes). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  el.append(
    ...children
      .flat()
      .filter((c) => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
  return el;
}

/** An SVG element with attributes. */
function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  return el;
}

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) el.setAttribute(name, String(value));
  }
}

const $ = (id) => document.getElementById(id);

/** Restarts the short highlight of an element that changed. */
function flash(el) {
  el.classList.remove('flash');
  void el.offsetWidth;
  el.classList.add('flash');
}

/**
 * Brings the children of `container` in line with `items`, reusing the element of each key:
 * `create(item)` makes a new one, `update(el, item)` refreshes a kept one, `remove(el)` drops one
 * (default: at once). Elements marked `.gone` (leaving, shown a little longer) stay at the end.
 */
function reconcile(container, items, { key, create, update, remove = (el) => el.remove() }) {
  const old = new Map();
  for (const el of container.children) if (!el.classList.contains('gone')) old.set(el.dataset.key, el);
  items.forEach((item, i) => {
    const k = key(item);
    let el = old.get(k);
    if (el) {
      old.delete(k);
      update?.(el, item);
    } else {
      el = create(item);
      el.dataset.key = k;
    }
    if (container.children[i] !== el) container.insertBefore(el, container.children[i] ?? null);
  });
  for (const el of old.values()) remove(el);
}

// ---------------------------------------------------------------------------------------------
// Formatting.

const pad = (n, w = 2) => String(n).padStart(w, '0');

function fmtClock(ms, withMs = false) {
  const d = new Date(ms);
  const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${hms}.${pad(d.getMilliseconds(), 3)}` : hms;
}

function fmtMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** Whole milliseconds, for a request's own figures. */
const fmtMsExact = (ms) => (Number.isFinite(ms) ? `${Math.round(ms).toLocaleString('en-US')} ms` : '–');

function fmtNum(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Number.isInteger(n) || Math.abs(n) >= 100) return String(Math.round(n));
  return n.toFixed(1);
}

function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function fmtDuration(ms) {
  const m = Math.floor(ms / 60000);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  return hours < 48 ? `${hours} h ${m % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Long ids keep their start and their (distinguishing) end. */
const middleEllipsis = (text, max) => (text.length > max ? `${text.slice(0, max - 11)}…${text.slice(-10)}` : text);
const shortUid = (uid) => (uid.length > 8 ? uid.slice(0, 8) : uid);
const statusClass = (status) => STATUS_CLASS[status] ?? 'muted';
const badge = (status) => h('span', { class: `badge st-${statusClass(status)}` }, status);
const sum = (values) => values.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// Theme: prefers-color-scheme, unless the toggle chose one (remembered in localStorage).

function storedTheme() {
  try {
    const theme = localStorage.getItem(THEME_KEY);
    return theme === 'light' || theme === 'dark' ? theme : null;
  } catch {
    return null;
  }
}

function initTheme() {
  const media = matchMedia('(prefers-color-scheme: dark)');
  const button = $('theme');
  let chosen = storedTheme();
  const apply = () => {
    const theme = chosen ?? (media.matches ? 'dark' : 'light');
    document.documentElement.setAttribute('data-theme', theme);
    button.textContent = theme === 'dark' ? '☀ Light' : '☾ Dark';
    button.setAttribute('title', `Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`);
  };
  media.addEventListener('change', apply);
  button.addEventListener('click', () => {
    chosen = document.documentElement.getAttribute('data-theme') === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_KEY, chosen);
    } catch {
      // Not remembered (storage off): it still applies to this page.
    }
    apply();
  });
  apply();
}

// ---------------------------------------------------------------------------------------------
// Connection: EventSource reconnects by itself; each connection starts with a `hello`.

function connect() {
  const source = new EventSource('/console/events');
  listen(source, 'hello', onHello);
  listen(source, 'topology', onTopology);
  listen(source, 'traffic', onTraffic);
  listen(source, 'requests', onRequests);
  listen(source, 'dead-letters', onDeadLetters);
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      setConnection('offline');
      setTimeout(connect, 3000);
    } else {
      setConnection('reconnecting');
    }
  });
}

/** Calls `handler` with the parsed data of each `name` event (only after a `hello`). */
function listen(source, name, handler) {
  source.addEventListener(name, (event) => {
    if (name !== 'hello' && !state.ready) return;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (err) {
      console.warn(`console: a ${name} event that is not JSON`, err);
      return;
    }
    try {
      handler(data);
    } catch (err) {
      console.error(`console: the ${name} event failed`, err);
    }
  });
}

function setConnection(connState) {
  const el = document.querySelector('[data-testid="connection"]');
  el.textContent = connState;
  el.setAttribute('data-state', connState);
}

function onHello(hello) {
  state.ready = true;
  state.instance = hello.instance;
  setTopology(hello.topology, false);
  setTraffic(hello.traffic);
  state.lists.recent = hello.requests.recent.slice(0, LIMITS.recent);
  state.lists.slowest = hello.requests.slowest.slice(0, LIMITS.slowest);
  state.lists.partial = hello.requests.partial.slice(0, LIMITS.partial);
  renderRequestLists(false);
  state.deadLetters = [...hello.deadLetters].sort((a, b) => b.at - a.at).slice(0, LIMITS.deadLetters);
  renderDeadLetters(false);
  renderServed();
  setConnection('live');
}

const onTopology = (topology) => setTopology(topology, true);

function onTraffic(tick) {
  applyTrafficTick(tick);
  renderTraffic();
}

function onRequests(requests) {
  addRequests(requests);
  renderRequestLists(true);
}

function onDeadLetters(letters) {
  const newest = [...letters].sort((a, b) => b.at - a.at);
  state.deadLetters = [...newest, ...state.deadLetters].slice(0, LIMITS.deadLetters);
  renderDeadLetters(true);
}

// ---------------------------------------------------------------------------------------------
// Header: the serving ops instance, uptime, last update.

function renderServed() {
  const { instanceId, replyPartition, startedAt, ringSize } = state.instance;
  $('served').replaceChildren(
    h('span', { class: 'muted' }, 'served by ', h('b', {}, instanceId)),
    h('span', { class: 'muted' }, 'ops.resp ', h('b', {}, replyPartition === null ? 'none' : `p${replyPartition}`)),
    h('span', { class: 'muted', id: 'uptime' }, `up ${fmtDuration(Date.now() - startedAt)}`),
    h('span', { class: 'muted' }, `ring ${ringSize}`),
  );
}

function tickHeader() {
  if (!state.ready) return;
  const uptime = $('uptime');
  if (uptime) uptime.textContent = `up ${fmtDuration(Date.now() - state.instance.startedAt)}`;
  const last = state.traffic.load.at(-1);
  $('updated').textContent = last ? `updated ${fmtClock(last.t * 1000)}` : '';
}

// ---------------------------------------------------------------------------------------------
// Topology: services and their instances, kept in place so changes can be highlighted.

/** The lease each instance element counts down from: { ttlS, at (performance.now()), maxS }. */
const leases = new WeakMap();
/** What each instance element shows now, to see what changed. */
const shown = new WeakMap();

function setTopology(topology, highlight) {
  state.topology = topology;
  state.topologyAt = performance.now();
  const services = [...topology.services].sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'gateway' ? -1 : 1,
  );
  reconcile($('topology'), services, {
    key: (svc) => svc.name,
    create: (svc) => createService(svc, highlight),
    update: (el, svc) => updateService(el, svc, highlight),
    remove: (el) => markGone(el, 'service-gone'),
  });
  renderTopologySummary(services);
}

function renderTopologySummary(services) {
  const instances = services.flatMap((svc) => svc.instances);
  const draining = instances.filter((i) => i.draining).length;
  const parts = [`${services.length} services`, `${instances.length} instances`];
  if (draining) parts.push(`${draining} draining`);
  $('topo-summary').textContent = parts.join(' · ');
}

function createService(svc, highlight) {
  const el = h(
    'div',
    { class: 'svc', 'data-testid': 'service', 'data-name': svc.name, 'data-kind': svc.kind },
    h(
      'div',
      { class: 'svc-head' },
      h('span', { class: 'svc-name' }, svc.name),
      h('span', { class: 'svc-kind' }, svc.kind),
      h('span', { class: 'svc-topic' }, svc.topic),
      h('span', { class: 'svc-count' }),
    ),
    h('div', { class: 'svc-instances' }),
  );
  updateService(el, svc, highlight);
  if (highlight) flash(el);
  return el;
}

function updateService(el, svc, highlight) {
  const n = svc.instances.length;
  el.querySelector('.svc-count').textContent = `${n} instance${n === 1 ? '' : 's'}`;
  el.querySelector('.svc-topic').textContent = svc.topic;
  const instances = [...svc.instances].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  reconcile(el.querySelector('.svc-instances'), instances, {
    key: (inst) => inst.instanceId,
    create: (inst) => createInstance(svc, inst, highlight),
    update: (instEl, inst) => updateInstance(instEl, svc, inst, highlight),
    remove: (instEl) => markGone(instEl, 'instance-gone'),
  });
}

/** Shows a service or instance that left for a few seconds (no longer under its test id), then drops it. */
function markGone(el, testId) {
  for (const gone of [el, ...el.querySelectorAll('[data-testid="instance"]')]) {
    gone.classList.add('gone');
    gone.setAttribute('data-testid', gone === el ? testId : 'instance-gone');
    const lease = gone.querySelector('.lease-text');
    if (lease) lease.textContent = 'left';
  }
  el.parentElement.append(el);
  flash(el);
  setTimeout(() => el.remove(), GONE_MS);
}

function createInstance(svc, inst, highlight) {
  const el = h(
    'div',
    { class: 'inst', 'data-testid': 'instance', 'data-instance': inst.instanceId },
    h('span', { class: 'dot' }),
    h('span', { class: 'inst-id' }),
    h('span', { class: 'parts' }),
    h(
      'span',
      { class: 'lease' },
      h('span', { class: 'lease-text' }),
      h('span', { class: 'lease-bar' }, h('span', { class: 'lease-fill' })),
    ),
  );
  updateInstance(el, svc, inst, false);
  if (highlight) flash(el);
  return el;
}

function updateInstance(el, svc, inst, highlight) {
  const before = shown.get(el);
  const partsKey = inst.partitions.join(',');
  if (highlight && before && (before.draining !== inst.draining || before.partsKey !== partsKey)) flash(el);
  shown.set(el, { draining: inst.draining, partsKey });
  el.setAttribute('data-draining', String(inst.draining));
  el.setAttribute('title', instanceTitle(svc, inst));
  el.querySelector('.inst-id').replaceChildren(
    h('span', { class: 'mono' }, middleEllipsis(inst.instanceId, 26)),
    ...instanceTags(svc, inst),
  );
  el.querySelector('.parts').replaceChildren(...partitionChips(svc, inst));
  const previous = leases.get(el);
  const maxS = Math.max(previous?.maxS ?? 0, inst.leaseTtlS ?? 0);
  leases.set(el, { ttlS: inst.leaseTtlS, at: performance.now(), maxS });
  updateLease(el);
}

function instanceTags(svc, inst) {
  const tags = [];
  if (svc.kind === 'gateway' && state.instance?.instanceId === inst.instanceId) {
    tags.push(h('span', { class: 'inst-tag tag-self', title: 'serves this console' }, 'this'));
  }
  if (inst.draining) tags.push(h('span', { class: 'inst-tag tag-drain' }, 'draining'));
  return tags;
}

function instanceTitle(svc, inst) {
  const lines = [inst.instanceId];
  if (inst.host) lines.push(`host ${inst.host}`);
  lines.push(
    svc.kind === 'gateway'
      ? `ops.resp partition: ${inst.partitions.join(', ') || 'none'}`
      : `${svc.topic} partitions: ${inst.partitions.join(', ') || 'none'}`,
  );
  if (inst.draining) lines.push('draining: takes no new work');
  return lines.join('\n');
}

function partitionChips(svc, inst) {
  if (inst.partitions.length === 0) return [h('span', { class: 'muted', title: 'holds no partition' }, 'no partition')];
  const topic = svc.kind === 'gateway' ? 'ops.resp' : svc.topic;
  return partitionRuns(inst.partitions).map(([from, to]) => {
    const text = from === to ? String(from) : `${from}–${to}`;
    return h(
      'span',
      { class: 'chip', title: `${topic} partition${from === to ? '' : 's'} ${text}` },
      svc.kind === 'gateway' ? `resp ${text}` : text,
    );
  });
}

/** Partitions as runs of consecutive numbers: [0, 1, 2, 5] → [[0, 2], [5, 5]]. */
function partitionRuns(partitions) {
  const runs = [];
  for (const p of [...partitions].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && p === last[1] + 1) last[1] = p;
    else runs.push([p, p]);
  }
  return runs;
}

/** The seconds left on an instance's lease, counted down between topology events. */
function updateLease(el) {
  const lease = leases.get(el);
  if (!lease || el.classList.contains('gone')) return;
  const box = el.querySelector('.lease');
  const fill = el.querySelector('.lease-fill');
  if (lease.ttlS === null || lease.ttlS === undefined) {
    el.querySelector('.lease-text').textContent = 'lease ?';
    fill.style.width = '0%';
    return;
  }
  const left = Math.max(0, lease.ttlS - (performance.now() - lease.at) / 1000);
  el.querySelector('.lease-text').textContent = `${Math.ceil(left)} s`;
  fill.style.width = `${lease.maxS > 0 ? Math.min(100, (left / lease.maxS) * 100) : 0}%`;
  box.classList.toggle('low', left < 3);
  box.setAttribute('title', `lease: ${left.toFixed(1)} s left`);
}

function tickLeases() {
  for (const el of document.querySelectorAll('[data-testid="instance"]')) updateLease(el);
}

// ---------------------------------------------------------------------------------------------
// Traffic: the last windowS seconds per series, drawn as inline SVG.

function setTraffic(traffic) {
  state.traffic = {
    windowS: traffic.windowS,
    series: new Map(Object.entries(traffic.series).map(([name, points]) => [name, [...points]])),
    load: [...traffic.load],
  };
  trimTraffic();
  renderTraffic();
}

function applyTrafficTick(tick) {
  for (const [name, second] of Object.entries(tick.series)) {
    if (!state.traffic.series.has(name)) state.traffic.series.set(name, []);
    state.traffic.series.get(name).push(second);
  }
  state.traffic.load.push(tick.load);
  trimTraffic();
}

/** The last second there is data for (epoch seconds). */
function latestSecond() {
  let t = state.traffic.load.at(-1)?.t ?? 0;
  for (const points of state.traffic.series.values()) t = Math.max(t, points.at(-1)?.t ?? 0);
  return t;
}

function trimTraffic() {
  const from = latestSecond() - state.traffic.windowS;
  const keep = (points) => points.filter((p) => p.t > from);
  for (const [name, points] of state.traffic.series) state.traffic.series.set(name, keep(points));
  state.traffic.load = keep(state.traffic.load);
}

function renderTraffic() {
  const t1 = latestSecond();
  const frame = { t0: t1 - state.traffic.windowS + 1, t1 };
  $('traffic-window').textContent = `last ${Math.round(state.traffic.windowS / 60)} min · per second`;
  renderGatewayCard(frame);
  const chains = [...state.traffic.series.keys()].filter((name) => name !== 'gateway').sort();
  reconcile($('traffic-chains'), chains, { key: (name) => name, create: createChainCard });
  for (const el of $('traffic-chains').children) renderChainCard(el, el.dataset.key, frame);
}

/** A chart: a head with a title and a legend of current values, over an SVG. */
function createChart(title) {
  const head = h('div', { class: 'chart-head' }, h('span', { class: 'chart-title' }, title), h('span', { class: 'legend' }));
  return h('div', { class: 'chart' }, head, s('svg'));
}

/** [t, value] pairs of one field of per-second points. */
const valuesOf = (points, pick) => points.map((p) => [p.t, pick(p)]);

/** The outcomes of a series, stacked in order: the known ones, then any other the server sends. */
function outcomeSeries(name, points) {
  const known = OUTCOMES[name === 'gateway' ? 'gateway' : 'chain'];
  const extra = new Set(points.flatMap((p) => Object.keys(p.counts)).filter((k) => !known.includes(k)));
  return [...known, ...extra].map((o) => ({
    kind: 'stack',
    cls: statusClass(o),
    label: o,
    values: valuesOf(points, (p) => p.counts[o] ?? 0),
  }));
}

const latencySeries = (points) => [
  { kind: 'line', cls: 'p50', label: 'p50', values: valuesOf(points, (p) => p.p50Ms) },
  { kind: 'line', cls: 'p99', label: 'p99', values: valuesOf(points, (p) => p.p99Ms) },
];

/** Draws `series` in `chart` and shows each one's last value in `legend` (the chart's own by default). */
function plot(chart, frame, series, format, legend = chart.querySelector('.legend')) {
  drawChart(chart.querySelector('svg'), frame, series, format);
  legend.replaceChildren(
    ...series.map(({ cls, label, values }) =>
      h('span', { class: 'kpi' }, h('i', { class: `sw sw-${cls}` }), `${label} `, h('b', {}, format(values.at(-1)?.[1] ?? null))),
    ),
  );
}

function renderGatewayCard(frame) {
  const card = $('traffic-gateway');
  if (!card.firstChild) {
    const charts = ['requests/s', 'latency', 'in flight', 'shed · DLQ /s'].map(createChart);
    card.append(h('div', { class: 'card-head' }), h('div', { class: 'charts' }, charts));
  }
  const points = state.traffic.series.get('gateway') ?? [];
  const load = state.traffic.load;
  const [rate, latency, inflight, refused] = card.querySelectorAll('.chart');
  plot(rate, frame, outcomeSeries('gateway', points), fmtNum);
  plot(latency, frame, latencySeries(points), fmtMs);
  plot(
    inflight,
    frame,
    [
      { kind: 'area', cls: 'inflight', label: 'in flight', values: valuesOf(load, (l) => l.inFlight) },
      { kind: 'line', cls: 'limit', label: 'limit', values: valuesOf(load, (l) => l.limit) },
    ],
    fmtNum,
  );
  plot(
    refused,
    frame,
    [
      { kind: 'line', cls: 'shed', label: 'shed', values: valuesOf(load, (l) => l.shed) },
      { kind: 'line', cls: 'dlq', label: 'dead-lettered', values: valuesOf(load, (l) => l.deadLettered) },
    ],
    fmtNum,
  );
  card.firstChild.replaceChildren(...gatewayKpis(points, load.at(-1)));
}

const totalOf = (point) => (point ? sum(Object.values(point.counts)) : 0);

function gatewayKpis(points, load) {
  const last = points.at(-1);
  const minute = points.slice(-60);
  const failed = sum(minute.map((p) => (p.counts.partial ?? 0) + (p.counts.error ?? 0)));
  const failedPct = failed ? (failed / sum(minute.map(totalOf))) * 100 : 0;
  const kpi = (label, value, hot = false, attrs = {}) => h('span', { class: hot ? 'kpi hot' : 'kpi' }, `${label} `, h('b', attrs, value));
  return [
    h('span', { class: 'card-name' }, 'gateway'),
    h('span', {}, h('span', { class: 'big', 'data-testid': 'gateway-rate' }, fmtNum(totalOf(last))), h('span', { class: 'unit' }, 'req/s')),
    kpi('p50', fmtMs(last?.p50Ms)),
    kpi('p99', fmtMs(last?.p99Ms)),
    kpi('in flight', load ? `${load.inFlight} / ${load.limit}` : '–', load && load.inFlight >= load.limit, { 'data-testid': 'in-flight' }),
    kpi('shed', `${fmtNum(load?.shed ?? 0)}/s`, load?.shed > 0),
    kpi('dead-lettered', `${fmtNum(load?.deadLettered ?? 0)}/s`, load?.deadLettered > 0),
    kpi('partial+error, 1 min', `${failedPct.toFixed(failedPct < 10 ? 1 : 0)}%`, failedPct >= 5),
  ];
}

function createChainCard(name) {
  const head = h('div', { class: 'card-head' }, h('span', { class: 'card-name' }, name), h('span', {}), h('span', { class: 'legend' }));
  return h(
    'div',
    { class: 'chain-card', 'data-series': name },
    head,
    h('div', { class: 'charts' }, createChart('replies/s by outcome'), createChart('latency')),
  );
}

/** A chain's card: its replies/s (the outcomes' numbers in the card's head, for room) and latency. */
function renderChainCard(el, name, frame) {
  const points = state.traffic.series.get(name) ?? [];
  const [rate, latency] = el.querySelectorAll('.chart');
  plot(rate, frame, outcomeSeries(name, points), fmtNum, el.querySelector('.card-head .legend'));
  plot(latency, frame, latencySeries(points), fmtMs);
  el.querySelector('.card-head > span:nth-child(2)').replaceChildren(
    h('span', { class: 'big' }, fmtNum(totalOf(points.at(-1)))),
    h('span', { class: 'unit' }, 'replies/s'),
  );
}

/** A round number at or above `v` (1, 2, 2.5, 5 × 10^n). */
function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((n) => n >= v);
}

/**
 * Draws `series` ({ kind: stack | area | line, cls, values: [t, value|null][] }) over the seconds
 * t0..t1 in the SVG's own pixel size, with a line each minute and at half and full scale.
 */
function drawChart(svg, { t0, t1 }, series, format) {
  const box = svg.getBoundingClientRect();
  const w = Math.max(40, Math.round(box.width) || 300);
  const ht = Math.max(20, Math.round(box.height) || 64);
  svg.setAttribute('viewBox', `0 0 ${w} ${ht}`);
  const layers = stackLayers(series);
  const tops = layers.flatMap((l) => l.top.map(([, v]) => v));
  const yMax = niceCeil(Math.max(0, ...tops.filter((v) => v !== null && v !== undefined)));
  const x = (t) => ((t - t0) / Math.max(1, t1 - t0)) * w;
  const y = (v) => ht - 1 - (v / yMax) * (ht - 6);
  const nodes = [];
  for (let t = t1; t >= t0; t -= 60) nodes.push(s('line', { class: 'grid', x1: x(t), x2: x(t), y1: 0, y2: ht }));
  for (const v of [yMax / 2, yMax]) nodes.push(s('line', { class: 'grid', x1: 0, x2: w, y1: y(v), y2: y(v) }));
  for (const { kind, cls, top, base } of layers) {
    if (kind === 'stack') nodes.push(s('path', { class: `area fill-${cls}`, d: areaPath(top, base, x, y) }));
    if (kind === 'area') nodes.push(s('path', { class: `area-${cls}`, d: areaPath(top, base, x, y) }));
    if (kind !== 'stack') nodes.push(s('path', { class: `line line-${cls}`, d: linePath(top, x, y) }));
  }
  nodes.push(s('line', { class: 'base', x1: 0, x2: w, y1: ht - 0.5, y2: ht - 0.5 }));
  const label = s('text', { class: 'ylabel', x: w - 2, y: 10, 'text-anchor': 'end' });
  label.textContent = format(yMax);
  svg.replaceChildren(...nodes, label);
}

/** Each series' top and base: stacks are summed in order, areas and lines stand on 0. */
function stackLayers(series) {
  const sums = new Map();
  return series.map(({ kind, cls, values }) => {
    if (kind !== 'stack') return { kind, cls, top: values, base: values.map(([t]) => [t, 0]) };
    const base = values.map(([t]) => [t, sums.get(t) ?? 0]);
    const top = values.map(([t, v], i) => [t, base[i][1] + (v ?? 0)]);
    for (const [t, v] of top) sums.set(t, v);
    return { kind, cls, top, base };
  });
}

function linePath(values, x, y) {
  let d = '';
  let pen = false;
  for (const [t, v] of values) {
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

function areaPath(top, base, x, y) {
  if (top.length === 0) return '';
  const up = top.map(([t, v]) => `${x(t).toFixed(1)},${y(v ?? 0).toFixed(1)}`);
  const down = [...base].reverse().map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`);
  return `M${up.join('L')}L${down.join('L')}Z`;
}

// ---------------------------------------------------------------------------------------------
// Requests: the three live lists, the search results, and their rows.

const answeredAt = (r) => r.startedAt + r.elapsedMs;

function addRequests(requests) {
  const batch = [...requests].sort((a, b) => answeredAt(b) - answeredAt(a));
  const lists = state.lists;
  lists.recent = [...batch, ...lists.recent].slice(0, LIMITS.recent);
  lists.partial = [...batch.filter((r) => r.status !== 'complete'), ...lists.partial].slice(0, LIMITS.partial);
  const byUid = new Map([...lists.slowest, ...batch].map((r) => [r.uid, r]));
  lists.slowest = [...byUid.values()].sort((a, b) => b.elapsedMs - a.elapsedMs).slice(0, LIMITS.slowest);
}

function renderRequestLists(highlight) {
  for (const name of ['recent', 'slowest', 'partial']) renderList(name, highlight);
}

function renderList(name, highlight) {
  const container = $(`list-${name}`);
  const items = state.lists[name];
  reconcile(container, items, {
    key: (r) => r.uid,
    create: (r) => createRequestRow(r, highlight),
    update: (el) => el.classList.toggle('selected', el.dataset.key === state.selected?.uid),
  });
  $(`count-${name}`).textContent = String(items.length);
}

function createRequestRow(req, highlight) {
  const row = h(
    'div',
    {
      class: 'req-row',
      'data-testid': 'request-row',
      'data-uid': req.uid,
      'data-status': req.status,
      role: 'button',
      tabindex: '0',
      title: rowTitle(req),
    },
    h('span', { class: 'mono' }, shortUid(req.uid)),
    h('span', { class: 'via' }, req.via),
    h('span', {}, badge(req.status)),
    h('span', { class: 'elapsed' }, fmtMs(req.elapsedMs)),
    h('span', { class: 'started' }, fmtClock(req.startedAt)),
  );
  row.classList.toggle('selected', req.uid === state.selected?.uid);
  if (highlight) row.classList.add('fresh');
  return row;
}

function rowTitle(req) {
  const lines = [req.uid];
  if (req.traceId) lines.push(`trace ${req.traceId}`);
  if (req.errorCode) lines.push(`${req.errorCode}${req.errorMessage ? `: ${req.errorMessage}` : ''}`);
  const failed = req.chains.filter((c) => c.status !== 'ok');
  if (failed.length) lines.push(failed.map((c) => `${c.service}: ${c.status}`).join(', '));
  return lines.join('\n');
}

/** A click (or Enter) on a row of any list opens its waterfall; Enter in the search box searches. */
function initRequests() {
  const lists = document.querySelector('.req-lists');
  const open = (event) => {
    const uid = event.target.closest('[data-testid="request-row"]')?.dataset.uid;
    const req =
      uid &&
      Object.values(state.lists)
        .flat()
        .find((r) => r.uid === uid);
    if (!req) return false;
    openWaterfall(req);
    return true;
  };
  lists.addEventListener('click', open);
  lists.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && open(e) && e.preventDefault());
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void search($('search').value.trim());
  });
}

async function search(q) {
  if (!q) return showSearch([], 'Search a uid or trace id above', '');
  $('count-search').textContent = 'searching…';
  try {
    const res = await fetch(`/console/requests?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const { requests = [] } = await res.json();
    showSearch(requests.slice(0, LIMITS.search), `No request matches “${q}”`, String(Math.min(requests.length, LIMITS.search)));
    if (requests.length === 1) openWaterfall(requests[0], false);
  } catch (err) {
    showSearch([], `Search failed: ${err.message}`, 'failed');
  }
}

function showSearch(requests, emptyText, countText) {
  state.lists.search = requests;
  $('list-search').setAttribute('data-empty', emptyText);
  renderList('search', false);
  $('count-search').textContent = countText;
}

// ---------------------------------------------------------------------------------------------
// Waterfall of one request.

function openWaterfall(req, scroll = true) {
  state.selected = req;
  for (const row of document.querySelectorAll('[data-testid="request-row"]')) row.classList.toggle('selected', row.dataset.key === req.uid);
  renderWaterfall();
  if (scroll) $('waterfall-panel').scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

function closeWaterfall() {
  state.selected = null;
  for (const row of document.querySelectorAll('.req-row.selected')) row.classList.remove('selected');
  renderWaterfall();
}

function renderWaterfall() {
  const req = state.selected;
  const body = $('waterfall-body');
  if (!req) {
    body.replaceChildren(
      h(
        'p',
        { class: 'wf-empty' },
        'Click a request in a list (or search one) to see its waterfall: the broadcast, each chain from send to reply, and the deadline.',
      ),
    );
    return;
  }
  body.replaceChildren(
    h('div', { class: 'wf', 'data-testid': 'waterfall', 'data-uid': req.uid }, waterfallHead(req), waterfallMeta(req), waterfallGrid(req)),
  );
}

function waterfallHead(req) {
  const close = h('button', { type: 'button', class: 'btn wf-close', title: 'Close' }, 'Close');
  close.addEventListener('click', closeWaterfall);
  return h(
    'div',
    { class: 'wf-head' },
    h('span', { class: 'wf-uid' }, req.uid),
    badge(req.status),
    h('span', { class: 'badge st-muted' }, req.via),
    close,
  );
}

function waterfallMeta(req) {
  const item = (label, value) => h('span', {}, `${label} `, h('b', {}, value));
  return h(
    'div',
    { class: 'wf-meta' },
    item('started', fmtClock(req.startedAt, true)),
    item('elapsed', fmtMsExact(req.elapsedMs)),
    item('deadline', fmtMsExact(req.deadlineMs)),
    req.broadcastMs !== undefined && item('broadcast', fmtMsExact(req.broadcastMs)),
    req.traceId && item('trace', req.traceId),
    req.errorCode && h('span', { class: 'wf-error' }, h('b', {}, req.errorCode), req.errorMessage ? ` ${req.errorMessage}` : ''),
  );
}

/** Where a chain's bar starts and ends (ms from the request's start). */
function chainSpan(part, req) {
  const start = part.sentMs ?? 0;
  if (part.repliedMs !== undefined) return [start, part.repliedMs];
  if (part.status === 'unsent') return [0, req.broadcastMs ?? 0];
  if (part.status === 'timeout') return [start, Math.max(start, req.deadlineMs)];
  return [start, Math.max(start, req.elapsedMs)];
}

function waterfallGrid(req) {
  const end = Math.max(req.elapsedMs, req.deadlineMs, req.broadcastMs ?? 0, ...req.chains.map((c) => chainSpan(c, req)[1]), 1);
  const ticks = axisTicks(end);
  const span = Math.max(end, ticks.at(-1));
  const pct = (ms) => `${Math.min(100, Math.max(0, (ms / span) * 100))}%`;
  const rows = [
    h(
      'div',
      { class: 'wf-row wf-axis' },
      h('div', { class: 'wf-label' }, 'ms from start'),
      h('div', { class: 'wf-track' }, ...ticks.map((t) => positioned(h('span', { class: 'wf-tick' }, fmtMs(t)), { left: pct(t) }))),
    ),
  ];
  if (req.broadcastMs !== undefined) rows.push(broadcastRow(req, pct));
  rows.push(...req.chains.map((part) => chainRow(part, req, pct)));
  if (req.chains.length === 0) rows.push(h('div', { class: 'wf-none' }, 'No chain was asked: the gateway answered by itself.'));
  return h('div', { class: 'wf-grid' }, ...rows, waterfallOverlay(req, ticks, pct, span));
}

function positioned(el, style) {
  Object.assign(el.style, style);
  return el;
}

function axisTicks(end) {
  const step = niceCeil(end / 6);
  const ticks = [];
  for (let t = 0; t < end + step; t += step) ticks.push(t);
  return ticks;
}

function broadcastRow(req, pct) {
  return h(
    'div',
    { class: 'wf-row' },
    h(
      'div',
      { class: 'wf-label' },
      h(
        'div',
        { class: 'wf-label-line' },
        h('span', { class: 'wf-svc' }, 'broadcast'),
        h('span', { class: 'wf-inst' }, `${req.chains.length} chain${req.chains.length === 1 ? '' : 's'}`),
      ),
    ),
    h(
      'div',
      { class: 'wf-track' },
      bar('bar-broadcast', 0, req.broadcastMs, pct),
      note(fmtMs(req.broadcastMs), 'muted', req.broadcastMs, pct),
    ),
  );
}

function chainRow(part, req, pct) {
  const [start, end] = chainSpan(part, req);
  const cls = statusClass(part.status);
  const text =
    part.status === 'ok' ? fmtMs(end - start) : `${part.status}${part.repliedMs !== undefined ? ` · ${fmtMs(end - start)}` : ''}`;
  const barEl = bar(`bar-${cls}`, start, end, pct);
  barEl.setAttribute('title', chainTitle(part, start, end));
  return h(
    'div',
    { class: 'wf-row', 'data-testid': 'waterfall-chain', 'data-service': part.service, 'data-status': part.status },
    h(
      'div',
      { class: 'wf-label' },
      h(
        'div',
        { class: 'wf-label-line' },
        h('span', { class: 'wf-svc' }, part.service),
        badge(part.status),
        part.instance && h('span', { class: 'wf-inst', title: part.instance }, part.instance),
      ),
      (part.errorCode || part.errorMessage) &&
        h(
          'div',
          { class: 'wf-label-line' },
          part.errorCode && h('span', { class: 'wf-code' }, part.errorCode),
          part.errorMessage && h('span', { class: 'wf-msg', title: part.errorMessage }, part.errorMessage),
        ),
    ),
    h('div', { class: 'wf-track' }, barEl, note(text, cls, end, pct)),
  );
}

function chainTitle(part, start, end) {
  const lines = [`${part.service}: ${part.status}`];
  if (part.sentMs !== undefined) lines.push(`sent at ${fmtMs(part.sentMs)}`);
  if (part.repliedMs !== undefined) lines.push(`replied at ${fmtMs(part.repliedMs)} (${fmtMs(end - start)})`);
  if (part.instance) lines.push(`instance ${part.instance}`);
  if (part.errorCode) lines.push(`${part.errorCode}${part.errorMessage ? `: ${part.errorMessage}` : ''}`);
  return lines.join('\n');
}

const bar = (cls, start, end, pct) =>
  positioned(h('div', { class: `wf-bar ${cls}` }), { left: pct(start), width: `calc(${pct(end)} - ${pct(start)})` });

/** The text right of a bar's end. */
const note = (text, cls, end, pct) => positioned(h('span', { class: `wf-note st-${cls}` }, text), { left: `calc(${pct(end)} + 4px)` });

/** The tick lines, and the lines of the answer and the deadline with their labels on opposite sides when close. */
function waterfallOverlay(req, ticks, pct, span) {
  const close = Math.abs(req.elapsedMs - req.deadlineMs) / span < 0.2;
  const answeredLeft = close ? req.elapsedMs < req.deadlineMs : req.elapsedMs / span > 0.8;
  const deadlineLeft = close ? !answeredLeft : req.deadlineMs / span > 0.8;
  const marker = (cls, ms, label, left, attrs = {}) =>
    positioned(h('div', { class: `wf-marker ${cls}${left ? ' flip' : ''}`, ...attrs }, h('span', {}, label)), { left: pct(ms) });
  return h(
    'div',
    { class: 'wf-overlay' },
    ...ticks.map((t) => positioned(h('div', { class: 'wf-gridline' }), { left: pct(t) })),
    marker('answered', req.elapsedMs, `answered ${fmtMsExact(req.elapsedMs)}`, answeredLeft),
    marker('deadline', req.deadlineMs, `deadline ${fmtMsExact(req.deadlineMs)}`, deadlineLeft, { 'data-testid': 'deadline' }),
  );
}

// ---------------------------------------------------------------------------------------------
// Dead letters.

const deadLetterKey = (d) => `${d.sourceTopic}/${d.sourcePartition}/${d.sourceOffset}/${d.at}/${d.service}`;

function renderDeadLetters(highlight) {
  const body = $('dead-letters');
  body.querySelector('.dlq-empty')?.remove();
  reconcile(body, state.deadLetters, { key: deadLetterKey, create: (d) => createDeadLetterRow(d, highlight) });
  if (state.deadLetters.length === 0)
    body.append(h('tr', { class: 'dlq-empty' }, h('td', { colspan: '9' }, 'No dead letters: nothing was refused.')));
  $('dlq-summary').textContent = `ops.dlq · latest ${state.deadLetters.length}`;
}

function createDeadLetterRow(d, highlight) {
  const [code, ...why] = d.reason.split(': ');
  const truncated = d.valueBytes > new TextEncoder().encode(d.valueHead).length;
  const row = h(
    'tr',
    { 'data-testid': 'dead-letter', title: 'Click to show it all' },
    h('td', { class: 'mono' }, fmtClock(d.at)),
    h('td', { title: d.reason }, h('span', { class: 'dlq-code' }, code), why.join(': ')),
    h('td', {}, d.service),
    h('td', { class: 'mono', title: d.sourceTopic }, d.sourceTopic),
    h('td', { class: 'num' }, String(d.sourcePartition)),
    h('td', { class: 'num mono' }, d.sourceOffset),
    h('td', { class: 'mono', title: d.key ?? '' }, d.key ?? h('span', { class: 'muted' }, 'none')),
    h('td', { class: 'dlq-value', title: d.valueHead }, d.valueHead, truncated ? h('span', { class: 'muted' }, ' …') : null),
    h('td', { class: 'num' }, fmtBytes(d.valueBytes)),
  );
  row.addEventListener('click', () => row.classList.toggle('expanded'));
  if (highlight) flash(row);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Start.

function start() {
  initTheme();
  initRequests();
  renderWaterfall();
  renderDeadLetters(false);
  setInterval(() => {
    tickLeases();
    tickHeader();
  }, 250);
  let resizeTimer = 0;
  addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => state.ready && renderTraffic(), 100);
  });
  addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.selected) closeWaterfall();
  });
  connect();
}

start();
