// Drives the admin console in headless Chromium. Started by
// cmd/planstore/console_browser_test.go, which runs the roles and answers the
// "CONTROL <verb> <role>" lines this script prints (kill, start) with "ok" on stdin.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const base = env('CONSOLE_URL');
const token = env('CONSOLE_TOKEN');
const shots = env('CONSOLE_ARTIFACTS');
const roles = env('CONSOLE_ROLES').split(',');
const projectorID = env('CONSOLE_PROJECTOR_ID');
const planID = env('CONSOLE_PLAN_ID');
const deadLetterID = env('CONSOLE_DEAD_LETTER_ID');
const deadLetterPlan = env('CONSOLE_DEAD_LETTER_PLAN');

const stdin = createInterface({ input: process.stdin });
const replies = stdin[Symbol.asyncIterator]();
async function control(verb, role) {
  console.log(`CONTROL ${verb} ${role}`);
  const { value } = await replies.next();
  if (value !== 'ok') throw new Error(`${verb} ${role}: ${value}`);
}

const step = (what) => console.log(`step: ${what}`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) problems.push(`request outside the server: ${r.url()}`);
    if (r.url().includes(token)) problems.push('the token appeared in a URL');
  });
  const shot = (name) => page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
  const row = (id) => `#instances tr[data-id="${id}"]`;

  step('sign in');
  await page.goto(base + '/admin/');
  await page.waitForURL('**/admin/signin');
  await page.fill('#token', token);
  await shot('01-signin');
  await page.click('#signin-form button[type=submit]');
  await page.waitForURL('**/admin/');

  step('every role is up');
  for (const role of roles) {
    await page.waitForSelector(`#instances tr[data-role="${role}"][data-status="up"]`, { timeout: 30_000 });
  }
  await page.waitForSelector(`${row(projectorID)}[data-status="up"]`, { timeout: 30_000 });
  await shot('02-system');

  // The design marks an instance down 5 s after its last heartbeat (1 s apart) and the
  // page polls every second, so red comes within 10 s; the wait allows 30 s because a
  // loaded CI machine is no clock (the presence tests check the verdict's rule exactly).
  step('a killed projector turns red (by design within 10 s)');
  await control('kill', 'projector');
  const killedAt = Date.now();
  await page.waitForSelector(`${row(projectorID)}[data-status="down"]`, { timeout: 30_000 });
  step(`red ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
  await shot('03-system-projector-down');

  step('and green after a restart');
  await control('start', 'projector');
  await page.waitForSelector(`${row(projectorID)}[data-status="up"]`, { timeout: 60_000 });
  await shot('04-system-projector-back');

  step('redeliver a dead letter');
  await page.click('nav a[href="/admin/dead-letters"]');
  const dl = `#deadletters tr[data-id="${deadLetterID}"]`;
  await page.waitForSelector(dl, { timeout: 30_000 });
  await page.click(`${dl} button[data-action="inspect"]`);
  await page.waitForSelector('#dl-detail:not([hidden])');
  if (!(await page.textContent('#dl-detail')).includes(deadLetterPlan)) problems.push('inspect does not show the event');
  await shot('05-dead-letters');
  await page.click(`${dl} button[data-action="redeliver"]`);
  await page.waitForSelector(dl, { state: 'detached', timeout: 30_000 });
  await page.waitForSelector('#actions td:text-is("dead-letter.redeliver")', { timeout: 10_000 });
  await shot('06-dead-letter-redelivered');

  step('the redelivered event is applied: its plan is found');
  await page.click('nav a[href="/admin/search"]');
  await page.fill('#query', JSON.stringify({ query: { ids: { values: [deadLetterPlan] } } }));
  const found = `#hits tr[data-id="${deadLetterPlan}"]`;
  for (let i = 0; ; i++) {
    await page.click('#search-form button[type=submit]');
    try { await page.waitForSelector(found, { timeout: 1_000 }); break; } catch (e) { if (i > 60) throw e; }
  }

  step('browse a plan and its history');
  await page.click('nav a[href="/admin/plans"]');
  await page.fill('#plan-id', planID);
  await page.click('#plan-form button[type=submit]');
  await page.waitForSelector('#history li[data-version="2"] ul.diff li', { timeout: 30_000 });
  const diffText = await page.textContent('#history li[data-version="2"]');
  if (!diffText.includes('→')) problems.push('the patch event shows no before/after change: ' + diffText);
  await shot('07-plan-history');

  step('run a classic parent/child search');
  await page.click('nav a[href="/admin/search"]');
  await page.click('#examples button:has-text("cost share copay")');
  await page.click('#search-form button[type=submit]');
  await page.waitForSelector(`#hits tr[data-id="${planID}"]`, { timeout: 30_000 });
  await shot('08-search');

  step('run a replay and follow its progress');
  await page.click('nav a[href="/admin/replay"]');
  await page.click('#replay-start');
  await page.waitForSelector('dd[data-field="state"]', { timeout: 30_000 });
  await page.waitForSelector('dd[data-field="state"]:text-is("done")', { timeout: 120_000 });
  const read = Number(await page.textContent('dd[data-field="events_read"]'));
  if (!(read > 0)) problems.push(`replay read ${read} events`);
  await shot('09-replay');

  if (page.url().includes(token)) problems.push('the token is in the page URL');
} finally {
  await browser.close();
  stdin.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('console browser test: ok');
