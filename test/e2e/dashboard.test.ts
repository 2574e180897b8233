import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestStack, type TestStack } from './helpers';
import { seedTestBrand } from './analytics-world';

/**
 * The dashboard page in headless Chromium (Debian's chromium, driven by playwright-core): served by
 * the local runtime at /dashboard with the seeded brand, signed in with a pasted token, every
 * section drawn, the charts' marks carrying the values the reports answer; a screenshot is written
 * to test/artifacts/dashboard.png. Without /usr/bin/chromium this test fails (`.ci/run` installs it).
 */
jest.setTimeout(600_000);
const CHROMIUM = process.env.CRM_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'artifacts');
let t: TestStack;
let browser: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: install Debian's package (apt-get install -y chromium), as .ci/run does.`);
  t = await startTestStack();
  await seedTestBrand(t, 60);
  profile = mkdtempSync(join(tmpdir(), 'crm-chromium-'));
  // A fresh profile per run, and the flags this machine's closed network needs (no background connections).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  page = await browser.newPage();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const errors: string[] = [];

describe('the analytics dashboard in Chromium', () => {
  it('asks for a token, then draws every section from the seeded brand', async () => {
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.stack.url}/dashboard`);
    expect(await page.isVisible('#signin')).toBe(true);
    await page.fill('textarea[name=token]', 'not-a-token');
    await page.click('#token-form button');
    expect(await page.textContent('#signin-error')).toContain('does not look like a token');
    await page.fill('textarea[name=token]', await t.token('manager'));
    await page.click('#token-form button');
    await page.waitForSelector('body[data-loaded=true]', { timeout: 120_000 });
    const states = await page.$$eval('[data-section]', (ns) => Object.fromEntries(ns.map((n) => [n.getAttribute('data-section'), n.getAttribute('data-state')])));
    expect(Object.values(states).every((s) => s === 'ready')).toBe(true);
    expect(Object.keys(states)).toHaveLength(11);
    expect(errors).toEqual([]);
    // The token stays in this tab only.
    expect(await page.evaluate("[sessionStorage.getItem('crm.dashboard.token') !== null, localStorage.length]")).toEqual([true, 0]);
  });

  it('shows the KPI cards and trends the reports answer', async () => {
    expect(await page.$eval('#period select[name=preset]', (n) => (n as unknown as { value: string }).value)).toBe('365');
    const overview = (await t.call('GET', `/v1/reports/overview?from=${new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10)}`, { role: 'manager' })).body;
    const cardValue = async (id: string) => page.$eval(`[data-card="${id}"]`, (n) => n.getAttribute('data-value'));
    for (const id of ['revenue', 'orders', 'buyers', 'activeCustomers']) expect({ id, v: await cardValue(id) }).toEqual({ id, v: String(overview.cards.find((c: { id: string }) => c.id === id).value) });
    const sales = (await t.call('GET', `/v1/reports/sales?from=${new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10)}&granularity=week&metrics=revenue,orders`, { role: 'manager' })).body;
    const rows = sales.series[0].rows as { orders: number }[];
    const bars = await page.$$eval('svg[data-chart="orders"] rect[data-value]', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
    expect(bars).toEqual(rows.map((r) => r.orders));
    expect(await page.$$eval('svg[data-chart="revenue"] circle', (cs) => cs.length)).toBe(rows.length);
    expect(bars.some((b) => b > 0)).toBe(true);
  });

  it('draws the cohort heatmap, the RFM grid, the funnels, campaign ROI and the service KPIs', async () => {
    const value = (await t.call('GET', '/v1/reports/value?window=30', { role: 'manager' })).body;
    const grid = await page.$$eval('svg[data-chart="rfm"] rect[data-value]', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
    expect(grid).toHaveLength(25);
    expect(grid.reduce((a, b) => a + b, 0)).toBe(value.rfm.groups.reduce((s: number, g: { customers: number }) => s + g.customers, 0));
    const cells = await page.$$eval('svg[data-chart="cohorts"] rect[data-value]', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
    expect(cells.length).toBeGreaterThan(5);
    expect(cells.filter((v) => v === 1).length).toBeGreaterThan(0); // month 0 of each cohort is 100 %
    expect(await page.$$eval('svg[data-chart="checkout-funnel"] [data-step]', (s) => s.length)).toBe(4);
    const salesFunnel = await page.$$eval('svg[data-chart="sales-funnel"] rect[data-value]', (rs) => rs.map((r) => Number(r.getAttribute('data-value'))));
    expect(salesFunnel[0]).toBeGreaterThan(0);
    expect(await page.$$eval('table[data-table="sources"] tbody tr', (r) => r.length)).toBeGreaterThan(0);
    expect(await page.$eval('[data-section="service"] [data-card="created"]', (n) => Number(n.getAttribute('data-value')))).toBeGreaterThan(0);
    expect(await page.$$eval('svg[data-chart="lifecycle"] rect[data-value]', (r) => r.length)).toBeGreaterThan(0);
  });

  it('writes a screenshot of the whole page', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(statSync(file).size).toBeGreaterThan(50_000);
  });

  it('sends a refused token back to sign-in', async () => {
    await page.evaluate("sessionStorage.setItem('crm.dashboard.token', 'eyJ.bad.token')");
    await page.reload();
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.textContent('#signin-error')).toContain('refused');
  });
});
