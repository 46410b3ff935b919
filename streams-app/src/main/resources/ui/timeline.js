// The timeline page: plain SVG and vanilla JavaScript, no build step, nothing loaded from elsewhere.
// Data: GET api/events (Server-Sent Events): a "snapshot" event with the whole model, then "delta" events
// {seq, kind, id, value} (value null = removed). Every element drawn carries data-* attributes saying what it is,
// so that tests (and people with the inspector) can find an outage, a cause or a verdict line.
(function () {
  'use strict';

  const SVGNS = 'http://www.w3.org/2000/svg';
  const LABEL_W = 230, AXIS_H = 30, GROUP_H = 22, OVERVIEW_H = 34, PAD_R = 16, BAR_H = 16;
  let ROW_H = 30; // grows to fill the chart's height when there are few rows
  const MIN = 60000, HOUR = 3600000, DAY = 86400000;
  const STEPS = [MIN, 5 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const VERDICT_ORDER = { LINKED: 0, PENDING: 1, UNLINKED: 2 };

  const svg = document.getElementById('timeline');
  const chart = document.getElementById('chart');
  const panel = document.getElementById('panel');
  const tooltip = document.getElementById('tooltip');
  const conn = document.getElementById('conn');

  let model = null;                 // the snapshot, kept up to date by deltas
  let view = null;                  // {t0, t1} in epoch ms
  let filters = { provider: '', service: '', verdicts: new Set(['LINKED', 'UNLINKED', 'PENDING']) };
  let selected = null;              // {type: 'outage'|'cause'|'claims'|'status', id, ids}
  let hovered = null;               // outage id under the pointer
  let scheduled = false;
  let layout = null;                // geometry of the last render, for pointer handling

  // ---------- data ----------

  function connect() {
    const source = new EventSource('api/events');
    source.addEventListener('snapshot', (e) => {
      const first = model === null;
      model = JSON.parse(e.data);
      setConn('live');
      if (first) { view = null; }
      document.body.dataset.loaded = String(!!model.meta.loaded);
      refreshFilters();
      schedule();
    });
    source.addEventListener('delta', (e) => {
      if (!model) { return; }
      const d = JSON.parse(e.data);
      model.seq = d.seq;
      if (d.kind === 'meta') {
        model.meta = d.value;
        document.body.dataset.loaded = String(!!model.meta.loaded);
        setConn('live');
      } else if (d.value === null) {
        delete model[d.kind][d.id];
      } else {
        model[d.kind][d.id] = d.value;
      }
      schedule();
    });
    source.onopen = () => setConn('live');
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        // an HTTP error (e.g. 503: too many pages open) closes an EventSource for good: try again later
        setConn('down');
        source.close();
        setTimeout(connect, 5000);
      } else {
        setConn('connecting');
      }
    };
  }

  function setConn(state) {
    const error = model && model.meta && model.meta.error;
    conn.dataset.state = error ? 'down' : state;
    conn.textContent = error ? 'not updating' : state === 'live' ? 'live' : state === 'down' ? 'disconnected' : 'reconnecting…';
    conn.title = error || 'Connection to the engine\'s topics';
  }

  const values = (o) => (o ? Object.values(o) : []);

  function dataEnd() {
    let end = -Infinity;
    for (const o of values(model.outages)) { end = Math.max(end, o.end ?? o.start); }
    for (const c of values(model.causes)) { if (c.start != null) { end = Math.max(end, c.end ?? c.start); } }
    for (const c of values(model.claims)) { end = Math.max(end, c.at); }
    for (const r of values(model.statusRows)) { for (const u of r.updates) { end = Math.max(end, u.at); } }
    return end === -Infinity ? Date.now() : end;
  }

  function extent() {
    let t0 = Infinity, t1 = -Infinity;
    const take = (a, b) => { if (a != null) { t0 = Math.min(t0, a); t1 = Math.max(t1, b ?? a); } };
    for (const o of values(model.outages)) { take(o.start, o.end); }
    for (const c of values(model.causes)) { take(c.start, c.end); }
    for (const c of values(model.claims)) { take(c.at, c.at); }
    for (const r of values(model.statusRows)) { for (const u of r.updates) { take(u.at, u.at); } }
    if (t0 === Infinity) { const now = Date.now(); return { t0: now - 6 * HOUR, t1: now + HOUR }; }
    if (t1 - t0 < HOUR) { const mid = (t0 + t1) / 2; return { t0: mid - HOUR, t1: mid + HOUR }; }
    const pad = (t1 - t0) * 0.03;
    return { t0: t0 - pad, t1: t1 + pad };
  }

  // around the latest outages: the last few hours before the latest outage start to just after they end
  function latestView() {
    const outages = values(model.outages);
    if (outages.length === 0) { return extent(); }
    const latest = Math.max(...outages.map((o) => o.start));
    const recent = outages.filter((o) => o.start > latest - 12 * HOUR);
    const t0 = Math.min(...recent.map((o) => o.start)) - 3 * HOUR;
    const t1 = Math.max(...recent.map((o) => o.end ?? dataEnd())) + 1.5 * HOUR;
    return { t0, t1: Math.max(t1, t0 + 3 * HOUR) };
  }

  function initialView() {
    const all = extent();
    const v = (all.t1 - all.t0 > 2 * DAY) ? latestView() : all;
    v.auto = true; // follows the data until the user zooms or pans
    return v;
  }

  // ---------- rows ----------

  function pairsList() { return values(model.pairs).filter((p) => !p.withdrawn); }

  function statusRowOf(cause) {
    if (cause.kind !== 'PROVIDER_STATUS') { return null; }
    const id = cause.provider + '/' + (cause.component ?? '*') + '/' + (cause.region ?? '*');
    return model.statusRows[id] ? id : null;
  }

  function claimRowId(claim) { return 'claims:' + (claim.claimant || 'unattributed') + '→' + claim.provider; }

  function buildRows() {
    const pairs = pairsList();
    const p = filters.provider, s = filters.service;
    const pairOk = (x) => (!p || x.provider === p) && (!s || x.service === s);
    const relevantPairs = pairs.filter(pairOk);
    const causeIds = new Set(relevantPairs.map((x) => x.causeId));
    const claimIds = new Set(relevantPairs.flatMap((x) => x.claims));

    // services: every service seen down or named by a verdict
    const firstStart = new Map();
    for (const o of values(model.outages)) {
      firstStart.set(o.service, Math.min(firstStart.get(o.service) ?? Infinity, o.start));
    }
    for (const x of pairs) { if (!firstStart.has(x.service)) { firstStart.set(x.service, x.outageStart ?? Infinity); } }
    let services = [...firstStart.keys()];
    if (s) { services = services.filter((x) => x === s); }
    if (p) { services = services.filter((x) => relevantPairs.some((y) => y.service === x) || values(model.claims).some((c) => c.service === x && c.provider === p)); }
    services.sort((a, b) => (firstStart.get(a) - firstStart.get(b)) || a.localeCompare(b));

    const groups = [];
    groups.push({ title: 'Services', rows: services.map((svc) => ({ id: 'service:' + svc, type: 'service', service: svc, label: svc })) });

    const causeOk = (c) => (!p || c.provider === p) && (!s || causeIds.has(c.id));
    const causes = values(model.causes).filter(causeOk);
    const dc = causes.filter((c) => c.kind === 'DATACENTER_EVENT').sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    groups.push({ title: 'Datacenter events', rows: dc.map((c) => ({ id: 'cause:' + c.id, type: 'cause', causes: [c], label: c.id.replace(/^dc:/, ''), sub: [c.provider, c.datacenter ?? c.region, lower(c.eventKind)].filter(Boolean).join(' · ') })) });

    const statusRows = new Map();
    for (const r of values(model.statusRows)) {
      if ((!p || r.provider === p) && (!s || [...causeIds].some((id) => { const c = model.causes[id]; return c && statusRowOf(c) === r.id; }))) {
        statusRows.set(r.id, { id: 'status:' + r.id, type: 'status', status: r, causes: [], label: r.provider + ' ' + r.component, sub: 'status · ' + (r.region ?? 'all regions') });
      }
    }
    for (const c of causes.filter((x) => x.kind === 'PROVIDER_STATUS')) {
      const rowId = statusRowOf(c);
      if (rowId && statusRows.has(rowId)) { statusRows.get(rowId).causes.push(c); } else {
        statusRows.set(c.id, { id: 'cause:' + c.id, type: 'cause', causes: [c], label: c.id.replace(/^status:/, ''), sub: 'status incident · ' + (c.region ?? c.component ?? c.provider) });
      }
    }
    groups.push({ title: 'Provider status', rows: [...statusRows.values()] });

    const inferred = causes.filter((c) => c.kind === 'INFERRED');
    groups.push({ title: 'Inferred causes', rows: inferred.map((c) => ({ id: 'cause:' + c.id, type: 'cause', causes: [c], label: c.id.replace(/^inferred:/, ''), sub: 'inferred from co-tenants' })) });

    const claimRows = new Map();
    for (const c of values(model.claims)) {
      if ((p && c.provider !== p) || (s && c.service !== s && !claimIds.has(c.id))) { continue; }
      const id = claimRowId(c);
      if (!claimRows.has(id)) { claimRows.set(id, { id, type: 'claims', claims: [], label: (c.claimant || 'unattributed') + ' → ' + c.provider, sub: 'claims' }); }
      claimRows.get(id).claims.push(c);
    }
    groups.push({ title: 'Claims', rows: [...claimRows.values()].sort((a, b) => Math.min(...a.claims.map((c) => c.at)) - Math.min(...b.claims.map((c) => c.at))) });
    return groups.filter((g) => g.rows.length > 0);
  }

  // ---------- drawing helpers ----------

  function el(tag, attrs, parent, text) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs) { if (attrs[k] !== undefined && attrs[k] !== null) { e.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function h(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const k in (attrs || {})) {
      if (k === 'text') { e.textContent = attrs[k]; } else if (k === 'onclick') { e.onclick = attrs[k]; } else if (attrs[k] != null) { e.setAttribute(k, attrs[k]); }
    }
    for (const c of (children || [])) { if (c != null) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } }
    return e;
  }

  const pad2 = (n) => String(n).padStart(2, '0');
  function fmtDay(t) { const d = new Date(t); return pad2(d.getUTCDate()) + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear(); }
  function fmtTime(t) { const d = new Date(t); return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()); }
  function fmt(t) { return t == null ? '…' : fmtDay(t) + ' ' + fmtTime(t); }
  function fmtShort(t) { const d = new Date(t); return pad2(d.getUTCDate()) + ' ' + MONTHS[d.getUTCMonth()] + ' ' + fmtTime(t); }
  function fmtDuration(ms) {
    const m = Math.round(ms / MIN);
    if (m < 60) { return m + ' min'; }
    const hrs = Math.floor(m / 60), rest = m % 60;
    if (hrs < 48) { return hrs + ' h' + (rest ? ' ' + rest + ' min' : ''); }
    return Math.round(hrs / 24) + ' days';
  }
  function lower(s) { return s ? s.toLowerCase().replace(/_/g, ' ') : s; }
  function attributionOf(outageId) { const a = model.attributions[outageId]; return a ? a.status : 'NONE'; }

  // ---------- render ----------

  function schedule() {
    if (!scheduled) { scheduled = true; requestAnimationFrame(render); }
  }

  function render() {
    scheduled = false;
    if (!model) { return; }
    if (view === null || view.auto) { view = initialView(); }
    refreshFilters();
    const width = Math.max(600, chart.clientWidth);
    const plotW = width - LABEL_W - PAD_R;
    const t0 = view.t0, t1 = view.t1;
    const x = (t) => LABEL_W + (t - t0) / (t1 - t0) * plotW;
    const groups = buildRows();

    // rows and their y; few rows get more room, many rows scroll
    const rowCount = groups.reduce((n, g) => n + g.rows.length, 0);
    const room = chart.clientHeight - AXIS_H - groups.length * GROUP_H - 10 - OVERVIEW_H - 12;
    ROW_H = Math.max(30, Math.min(42, Math.floor(room / Math.max(1, rowCount))));
    const rowY = new Map();
    let y = AXIS_H;
    const placed = [];
    for (const g of groups) {
      placed.push({ group: g, y });
      y += GROUP_H;
      for (const r of g.rows) { rowY.set(r.id, y + ROW_H / 2); placed.push({ row: r, y }); y += ROW_H; }
    }
    const plotBottom = y;
    const height = plotBottom + 10 + OVERVIEW_H + 8;
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('height', height);
    svg.replaceChildren();
    layout = { x, t0, t1, plotW, plotBottom, width, height, overviewY: plotBottom + 10 };

    const defs = el('defs', {}, svg);
    const clip = el('clipPath', { id: 'plot-clip' }, defs);
    el('rect', { x: LABEL_W, y: 0, width: plotW, height: plotBottom }, clip);

    // row backgrounds, group titles, labels
    const bg = el('g', {}, svg);
    let alt = false;
    for (const item of placed) {
      if (item.group) {
        el('rect', { x: 0, y: item.y, width, height: GROUP_H, class: 'group-bg' }, bg);
        el('text', { x: 10, y: item.y + 15, class: 'group-title' }, bg, item.group.title);
        alt = false;
      } else {
        el('rect', { x: 0, y: item.y, width, height: ROW_H, class: 'rowbg' + (alt ? ' alt' : '') }, bg);
        alt = !alt;
        const mid = item.y + ROW_H / 2;
        const label = el('text', { x: 10, y: item.row.sub ? mid - 2 : mid + 4, class: 'row-label', 'data-row': item.row.id }, bg, clipText(item.row.label, 32));
        el('title', {}, label, item.row.label);
        if (item.row.sub) { el('text', { x: 10, y: mid + 10, class: 'row-sub' }, bg, clipText(item.row.sub, 40)); }
      }
    }

    drawAxis(x, t0, t1, plotBottom);

    const plot = el('g', { 'clip-path': 'url(#plot-clip)', class: hovered || selected ? 'dim' : '' }, svg);
    const causesLayer = el('g', {}, plot);
    const linesLayer = el('g', {}, plot);
    const outagesLayer = el('g', {}, plot);
    const marksLayer = el('g', {}, plot);
    const end = dataEnd();
    const focus = focusSet();
    const hl = (keys) => keys.some((k) => focus.has(k)) ? ' hl' : '';

    // causes: bars for event spans, status updates as dots, claims as diamonds
    const anchors = new Map(); // cause id -> {row, start, end}
    for (const item of placed) {
      const r = item.row;
      if (!r) { continue; }
      const cy = item.y + ROW_H / 2;
      if (r.type === 'cause' || r.type === 'status') {
        for (const c of r.causes) {
          anchors.set(c.id, { y: cy, start: c.start, end: c.end });
          if (c.start == null) { continue; }
          const x0 = x(c.start), x1 = Math.max(x0 + 4, x(c.end ?? end));
          const bar = el('rect', { x: x0, y: cy - BAR_H / 2 + 1, width: x1 - x0, height: BAR_H - 2, rx: 2,
            class: 'cause k-' + c.kind + (c.end == null ? ' open' : '') + (isSelected('cause', c.id) ? ' selected' : '') + hl([c.id]),
            'data-role': 'cause', 'data-cause': c.id, 'data-kind': c.kind, 'data-provider': c.provider }, causesLayer);
          bar.addEventListener('click', (ev) => { ev.stopPropagation(); select({ type: 'cause', id: c.id }); });
          hover(bar, () => causeTip(c));
          const vx0 = Math.max(x0, LABEL_W), vx1 = Math.min(x1, LABEL_W + plotW);
          const text = c.description || lower(c.eventKind) || '';
          if (vx1 - vx0 > 60 && text) { el('text', { x: vx0 + 5, y: cy + 4, class: 'bar-text' }, causesLayer, clipText(text, Math.floor((vx1 - vx0 - 10) / 6.2))); }
          offscreen(r, c.start, c.end ?? end, cy);
        }
        if (r.type === 'status') {
          for (const u of r.status.updates) {
            if (u.at < t0 - (t1 - t0) || u.at > t1 + (t1 - t0)) { continue; }
            const dot = el('circle', { cx: x(u.at), cy, r: 5, class: 'st st-' + u.status, 'data-role': 'status-update', 'data-status': u.status, 'data-row': r.status.id }, marksLayer);
            hover(dot, () => [r.status.provider + ' ' + r.status.component + (r.status.region ? ' (' + r.status.region + ')' : ''), lower(u.status) + ' at ' + fmt(u.at), u.title || '', u.incident ? 'incident ' + u.incident : '']);
          }
        }
      } else if (r.type === 'claims') {
        const byTime = new Map();
        for (const c of r.claims) { if (!byTime.has(c.at)) { byTime.set(c.at, []); } byTime.get(c.at).push(c); }
        for (const [at, claims] of byTime) {
          const ids = claims.map((c) => c.id);
          for (const c of claims) { anchors.set('claim#' + c.id, { y: cy, start: at, end: at, point: true }); }
          const g = el('g', { class: 'claim' + (selected && selected.type === 'claims' && ids.some((i) => selected.ids.includes(i)) ? ' selected' : '') + hl(ids.map((i) => 'claim#' + i)),
            'data-role': 'claim', 'data-claims': ids.join(' '), transform: 'translate(' + x(at) + ',' + cy + ')' }, marksLayer);
          el('rect', { x: -5.5, y: -5.5, width: 11, height: 11, transform: 'rotate(45)', class: 'claim-mark' }, g);
          if (claims.length > 1) { el('text', { x: 9, y: 4, class: 'row-sub' }, g, '×' + claims.length); }
          g.addEventListener('click', (ev) => { ev.stopPropagation(); select({ type: 'claims', ids }); });
          hover(g, () => claims.slice(0, 4).map((c) => (c.claimant || 'someone') + ' (' + fmt(c.at) + '): ' + (c.statement || c.service + ' caused by ' + c.provider)));
          offscreen(r, at, at, cy);
        }
      }
    }

    // outages
    const outageAnchor = new Map();
    const services = [...rowY.keys()].filter((k) => k.startsWith('service:')).map((k) => k.slice(8));
    const onscreen = new Set();
    const t0Px = LABEL_W;
    for (const o of values(model.outages)) {
      const cy = rowY.get('service:' + o.service);
      if (cy === undefined) { continue; }
      const x0 = x(o.start), x1 = Math.max(x0 + 5, x(o.end ?? end));
      outageAnchor.set(o.id, { x0, x1, y: cy, row: services.indexOf(o.service) });
      if (x1 < t0Px || x0 > width) { continue; }
      onscreen.add(o.service);
      const att = attributionOf(o.id);
      const bar = el('rect', { x: x0, y: cy - BAR_H / 2, width: x1 - x0, height: BAR_H, rx: 3,
        class: 'outage att-' + att + (o.end == null ? ' open' : '') + (isSelected('outage', o.id) ? ' selected' : '') + hl([o.id]),
        'data-role': 'outage', 'data-outage': o.id, 'data-service': o.service, 'data-attribution': att, 'data-state': o.state }, outagesLayer);
      bar.addEventListener('click', (ev) => { ev.stopPropagation(); select({ type: 'outage', id: o.id }); });
      hover(bar, () => outageTip(o));
      const vx0 = Math.max(x0, LABEL_W), vx1 = Math.min(x1, LABEL_W + plotW);
      if (vx1 - vx0 > 70) { el('text', { x: vx0 + 5, y: cy + 4, class: 'bar-text on-dark' }, outagesLayer, clipText(fmtTime(o.start) + ' – ' + (o.end ? fmtTime(o.end) : 'open') + ' · ' + fmtDuration((o.end ?? end) - o.start), Math.floor((vx1 - vx0 - 10) / 6.2))); }
    }

    // services with no outage in view say where their nearest ones are
    for (const service of services) {
      if (onscreen.has(service)) { continue; }
      const mine = values(model.outages).filter((o) => o.service === service);
      const before = Math.max(...mine.map((o) => o.end ?? end).filter((t) => t < t0));
      const after = Math.min(...mine.map((o) => o.start).filter((t) => t > t1));
      const cy = rowY.get('service:' + service);
      if (before > -Infinity) { offscreen({ id: 'service:' + service }, before, before, cy); }
      if (after < Infinity) { offscreen({ id: 'service:' + service }, after, after, cy); }
    }

    // verdict lines: outage -> cause (and -> each claim the verdict tests); fanned out so they do not overlap
    const pairs = pairsList().filter((q) => filters.verdicts.has(q.verdict) && (!filters.provider || q.provider === filters.provider) && (!filters.service || q.service === filters.service));
    pairs.sort((a, b) => (VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]) || a.causeId.localeCompare(b.causeId));
    const outSlots = new Map(), inSlots = new Map();
    const slot = (m, k) => { const n = m.get(k) ?? 0; m.set(k, n + 1); return n; };
    for (const q of pairs) {
      const from = q.outageId ? outageAnchor.get(q.outageId) : null;
      if (!from) { continue; }
      const targets = [];
      const cause = anchors.get(q.causeId);
      if (cause && q.causeKind !== 'CLAIMED_PROVIDER') { targets.push({ a: cause, key: q.causeId, claim: null }); }
      for (const cl of q.claims) { const a = anchors.get('claim#' + cl); if (a) { targets.push({ a, key: 'claim#' + cl, claim: cl }); } }
      for (const tgt of targets) {
        const i = slot(outSlots, q.outageId);
        const j = slot(inSlots, tgt.key + '@' + (tgt.claim ? 'c' : 'e'));
        const x1 = Math.max(LABEL_W + 2, Math.min(from.x0 + 6 + i * 9 + from.row * 3, Math.max(from.x0 + 3, from.x1 - 3)));
        const ts = tgt.a.start ?? q.outageStart;
        const te = tgt.a.end ?? end;
        const tx = Math.min(Math.max(q.outageStart, ts), te);
        // a cause outside the view: the line ends at the row's edge, where its "◀ date" marker is
        let x2 = x(tx) + (tgt.a.point ? 0 : j * 7);
        if (x2 < LABEL_W) { x2 = LABEL_W + 100; } else if (x2 > LABEL_W + plotW) { x2 = LABEL_W + plotW - 100; }
        const y1 = from.y + (tgt.a.y > from.y ? BAR_H / 2 : -BAR_H / 2);
        const y2 = tgt.a.y + (tgt.a.y > from.y ? -(tgt.a.point ? 6 : BAR_H / 2 - 1) : (tgt.a.point ? 6 : BAR_H / 2 - 1));
        const my = (y1 + y2) / 2;
        const path = el('path', { d: 'M' + x1 + ' ' + y1 + ' C' + x1 + ' ' + my + ' ' + x2 + ' ' + my + ' ' + x2 + ' ' + y2,
          class: 'vline v-' + q.verdict + (tgt.claim ? ' claimline' : '') + (lineInFocus(q, tgt.claim) ? ' hl' : ''),
          'data-role': tgt.claim ? 'claim-line' : 'verdict-line', 'data-outage': q.outageId, 'data-service': q.service,
          'data-cause': q.causeId, 'data-claim': tgt.claim, 'data-verdict': q.verdict, 'data-provider': q.provider,
          'data-confidence': q.confidence }, linesLayer);
        path.addEventListener('click', (ev) => { ev.stopPropagation(); select({ type: 'outage', id: q.outageId }); });
        hover(path, () => [q.verdict + ' (confidence ' + q.confidence.toFixed(2) + ')', q.service + ' × ' + q.causeId + (tgt.claim ? ' — claim ' + tgt.claim : ''), ...q.reasons.map(reasonText)]);
      }
    }

    // the data's end ("now" for a live run)
    const nx = x(end);
    if (nx > LABEL_W && nx < LABEL_W + plotW) { el('line', { x1: nx, x2: nx, y1: AXIS_H, y2: plotBottom, class: 'nowline' }, plot); }

    if (groups.length === 0 || groups.every((g) => g.rows.length === 0)) {
      el('text', { x: LABEL_W + 20, y: AXIS_H + 40, class: 'empty' }, svg, model.meta.loaded ? 'Nothing to show yet: no outage, cause or claim in the topics (or none matches the filters).' : 'Loading…');
    }
    drawOverview();
    updateCounts();
    renderPanel();
    svg.dataset.seq = model.seq;
    svg.dataset.t0 = Math.round(t0);
    svg.dataset.t1 = Math.round(t1);

    function offscreen(row, start, finish, cy) {
      if (finish < t0) { el('text', { x: LABEL_W + 4, y: cy + 4, class: 'offscreen', 'data-row': row.id }, svg, '◀ ' + fmtShort(finish)); }
      else if (start > t1) { el('text', { x: LABEL_W + plotW - 4, y: cy + 4, class: 'offscreen', 'text-anchor': 'end' }, svg, fmtShort(start) + ' ▶'); }
    }
  }

  function focusSet() {
    const f = new Set();
    const id = hovered || (selected && selected.type === 'outage' ? selected.id : null);
    if (id) {
      f.add(id);
      for (const q of pairsList()) { if (q.outageId === id) { f.add(q.causeId); q.claims.forEach((c) => f.add('claim#' + c)); } }
    } else if (selected && selected.type === 'cause') {
      f.add(selected.id);
      for (const q of pairsList()) { if (q.causeId === selected.id) { f.add(q.outageId); } }
    } else if (selected && selected.type === 'claims') {
      selected.ids.forEach((c) => f.add('claim#' + c));
      for (const q of pairsList()) { if (q.claims.some((c) => selected.ids.includes(c))) { f.add(q.outageId); f.add(q.causeId); } }
    }
    return f;
  }

  // a line stands out when it belongs to what is hovered or selected: that outage, that cause, those claims
  function lineInFocus(q, claim) {
    const id = hovered || (selected && selected.type === 'outage' ? selected.id : null);
    if (id) { return q.outageId === id; }
    if (selected && selected.type === 'cause') { return q.causeId === selected.id && !claim; }
    if (selected && selected.type === 'claims') { return claim !== null && selected.ids.includes(claim); }
    return false;
  }

  function isSelected(type, id) { return selected && selected.type === type && selected.id === id; }

  function clipText(s, n) { s = String(s); return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s; }

  function drawAxis(x, t0, t1, plotBottom) {
    const g = el('g', { class: 'axis' }, svg);
    const plotW = layout.plotW;
    const target = (t1 - t0) / Math.max(3, plotW / 110);
    const step = STEPS.find((s) => s >= target) || STEPS[STEPS.length - 1];
    const first = Math.ceil(t0 / step) * step;
    let lastDay = null;
    for (let t = first; t <= t1; t += step) {
      const xx = x(t);
      const d = new Date(t);
      const dayStart = d.getUTCHours() === 0 && d.getUTCMinutes() === 0;
      el('line', { x1: xx, x2: xx, y1: AXIS_H - 4, y2: plotBottom, class: 'grid' + (dayStart ? ' daystart' : '') }, g);
      const day = fmtDay(t);
      const label = step >= DAY ? pad2(d.getUTCDate()) + ' ' + MONTHS[d.getUTCMonth()] : (day !== lastDay || dayStart ? pad2(d.getUTCDate()) + ' ' + MONTHS[d.getUTCMonth()] + ' ' : '') + fmtTime(t);
      el('text', { x: xx + 3, y: AXIS_H - 10, class: day !== lastDay ? 'day' : '' }, g, label);
      lastDay = day;
    }
    el('text', { x: 10, y: AXIS_H - 10, class: 'day' }, g, fmtDay(t0) === fmtDay(t1) ? fmtDay(t0) : fmtDay(t0) + ' → ' + fmtDay(t1));
  }

  function drawOverview() {
    const all = extent();
    const lo = Math.min(all.t0, view.t0), hi = Math.max(all.t1, view.t1);
    const w = layout.plotW, y0 = layout.overviewY;
    const ox = (t) => LABEL_W + (t - lo) / (hi - lo) * w;
    const g = el('g', { class: 'overview', 'data-role': 'overview' }, svg);
    el('text', { x: 10, y: y0 + 21, class: 'row-sub' }, g, 'overview: click or drag');
    el('rect', { x: LABEL_W, y: y0, width: w, height: OVERVIEW_H, class: 'overview-bg' }, g);
    for (const o of values(model.outages)) {
      const a = ox(o.start), b = Math.max(a + 2, ox(o.end ?? dataEnd()));
      el('rect', { x: a, y: y0 + 6, width: b - a, height: OVERVIEW_H - 12, class: 'outage att-' + attributionOf(o.id) }, g);
    }
    for (const c of values(model.causes)) {
      if (c.start == null) { continue; }
      const a = ox(c.start), b = Math.max(a + 2, ox(c.end ?? dataEnd()));
      el('rect', { x: a, y: y0 + OVERVIEW_H - 6, width: b - a, height: 3, class: 'cause' }, g);
    }
    const vx = ox(view.t0), vw = Math.max(3, ox(view.t1) - vx);
    el('rect', { x: vx, y: y0 + 1, width: vw, height: OVERVIEW_H - 2, class: 'overview-view' }, g);
    layout.overview = { lo, hi, ox, y0 };
  }

  function updateCounts() {
    const pairs = pairsList();
    const by = (v) => pairs.filter((q) => q.verdict === v).length;
    document.getElementById('counts').textContent = values(model.outages).length + ' outages · ' + pairs.length + ' verdicts (' + by('LINKED') + ' linked, ' + by('UNLINKED') + ' unlinked, ' + by('PENDING') + ' pending) · ' + values(model.claims).length + ' claims';
  }

  // ---------- tooltip ----------

  function hover(node, lines) {
    node.addEventListener('mousemove', (ev) => {
      const text = lines().filter(Boolean);
      tooltip.replaceChildren(...text.map((t, i) => h(i === 0 ? 'strong' : 'div', { text: t })));
      tooltip.hidden = false;
      const r = chart.getBoundingClientRect();
      let left = ev.clientX - r.left + 14;
      if (left + 340 > r.width) { left = Math.max(4, ev.clientX - r.left - 350); }
      tooltip.style.left = left + 'px';
      tooltip.style.top = (ev.clientY - r.top + chart.scrollTop + 14) + 'px';
    });
    node.addEventListener('mouseleave', () => { tooltip.hidden = true; });
  }

  function outageTip(o) {
    const att = model.attributions[o.id];
    const pairs = pairsList().filter((q) => q.outageId === o.id);
    return [o.service + ': ' + fmt(o.start) + ' – ' + (o.end ? fmtTime(o.end) : 'still open'),
      att ? model.attributionTexts[att.status] : 'Not attributed yet.',
      ...pairs.sort(byVerdict).slice(0, 6).map((q) => q.verdict + ' ' + q.causeId + ' (' + q.confidence.toFixed(2) + ')'),
      'Click for reasons and history.'];
  }

  function causeTip(c) {
    return [c.id, [c.provider, c.datacenter, c.region, c.component].filter(Boolean).join(' · '),
      fmt(c.start) + ' – ' + (c.end ? fmt(c.end) : 'ongoing'), c.description || ''];
  }

  // ---------- panel ----------

  function byVerdict(a, b) { return (VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict]) || (b.confidence - a.confidence) || a.causeId.localeCompare(b.causeId); }
  function reasonText(code) { return (model.reasonTexts && model.reasonTexts[code]) || code; }

  function select(s) { selected = s; if (s && s.type === 'outage') { panel.scrollTop = 0; } schedule(); }

  function renderPanel() {
    const content = [];
    if (selected && selected.type === 'outage' && model.outages[selected.id]) {
      content.push(...outagePanel(model.outages[selected.id]));
    } else if (selected && selected.type === 'cause' && model.causes[selected.id]) {
      content.push(...causePanel(model.causes[selected.id]));
    } else if (selected && selected.type === 'claims') {
      content.push(...claimsPanel(selected.ids.map((id) => model.claims[id]).filter(Boolean)));
    } else {
      content.push(...overviewPanel());
    }
    panel.replaceChildren(...content);
    panel.dataset.selected = selected ? (selected.id || selected.ids.join(' ')) : '';
  }

  function overviewPanel() {
    const outages = values(model.outages).sort((a, b) => (b.start - a.start) || a.service.localeCompare(b.service));
    const list = h('ul', { class: 'outage-list' }, outages.slice(0, 200).map((o) => {
      const att = attributionOf(o.id);
      return h('li', { 'data-outage': o.id, onclick: () => { select({ type: 'outage', id: o.id }); centerOn(o.start, o.end); } }, [
        h('span', { class: 'chip att-' + att, text: att === 'NONE' ? '…' : att === 'EXPLAINED' ? 'external' : att === 'NO_KNOWN_CAUSE' ? 'no cause' : 'pending' }), ' ',
        h('strong', { text: o.service }), h('div', { class: 'meta', text: fmt(o.start) + ' – ' + (o.end ? fmtTime(o.end) : 'open') })]);
    }));
    return [h('h2', { text: 'What happened?' }),
      h('p', { class: 'hint', text: 'Each service row shows its outages, coloured by attribution. Lines join an outage to each cause it was judged against: solid = LINKED, dashed = UNLINKED. Claims are the diamonds. Click an outage for the verdicts, their reasons in plain words, confidence and revisions. Wheel to zoom, drag to pan.' }),
      h('h3', { text: 'Outages (' + outages.length + ')' }), list];
  }

  function outagePanel(o) {
    const att = model.attributions[o.id];
    const status = att ? att.status : 'NONE';
    const pairs = pairsList().filter((q) => q.outageId === o.id).sort(byVerdict);
    const withdrawn = values(model.pairs).filter((q) => q.withdrawn && q.outageId === o.id);
    const out = [
      h('h2', { text: o.service, 'data-role': 'panel-title' }),
      h('div', { class: 'meta', text: fmt(o.start) + ' – ' + (o.end ? (fmtDay(o.end) === fmtDay(o.start) ? fmtTime(o.end) : fmt(o.end)) + ' (' + fmtDuration(o.end - o.start) + ')' : 'still open') }),
      h('div', { class: 'meta', text: 'outage ' + o.id + ' · ' + o.failedPings + '/' + o.totalPings + ' pings failed' }),
      h('p', {}, [h('span', { class: 'chip att-' + status, text: status === 'NONE' ? 'NOT ATTRIBUTED' : status.replace(/_/g, ' ') }), ' ',
        h('span', { text: att ? model.attributionTexts[status] : 'No attribution yet.' })]),
      h('h3', { text: 'Correlations (' + pairs.length + ')' })];
    if (pairs.length === 0) { out.push(h('p', { class: 'hint', text: 'No candidate cause: nothing at its providers, in its region or aimed at it, within the correlation window.' })); }
    for (const q of pairs) { out.push(correlationCard(q, 'cause')); }
    if (withdrawn.length) { out.push(h('div', { class: 'meta', text: withdrawn.length + ' withdrawn pair(s): ' + withdrawn.map((q) => q.causeId).join(', ') })); }
    return out;
  }

  function correlationCard(q, title) {
    const cause = model.causes[q.causeId];
    const where = [q.provider, q.datacenter, q.region, q.component].filter(Boolean).join(' · ');
    const claims = q.claims.map((id) => model.claims[id]).filter(Boolean);
    return h('div', { class: 'card', 'data-role': 'correlation', 'data-cause': q.causeId, 'data-outage': q.outageId || '', 'data-verdict': q.verdict }, [
      h('div', {}, [h('span', { class: 'chip v-' + q.verdict, 'data-role': 'verdict', text: q.verdict }), ' ',
        h('span', { class: 'cause-id', text: title === 'cause' ? q.causeId : q.service + (q.outageStart ? ' @ ' + fmtShort(q.outageStart) : '') })]),
      h('div', { class: 'meta', text: lower(q.causeKind) + ' · ' + where + (cause && cause.start != null ? ' · ' + fmtShort(cause.start) + ' – ' + (cause.end ? fmtShort(cause.end) : 'ongoing') : '') }),
      h('div', { class: 'conf', 'data-role': 'confidence' }, [h('span', { text: 'confidence ' + q.confidence.toFixed(2) }), h('span', { class: 'bar' }, [bar(q.confidence)])]),
      h('ul', { class: 'reasons', 'data-role': 'reasons' }, q.reasons.map((r) => h('li', { 'data-reason': r }, [reasonText(r) + ' ', h('code', { text: r })]))),
      claims.length ? h('div', { class: 'meta', text: 'Claims tested:' }) : null,
      claims.length ? h('ul', { class: 'claims-list' }, claims.map((c) => h('li', { 'data-claim': c.id, text: (c.claimant || 'someone') + ', ' + fmt(c.at) + ': ' + (c.statement || 'says ' + c.provider + ' caused it') }))) : null,
      history(q)]);
  }

  // CSSOM, not a style attribute: the page's Content-Security-Policy forbids inline styles
  function bar(confidence) { const i = h('i'); i.style.width = Math.round(confidence * 100) + '%'; return i; }

  // what a revision changed, in words (the engine revises a verdict when the outage or the cause ends, a claim
  // arrives, hosting or status evidence changes)
  function changes(prev, s) {
    if (s.withdrawn) { return ['withdrawn: the pair no longer has a line']; }
    if (!prev) { return ['first verdict']; }
    if (prev.withdrawn) { return ['back after a withdrawal']; }
    const out = [];
    if (prev.verdict !== s.verdict) { out.push('verdict ' + prev.verdict + ' → ' + s.verdict); }
    const added = s.reasons.filter((r) => !prev.reasons.includes(r)), removed = prev.reasons.filter((r) => !s.reasons.includes(r));
    if (added.length) { out.push('+ ' + added.join(', ')); }
    if (removed.length) { out.push('− ' + removed.join(', ')); }
    const claims = (s.claims || []).filter((c) => !(prev.claims || []).includes(c));
    if (claims.length) { out.push('claim ' + claims.join(', ')); }
    if (s.outageEnd != null && prev.outageEnd == null) { out.push('outage closed'); }
    if (s.causeEnd != null && prev.causeEnd == null) { out.push('cause ended'); }
    if (!out.length && prev.confidence !== s.confidence) { out.push('confidence re-weighed'); }
    return out.length ? out : ['re-judged, same result'];
  }

  function history(q) {
    const steps = q.history || [];
    const rows = steps.map((s, i) => h('tr', {}, [
      h('td', { text: s.withdrawn ? '—' : String(s.revision) }),
      h('td', { text: s.withdrawn ? '' : s.verdict }),
      h('td', { text: s.withdrawn ? '' : s.confidence.toFixed(2) }),
      h('td', { text: changes(steps[i - 1], s).join('; ') })])).reverse();
    const d = h('details', { 'data-role': 'history' }, [h('summary', { text: 'Revision history (' + steps.length + ')' }),
      h('table', { class: 'hist' }, [h('tr', {}, [h('th', { text: 'rev' }), h('th', { text: 'verdict' }), h('th', { text: 'conf.' }), h('th', { text: 'what changed' })]), ...rows])]);
    if (steps.length > 1) { d.open = true; }
    return d;
  }

  function causePanel(c) {
    const pairs = pairsList().filter((q) => q.causeId === c.id).sort(byVerdict);
    const out = [h('h2', { text: c.id, 'data-role': 'panel-title' }),
      h('div', { class: 'meta', text: lower(c.kind) + ' · ' + [c.provider, c.datacenter, c.region, c.component].filter(Boolean).join(' · ') }),
      h('div', { class: 'meta', text: c.start != null ? fmt(c.start) + ' – ' + (c.end ? fmt(c.end) : 'ongoing') : 'no time span (a claimed provider)' })];
    if (c.description) { out.push(h('p', { text: c.description })); }
    for (const s of (c.steps || [])) { out.push(h('div', { class: 'meta', text: fmt(s.at) + ' ' + lower(s.phase) + (s.description ? ': ' + s.description : '') })); }
    out.push(h('h3', { text: 'Outages judged against it (' + pairs.length + ')' }));
    for (const q of pairs) { out.push(correlationCard(q, 'outage')); }
    return out;
  }

  function claimsPanel(claims) {
    const out = [h('h2', { text: claims.length === 1 ? 'Claim' : claims.length + ' claims', 'data-role': 'panel-title' })];
    for (const c of claims) {
      out.push(h('div', { class: 'card', 'data-claim': c.id }, [h('strong', { text: (c.claimant || 'someone') + ' about ' + c.service }),
        h('div', { class: 'meta', text: fmt(c.at) + ' · blames ' + [c.provider, c.datacenter, c.event, lower(c.eventKind)].filter(Boolean).join(' · ') }),
        c.statement ? h('p', { text: '“' + c.statement + '”' }) : null]));
      for (const q of pairsList().filter((x) => x.claims.includes(c.id)).sort(byVerdict)) { out.push(correlationCard(q, 'cause')); }
    }
    return out;
  }

  // ---------- zoom, pan, filters ----------

  function setView(t0, t1) {
    const span = Math.min(Math.max(t1 - t0, 5 * MIN), 20 * 365 * DAY);
    const mid = (t0 + t1) / 2;
    view = { t0: mid - span / 2, t1: mid + span / 2 };
    schedule();
  }
  function zoom(factor, at) {
    const t = at ?? (view.t0 + view.t1) / 2;
    setView(t - (t - view.t0) * factor, t + (view.t1 - t) * factor);
  }
  function pan(fraction) { const d = (view.t1 - view.t0) * fraction; setView(view.t0 + d, view.t1 + d); }
  function centerOn(start, end) {
    const e = end ?? dataEnd();
    const span = Math.max(view.t1 - view.t0, (e - start) * 1.6);
    if (start < view.t0 || e > view.t1) { setView((start + e) / 2 - span / 2, (start + e) / 2 + span / 2); }
  }
  function timeAt(clientX) {
    const r = svg.getBoundingClientRect();
    const px = (clientX - r.left) * (layout.width / r.width);
    return view.t0 + (px - LABEL_W) / layout.plotW * (view.t1 - view.t0);
  }

  // hovering an outage highlights its verdict lines; the svg is redrawn under the pointer, so this is tracked here
  svg.addEventListener('mousemove', (ev) => {
    const target = ev.target.closest ? ev.target.closest('[data-role]') : null;
    if (!target) { tooltip.hidden = true; }
    const id = target && target.dataset.role === 'outage' ? target.dataset.outage : null;
    if (id !== hovered && !drag) { hovered = id; schedule(); }
  });
  svg.addEventListener('mouseleave', () => { tooltip.hidden = true; if (hovered) { hovered = null; schedule(); } });

  svg.addEventListener('wheel', (ev) => {
    if (!layout) { return; }
    ev.preventDefault();
    zoom(ev.deltaY > 0 ? 1.25 : 0.8, timeAt(ev.clientX));
  }, { passive: false });

  let drag = null;
  svg.addEventListener('pointerdown', (ev) => {
    if (!layout || ev.button !== 0) { return; }
    const r = svg.getBoundingClientRect();
    const py = (ev.clientY - r.top) * (layout.width / r.width);
    const onOverview = py >= layout.overviewY;
    drag = { x: ev.clientX, view: { t0: view.t0, t1: view.t1 }, moved: false, overview: onOverview };
    if (onOverview) { overviewTo(ev.clientX); }
  });
  window.addEventListener('pointermove', (ev) => {
    if (!drag) { return; }
    if (Math.abs(ev.clientX - drag.x) > 3) { drag.moved = true; svg.classList.add('dragging'); }
    if (!drag.moved) { return; }
    if (drag.overview) { overviewTo(ev.clientX); return; }
    const r = svg.getBoundingClientRect();
    const dt = (ev.clientX - drag.x) * (layout.width / r.width) / layout.plotW * (drag.view.t1 - drag.view.t0);
    setView(drag.view.t0 - dt, drag.view.t1 - dt);
  });
  window.addEventListener('pointerup', () => { if (drag) { svg.classList.remove('dragging'); setTimeout(() => { drag = null; }, 0); } });
  svg.addEventListener('click', () => { if (drag && drag.moved) { return; } if (selected) { selected = null; schedule(); } });

  function overviewTo(clientX) {
    const o = layout.overview;
    const r = svg.getBoundingClientRect();
    const px = (clientX - r.left) * (layout.width / r.width);
    const t = o.lo + (px - LABEL_W) / layout.plotW * (o.hi - o.lo);
    const span = view.t1 - view.t0;
    setView(t - span / 2, t + span / 2);
  }

  document.getElementById('z-in').onclick = () => zoom(0.6);
  document.getElementById('z-out').onclick = () => zoom(1 / 0.6);
  document.getElementById('z-left').onclick = () => pan(-0.3);
  document.getElementById('z-right').onclick = () => pan(0.3);
  document.getElementById('z-fit').onclick = () => { if (model) { const e = extent(); setView(e.t0, e.t1); } };
  document.getElementById('z-latest').onclick = () => { if (model) { const e = latestView(); setView(e.t0, e.t1); } };
  window.addEventListener('keydown', (ev) => {
    if (ev.target && /INPUT|SELECT/.test(ev.target.tagName)) { return; }
    if (ev.key === '+' || ev.key === '=') { zoom(0.6); } else if (ev.key === '-') { zoom(1 / 0.6); } else if (ev.key === 'ArrowLeft') { pan(-0.2); } else if (ev.key === 'ArrowRight') { pan(0.2); } else if (ev.key === 'Escape') { selected = null; schedule(); }
  });
  window.addEventListener('resize', schedule);

  const fProvider = document.getElementById('f-provider');
  const fService = document.getElementById('f-service');
  fProvider.onchange = () => { filters.provider = fProvider.value; schedule(); };
  fService.onchange = () => { filters.service = fService.value; schedule(); };
  for (const id of ['f-linked', 'f-unlinked', 'f-pending']) {
    const box = document.getElementById(id);
    box.onchange = () => { if (box.checked) { filters.verdicts.add(box.value); } else { filters.verdicts.delete(box.value); } schedule(); };
  }

  function refreshFilters() {
    fill(fProvider, new Set([...values(model.pairs).map((q) => q.provider), ...values(model.causes).map((c) => c.provider), ...values(model.claims).map((c) => c.provider), ...values(model.statusRows).map((r) => r.provider)].filter(Boolean)), filters.provider);
    fill(fService, new Set([...values(model.outages).map((o) => o.service), ...values(model.pairs).map((q) => q.service)]), filters.service);
  }
  function fill(select, names, current) {
    const sorted = [...names].sort();
    const have = [...select.options].slice(1).map((o) => o.value);
    if (have.join('\n') === sorted.join('\n')) { return; }
    select.replaceChildren(h('option', { value: '', text: 'all' }), ...sorted.map((n) => h('option', { value: n, text: n })));
    select.value = sorted.includes(current) ? current : '';
  }

  connect();
}());
