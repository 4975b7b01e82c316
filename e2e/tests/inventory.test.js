// Assets through the UI: a new software asset, a real CycloneDX SBOM
// uploaded to it (Dropwizard 1.3.15 from the CycloneDX examples, whose
// jackson-databind 2.9.10 the demo's built-in advisories know:
// CVE-2020-36518), its findings on the work list; and an asset whose name
// carries markup, shown as text everywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BASE, SHARED_DATA, browser, email, findingLinks, shot, signedIn } from './lib.js';

const SBOM = path.join(SHARED_DATA ?? '../../shared/data', 'cyclonedx/examples/dropwizard-1.3.15/bom.json');

let b;
let op; // toto-gas's analyst: writes its own organisation's assets
before(async () => {
  assert.ok(fs.existsSync(SBOM), `${SBOM}: the shared data (set YATA_SHARED_DATA)`);
  b = await browser();
  op = await signedIn(b, email('analyst', 'toto-gas'));
});
after(async () => {
  await op?.context.close();
  await b?.close();
});

/** Registers a software asset through the form; its page's path. */
async function newAsset(page, name) {
  await page.goto(`${BASE}/assets`);
  await page.getByLabel('名前', { exact: true }).fill(name);
  await page.getByLabel('種類', { exact: true }).selectOption('software');
  await page.getByLabel('業務上の重要度').selectOption('very-high');
  await Promise.all([
    page.waitForURL(/\/assets\/\d+\?done=asset_created$/),
    page.getByRole('button', { name: '登録する' }).click(),
  ]);
  await page.getByRole('status').filter({ hasText: '資産を登録しました。' }).waitFor();
  return new URL(page.url()).pathname;
}

test('a real CycloneDX SBOM uploaded to a new asset; its findings on the work list', async () => {
  const { page } = op;
  const expected = JSON.parse(fs.readFileSync(SBOM, 'utf8'));
  assert.ok(expected.components.some((c) => (c.purl ?? '').includes('jackson-databind@2.9.10')));

  const asset = await newAsset(page, 'e2e Dropwizard 1.3.15');
  assert.equal(await page.locator('main h1').innerText(), 'e2e Dropwizard 1.3.15');
  assert.equal(await page.getByText('インベントリはまだ取り込まれていません。').count(), 1);
  await shot(page, 'asset-new');

  await page.getByLabel('SBOM・ロックファイル・パッケージ一覧').setInputFiles(SBOM);
  await Promise.all([
    page.waitForURL(`${BASE}${asset}?done=uploaded`),
    page.getByRole('button', { name: '取り込む' }).click(),
  ]);
  await page.getByRole('status').filter({ hasText: 'インベントリを取り込み、検出結果を更新しました。' }).waitFor();
  const current = await page.getByText(/^現在のインベントリ:/).innerText();
  const m = current.match(/現在のインベントリ: (.+?)、(\d+) コンポーネント/);
  assert.ok(m, current);
  assert.match(m[1], /CycloneDX/i);
  const components = Number(m[2]);
  const all = (cs) => (cs ?? []).reduce((n, c) => n + 1 + all(c.components), 0);
  assert.equal(components, all(expected.components), 'every component of the SBOM, nested ones too');
  // Its findings: at least jackson-databind's.
  const count = await page.locator('main dl a[href^="/findings?asset="]').innerText();
  const [, active, total] = count.match(/対応中 (\d+) 件 \/ 全 (\d+) 件/).map(Number);
  assert.ok(active >= 1 && active === total, count);
  await shot(page, 'asset-uploaded');

  // On the work list, filtered to the asset.
  await page.locator('main dl a[href^="/findings?asset="]').click();
  await page.waitForURL(/\/findings\?asset=\d+/);
  const table = await page.locator('main table').innerText();
  assert.match(table, /CVE-2020-36518/);
  assert.match(table, /jackson-databind@2\.9\.10/);
  assert.equal((await findingLinks(page)).length, active);
  assert.match(table, /e2e Dropwizard 1\.3\.15/);
  await shot(page, 'findings-of-asset');

  // A file that is no inventory is refused in place and changes nothing.
  await page.goto(`${BASE}${asset}`);
  await page.getByLabel('SBOM・ロックファイル・パッケージ一覧').setInputFiles({
    name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an SBOM\n'),
  });
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`${asset}/inventory`)),
    page.getByRole('button', { name: '取り込む' }).click(),
  ]);
  assert.equal(refused.status(), 422);
  await page.getByRole('alert').filter({ hasText: 'この文書は取り込めませんでした。何も変更していません。' }).waitFor();
  assert.match(await page.getByText(/^現在のインベントリ:/).innerText(), new RegExp(`${components} コンポーネント`));
});

test('an asset name with a script is shown as text and runs nothing', async () => {
  const { page } = op;
  page.consoleErrors.length = 0;
  const name = 'e2e <script>alert("xss")</script><img src=x onerror=alert(2)> "quoted" & more';
  const asset = await newAsset(page, name);
  assert.equal(await page.locator('main h1').innerText(), name, 'the page title shows the name as typed');
  assert.equal(await page.title(), `${name} — YATA-Shield`);
  assert.equal(await page.locator('main script, main img').count(), 0, 'no element made from the name');
  assert.ok((await page.content()).includes('e2e &lt;script&gt;alert("xss")&lt;/script&gt;&lt;img'), 'escaped in the HTML');
  await page.goto(`${BASE}/assets`);
  assert.ok((await page.locator('main table').innerText()).includes(name), 'the list shows it as text');
  assert.equal(await page.locator('main script, main img').count(), 0);
  await page.goto(`${BASE}/findings`);
  assert.ok((await page.getByLabel('資産', { exact: true }).innerText()).includes(name), 'the filter shows it as text');
  await page.goto(`${BASE}${asset}`);
  assert.deepEqual(page.dialogs, [], 'no dialog fired');
  assert.deepEqual(page.consoleErrors.filter((m) => !m.startsWith('Failed to load resource')), []);
  assert.deepEqual(page.badResources, [], 'nothing loaded from the name');
  await shot(page, 'asset-script-name');
});
