// Incident reports and alerts in the browser: an operator files a report
// through the form; the NCO and its ministry see it, other sectors get
// 404; the NCO previews and issues an alert targeted by vulnerability
// exposure; the exposed operator acknowledges it; the NCO follows the
// progress; the NCO, ministry and vendor pages render without CSP
// violations. Field ids and button texts are the pages' own
// (web/incidents.rs, web/alerts.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, email, shot, signedIn } from './lib.js';

let b;
before(async () => { b = await browser(); });
after(async () => { await b?.close(); });

const STAMP = `e2e ${process.pid}`;
const INCIDENT = `${STAMP}: VPN 装置への不審なログイン <script>alert("i")</script>`;
let incidentPath;

test('an operator files an incident report through the form', async () => {
  const { context, page } = await signedIn(b, email('analyst', 'toto-electric'));
  await page.goto(`${BASE}/incidents`);
  await shot(page, 'incidents');
  await page.goto(`${BASE}/incidents/new`);
  await page.locator('#incident-title').fill(INCIDENT);
  await page.locator('#incident-description').fill('e2e: 不審なログインを検知 / suspicious log-ins');
  await page.locator('#incident-status').selectOption('confirmed');
  await page.locator('#incident-tlp').selectOption('amber');
  await page.locator('#incident-vulnerabilities').fill('CVE-2018-13379');
  await page.locator('#incident-indicators').fill('hxxps://vpn-login[.]campaign-e2e.example/portal\n45.77.1.99');
  await Promise.all([
    page.waitForURL(/\/incidents\/\d+/),
    page.locator('#incident-submit').click(),
  ]);
  incidentPath = new URL(page.url()).pathname;
  assert.equal(await page.locator('main h1').innerText(), INCIDENT, 'the title as text');
  assert.equal(await page.locator('main script').count(), 0);
  assert.deepEqual(page.dialogs, []);
  await shot(page, 'incident');
  await context.close();
});

test('the NCO and the supervising ministry see it; another sector gets 404', async () => {
  assert.ok(incidentPath, 'filed by the test before');
  for (const who of [email('analyst', 'nco'), email('viewer', 'meti')]) {
    const { context, page } = await signedIn(b, who);
    await page.goto(`${BASE}/incidents`);
    await page.locator('main').getByRole('link', { name: new RegExp(STAMP) }).first().waitFor();
    const res = await page.goto(`${BASE}${incidentPath}`);
    assert.equal(res.status(), 200, who);
    // Going up the chain the report stays the reporter's (TLP:AMBER).
    assert.match(await page.locator('main').innerText(), /TLP:AMBER/);
    await context.close();
  }
  for (const who of [email('admin', 'bank-of-toto'), email('analyst', 'mlit')]) {
    const { context, page } = await signedIn(b, who);
    const res = await page.goto(`${BASE}${incidentPath}`);
    assert.equal(res.status(), 404, `${who}: never sideways`);
    await page.goto(`${BASE}/incidents`);
    assert.ok(!(await page.locator('main').innerText()).includes(STAMP), `${who}: not listed`);
    await context.close();
  }
});

const ALERT = `${STAMP}: Apache Struts 2 の脆弱性 (CVE-2017-5638) への対応`;
let alertPath;

test('the NCO issues an alert targeted by vulnerability exposure, previewing it first', async () => {
  const { context, page } = await signedIn(b, email('analyst', 'nco'));
  await page.goto(`${BASE}/alerts/new`);
  await page.locator('#alert-title-ja').fill(ALERT);
  await page.locator('#alert-title-en').fill(`${STAMP}: act on Apache Struts 2 (CVE-2017-5638)`);
  await page.locator('#alert-body-ja').fill('影響を受ける事業者は直ちに更新してください。');
  await page.locator('#alert-body-en').fill('Exposed operators: update now.');
  await page.locator('#alert-tlp').selectOption('amber');
  // Targeted at every organisation exposed to the CVE (computed from findings).
  await page.locator('#alert-exposed-to').fill('CVE-2017-5638');
  await page.locator('#alert-vulnerabilities').fill('CVE-2017-5638');
  // Preview: how many would receive it, before anything is sent; no issue
  // button before it.
  assert.equal(await page.locator('#alert-issue').count(), 0);
  await Promise.all([page.waitForLoadState('load'), page.locator('#alert-preview').click()]);
  const count = await page.locator('#preview-count').innerText();
  assert.match(count, /([1-9]\d*) 組織が受信します/, count);
  assert.match(await page.locator('main').innerText(), /港湾/, 'the exposed port operator\'s sector');
  await shot(page, 'alert-preview');
  await Promise.all([
    page.waitForURL(/\/alerts\/\d+\/progress/),
    page.locator('#alert-issue').click(),
  ]);
  alertPath = new URL(page.url()).pathname.replace(/\/progress$/, '');
  assert.match(await page.locator('main').innerText(), new RegExp(STAMP));
  await shot(page, 'alert');
  await context.close();
});

test('the exposed operator acknowledges it as acting; the NCO sees the progress', async () => {
  assert.ok(alertPath, 'issued by the test before');
  const op = await signedIn(b, email('analyst', 'toto-port'));
  await op.page.goto(`${BASE}/alerts`);
  await op.page.locator('main').getByRole('link', { name: new RegExp(STAMP) }).first().click();
  await op.page.waitForURL(`${BASE}${alertPath}`);
  await Promise.all([
    op.page.waitForURL(new RegExp(`${alertPath}(\\?|$)`)),
    op.page.locator('#ack-acting').click(),
  ]);
  assert.match(await op.page.locator('main').innerText(), /対応中|Acting/);
  await shot(op.page, 'alert-acknowledged');
  await op.context.close();

  // An organisation that is not exposed received nothing.
  const other = await signedIn(b, email('analyst', 'toto-electric'));
  assert.equal((await other.page.goto(`${BASE}${alertPath}`)).status(), 404);
  await other.context.close();

  const nco = await signedIn(b, email('viewer', 'nco'));
  const res = await nco.page.goto(`${BASE}${alertPath}/progress`);
  assert.equal(res.status(), 200);
  const row = nco.page.locator('main tr').filter({ hasText: /東都港埠頭|Port of Toto/ });
  assert.match(await row.innerText(), /対応中|Acting/);
  await shot(nco.page, 'alert-progress');
  await nco.context.close();
});

test('the NCO, ministry and vendor pages render', async () => {
  const visits = [
    [email('analyst', 'nco'), ['/nation', '/exposure', '/campaigns', '/incidents', '/alerts']],
    [email('analyst', 'meti'), ['/incidents', '/alerts']],
    [email('admin', 'yata-soft'), ['/vendor']],
  ];
  for (const [who, paths] of visits) {
    const { context, page } = await signedIn(b, who);
    for (const p of paths) {
      const res = await page.goto(`${BASE}${p}`);
      assert.equal(res.status(), 200, `${who} ${p}`);
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], p);
      await shot(page, `${who.split('@')[1].split('.')[0]}${p.replaceAll('/', '-')}`);
    }
    // The vendor sees counts, never identities of customers.
    if (paths.includes('/vendor')) {
      assert.doesNotMatch(await page.locator('main').innerText(), /東都電力|Toto Electric|東都銀行/);
    }
    assert.deepEqual(page.dialogs, []);
    await context.close();
  }
  // An operator has none of the NCO's pages.
  const { context, page } = await signedIn(b, email('admin', 'toto-port'));
  for (const p of ['/nation', '/exposure', '/campaigns']) {
    const res = await page.goto(`${BASE}${p}`);
    assert.ok([403, 404].includes(res.status()), `${p}: ${res.status()}`);
  }
  await context.close();
});
