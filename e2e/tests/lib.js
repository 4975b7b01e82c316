// Shared by the end-to-end tests: the browser (Debian's Chromium through
// playwright-core; no download), the server under test (scripts/e2e.sh
// starts `yata serve --demo` and exports where it listens and the demo
// password) and screenshots into target/e2e/.
import { chromium } from 'playwright-core';
import path from 'node:path';

export const BASE = process.env.YATA_E2E_URL;
export const PASSWORD = process.env.YATA_E2E_PASSWORD;
export const SHARED_DATA = process.env.YATA_SHARED_DATA;
const SHOTS = process.env.YATA_E2E_SCREENSHOTS;

if (!BASE || !PASSWORD) {
  throw new Error('run through scripts/e2e.sh: YATA_E2E_URL and YATA_E2E_PASSWORD are not set');
}

/** A demo login: `role@slug.demo.example` (every organisation has all four roles). */
export const email = (role, slug) => `${role}@${slug}.demo.example`;

/** Chromium with the flags this machine's closed network needs. */
export async function browser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync',
    ],
  });
}

/**
 * A fresh context (its own cookies) whose pages record what must never
 * happen: dialogs (an injected script's alert), console errors and
 * Content-Security-Policy violations (`securitypolicyviolation` events,
 * collected by an init script, which the page's CSP does not govern).
 */
export async function context(b) {
  const ctx = await b.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  await ctx.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = await ctx.newPage();
  // Pages answer in milliseconds: a wait this long is a failure.
  page.setDefaultTimeout(10_000);
  page.dialogs = [];
  page.consoleErrors = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  // Sub-resources that failed (an injected <img src=x>, a missing
  // stylesheet); pages answering 4xx on purpose and the favicon Chromium
  // asks for on its own are not among them.
  page.badResources = [];
  page.on('response', (r) => {
    const type = r.request().resourceType();
    if (r.status() >= 400 && type !== 'document' && !r.url().endsWith('/favicon.ico')) {
      page.badResources.push(`${r.status()} ${type} ${r.url()}`);
    }
  });
  return { context: ctx, page };
}

/** A fresh context (its own cookies) signed in as `address`. */
export async function signedIn(b, address) {
  const { context: ctx, page } = await context(b);
  await page.goto(`${BASE}/login`);
  await page.getByLabel(/メールアドレス|E-mail/).fill(address);
  await page.getByLabel(/パスワード|Password/).fill(PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.getByRole('button', { name: /^(ログイン|Sign in)$/ }).click(),
  ]);
  return { context: ctx, page };
}

/** The session's CSRF token, as the page's forms carry it. */
export async function csrfOf(page) {
  return page.locator('input[name=csrf]').first().inputValue();
}

/** `href`s of the work list's finding links on the current page. */
export async function findingLinks(page) {
  return page.locator('main table tbody a[href^="/findings/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

/** A full-page screenshot saved as target/e2e/<name>.png. */
export async function shot(page, name) {
  if (SHOTS) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }
}
