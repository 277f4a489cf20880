// byline's browser journey, in a real headless Chromium.
//
// A first administrator is created through the one-time setup link, signs
// out and in again, writes and publishes an article in the admin's editor; an
// anonymous visitor leaves a comment, which is held; an editor made with the
// CLI approves it; the visitor and a stranger then see it, and the visitor's
// email is nowhere in the public page.
//
// It builds nothing: `cargo build` first, then `node journey.mjs`.
//   BYLINE_BIN       the binary (default ../../target/debug/byline from here)
//   CHROMIUM         the browser (default /usr/bin/chromium)
//   E2E_HEADFUL=1    show the browser
// Screenshots land in ./screenshots/ (failure.png when a step fails).
// Exit code 0 when every step passed, 1 otherwise.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { Server, cli as runCli } from './server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, process.env.BYLINE_BIN || '../../target/debug/byline');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(here, 'screenshots');

// Every wait is bounded.
const SERVER_START_MS = 30_000;
const ACTION_MS = 15_000;
const NAVIGATION_MS = 20_000;
const PREVIEW_MS = 5_000;
const CLI_MS = 30_000;
const WHOLE_RUN_MS = 5 * 60_000;

// What the people in the journey type.
const ADMIN = {
  login: 'chief',
  name: 'Chief Editor',
  email: 'chief@newsroom.example',
  password: 'correct horse battery staple',
};
const EDITOR = { login: 'editor', name: 'Desk Editor', password: 'desk-editor-passphrase-42' };
const ARTICLE = {
  title: 'What the budget means for renters',
  body:
    'The budget changes **who pays** for housing, and *when*.\n\n' +
    '> Rents follow the money.\n\n' +
    'Read the [full tables](https://budget.example/tables).',
  excerpt: 'Who gains, who pays.',
  categories: 'Politics, Housing',
  tags: 'budget, renters',
};
const VISITOR = {
  comment: 'My rent went up 12% last spring; does the housing credit reach tenants or only landlords?',
  author: 'Rosa Tenant',
  email: 'rosa.tenant@mailbox.example',
};

// ---------------------------------------------------------------- logging

let stepName = '(starting)';
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
function step(name) {
  stepName = name;
  console.log(`\n== ${name}  [${since()}]`);
}
function ok(what) {
  console.log(`   ok  ${what}`);
}

// ---------------------------------------------------------------- the server

let server = null;

/** Runs the CLI next to the running server; resolves with its output. */
function cli(args, stdin, ms = CLI_MS) {
  return runCli(BIN, args, stdin, ms);
}

// ---------------------------------------------------------------- the browser

let browser = null;
let activePage = null; // the page a failure is reported from
const pageErrors = [];

async function newPage(context, who) {
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_MS);
  page.setDefaultNavigationTimeout(NAVIGATION_MS);
  page.on('pageerror', (e) => pageErrors.push(`${who} at ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`   (${who}'s console: ${m.text()})`);
  });
  activePage = page;
  return page;
}

async function shot(page, name) {
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  ok(`screenshot ${path.relative(here, file)}`);
}

async function goto(page, url, what) {
  activePage = page;
  const response = await page.goto(url);
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), 200, `${what}: ${url} answered HTTP ${response.status()}`);
  return response;
}

/** Waits until the page's path is `pathname` (a string or a RegExp). */
async function landOn(page, pathname) {
  const matches = (u) =>
    typeof pathname === 'string' ? u.pathname === pathname : pathname.test(u.pathname);
  await page.waitForURL(matches, { timeout: NAVIGATION_MS });
  ok(`on ${new URL(page.url()).pathname}`);
}

async function notice(page) {
  const status = page.getByRole('status');
  await status.first().waitFor();
  return (await status.first().innerText()).trim();
}

async function signIn(page, base, who) {
  await goto(page, new URL('/admin/login', base).href, 'the sign-in page');
  await page.fill('#login', who.login);
  await page.fill('#password', who.password);
  await page.locator('form[action="/admin/login"] button[type=submit]').click();
  await landOn(page, '/admin/');
  assert.equal((await page.locator('h1').innerText()).trim(), 'Dashboard');
  ok(`${who.login} is signed in and sees the dashboard`);
}

// ---------------------------------------------------------------- the journey

async function journey(dataDir) {
  step('start the server');
  server = new Server(BIN, dataDir);
  const base = await server.base(dataDir, SERVER_START_MS);
  ok(`serving ${dataDir} at ${base}`);
  const [, setupUrl] = await server.line(
    /No administrator yet\. Create one \(this link works once\): (http:\/\/\S+\/admin\/setup\?token=\S+)$/,
    SERVER_START_MS,
    'the setup link',
  );
  assert.equal(new URL(setupUrl).origin, new URL(base).origin, 'the setup link points at the server');
  ok('the setup link was printed');

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox'],
    headless: !process.env.E2E_HEADFUL,
    timeout: SERVER_START_MS,
  });
  ok(`Chromium ${browser.version()}`);
  const viewport = { width: 1280, height: 800 };

  // a. ------------------------------------------------------------------
  step('a. the first administrator, through the setup link');
  const adminContext = await browser.newContext({ viewport });
  const admin = await newPage(adminContext, 'the administrator');
  await goto(admin, setupUrl, 'the setup link');
  assert.equal((await admin.locator('h1').innerText()).trim(), 'Welcome to byline');
  ok('"Welcome to byline"');
  await admin.fill('#login', ADMIN.login);
  await admin.fill('#name', ADMIN.name);
  await admin.fill('#email', ADMIN.email);
  await admin.fill('#password', ADMIN.password);
  await admin.fill('#password_confirm', ADMIN.password);
  await admin.locator('form[action="/admin/setup"] button[type=submit]').click();
  await landOn(admin, '/admin/');
  assert.equal(await notice(admin), 'Welcome! Your administrator account is ready.');
  ok('"Welcome! Your administrator account is ready."');
  assert.match(await admin.locator('header.admin-bar').innerText(), new RegExp(ADMIN.name));
  ok(`the top bar names ${ADMIN.name}`);
  await shot(admin, 'dashboard.png');

  // b. ------------------------------------------------------------------
  step('b. sign out, sign in again');
  await admin.locator('header.admin-bar').getByRole('button', { name: 'Sign out' }).click();
  await landOn(admin, '/admin/login');
  await admin.locator('#login').waitFor();
  await shot(admin, 'login.png');
  await signIn(admin, base, ADMIN);
  // The administrator's other screens, for a look.
  for (const [where, heading, file] of [
    ['/admin/settings', 'Settings', 'settings.png'],
    ['/admin/users', 'Users', 'users.png'],
    ['/admin/profile', 'Your profile', 'profile.png'],
  ]) {
    await goto(admin, new URL(where, base).href, heading);
    await shot(admin, file);
  }

  // c. ------------------------------------------------------------------
  step('c. write and publish an article in the editor');
  const editorUrl = new URL('/admin/articles/new', base).href;
  await goto(admin, editorUrl, 'the article editor');
  await admin.fill('#title', ARTICLE.title);
  assert.equal(await admin.inputValue('#slug'), '', 'the slug starts empty (derived from the title)');
  // Typed key by key, as a person would, so the preview has to follow.
  await admin.locator('#body').click();
  await admin.locator('#body').pressSequentially(ARTICLE.body);
  assert.equal(await admin.inputValue('#body'), ARTICLE.body);
  await admin
    .locator('#preview strong', { hasText: 'who pays' })
    .waitFor({ timeout: PREVIEW_MS });
  await admin.locator('#preview blockquote', { hasText: 'Rents follow the money.' }).waitFor({ timeout: PREVIEW_MS });
  ok('the preview shows the Markdown rendered (<strong>, <blockquote>)');
  await admin.fill('#excerpt', ARTICLE.excerpt);
  await admin.fill('#categories', ARTICLE.categories);
  await admin.fill('#tags', ARTICLE.tags);
  const statuses = await admin.locator('#status option').evaluateAll((options) => options.map((o) => o.value));
  assert.deepEqual(
    [...statuses].sort(),
    ['draft', 'pending', 'private', 'published', 'scheduled'],
    'the status choices',
  );
  await admin.selectOption('#status', 'published');
  assert.equal(await admin.getAttribute('#published_at', 'type'), 'datetime-local');
  assert.equal(await admin.inputValue('#published_at'), '', 'the date starts empty (now)');
  assert.equal(await admin.isChecked('#comments'), true, 'comments are open by default');
  ok('status choices, empty date, comments open by default');
  await shot(admin, 'editor.png');
  await admin.locator('button[name=save]').click();
  await landOn(admin, /^\/admin\/articles\/\d+\/edit$/);
  const saved = await notice(admin);
  assert.ok(saved.length > 0, 'a notice says the article was saved');
  ok(`notice: "${saved}"`);
  assert.equal(await admin.inputValue('#title'), ARTICLE.title, 'the saved title');
  assert.equal(await admin.inputValue('#status'), 'published', 'the saved status');
  const viewHref = await admin.locator('a#view-article').getAttribute('href');
  assert.ok(viewHref, 'a#view-article links to the public page');
  const articleUrl = new URL(viewHref, admin.url()).href;
  ok(`the public page is ${articleUrl}`);

  await goto(admin, new URL('/admin/articles', base).href, 'the article list');
  const listed = admin.locator('table tr', { hasText: ARTICLE.title });
  await listed.first().waitFor();
  assert.equal(await listed.count(), 1, 'the article appears once in the list');
  ok('the article list has a row with the title');
  await shot(admin, 'articles.png');

  // d. ------------------------------------------------------------------
  step('d. an anonymous visitor reads the article and leaves a reply');
  const visitorContext = await browser.newContext({ viewport });
  const visitor = await newPage(visitorContext, 'the visitor');
  await goto(visitor, articleUrl, 'the public article');
  assert.equal((await visitor.locator('h1.headline').innerText()).trim(), ARTICLE.title);
  ok(`headline "${ARTICLE.title}"`);
  await visitor.locator('.article-body strong', { hasText: 'who pays' }).waitFor();
  ok('the body is rendered from Markdown');
  const kicker = await visitor.locator('.article-header .kicker').innerText();
  for (const c of ARTICLE.categories.split(',')) assert.match(kicker, new RegExp(c.trim(), 'i'), 'the categories');
  const tags = await visitor.locator('.tags').innerText();
  for (const t of ARTICLE.tags.split(',')) assert.match(tags, new RegExp(t.trim(), 'i'), 'the tags');
  ok(`categories (${kicker.trim()}) and tags shown`);
  assert.equal((await visitor.locator('#reply-title').innerText()).trim(), 'Leave a Reply');
  await visitor.fill('#comment', VISITOR.comment);
  await visitor.fill('#author', VISITOR.author);
  await visitor.fill('#email', VISITOR.email);
  await visitor.locator('#commentform #submit').click();
  await visitor.waitForURL((u) => /^#comment-\d+$/.test(u.hash), { timeout: NAVIGATION_MS });
  ok(`back on the article at ${new URL(visitor.url()).hash}`);
  const held = visitor.locator('li.comment', { hasText: VISITOR.comment });
  await held.waitFor();
  assert.match(await held.innerText(), /Your comment is awaiting moderation/);
  ok('the visitor sees their comment, "awaiting moderation"');
  await shot(visitor, 'pending-comment.png');

  const stranger0 = await browser.newContext({ viewport });
  const strangerPage0 = await newPage(stranger0, 'a stranger');
  await goto(strangerPage0, articleUrl, 'the public article');
  assert.ok(
    !(await strangerPage0.content()).includes(VISITOR.comment),
    'a held comment is shown only to its author',
  );
  ok('another visitor does not see the held comment');
  await stranger0.close();

  // e. ------------------------------------------------------------------
  step('e. an editor made with the CLI approves the comment');
  const added = await cli(
    ['--data', dataDir, 'user', 'add', '--login', EDITOR.login, '--role', 'editor', '--name', EDITOR.name],
    `${EDITOR.password}\n`,
  );
  ok(`byline user add: ${(added.out || added.err).trim().split('\n')[0]}`);
  const editorContext = await browser.newContext({ viewport });
  const editor = await newPage(editorContext, 'the editor');
  await signIn(editor, base, EDITOR);
  await goto(editor, new URL('/admin/comments', base).href, 'the moderation queue');
  assert.match(
    await editor.locator('nav.tabs a[aria-current=page]').innerText(),
    /^Pending\b/,
    'the queue opens on the Pending tab',
  );
  const row = editor.locator('.comment-row', { hasText: VISITOR.comment });
  await row.waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), new RegExp(VISITOR.author));
  ok('the pending row shows the visitor\'s name and text');
  await shot(editor, 'moderation.png');
  // With the keyboard, as a moderator working through a queue would: j selects
  // the first row, a approves it.
  await editor.keyboard.press('j');
  assert.equal(await row.evaluate((el) => el.classList.contains('current')), true, 'j moves to the row');
  ok('j moves to the first comment');
  await Promise.all([
    editor.waitForURL((u) => u.searchParams.has('notice'), { timeout: NAVIGATION_MS }),
    editor.keyboard.press('a'),
  ]);
  assert.equal(await notice(editor), '1 comment approved.');
  ok('"1 comment approved."');
  assert.equal(
    await editor.locator('.comment-row', { hasText: VISITOR.comment }).count(),
    0,
    'the approved comment left the Pending tab',
  );

  // f. ------------------------------------------------------------------
  step('f. the comment is public, the email is not');
  activePage = visitor;
  await visitor.reload();
  const shown = visitor.locator('li.comment', { hasText: VISITOR.comment });
  await shown.waitFor();
  assert.doesNotMatch(await visitor.locator('body').innerText(), /awaiting moderation/);
  ok('the visitor sees the comment, no longer awaiting moderation');

  const strangerContext = await browser.newContext({ viewport });
  const stranger = await newPage(strangerContext, 'a stranger');
  const response = await goto(stranger, articleUrl, 'the public article');
  await stranger.locator('li.comment', { hasText: VISITOR.comment }).waitFor();
  assert.match(await stranger.locator('li.comment', { hasText: VISITOR.comment }).innerText(), new RegExp(VISITOR.author));
  ok('a stranger sees the approved comment with its author\'s name');
  const html = await response.text();
  for (const [what, text] of [
    ['the served HTML', html],
    ['the page as rendered', await stranger.content()],
  ]) {
    assert.ok(!text.toLowerCase().includes(VISITOR.email.toLowerCase()), `the visitor's email is in ${what}`);
  }
  ok('the visitor\'s email appears nowhere in the page');

  assert.deepEqual(pageErrors, [], 'no page threw a JavaScript error');
  ok('no JavaScript errors on any page');
}

// ---------------------------------------------------------------- main

async function reportFailure(error) {
  console.error(`\nFAILED in step "${stepName}" after ${since()}:\n${error.stack || error}`);
  if (activePage && !activePage.isClosed()) {
    try {
      const file = path.join(SHOTS, 'failure.png');
      await activePage.screenshot({ path: file, fullPage: true, timeout: 10_000 });
      console.error(`\nscreenshot: ${path.relative(process.cwd(), file)}`);
    } catch (e) {
      console.error(`(no failure screenshot: ${e.message})`);
    }
    console.error(`page URL: ${activePage.url()}`);
    try {
      const text = await activePage.locator('body').innerText({ timeout: 5_000 });
      console.error(`visible text:\n----\n${text.slice(0, 4000)}\n----`);
    } catch (e) {
      console.error(`(no page text: ${e.message})`);
    }
  }
  if (pageErrors.length) console.error(`JavaScript errors:\n  ${pageErrors.join('\n  ')}`);
  if (server?.err.length) console.error(`server log (last lines):\n  ${server.err.slice(-30).join('\n  ')}`);
}

async function main() {
  if (!fs.existsSync(BIN)) {
    console.error(`No byline binary at ${BIN}: run \`cargo build\` first, or set BYLINE_BIN.`);
    return 1;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM.`);
    return 1;
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const f of fs.readdirSync(SHOTS)) if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'byline-e2e-'));
  console.log(`byline: ${BIN}\ndata:   ${dataDir}`);

  let failed = false;
  let watchdog;
  const timeLimit = new Promise((_, reject) => {
    watchdog = setTimeout(() => reject(new Error(`the journey took longer than ${WHOLE_RUN_MS / 1000} s`)), WHOLE_RUN_MS);
  });
  try {
    await Promise.race([journey(dataDir), timeLimit]);
  } catch (error) {
    failed = true;
    await reportFailure(error);
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => {});
    await server?.stop();
  }

  if (failed) {
    console.error(`\nThe data directory is kept for a look: ${dataDir}`);
  } else {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const shots = fs.readdirSync(SHOTS).filter((f) => f.endsWith('.png')).sort();
  console.log(`\nscreenshots in ${path.relative(process.cwd(), SHOTS) || '.'}/:`);
  for (const f of shots) console.log(`  ${f}`);
  console.log(failed ? '\njourney FAILED' : `\njourney passed in ${since()}`);
  return failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server?.kill();
    process.exit(1);
  });
}

process.exitCode = await main();
