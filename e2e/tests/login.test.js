// Signing in as every role of organisations of each kind, the frame every
// page shares (organisation, kind and role badges, navigation by role),
// the language switch and the skip link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, context, email, shot, signedIn } from './lib.js';

// Where each kind starts (web/session.rs `home_of`: operators and
// government bodies their dashboard, ministries their sectors, the NCO the
// nation, vendors their products), and what its header says.
const ORGS = [
  { slug: 'toto-electric', name: '東都電力株式会社', kind: '重要インフラ事業者等', home: '/dashboard', heading: 'ダッシュボード', menu: 'ダッシュボード' },
  { slug: 'oyashima-pref', name: '大八洲県', kind: '政府機関等', home: '/dashboard', heading: 'ダッシュボード', menu: 'ダッシュボード' },
  { slug: 'meti', name: '経済産業省', kind: '重要インフラ所管省庁', home: '/sectors', heading: '所管分野の状況', menu: '所管分野' },
  { slug: 'nco', name: '国家サイバー統括室', kind: '国家サイバー統括室', home: '/nation', heading: '国全体の状況', menu: '国全体' },
  { slug: 'yata-soft', name: '八咫ソフトウェア株式会社', kind: 'ソフトウェア・ベンダ', home: '/vendor', heading: '製品と影響', menu: '製品と影響' },
];
const ROLES = { admin: '管理者', analyst: '分析担当', viewer: '閲覧者', auditor: '監査' };

let b;
before(async () => { b = await browser(); });
after(async () => { await b?.close(); });

test('the log-in page, and a wrong password refused in place', async () => {
  const { context: ctx, page } = await context(b);
  const res = await page.goto(`${BASE}/`);
  assert.equal(new URL(page.url()).pathname, '/login', 'signed out, / leads to the log-in page');
  assert.equal(res.status(), 200);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  await shot(page, 'login');
  await page.getByLabel('メールアドレス').fill(email('viewer', 'toto-gas'));
  await page.getByLabel('パスワード').fill('not-the-password');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'ログイン' }).click(),
  ]);
  assert.equal(answer.status(), 401);
  await page.getByRole('alert').filter({ hasText: 'メールアドレスまたはパスワードが正しくありません' }).waitFor();
  assert.equal(await page.getByLabel('メールアドレス').inputValue(), email('viewer', 'toto-gas'),
    'the address is kept, the password is not');
  assert.equal(await page.getByLabel('パスワード').inputValue(), '');
  await ctx.close();
});

for (const org of ORGS) {
  for (const [role, roleLabel] of Object.entries(ROLES)) {
    test(`${role}@${org.slug} signs in and lands on ${org.home}`, async () => {
      const { context: ctx, page } = await signedIn(b, email(role, org.slug));
      assert.equal(new URL(page.url()).pathname, org.home);
      const who = page.locator('header .who');
      assert.match(await who.locator('.org').innerText(), new RegExp(org.name));
      const badges = await who.locator('.badge').allInnerTexts();
      assert.deepEqual(badges, [org.kind, roleLabel]);
      assert.equal(await page.locator('main h1').innerText(), org.heading);
      // Administration is for admins only.
      const nav = page.getByRole('navigation', { name: 'メインメニュー' });
      assert.equal(await nav.getByRole('link', { name: 'APIトークン' }).count(), role === 'admin' ? 1 : 0);
      assert.equal(await nav.getByRole('link', { name: 'Webhook' }).count(), role === 'admin' ? 1 : 0);
      assert.equal(await nav.getByRole('link', { name: org.menu, exact: true }).getAttribute('aria-current'), 'page');
      if (role === 'viewer') {
        // Viewers and auditors read; only admins and analysts get forms that write.
        await page.goto(`${BASE}/assets`);
        assert.equal(await page.getByRole('heading', { name: '資産の登録' }).count(), 0);
      }
      if (role === 'admin') {
        await shot(page, `dashboard-${org.slug}`);
        const res = await page.goto(`${BASE}/tokens`);
        assert.equal(res.status(), 200);
        if (org.slug === 'toto-electric') await shot(page, 'tokens');
      } else {
        const res = await page.goto(`${BASE}/tokens`);
        assert.equal(res.status(), 404, 'only admins see the tokens page');
      }
      assert.deepEqual(page.dialogs, []);
      await page.goto(`${BASE}${org.home}`);
      // Signing out ends the session: its pages lead to the log-in page.
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.getByRole('button', { name: 'ログアウト' }).click(),
      ]);
      await page.goto(`${BASE}/dashboard`);
      assert.equal(new URL(page.url()).pathname, '/login');
      await ctx.close();
    });
  }
}

test('the language switch shows English and back, and remembers it', async () => {
  const { context: ctx, page } = await signedIn(b, email('analyst', 'toto-electric'));
  await page.goto(`${BASE}/findings`);
  assert.equal(await page.locator('main h1').innerText(), '対応リスト');
  await Promise.all([
    page.waitForURL(`${BASE}/findings`),
    page.getByRole('button', { name: 'English', exact: true }).click(),
  ]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('main h1').innerText(), 'Work list');
  assert.equal(await page.getByRole('button', { name: 'English', exact: true }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Dashboard' }).click();
  await page.waitForURL(`${BASE}/dashboard`);
  assert.equal(await page.locator('main h1').innerText(), 'Dashboard', 'the choice holds on the next page');
  await shot(page, 'dashboard-en');
  await Promise.all([
    page.waitForURL(`${BASE}/dashboard`),
    page.getByRole('button', { name: '日本語', exact: true }).click(),
  ]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
  assert.equal(await page.locator('main h1').innerText(), 'ダッシュボード');
  await ctx.close();
});

test('keyboard: the skip link is the first Tab stop and moves focus to the content', async () => {
  const { context: anon, page: login } = await context(b);
  await login.goto(`${BASE}/login`);
  await login.keyboard.press('Tab');
  assert.equal(await login.evaluate(() => document.activeElement.className), 'skip');
  await anon.close();

  const { context: ctx, page } = await signedIn(b, email('analyst', 'toto-electric'));
  await page.goto(`${BASE}/findings`);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({
    cls: document.activeElement.className,
    href: document.activeElement.getAttribute('href'),
    text: document.activeElement.textContent,
  }));
  assert.deepEqual(first, { cls: 'skip', href: '#main', text: '本文へ移動' });
  assert.ok(await page.locator('a.skip').isVisible(), 'visible when focused');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'main');
  await ctx.close();
});
