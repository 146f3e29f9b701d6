/**
 * Screenshots of the console preview (preview-server.mjs) at 1366×768, light and dark, with the
 * waterfall of a partial request open; writes /tmp/console-preview-*.png and checks on the way that
 * the page went live, that no dialog opened (the fake dead letter carries `<script>alert(1)</script>`)
 * and that the page logged no error.
 *
 *   node tools/console-preview/screenshot.mjs          (CHROMIUM=/path/to/chromium to override)
 * Needs playwright-core (npm install --no-save playwright-core) and a Chromium (/usr/bin/chromium).
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const SERVER = new URL('./preview-server.mjs', import.meta.url).pathname;
const VIEWPORT = { width: 1366, height: 768 };

/** Starts the preview on a free port; resolves with its /console URL and the child process. */
function startPreview() {
  const child = spawn(process.execPath, [SERVER, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the preview server exited (${code})`)));
    child.stdout.on('data', (chunk) => {
      const url = /http:\/\/\S+/.exec(String(chunk))?.[0];
      if (url) resolve({ url, child });
    });
  });
}

/** Opens a partial request whose waterfall has a timed-out chain (else the first partial one). */
async function openPartialWaterfall(page) {
  const rows = page.locator('[data-testid="list-partial"] [data-testid="request-row"][data-status="partial"]');
  const count = Math.min(await rows.count(), 15);
  for (let i = 0; i < count; i++) {
    await rows.nth(i).click();
    if ((await page.locator('[data-testid="waterfall-chain"][data-status="timeout"]').count()) > 0) return;
  }
  if (count > 0) await rows.first().click();
}

async function checkPage(page, problems, theme) {
  const value = page.locator('[data-testid="dead-letter"]', { hasText: '<script>alert(1)</script>' });
  if ((await value.count()) === 0) problems.push(`${theme}: the <script> dead letter is not shown as text`);
  if ((await page.locator('script:not([src])').count()) > 0) problems.push(`${theme}: an inline script got into the page`);
  const attr = await page.locator('html').getAttribute('data-theme');
  if (attr !== theme) problems.push(`${theme}: <html data-theme> is ${attr}`);
  const inFlight = await page.getByTestId('in-flight').textContent();
  if (!/^\d+ \/ \d+$/.test(inFlight ?? '')) problems.push(`${theme}: in-flight reads "${inFlight}"`);
}

async function shoot(browser, url, theme, problems) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: theme });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    problems.push(`${theme}: a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (err) => problems.push(`${theme}: page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`${theme}: console error: ${msg.text()}`));
  await page.goto(url);
  await page
    .getByTestId('connection')
    .filter({ hasText: /^live$/ })
    .waitFor({ timeout: 10_000 });
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `/tmp/console-preview-${theme}.png` });
  await page.screenshot({ path: `/tmp/console-preview-${theme}-full.png`, fullPage: true });
  await openPartialWaterfall(page);
  await page.getByTestId('waterfall').waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: `/tmp/console-preview-${theme}-waterfall.png` });
  await page.getByTestId('waterfall').screenshot({ path: `/tmp/console-preview-${theme}-waterfall-only.png` });
  await checkPage(page, problems, theme);
  if (theme === 'light') {
    await checkSearch(page, problems);
    if (process.env.SKIP_DRAIN !== '1') await captureDrain(page, problems);
  }
  await context.close();
}

/** A search by the start of a uid lists it and opens its waterfall (the only match). */
async function checkSearch(page, problems) {
  const uid = await page.locator('[data-testid="list-recent"] [data-testid="request-row"]').first().getAttribute('data-uid');
  await page.getByTestId('search').fill(uid.slice(0, 13));
  await page.getByTestId('search').press('Enter');
  const found = page.locator(`[data-testid="list-search"] [data-testid="request-row"][data-uid="${uid}"]`);
  await found.waitFor({ timeout: 5000 }).catch(() => problems.push(`search: ${uid} not listed`));
  await page
    .locator(`[data-testid="waterfall"][data-uid="${uid}"]`)
    .waitFor({ timeout: 5000 })
    .catch(() => problems.push('search: its waterfall did not open'));
  await page.screenshot({ path: '/tmp/console-preview-light-search.png' });
}

/** Waits (up to a fake cycle, 45 s) for an instance to drain, then to leave; screenshots both. */
async function captureDrain(page, problems) {
  const topology = page.locator('section.topo');
  await topology.scrollIntoViewIfNeeded();
  const draining = page.locator('[data-testid="instance"][data-draining="true"]');
  try {
    await draining.first().waitFor({ timeout: 50_000 });
    await page.waitForTimeout(300);
    await topology.screenshot({ path: '/tmp/console-preview-light-draining.png' });
    const id = await draining.first().getAttribute('data-instance');
    await page.locator('.inst.gone').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    await topology.screenshot({ path: '/tmp/console-preview-light-left.png' });
    if ((await page.locator(`[data-testid="instance"][data-instance="${id}"]`).count()) !== 0)
      problems.push('drain: the instance that left is still an instance');
  } catch (err) {
    problems.push(`drain: ${err.message.split('\n')[0]}`);
  }
}

/** The toggle overrides the system theme and is remembered across a reload. */
async function checkToggle(browser, url, problems) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId('theme').click();
  await page.reload();
  const theme = await page.locator('html').getAttribute('data-theme');
  if (theme !== 'dark') problems.push(`theme toggle: after a reload the theme is ${theme}, not dark`);
  await context.close();
}

const { url, child } = await startPreview();
const problems = [];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const theme of ['light', 'dark']) await shoot(browser, url, theme, problems);
  await checkToggle(browser, url, problems);
} finally {
  await browser.close();
  child.kill();
}
console.log(
  'screenshots: /tmp/console-preview-{light,dark}{,-full,-waterfall,-waterfall-only}.png, /tmp/console-preview-light-{search,draining,left}.png',
);
if (problems.length) {
  console.error(`problems:\n- ${problems.join('\n- ')}`);
  process.exitCode = 1;
} else {
  console.log('checks passed: live, no dialog, no page error, dead letters as text, theme remembered');
}
