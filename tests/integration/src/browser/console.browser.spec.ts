import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { produce } from '../support/plain-kafka';
import type { ServiceProcess } from '../support/service-process';
import { ORDER, System } from '../support/system';

const CHAINS = ['chain1', 'chain2', 'chain3'];
/** Short leases, so that a killed instance leaves within seconds. */
const LEASE_TTL_SECONDS = 3;
/** Where the screenshots go (docs/images holds the ones committed: CONSOLE_SCREENSHOTS=docs/images). */
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS'] ?? join(process.cwd(), 'tmp', 'console-screenshots');
const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';

const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const instance = (page: Page, service: string, instanceId: string) =>
  page.locator(`[data-testid="service"][data-name="${service}"] [data-testid="instance"][data-instance="${instanceId}"]`);

/**
 * The operator console in a real browser (Debian's chromium, driven by playwright-core) against
 * the real gateway on Kafka and etcd: ops serves /console on its operator listener; the page is
 * fed by Server-Sent Events. Screenshots of what the tests saw go to {@link SCREENSHOTS}.
 */
describe('operator console in a browser', () => {
  const system = new System({ env: { LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS), OPS_ADMIN_PORT: '0' } });
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await system.start();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'light' });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system.stop();
  });
  afterEach(() => {
    // Nothing the page was fed ran as code, and the page itself threw nothing.
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('opens on the operator listener, goes live and shows the three chains and ops', async () => {
    expect((await fetch(`${system.opsUrl}/console`)).status).toBe(404); // not on the public listener
    await page.goto(`${system.adminUrl}/console`);
    await testId(page, 'connection').filter({ hasText: 'live' }).waitFor();
    for (const name of [...CHAINS, 'ops']) {
      await page.locator(`[data-testid="service"][data-name="${name}"] [data-testid="instance"]`).first().waitFor();
    }
    expect(await page.locator('[data-testid="service"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort())).toEqual([
      ...CHAINS,
      'ops',
    ]);
  });

  it('shows requests as they are answered, with their status, and the waterfall of a partial one with its timed-out chain', async () => {
    // A few seconds of traffic first, so that the charts (and the screenshots) have something to show.
    const background: Array<Promise<unknown>> = [];
    for (const until = Date.now() + 8000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 40))) {
      background.push(system.request({ payload: ORDER, services: CHAINS, timeoutMs: 3000 }));
    }
    await Promise.all(background);
    const slow = await system.startHandMadeChain('slowchain', { silent: true });
    const complete: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await system.aggregate({ payload: ORDER, services: CHAINS, timeoutMs: 3000 });
      expect(body.status).toBe('complete');
      complete.push(body.uid);
    }
    const { body: partial } = await system.aggregate({ payload: ORDER, services: ['chain1', 'chain2', slow.name], timeoutMs: 800 });
    expect(partial.status).toBe('partial');

    for (const uid of complete) {
      await page.locator(`[data-testid="list-recent"] [data-testid="request-row"][data-uid="${uid}"][data-status="complete"]`).waitFor();
    }
    const row = page.locator(`[data-testid="list-partial"] [data-testid="request-row"][data-uid="${partial.uid}"][data-status="partial"]`);
    await row.waitFor();
    await row.click();
    const waterfall = page.locator(`[data-testid="waterfall"][data-uid="${partial.uid}"]`);
    await waterfall.waitFor();
    await waterfall.locator('[data-testid="waterfall-chain"][data-service="slowchain"][data-status="timeout"]').waitFor();
    await waterfall.locator('[data-testid="waterfall-chain"][data-service="chain1"][data-status="ok"]').waitFor();
    await waterfall.locator('[data-testid="deadline"]').waitFor();
    // The chain that answered is named by its instance (the reply's instance-id header).
    const chain1 = system.chains.get('chain1') as ServiceProcess;
    const chain1Id = String(chain1.find((l) => l.msg === 'chain service started')?.['instanceId']);
    expect(await waterfall.locator('[data-testid="waterfall-chain"][data-service="chain1"]').textContent()).toContain(
      chain1Id.slice(0, 12),
    );

    // Found again by its uid through the search.
    await testId(page, 'search').fill(partial.uid);
    await testId(page, 'search').press('Enter');
    await page.locator(`[data-testid="list-search"] [data-testid="request-row"][data-uid="${partial.uid}"]`).waitFor();

    await page.evaluate('window.scrollTo({ top: 0, behavior: "instant" })');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-light.png') });
    await waterfall.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-waterfall-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' }); // follows the system's scheme
    await page.screenshot({ path: join(SCREENSHOTS, 'console-waterfall-dark.png') });
    await page.evaluate('window.scrollTo({ top: 0, behavior: "instant" })');
    await page.screenshot({ path: join(SCREENSHOTS, 'console-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
  });

  it('shows a second instance of a chain start, then leave once its lease runs out after a SIGKILL', async () => {
    const second = await system.startChain('chain2');
    const id = String(second.find((l) => l.msg === 'chain service started')?.['instanceId']);
    await instance(page, 'chain2', id).waitFor({ timeout: 10_000 });
    const killedAt = Date.now();
    second.signal('SIGKILL');
    await instance(page, 'chain2', id).waitFor({ state: 'detached', timeout: (LEASE_TTL_SECONDS + 5) * 1000 });
    const goneAfterMs = Date.now() - killedAt;
    process.stdout.write(
      `console: the killed chain2 instance left the page ${goneAfterMs} ms after its SIGKILL (lease ${LEASE_TTL_SECONDS} s)\n`,
    );
    // Not before its lease ran out: nothing told etcd it died.
    expect(goneAfterMs).toBeGreaterThanOrEqual((LEASE_TTL_SECONDS - 1) * 1000);
    // The first instance of chain2 is still there.
    expect(await page.locator('[data-testid="service"][data-name="chain2"] [data-testid="instance"]').count()).toBe(1);
  });

  it('shows a chain error message made from the payload as text, never as markup', async () => {
    const sku = '<img src=x onerror=alert(5)><script>alert(6)</script>';
    const { body } = await system.aggregate({ payload: { ...ORDER, sku }, services: ['chain1'], timeoutMs: 3000 });
    const result = body.results['chain1'];
    expect(result?.status === 'error' && result.error.message).toContain(sku); // the chain echoes the sku
    await page.locator(`[data-testid="list-recent"] [data-testid="request-row"][data-uid="${body.uid}"]`).click();
    const bar = page.locator(
      `[data-testid="waterfall"][data-uid="${body.uid}"] [data-testid="waterfall-chain"][data-service="chain1"][data-status="error"]`,
    );
    await bar.waitFor();
    expect(await bar.textContent()).toContain(sku);
    expect(await page.locator('[data-testid="waterfall"] img, [data-testid="waterfall"] script').count()).toBe(0);
  });

  it('shows a dead letter whose value and key carry markup as text, never as markup', async () => {
    const value = '{"uid": <script>alert(1)</script><img src=x onerror=alert(2)>';
    await produce(system.topics.chainRequest('chain1'), { key: '<b>key</b>', value });
    const row = page.locator('[data-testid="dead-letter"]', { hasText: '<script>alert(1)</script>' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('<b>key</b>');
    expect(await row.locator('script, img, b').count()).toBe(0);
    await page.waitForTimeout(500); // a script that did run would have opened its dialog by now (afterEach)
    await page.locator('[data-testid="dead-letter"]').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'console-dead-letters-light.png') });
  });
});
