// Form and page security as a browser meets it: every POST form carries
// the CSRF field and every form endpoint refuses a POST without it (403);
// the Content-Security-Policy forbids inline script and the main pages
// break none of it; input sent back (query parameters, a refused log-in)
// is escaped and runs nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, context, csrfOf, email, findingLinks, shot, signedIn } from './lib.js';

let b;
let admin; // toto-electric's admin: sees every form of an operator
let pages; // the main pages of that operator, one finding and one asset among them
before(async () => {
  b = await browser();
  admin = await signedIn(b, email('admin', 'toto-electric'));
  const { page } = admin;
  await page.goto(`${BASE}/findings`);
  const finding = (await findingLinks(page))[0];
  await page.goto(`${BASE}/assets`);
  const asset = await page.locator('main table tbody a[href^="/assets/"]').first().getAttribute('href');
  pages = ['/dashboard', '/findings', finding, '/assets', asset, '/tokens', '/settings/webhooks'];
});
after(async () => {
  await admin?.context.close();
  await b?.close();
});

/** The directives of a CSP header. */
function directives(csp) {
  return Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0])
    .map(([k, ...v]) => [k, v]));
}

test('the CSP of every page allows no inline script, and browsing breaks none of it', async () => {
  const { page } = admin;
  const anon = await context(b);
  const visits = [[anon.page, '/login'], [anon.page, '/no-such-page'],
    ...pages.map((p) => [page, p]), [page, '/findings/999999999']];
  for (const [p, url] of visits) {
    const res = await p.goto(`${BASE}${url}`);
    const csp = res.headers()['content-security-policy'];
    assert.ok(csp, `${url}: a CSP`);
    const d = directives(csp);
    const scripts = d['script-src'] ?? d['default-src'];
    assert.ok(scripts, `${url}: script-src or default-src`);
    for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:']) {
      assert.ok(!scripts.includes(bad), `${url}: script-src ${scripts.join(' ')} has ${bad}`);
    }
    assert.deepEqual(d['object-src'], ["'none'"], url);
    assert.deepEqual(d['frame-ancestors'], ["'none'"], url);
    assert.equal(res.headers()['x-content-type-options'], 'nosniff');
    // The page's own script and style load (app.js, app.css) and nothing is refused.
    assert.deepEqual(await p.evaluate(() => window.__cspViolations), [], `${url}: CSP violations`);
    assert.equal(await p.locator('script:not([src])').count(), 0, `${url}: no inline script`);
    assert.equal(await p.locator('[style]').count(), 0, `${url}: no style attribute`);
    const handlers = await p.evaluate(() => [...document.querySelectorAll('*')]
      .flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}[${a.name}]`)));
    assert.deepEqual(handlers, [], `${url}: no inline event handler`);
  }
  const cspErrors = [...page.consoleErrors, ...anon.page.consoleErrors]
    .filter((m) => /Content Security Policy|Refused to/i.test(m));
  assert.deepEqual(cspErrors, []);
  assert.deepEqual([...page.badResources, ...anon.page.badResources], [], 'every script, style and image loads');
  assert.deepEqual(page.dialogs, []);
  await anon.context.close();
});

test('every POST form carries the CSRF field', async () => {
  const { page } = admin;
  const anon = await context(b);
  const seen = [];
  for (const [p, url] of [[anon.page, '/login'], ...pages.map((u) => [page, u])]) {
    await p.goto(`${BASE}${url}`);
    const forms = await p.locator('form').evaluateAll((fs) => fs.map((f) => ({
      action: f.getAttribute('action'),
      method: (f.getAttribute('method') ?? 'get').toLowerCase(),
      csrf: f.querySelector('input[type=hidden][name=csrf]')?.value ?? '',
    })));
    for (const f of forms.filter((f) => f.method === 'post')) {
      assert.ok(f.csrf.length >= 32, `${url}: form ${f.action} has a CSRF token`);
      seen.push(f.action.replace(/\d+/g, '{id}'));
    }
  }
  for (const action of ['/login', '/lang', '/logout', '/findings/{id}', '/assets', '/assets/{id}/inventory', '/tokens', '/settings/webhooks']) {
    assert.ok(seen.includes(action), `a form posts to ${action} (seen: ${[...new Set(seen)].join(' ')})`);
  }
  await anon.context.close();
});

test('a form POST without its CSRF field, or with a wrong one, is refused 403', async () => {
  const { page } = admin;
  await page.goto(`${BASE}/findings`);
  const finding = (await findingLinks(page))[0];
  const asset = pages[4];
  const csrf = await csrfOf(page);
  const posts = [
    ['/assets', { name: 'e2e csrf', kind: 'software', criticality: 'high' }],
    [finding, { to: 'false_positive', note: 'e2e csrf' }],
    ['/tokens', { name: 'e2e csrf', role: 'viewer', expires_in_days: '1' }],
    ['/settings/webhooks', { url: 'https://example.invalid/hook' }],
    ['/lang', { lang: 'en', next: '/findings' }],
    ['/logout', {}],
  ];
  for (const [url, form] of posts) {
    for (const token of [undefined, '', 'x'.repeat(43), csrf.slice(0, -2) + (csrf.endsWith('AA') ? 'BB' : 'AA')]) {
      const res = await page.request.post(`${BASE}${url}`, {
        form: token === undefined ? form : { ...form, csrf: token },
        maxRedirects: 0,
      });
      assert.equal(res.status(), 403, `${url} with csrf=${token}`);
    }
  }
  // The upload form (multipart) too.
  const res = await page.request.post(`${BASE}${asset}/inventory`, {
    multipart: { document: { name: 'bom.json', mimeType: 'application/json', buffer: Buffer.from('{}') } },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 403);
  // Nothing happened: still signed in, no asset "e2e csrf".
  await page.goto(`${BASE}/assets`);
  assert.equal(new URL(page.url()).pathname, '/assets');
  assert.ok(!(await page.locator('main').innerText()).includes('e2e csrf'));
  // The control: the same request with the session's token is accepted.
  const ok = await page.request.post(`${BASE}/lang`, { form: { csrf, lang: 'ja', next: '/findings' }, maxRedirects: 0 });
  assert.equal(ok.status(), 303);
  // The log-in form's token is bound to this browser's pre-session cookie.
  const anon = await context(b);
  await anon.page.goto(`${BASE}/login`);
  const login = await anon.page.request.post(`${BASE}/login`, {
    form: { email: email('viewer', 'toto-electric'), password: 'whatever' }, maxRedirects: 0,
  });
  assert.equal(login.status(), 403);
  await anon.context.close();
});

test('input sent back is escaped and runs nothing', async () => {
  const { page } = admin;
  const script = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
  const q = encodeURIComponent(script);
  for (const url of [
    `/findings?state=${q}&decision=${q}&asset=${q}&due=${q}&page=1`,
    `/dashboard?done=${q}`,
    `/assets?lang=${q}`,
    `/no-such-page-${q}`,
  ]) {
    const res = await page.goto(`${BASE}${url}`);
    assert.ok(res.status() < 500, `${url}: ${res.status()}`);
    assert.equal(await page.locator('script:not([src]), img[src=x]').count(), 0, url);
  }
  // The log-in form keeps the address it was sent (a refused log-in)
  // and where to go next: as values, not markup.
  const anon = await context(b);
  await anon.page.goto(`${BASE}/login?next=${encodeURIComponent('/findings?x=' + script)}`);
  assert.equal(await anon.page.locator('main input[name=next]').inputValue(), '/findings?x=' + script);
  await anon.page.evaluate(() => { document.querySelector('main form').noValidate = true; });
  await anon.page.getByLabel('メールアドレス').fill(script);
  await anon.page.getByLabel('パスワード').fill('wrong');
  await Promise.all([
    anon.page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'),
    anon.page.getByRole('button', { name: 'ログイン' }).click(),
  ]);
  await anon.page.getByRole('alert').waitFor();
  assert.equal(await anon.page.getByLabel('メールアドレス').inputValue(), script);
  assert.equal(await anon.page.locator('script:not([src]), img[src=x]').count(), 0);
  // A next page elsewhere is not followed.
  const { page: other } = anon;
  await other.goto(`${BASE}/lang?lang=ja&next=${encodeURIComponent('//evil.example/')}`);
  assert.equal(new URL(other.url()).host, new URL(BASE).host);
  assert.deepEqual([...page.dialogs, ...anon.page.dialogs], []);
  await shot(anon.page, 'login-refused');
  await anon.context.close();
});
