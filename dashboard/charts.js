// Hand-written SVG charts for the analytics dashboard: no library, no build step. Every mark
// carries data-* attributes with its value, so a test (or a screen reader's table view) can read
// what is drawn. All text goes in through textContent, never innerHTML.

const NS = 'http://www.w3.org/2000/svg';

export function el(tag, attrs = {}, parent) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

export function html(tag, attrs = {}, parent, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function svgRoot(container, name, width, height, label) {
  container.replaceChildren();
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': label, 'data-chart': name, class: 'chart' });
  container.appendChild(svg);
  return svg;
}

const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9ca3af'];
export const color = (i) => COLORS[i % COLORS.length];

export function compact(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function axes(svg, { x0, y0, w, h, max, labels, format = compact }) {
  const g = el('g', { class: 'axes' }, svg);
  for (let i = 0; i <= 4; i++) {
    const y = y0 + h - (h * i) / 4;
    el('line', { x1: x0, x2: x0 + w, y1: y, y2: y, class: 'grid' }, g);
    el('text', { x: x0 - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, g).textContent = format((max * i) / 4);
  }
  const step = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % step) return;
    const x = x0 + (labels.length === 1 ? w / 2 : (w * i) / (labels.length - 1));
    el('text', { x, y: y0 + h + 16, 'text-anchor': 'middle', class: 'tick' }, g).textContent = l;
  });
}

function legend(container, series) {
  const box = html('div', { class: 'legend' }, container);
  series.forEach((s, i) => {
    const item = html('span', { class: 'legend-item' }, box);
    html('span', { class: `swatch c${i % COLORS.length}` }, item);
    item.appendChild(document.createTextNode(s.name));
  });
}

/** Lines over buckets: series [{name, values}] (null = no data). */
export function lineChart(container, { name, labels, series, format = compact, label }) {
  const W = 640, H = 240, x0 = 52, y0 = 12, w = W - x0 - 12, h = H - y0 - 30;
  const svg = svgRoot(container, name, W, H, label ?? name);
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null))));
  axes(svg, { x0, y0, w, h, max, labels, format });
  const xOf = (i) => x0 + (labels.length === 1 ? w / 2 : (w * i) / (labels.length - 1));
  const yOf = (v) => y0 + h - (h * v) / max;
  series.forEach((s, si) => {
    const g = el('g', { 'data-series': s.name }, svg);
    const pts = s.values.map((v, i) => (v === null ? null : `${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`)).filter(Boolean);
    if (pts.length > 1) el('polyline', { points: pts.join(' '), fill: 'none', stroke: color(si), 'stroke-width': 2 }, g);
    s.values.forEach((v, i) => {
      if (v === null) return;
      const c = el('circle', { cx: xOf(i).toFixed(1), cy: yOf(v).toFixed(1), r: labels.length > 60 ? 1.5 : 3, fill: color(si), 'data-value': v, 'data-label': labels[i] }, g);
      el('title', {}, c).textContent = `${s.name} ${labels[i]}: ${format(v)}`;
    });
  });
  if (series.length > 1) legend(container, series);
  return svg;
}

/** Bars over buckets; `stacked` piles the series. */
export function barChart(container, { name, labels, series, stacked = false, format = compact, label }) {
  const W = 640, H = 240, x0 = 52, y0 = 12, w = W - x0 - 12, h = H - y0 - 30;
  const svg = svgRoot(container, name, W, H, label ?? name);
  const totals = labels.map((_, i) => (stacked ? series.reduce((s, x) => s + (x.values[i] ?? 0), 0) : Math.max(0, ...series.map((x) => x.values[i] ?? 0))));
  const max = niceMax(Math.max(0, ...totals));
  const slot = w / labels.length;
  const barW = Math.max(1, (stacked ? slot * 0.8 : (slot * 0.8) / series.length));
  const gx = el('g', { class: 'axes' }, svg);
  for (let i = 0; i <= 4; i++) {
    const y = y0 + h - (h * i) / 4;
    el('line', { x1: x0, x2: x0 + w, y1: y, y2: y, class: 'grid' }, gx);
    el('text', { x: x0 - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' }, gx).textContent = format((max * i) / 4);
  }
  const step = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % step === 0) el('text', { x: x0 + slot * i + slot / 2, y: y0 + h + 16, 'text-anchor': 'middle', class: 'tick' }, gx).textContent = l;
  });
  const base = labels.map(() => 0);
  series.forEach((s, si) => {
    const g = el('g', { 'data-series': s.name }, svg);
    s.values.forEach((v, i) => {
      const val = v ?? 0;
      const bh = (h * val) / max;
      const x = x0 + slot * i + slot * 0.1 + (stacked ? 0 : barW * si);
      const y = y0 + h - bh - (stacked ? (h * base[i]) / max : 0);
      if (stacked) base[i] += val;
      const r = el('rect', { x: x.toFixed(1), y: y.toFixed(1), width: barW.toFixed(1), height: Math.max(0, bh).toFixed(1), fill: color(si), 'data-value': val, 'data-label': labels[i] }, g);
      el('title', {}, r).textContent = `${s.name} ${labels[i]}: ${format(val)}`;
    });
  });
  if (series.length > 1) legend(container, series);
  return svg;
}

/** Horizontal funnel: steps [{label, count}], each with its share of the first. */
export function funnelChart(container, { name, steps, label }) {
  const W = 640, rowH = 34, H = steps.length * rowH + 8, x0 = 150, w = W - x0 - 90;
  const svg = svgRoot(container, name, W, H, label ?? name);
  const first = steps[0]?.count || 0;
  const max = Math.max(1, ...steps.map((s) => s.count));
  steps.forEach((s, i) => {
    const y = 4 + i * rowH;
    const g = el('g', { 'data-step': s.label }, svg);
    el('text', { x: x0 - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'label' }, g).textContent = s.label;
    el('rect', { x: x0, y: y + 4, width: ((w * s.count) / max).toFixed(1), height: rowH - 10, fill: color(i), 'data-value': s.count, rx: 3 }, g);
    const share = first ? `${((100 * s.count) / first).toFixed(1)}%` : '';
    el('text', { x: x0 + (w * s.count) / max + 6, y: y + rowH / 2 + 4, class: 'value' }, g).textContent = `${compact(s.count)} ${i ? share : ''}`.trim();
  });
  return svg;
}

/** Retention heatmap: rows [{label, size, values: (share|null)[]}], column k = months since. */
export function heatmap(container, { name, rows, columns, format = (v) => `${Math.round(v * 100)}%`, label }) {
  const cell = 38, x0 = 120, y0 = 22, W = x0 + columns * cell + 8, H = y0 + rows.length * 24 + 8;
  const svg = svgRoot(container, name, W, H, label ?? name);
  for (let k = 0; k < columns; k++) el('text', { x: x0 + k * cell + cell / 2, y: 14, 'text-anchor': 'middle', class: 'tick' }, svg).textContent = `M${k}`;
  rows.forEach((r, i) => {
    const y = y0 + i * 24;
    const g = el('g', { 'data-row': r.label }, svg);
    el('text', { x: x0 - 6, y: y + 16, 'text-anchor': 'end', class: 'tick' }, g).textContent = `${r.label} (${r.size})`;
    r.values.forEach((v, k) => {
      if (v === null) return;
      const shade = Math.round(245 - 185 * Math.min(1, v / Math.max(1e-9, k === 0 ? 1 : 0.5)));
      const rect = el('rect', { x: x0 + k * cell, y, width: cell - 2, height: 22, fill: `rgb(${shade},${Math.round(shade * 0.9 + 25)},255)`, 'data-value': v, 'data-cohort': r.label, 'data-month': k }, g);
      el('title', {}, rect).textContent = `${r.label} month ${k}: ${format(v)}`;
      el('text', { x: x0 + k * cell + (cell - 2) / 2, y: y + 15, 'text-anchor': 'middle', class: v > 0.35 ? 'cell light' : 'cell' }, g).textContent = format(v);
    });
  });
  return svg;
}

// R rows 5 … 1, FM columns 1 … 5 (shared/domain/models/rfm.ts).
const RFM_GRID = {
  5: ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
  4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
  3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  1: ['lost', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
};
const RFM_COLORS = { champions: '#166534', loyal: '#16a34a', potential_loyalist: '#65a30d', new: '#0891b2', promising: '#06b6d4', need_attention: '#eab308', about_to_sleep: '#f59e0b', at_risk: '#ea580c', cant_lose: '#dc2626', hibernating: '#9ca3af', lost: '#4b5563' };

/** The RFM grid: grid[r − 1][fm − 1] customers, each cell in its group's colour. */
export function rfmGrid(container, { name, grid, names }) {
  const cell = 86, x0 = 40, y0 = 10, W = x0 + 5 * cell + 10, H = y0 + 5 * cell + 30;
  const svg = svgRoot(container, name, W, H, 'RFM grid');
  for (let r = 5; r >= 1; r--) {
    const y = y0 + (5 - r) * cell;
    el('text', { x: x0 - 8, y: y + cell / 2 + 4, 'text-anchor': 'end', class: 'tick' }, svg).textContent = `R${r}`;
    for (let fm = 1; fm <= 5; fm++) {
      const x = x0 + (fm - 1) * cell;
      const group = RFM_GRID[r][fm - 1];
      const n = grid?.[r - 1]?.[fm - 1] ?? 0;
      const g = el('g', { 'data-r': r, 'data-fm': fm, 'data-group': group }, svg);
      const rect = el('rect', { x, y, width: cell - 3, height: cell - 3, fill: RFM_COLORS[group], 'data-value': n, rx: 4 }, g);
      el('title', {}, rect).textContent = `${names[group] ?? group} R${r} FM${fm}: ${n}`;
      el('text', { x: x + cell / 2, y: y + cell / 2 - 2, 'text-anchor': 'middle', class: 'cell light big' }, g).textContent = compact(n);
      el('text', { x: x + cell / 2, y: y + cell / 2 + 16, 'text-anchor': 'middle', class: 'cell light small' }, g).textContent = names[group] ?? group;
    }
  }
  for (let fm = 1; fm <= 5; fm++) el('text', { x: x0 + (fm - 1) * cell + cell / 2, y: y0 + 5 * cell + 16, 'text-anchor': 'middle', class: 'tick' }, svg).textContent = `FM${fm}`;
  return svg;
}

/** A plain table: columns [{key, label, format}], rows of objects. */
export function table(container, { name, columns, rows }) {
  container.replaceChildren();
  const t = html('table', { 'data-table': name, class: 'data' }, container);
  const head = html('tr', {}, html('thead', {}, t));
  for (const c of columns) html('th', {}, head, c.label);
  const body = html('tbody', {}, t);
  for (const r of rows) {
    const tr = html('tr', {}, body);
    for (const c of columns) html('td', { class: c.num ? 'num' : '' }, tr, c.format ? c.format(r[c.key], r) : String(r[c.key] ?? '–'));
  }
  if (!rows.length) html('td', { colspan: columns.length, class: 'empty' }, html('tr', {}, body), 'Nothing in this period.');
  return t;
}
