// The analytics dashboard: a token from the user (kept in sessionStorage for this tab), the
// /v1/reports/... routes of the same origin, and hand-written SVG charts (./charts.js).
import { barChart, compact, funnelChart, heatmap, html, lineChart, rfmGrid, table } from './charts.js';

const TOKEN_KEY = 'crm.dashboard.token';
const $ = (sel) => document.querySelector(sel);
const state = { token: sessionStorage.getItem(TOKEN_KEY), currency: 'USD' };

class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${state.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.detail ?? res.statusText);
  return body;
}

// ---- formatting

const EXPONENT = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, TND: 3, JOD: 3 };
const major = (minor, cur = state.currency) => (minor === null || minor === undefined ? null : minor / 10 ** (EXPONENT[cur] ?? 2));
function money(minor, cur = state.currency) {
  const v = major(minor, cur);
  if (v === null) return '–';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: cur, maximumFractionDigits: Math.abs(v) >= 1000 ? 0 : 2 }).format(v);
  } catch {
    return `${compact(v)} ${cur}`;
  }
}
const pct = (r) => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(1)}%`);
const CARD_NAMES = {
  revenue: 'Revenue', orders: 'Orders', aov: 'Average order value', newProfiles: 'New profiles', newBuyers: 'New buyers', buyers: 'Buyers',
  repurchaseRate: 'Repurchase rate', activeCustomers: 'Active customers', churnRate: 'Churn rate', checkoutConversion: 'Checkout conversion',
  messagesSent: 'Messages sent', attributedRevenue: 'Attributed revenue',
};

// ---- period

const today = () => new Date().toISOString().slice(0, 10);
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);

function period() {
  const f = $('#period');
  const preset = f.preset.value;
  let to = today();
  let from = addDays(to, -(Number(preset) - 1));
  if (preset === 'custom') {
    to = f.to.value || to;
    from = f.from.value || addDays(to, -29);
  }
  const days = daysBetween(from, to) + 1;
  const g = f.granularity.value === 'auto' ? (days <= 92 ? 'day' : days <= 400 ? 'week' : 'month') : f.granularity.value;
  return { from, to, granularity: g };
}

const qs = (o) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
const label = (bucket, g) => (g === 'month' ? bucket.slice(0, 7) : bucket.slice(5));

// ---- sections

async function section(name, render) {
  const node = document.querySelector(`[data-section="${name}"]`);
  node.dataset.state = 'loading';
  node.querySelector('.note')?.remove();
  try {
    await render(node);
    node.dataset.state = 'ready';
  } catch (err) {
    if (err.status === 401) return signOut('The token was refused (expired or invalid): paste a new one.');
    node.dataset.state = err.status === 403 ? 'forbidden' : 'error';
    html('p', { class: 'note' }, node, err.status === 403 ? `Your role cannot see this section (${err.message})` : `Could not load: ${err.message}`);
  }
}

function cards(container, list) {
  container.replaceChildren();
  for (const c of list) {
    const card = html('div', { class: 'card', 'data-card': c.id, 'data-value': c.value ?? '' }, container);
    html('div', { class: 'name' }, card, c.name ?? CARD_NAMES[c.id] ?? c.id);
    html('div', { class: 'value' }, card, c.unit === 'money' ? money(c.value) : c.unit === 'ratio' ? pct(c.value) : c.unit === 'minutes' ? (c.value === null ? '–' : `${Math.round(c.value)} min`) : compact(c.value));
    if (c.change !== undefined && c.change !== null) html('div', { class: `change ${c.change >= 0 ? 'up' : 'down'}` }, card, `${c.change >= 0 ? '▲' : '▼'} ${pct(Math.abs(c.change))} vs previous`);
  }
}

async function render() {
  const p = period();
  document.querySelectorAll('[data-period]').forEach((n) => (n.textContent = `${p.from} – ${p.to}`));
  document.body.dataset.loaded = 'false';
  state.sales = undefined;
  state.value = undefined;
  const tasks = [
    section('kpis', async () => {
      const o = await api(`/v1/reports/overview?${qs({ from: p.from, to: p.to })}`);
      state.currency = o.currency;
      cards($('#cards'), o.cards);
      const f = o.freshness;
      $('#freshness').textContent = f.snapshotAsOf ? `Snapshot as of ${f.snapshotAsOf}${f.partial ? ' (buyer figures after it come with the next one)' : ''}` : 'No snapshot yet';
    }),
    section('revenue', async () => {
      const s = await api(`/v1/reports/sales?${qs({ ...p, metrics: 'revenue,orders,aov,buyers,newBuyers,returningBuyers,repurchaseRate' })}`);
      state.sales = s;
      const rows = s.series[0].rows;
      const labels = rows.map((r) => label(r.bucket, p.granularity));
      lineChart($('#revenue-chart'), { name: 'revenue', labels, series: [{ name: `Revenue (${s.currency})`, values: rows.map((r) => major(r.revenue, s.currency)) }], label: 'Revenue per bucket' });
      barChart($('#orders-chart'), { name: 'orders', labels, series: [{ name: 'Orders', values: rows.map((r) => r.orders) }], label: 'Orders per bucket' });
    }),
    section('buyers', async () => {
      const s = state.sales ?? (await api(`/v1/reports/sales?${qs({ ...p, metrics: 'aov,newBuyers,returningBuyers' })}`));
      const rows = s.series[0].rows;
      const labels = rows.map((r) => label(r.bucket, p.granularity));
      barChart($('#buyers-chart'), { name: 'buyers', labels, stacked: true, series: [{ name: 'New buyers', values: rows.map((r) => r.newBuyers) }, { name: 'Returning buyers', values: rows.map((r) => r.returningBuyers) }], label: 'New and returning buyers' });
      lineChart($('#aov-chart'), { name: 'aov', labels, series: [{ name: `AOV (${s.currency})`, values: rows.map((r) => major(r.aov, s.currency)) }], label: 'Average order value' });
    }),
    section('lifecycle', async () => {
      const c = await api(`/v1/reports/customers?${qs({ ...p, metrics: 'new,active,reactivated,dormant,churned,prospects,newProfiles' })}`);
      const rows = c.series[0].rows;
      const labels = rows.map((r) => label(r.bucket, p.granularity));
      const stages = ['new', 'active', 'reactivated', 'dormant', 'churned'];
      barChart($('#lifecycle-chart'), { name: 'lifecycle', labels, stacked: true, series: stages.map((s) => ({ name: s, values: rows.map((r) => r[s]) })), label: 'Customers by lifecycle stage at the end of each bucket' });
      const q = c.current?.quality;
      table($('#quality'), {
        name: 'quality',
        columns: [{ key: 'k', label: 'Data quality' }, { key: 'v', label: '', num: true }],
        rows: q ? [{ k: 'Profiles', v: compact(c.current.customers) }, { k: 'Average completeness', v: pct(q.completeness) }, { k: 'Contactable (e-mail or phone)', v: compact(q.contactable) }, { k: 'Open duplicate candidates', v: compact(q.duplicatesOpen) }] : [],
      });
    }),
    section('cohorts', async () => {
      // The cohorts of the last two years (empty months left out), 18 months after each first order.
      const toMonth = p.to.slice(0, 7);
      const fromMonth = new Date(Date.UTC(Number(toMonth.slice(0, 4)), Number(toMonth.slice(5, 7)) - 24, 1)).toISOString().slice(0, 7);
      const c = await api(`/v1/reports/cohorts?${qs({ from: fromMonth, to: toMonth, months: 18 })}`);
      const rows = c.cohorts.filter((r) => r.size > 0);
      if (!rows.length) {
        $('#cohort-chart').replaceChildren();
        html('p', { class: 'note' }, $('#cohort-chart'), 'No first orders in the last two years.');
        return;
      }
      heatmap($('#cohort-chart'), { name: 'cohorts', columns: c.months, rows: rows.map((r) => ({ label: r.month, size: r.size, values: r.values })), label: 'Share of each first-order cohort buying again, by months since' });
    }),
    section('rfm', async () => {
      const v = await api('/v1/reports/value?window=30');
      state.value = v;
      if (!v.rfm) {
        $('#rfm-chart').replaceChildren();
        html('p', { class: 'note' }, $('#rfm-chart'), v.note ?? 'No buyers yet.');
        return;
      }
      $('#rfm-asof').textContent = `as of ${v.asOf}`;
      const names = Object.fromEntries(v.rfm.groups.map((g) => [g.id, g.name]));
      rfmGrid($('#rfm-chart'), { name: 'rfm', grid: v.rfm.grid, names });
      table($('#rfm-moves'), {
        name: 'rfm-moves',
        columns: [{ key: 'from', label: 'From (30 days ago)', format: (x) => names[x] ?? x.replace(/_/g, ' ') }, { key: 'to', label: 'To', format: (x) => names[x] ?? x }, { key: 'customers', label: 'Customers', num: true }],
        rows: v.rfm.movement.filter((m) => m.moved).slice(0, 8),
      });
    }),
    section('value', async () => {
      const v = state.value ?? (await api('/v1/reports/value'));
      const h = v.clv?.historic;
      if (!h) return;
      const edges = h.edges.map((e, i) => (i === h.edges.length - 1 ? `${e}+` : `${e}–${h.edges[i + 1]}`));
      const series = [{ name: 'Spent so far', values: h.counts }];
      if (v.clv.predicted) series.push({ name: 'Predicted CLV (1 year)', values: v.clv.predicted.counts });
      barChart($('#clv-chart'), { name: 'clv', labels: edges, series, label: `Customers by value (${v.baseCurrency})` });
    }),
    section('checkout-funnel', async () => {
      const k = await api(`/v1/reports/checkouts?${qs(p)}`);
      const t = k.series[0].totals;
      funnelChart($('#checkout-funnel'), { name: 'checkout-funnel', steps: [{ label: 'Checkouts started', count: t.started }, { label: 'Abandoned', count: t.abandoned }, { label: 'Recovered', count: t.recovered }, { label: 'Completed (order)', count: t.completed }] });
    }),
    section('sales-funnel', async () => {
      const a = await api(`/v1/reports/sales-activity?${qs(p)}`);
      funnelChart($('#sales-funnel'), { name: 'sales-funnel', steps: a.funnel.map((s) => ({ label: { leads: 'Leads', converted: 'Converted', opportunities: 'Opportunities', won: 'Won' }[s.step] ?? s.step, count: s.count })) });
      table($('#reps'), {
        name: 'reps',
        columns: [{ key: 'repId', label: 'Rep' }, { key: 'followUps', label: 'Follow-ups', num: true }, { key: 'opportunities', label: 'Opportunities', num: true }, { key: 'won', label: 'Won', num: true }, { key: 'winRate', label: 'Win rate', num: true, format: pct }],
        rows: a.reps,
      });
    }),
    section('marketing', async () => {
      const m = await api(`/v1/reports/marketing?${qs(p)}`);
      // The period's figures of each campaign and journey (sources with nothing in the period last).
      const sources = m.sources.map((s) => ({ ...s, ...s.period, lifetimeSent: s.sent })).sort((a, b) => b.sent - a.sent);
      barChart($('#roi-chart'), { name: 'roi', labels: sources.map((s) => (s.name ?? s.id).slice(0, 18)), series: [{ name: `Revenue (${m.currency})`, values: sources.map((s) => major(s.revenue, m.currency)) }, { name: 'Cost', values: sources.map((s) => major(s.cost ?? 0, m.currency)) }], label: 'Attributed revenue and cost per campaign and journey in the period' });
      table($('#sources'), {
        name: 'sources',
        columns: [
          { key: 'name', label: 'Name', format: (x) => x ?? '(deleted)' }, { key: 'kind', label: 'Kind' }, { key: 'sent', label: 'Sent', num: true },
          { key: 'rates', label: 'Open', num: true, format: (r) => pct(r?.open) }, { key: 'rates', label: 'Click', num: true, format: (r) => pct(r?.click) },
          { key: 'converted', label: 'Orders', num: true }, { key: 'revenue', label: 'Revenue', num: true, format: (x) => money(x, m.currency) },
          { key: 'cost', label: 'Cost', num: true, format: (x) => (x === null ? '–' : money(x, m.currency)) }, { key: 'roi', label: 'ROI', num: true, format: pct },
          { key: 'lifetimeSent', label: 'Sent (lifetime)', num: true },
        ],
        rows: sources,
      });
      table($('#acquisition'), {
        name: 'acquisition',
        columns: [{ key: 'channel', label: 'Source channel' }, { key: 'newProfiles', label: 'New profiles', num: true }, { key: 'cost', label: 'Spend', num: true, format: (x) => (x === null ? '–' : money(x, m.currency)) }, { key: 'costPerAcquisition', label: 'Cost per profile', num: true, format: (x) => (x === null ? '–' : money(x, m.currency)) }],
        rows: m.acquisition,
      });
    }),
    section('service', async () => {
      const [r, t] = await Promise.all([api(`/v1/reports/service?${qs({ from: p.from, to: p.to })}`), api(`/v1/reports/service-trend?${qs(p)}`)]);
      const s = r.period;
      cards($('#service-cards'), [
        { id: 'created', name: 'Tickets created', unit: 'count', value: s.created },
        { id: 'solved', name: 'Solved', unit: 'count', value: s.solved },
        { id: 'firstResponse', name: 'First response (avg)', unit: 'minutes', value: s.averageFirstResponseMinutes },
        { id: 'resolution', name: 'Resolution (avg)', unit: 'minutes', value: s.averageResolutionMinutes },
        { id: 'sla', name: 'SLA compliance', unit: 'ratio', value: s.sla.overall.compliance },
        { id: 'csat', name: 'CSAT (1–5)', unit: 'count', value: s.csat.average },
        { id: 'nps', name: 'NPS', unit: 'count', value: s.nps.score },
      ]);
      const labels = t.rows.map((x) => label(x.bucket, p.granularity));
      barChart($('#service-chart'), { name: 'service', labels, series: [{ name: 'Created', values: t.rows.map((x) => x.created) }, { name: 'Solved', values: t.rows.map((x) => x.solved) }], label: 'Tickets created and solved' });
      table($('#agents'), { name: 'agents', columns: [{ key: 'agentId', label: 'Agent' }, { key: 'solved', label: 'Solved in period', num: true }, { key: 'open', label: 'Open now', num: true }], rows: t.agents });
    }),
  ];
  await Promise.all(tasks);
  document.body.dataset.loaded = 'true';
}

// ---- session

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  $('#dashboard').hidden = true;
  $('#signin').hidden = false;
  $('#signout').hidden = true;
  $('#refresh').hidden = true;
  $('#signin-error').textContent = message ?? '';
}

function signedIn() {
  $('#signin').hidden = true;
  $('#dashboard').hidden = false;
  $('#signout').hidden = false;
  $('#refresh').hidden = false;
  render();
}

async function refreshSnapshot() {
  const button = $('#refresh');
  button.disabled = true;
  button.textContent = 'Running…';
  try {
    let run = await api('/v1/analytics/runs', { method: 'POST', body: JSON.stringify({ kind: 'snapshot' }) });
    for (let i = 0; i < 120 && (run.status === 'queued' || run.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      run = await api(`/v1/analytics/runs/${run.id}`);
    }
    $('#freshness').textContent = run.status === 'completed' ? `Snapshot as of ${run.asOf}` : `Snapshot ${run.status}${run.error ? `: ${run.error}` : ''}`;
    await render();
  } catch (err) {
    $('#freshness').textContent = err.status === 403 ? 'Refreshing needs analytics:manage' : `Refresh failed: ${err.message}`;
  } finally {
    button.disabled = false;
    button.textContent = 'Refresh snapshot';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const f = $('#period');
  f.to.value = today();
  f.from.value = addDays(today(), -29);
  f.preset.addEventListener('change', () => f.classList.toggle('is-custom', f.preset.value === 'custom'));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (state.token) render();
  });
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const t = e.target.token.value.trim();
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(t)) {
      $('#signin-error').textContent = 'That does not look like a token (three dot-separated parts).';
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, t);
    state.token = t;
    e.target.token.value = '';
    signedIn();
  });
  $('#signout').addEventListener('click', () => signOut());
  $('#refresh').addEventListener('click', () => refreshSnapshot());
  if (state.token) signedIn();
  else signOut();
});
