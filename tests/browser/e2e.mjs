// End-to-end: a real headless Chromium signs in, opens the queue, approves one draft
// (with the keyboard), edits and sends another, takes over a third; then the outgoing
// .eml files and the ticket states are checked through the command line.
//
// Usage: node e2e.mjs [path/to/tandem]   (default: ../../target/debug/tandem)
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const bin = resolve(process.argv[2] || join(repo, 'target/debug/tandem'));
const dir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
const mailDir = join(dir, 'mail-out');
const port = await new Promise(ok => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, TANDEM_DATABASE_URL: `sqlite://${join(dir, 'e2e.db')}`, TANDEM_MAIL_DIR: mailDir, TANDEM_BIND: `127.0.0.1:${port}`, TANDEM_SUPPORT_ADDRESS: 'support@e2e.test', TANDEM_OUTBOX_POLL_MS: '100', TANDEM_UNDO_SECONDS: '1',
  // The sample knowledge base is tiny and scored with the careful prior calibration; its
  // clear matches are sent at the dial a supervisor of such a knowledge base would set.
  TANDEM_AUTO_THRESHOLD: '0.90' };
const PASSWORD = 'e2e-password-123';

function tandem(args, input) {
  const r = spawnSync(bin, args, { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tandem ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
const tickets = () => JSON.parse(tandem(['ticket', 'list', '--json']));
const refund = (who, n) => `From: ${who}\r\nTo: support@e2e.test\r\nSubject: Refund ${n}\r\nMessage-ID: <e2e-${n}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHow do I get a refund? I want my money back for order ${n}, it does not fit.\r\n`;

tandem(['migrate']); // only serve and migrate create a database
tandem(['kb', 'import', join(repo, 'samples/kb.jsonl')]);
tandem(['user', 'add', '--email', 'e2e@test.example', '--name', 'Eve Agent', '--role', 'agent'], PASSWORD + '\n');
tandem(['user', 'add', '--email', 'sup@test.example', '--name', 'Sam Admin', '--role', 'admin'], PASSWORD + '\n');
const parcel = `From: dan@example.com\r\nTo: support@e2e.test\r\nSubject: Where is my parcel?\r\nMessage-ID: <e2e-parcel@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Dan\r\n`;
const shots = process.env.TANDEM_SCREENSHOTS || join(dir, 'screenshots');
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
for (const [i, who] of ['ann@example.com', 'ben@example.com', 'cat@example.com'].entries()) tandem(['ingest-mail'], refund(who, i + 1));
assert.deepEqual(tickets().map(t => t.status), ['pending_review', 'pending_review', 'pending_review']);

const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let serverLog = '';
server.stderr.on('data', d => { serverLog += d; });
const results = { passed: 0, failed: 0 };
let browser;
try {
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + '/healthz')).ok) break; } catch { /* not up yet */ }
    if (i > 100) throw new Error('serve did not start:\n' + serverLog);
    await new Promise(r => setTimeout(r, 100));
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  const jsErrors = [];
  page.on('pageerror', e => jsErrors.push(String(e)));

  async function step(name, fn) {
    try { await fn(); results.passed++; console.log(`ok - ${name}`); }
    catch (e) { results.failed++; console.log(`not ok - ${name}\n  ${String(e.stack || e).split('\n').join('\n  ')}`); }
  }

  await step('sign in lands on the queue with three drafts to review', async () => {
    await page.goto(base + '/queue');
    assert.match(page.url(), /\/login\?next=/);
    assert.equal(await page.locator('input[name=csrf_token]').count(), 1);
    await page.fill('input[name=email]', 'e2e@test.example');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(base + '/queue');
    assert.match(await page.locator('.views').innerText(), /Needs review 3/);
    assert.equal(await page.locator('table.queue tbody tr').count(), 3);
  });

  await step('approve the first draft with the keyboard (a)', async () => {
    await page.click('text=Refund 1');
    await page.waitForSelector('#draft');
    await page.keyboard.press('a');
    await page.waitForURL(/notice=approved/);
    assert.match(await page.locator('.notice').innerText(), /approved and sent/);
  });

  await step('edit and send the second draft', async () => {
    await page.goto(base + '/queue');
    await page.click('text=Refund 2');
    await page.fill('#draft-body', 'Hello Ben, your refund for order 2 is on its way. Kind regards, Eve');
    await page.click('text=Send edited answer');
    await page.waitForURL(/notice=edited/);
  });

  await step('take over the third', async () => {
    await page.goto(base + '/queue');
    await page.click('text=Refund 3');
    await page.click('button:has-text("Take over")');
    await page.waitForURL(/notice=taken_over/);
    assert.match(await page.locator('.ticket-head').innerText(), /In progress/);
    assert.match(await page.locator('.ticket-head').innerText(), /assigned to Eve Agent/);
  });

  await step('keyboard: selection survives polling, ? lists the keys and turns them off, Ctrl+Enter sends', async () => {
    await page.goto(base + '/queue?view=all');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const chosen = await page.locator('tr.selected').getAttribute('data-href');
    // The poll replaces the rows; the same ticket stays selected.
    await page.evaluate(() => new Promise(done => {
      const el = document.getElementById('queue-results');
      document.addEventListener('htmx:afterSettle', () => done(), { once: true });
      window.htmx.ajax('GET', el.getAttribute('hx-get'), { target: el, swap: 'outerHTML' });
    }));
    assert.equal(await page.locator('tr.selected').count(), 1);
    assert.equal(await page.locator('tr.selected').getAttribute('data-href'), chosen);
    await page.keyboard.press('?');
    const sheet = await page.locator('#key-sheet').innerText();
    assert.match(sheet, /j \/ k/);
    assert.match(sheet, /Ctrl\+Enter/);
    await page.uncheck('#keys-on');
    await page.click('#key-sheet button');
    await page.keyboard.press('k');
    assert.equal(await page.locator('tr.selected').getAttribute('data-href'), chosen, 'keys turned off');
    await page.evaluate(() => window.localStorage.setItem('tandem:keys', 'on'));
    await page.goto(base + '/tickets/1003');
    await page.fill('#note-body', 'Checked the order; refund is due.');
    await page.focus('#note-body');
    await page.keyboard.press('Control+Enter');
    await page.waitForURL(/notice=noted/);
  });

  await step('the outgoing mail and the ticket states are right', async () => {
    const replies = () => readdirSync(mailDir).filter(f => f.startsWith('agent_reply-')).map(f => readFileSync(join(mailDir, f), 'utf8'));
    for (let i = 0; replies().length < 2 && i < 50; i++) await new Promise(r => setTimeout(r, 100));
    const sent = replies();
    assert.equal(sent.length, 2, 'one approved and one edited reply');
    const flat = sent.map(m => m.replace(/=\r?\n/g, ''));
    assert.ok(flat.some(m => /To: ann@example\.com/.test(m) && m.includes('Return items') && /Subject: Re: \[#1001\]/.test(m)), 'approved draft to Ann');
    assert.ok(flat.some(m => /To: ben@example\.com/.test(m) && m.includes('your refund for order 2 is on its way')), 'edited answer to Ben');
    assert.ok(!flat.some(m => /To: cat@example\.com/.test(m)), 'nothing to Cat yet');
    const byNumber = Object.fromEntries(tickets().map(t => [t.number, t.status]));
    assert.deepEqual(byNumber, { 1001: 'waiting_on_customer', 1002: 'waiting_on_customer', 1003: 'in_progress' });
  });

  async function signIn(p, email, password = PASSWORD) {
    await p.fill('input[name=email]', email);
    await p.fill('input[name=password]', password);
    await p.click('button[type=submit]');
  }

  await step('an agent fixes the article of a ticket from the ticket page', async () => {
    await page.goto(base + '/tickets/1003');
    await page.click('#edit-article');
    await page.waitForURL(/\/kb\/[^/?]+$/);
    const body = await page.inputValue('#kb-body');
    await page.fill('#kb-body', body + '\n\nRefunds reach your account within **5 working days**.');
    await page.click('button:has-text("Save a new version")');
    await page.waitForURL(/notice=kb_saved/);
    assert.match(await page.locator('#kb-versions').innerText(), /Version 2/);
    assert.match(await page.locator('#kb-preview').innerHTML(), /<strong>5 working days<\/strong>/);
  });

  await step('after Ctrl+Enter sends a reply, the next ticket of the view opens', async () => {
    await page.goto(base + '/account');
    await page.check('input[name=open_next]');
    await page.click('form[action="/account/keys"] button[type=submit]');
    await page.waitForURL(/notice=keys/);
    await page.goto(base + '/queue?view=open');
    await page.click('#queue-results a[href^="/tickets/1003"]');
    await page.waitForURL(/\/tickets\/1003$/);
    await page.fill('#reply-body', 'Hello Cat, your refund is approved. Eve');
    await page.focus('#reply-body');
    await page.keyboard.press('Control+Enter');
    await page.waitForURL(/notice=sent_next&from=1003&view=open/);
    assert.match(page.url(), /\/tickets\/100[12]\?/);
    await page.screenshot({ path: join(shots, 'next-ticket-after-send-1440.png'), fullPage: true });
  });

  await step('a reset link from the command line sets a password that signs in, once', async () => {
    const out = tandem(['user', 'reset', 'e2e@test.example']);
    const path = out.match(/\/reset\/[A-Za-z0-9_-]+/)[0];
    const other = await browser.newContext();
    const rp = await other.newPage();
    await rp.goto(base + path);
    await rp.fill('input[name=password]', 'a-brand-new-pass-42');
    await rp.fill('input[name=password_again]', 'a-brand-new-pass-42');
    await rp.click('button:has-text("Set password")');
    await rp.waitForURL(/\/login/);
    await signIn(rp, 'e2e@test.example', 'a-brand-new-pass-42');
    await rp.waitForURL(/\/queue/);
    await rp.goto(base + path);
    assert.equal(await rp.locator('input[name=password_again]').count(), 0, 'the link works once');
    await other.close();
    // The reset ended the agent's other sessions, and the old password is worthless.
    await page.goto(base + '/queue');
    assert.match(page.url(), /\/login\?next=/);
    await signIn(page, 'e2e@test.example');
    assert.match(await page.locator('.error, [role=alert]').first().innerText(), /./);
    await signIn(page, 'e2e@test.example', 'a-brand-new-pass-42');
    await page.waitForURL(/\/queue/);
  });

  await step('an expired session during polling shows a notice in place and stops polling', async () => {
    await page.goto(base + '/queue?view=all');
    await page.context().clearCookies({ name: 'tandem_session' });
    await page.waitForSelector('.signed-out', { timeout: 15000 });
    assert.match(await page.locator('.signed-out').innerText(), /Signed out/);
    assert.equal(await page.locator('input[name=password]').count(), 0, 'no nested sign-in page');
    await page.screenshot({ path: join(shots, 'poll-expired-1440.png'), fullPage: true });
    await page.click('.signed-out a');
    await signIn(page, 'e2e@test.example', 'a-brand-new-pass-42');
    await page.waitForURL(/\/queue\?view=all$/);
  });

  await step('an expired session during a reply keeps the text and returns to the ticket', async () => {
    await page.goto(base + '/tickets/1003');
    const text = 'Hello Cat, I am looking into your refund now. Eve';
    await page.fill('#reply-body', text);
    await page.context().clearCookies({ name: 'tandem_session' });
    await page.click('#reply-form button[type=submit]');
    await page.waitForURL(/\/login\?next=/);
    await signIn(page, 'e2e@test.example', 'a-brand-new-pass-42');
    await page.waitForURL(base + '/tickets/1003');
    assert.equal(await page.inputValue('#reply-body'), text, 'the typed reply came back');
    await page.screenshot({ path: join(shots, 'reply-restored-1440.png'), fullPage: true });
  });

  const sup = await browser.newContext({ bypassCSP: true, viewport: { width: 1440, height: 900 } });
  const sp = await sup.newPage();
  sp.on('pageerror', e => jsErrors.push(String(e)));

  await step('"Sent automatically" lists the automated answer and a supervisor marks it wrong', async () => {
    tandem(['ingest-mail'], parcel);
    await sp.goto(base + '/queue?view=automated');
    await signIn(sp, 'sup@test.example');
    await sp.waitForURL(/view=automated/);
    assert.equal(await sp.locator('#queue-results tbody tr').count(), 1);
    assert.match(await sp.locator('#queue-results tbody tr a').first().getAttribute('href'), /^\/tickets\/\d+$/);
    await sp.screenshot({ path: join(shots, 'automated-before-1440.png'), fullPage: true });
    await sp.click('button.mark-wrong');
    await sp.waitForURL(/notice=marked_wrong/);
    assert.equal(await sp.locator('tr.marked-wrong').count(), 1);
    await sp.screenshot({ path: join(shots, 'automated-after-1440.png'), fullPage: true });
    await sp.goto(base + '/supervisor');
    assert.match(await sp.locator('.sv-cards').innerText(), /Automated answers marked wrong\s*1/);
  });

  for (const width of [1440, 390]) {
    await step(`no serious or critical accessibility violations, nothing wider than the screen, at ${width} px`, async () => {
      await sp.setViewportSize({ width, height: 900 });
      const found = [];
      for (const path of ['/queue', '/queue?view=automated', '/tickets/1003', '/supervisor', '/supervisor/dial', '/admin/users', '/admin/audit', '/kb', '/kb/new', '/replies']) {
        await sp.goto(base + path);
        // Usable at a phone's width: nothing wider than the screen (wide tables become cards).
        const wide = await sp.evaluate(() => document.documentElement.scrollWidth);
        if (wide > width + 2) found.push(`${path}: ${wide} px wide at ${width} px`);
        await sp.screenshot({ path: join(shots, `${path.replace(/[^a-z0-9]+/gi, '_')}-${width}.png`), fullPage: true });
        await sp.addScriptTag({ content: axeSource });
        const violations = await sp.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`));
        for (const v of violations) found.push(`${path}: ${v}`);
      }
      assert.deepEqual(found, []);
    });
  }
  await sup.close();

  await step('no script errors on any page', async () => { assert.deepEqual(jsErrors, []); });
} finally {
  if (browser) await browser.close();
  server.kill('SIGINT');
}
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
