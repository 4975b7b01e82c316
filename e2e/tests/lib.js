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

/** A fresh context (its own cookies) signed in as `email`. */
export async function signedIn(b, email) {
  const context = await b.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByLabel(/メールアドレス|E-mail/).fill(email);
  await page.getByLabel(/パスワード|Password/).fill(PASSWORD);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: /ログイン|Sign in|Log in/ }).click(),
  ]);
  return { context, page };
}

/** A full-page screenshot saved as target/e2e/<name>.png. */
export async function shot(page, name) {
  if (SHOTS) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }
}
