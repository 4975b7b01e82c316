// The operator's work list and a finding: the list in deadline order, a
// finding's page, a transition to not_affected with a VEX justification
// through the form (and the same form refused without one), and what
// another organisation's members get for this operator's URLs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, browser, csrfOf, email, findingLinks, shot, signedIn } from './lib.js';

let b;
let op; // toto-electric's analyst (the demo's campaign victim: Log4Shell, FortiGate)
before(async () => {
  b = await browser();
  op = await signedIn(b, email('analyst', 'toto-electric'));
});
after(async () => {
  await op?.context.close();
  await b?.close();
});

test('the work list shows the findings in deadline order', async () => {
  const { page } = op;
  await page.goto(`${BASE}/findings`);
  assert.equal(await page.locator('main h1').innerText(), '対応リスト');
  const rows = page.locator('main table tbody tr');
  const n = await rows.count();
  assert.ok(n >= 3, `the demo's operator has findings (${n})`);
  assert.match(await page.locator('main').innerText(), new RegExp(`${n} 件`));
  // Deadline column: machine-readable times, earliest first; findings
  // without a deadline come last.
  const deadlines = await rows.evaluateAll((trs) => trs.map((tr) => {
    const t = tr.querySelector('td:nth-child(5) time');
    return t ? Date.parse(t.getAttribute('datetime')) : null;
  }));
  const dated = deadlines.filter((d) => d !== null);
  assert.ok(dated.length > 0, 'some findings have deadlines');
  assert.deepEqual(dated, [...dated].sort((x, y) => x - y), 'earliest deadline first');
  const firstUndated = deadlines.indexOf(null);
  if (firstUndated >= 0) {
    assert.ok(deadlines.slice(firstUndated).every((d) => d === null), 'undated findings last');
  }
  // Log4Shell is on the list, and every row names its vulnerability.
  const text = await page.locator('main table').innerText();
  assert.match(text, /CVE-2021-44228/);
  assert.match(text, /log4j-core/);
  // Only active findings by default.
  const states = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td:nth-child(6)').textContent));
  assert.ok(states.every((s) => s === '未対応' || s === 'トリアージ中'), states.join(','));
  await shot(page, 'findings');

  // The filter submits on change (app.js) and keeps its choice.
  await Promise.all([
    page.waitForURL(/[?&]state=all/),
    page.getByLabel('状態').selectOption('all'),
  ]);
  assert.equal(await page.getByLabel('状態').inputValue(), 'all');
  assert.ok(await rows.count() >= n, 'all states: at least as many');
});

test('a finding to not_affected with a VEX justification, through the form', async () => {
  const { page } = op;
  await page.goto(`${BASE}/findings?state=open`);
  const links = await findingLinks(page);
  assert.ok(links.length > 0, 'an open finding to work on');
  const href = links[links.length - 1];
  await page.goto(`${BASE}${href}`);
  const title = await page.locator('main h1').innerText();
  assert.match(title, /^\S+ — \S+/, 'vulnerability — component');
  assert.equal(await page.getByRole('heading', { name: '検出理由' }).count(), 1);
  await shot(page, 'finding');

  // Refused first: not_affected needs a justification. Nothing changes.
  await page.getByLabel('新しい状態').selectOption('not_affected');
  await page.getByLabel('メモ（必須）').fill('e2e: forgot the justification');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(href) && r.request().method() === 'POST'),
    page.getByRole('button', { name: '変更する' }).click(),
  ]);
  assert.equal(refused.status(), 422);
  await page.locator('#justification-error').waitFor();
  assert.equal(await page.locator('#justification-error').innerText(), 'この項目は必須です。');
  assert.equal(await page.getByLabel('新しい状態').inputValue(), 'not_affected', 'the form keeps what was sent');
  assert.equal(await page.getByText('まだ状態の変更はありません。').count(), 1, 'no transition recorded');

  // Then with a justification and a note that carries markup.
  const note = 'e2e: not reachable <b>here</b><script>alert("note")</script>';
  await page.getByLabel('VEX 正当化理由（影響なしの場合）').selectOption('vulnerable_code_not_in_execute_path');
  await page.getByLabel('メモ（必須）').fill(note);
  await Promise.all([
    page.waitForURL(`${BASE}${href}?done=transitioned`),
    page.getByRole('button', { name: '変更する' }).click(),
  ]);
  await page.getByRole('status').filter({ hasText: '対応状況を更新しました。' }).waitFor();
  const facts = await page.locator('main dl').first().innerText();
  assert.match(facts, /影響なし/);
  assert.match(facts, /脆弱なコードが実行経路にない/);
  const history = page.locator('main table').filter({ hasText: '実施者' });
  const row = await history.locator('tbody tr').last().innerText();
  assert.match(row, /未対応 → 影響なし/);
  assert.match(row, /脆弱なコードが実行経路にない/);
  assert.ok(row.includes(note), 'the note is shown as text, markup and all');
  assert.equal(await page.locator('main b, main script').count(), 0, 'no markup from the note');
  assert.deepEqual(page.dialogs, []);
  await shot(page, 'finding-not-affected');

  // Off the active work list, on the not_affected one.
  await page.goto(`${BASE}/findings`);
  assert.ok(!(await findingLinks(page)).includes(href));
  await page.goto(`${BASE}/findings?state=not_affected`);
  assert.ok((await findingLinks(page)).includes(href));
});

test("another organisation's findings and assets answer 404, by link and by form", async () => {
  // The Bank of Toto (finance) holds findings and assets of its own.
  const bank = await signedIn(b, email('admin', 'bank-of-toto'));
  await bank.page.goto(`${BASE}/findings`);
  const bankFindings = await findingLinks(bank.page);
  await bank.page.goto(`${BASE}/assets`);
  const bankAssets = await bank.page.locator('main table tbody a[href^="/assets/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(bankFindings.length > 0 && bankAssets.length > 0);
  assert.equal((await bank.page.goto(`${BASE}${bankFindings[0]}`)).status(), 200, 'its own');
  await bank.context.close();

  const { page } = op;
  for (const href of [bankFindings[0], bankAssets[0], `${bankFindings[0]}99999`]) {
    const res = await page.goto(`${BASE}${href}`);
    assert.equal(res.status(), 404, href);
    assert.equal(await page.locator('main h1').innerText(), 'ページが見つかりません');
    assert.doesNotMatch(await page.content(), /東都銀行|Bank of Toto/, 'nothing of the bank shows');
  }
  await shot(page, 'not-found');
  // Its own work list does not list them.
  await page.goto(`${BASE}/findings?state=all`);
  assert.ok(!(await findingLinks(page)).includes(bankFindings[0]));
  // Writing with a valid token is 404 too, and changes nothing.
  await page.goto(`${BASE}/findings`);
  const csrf = await csrfOf(page);
  const res = await page.request.post(`${BASE}${bankFindings[0]}`, {
    form: { csrf, to: 'false_positive', note: 'e2e: not mine' },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 404);

  // A ministry sees nothing of an operator outside its sectors either:
  // METI (electricity, gas, …) and the Bank of Toto (finance, FSA).
  const meti = await signedIn(b, email('analyst', 'meti'));
  assert.equal((await meti.page.goto(`${BASE}${bankFindings[0]}`)).status(), 404);
  await meti.context.close();
});
