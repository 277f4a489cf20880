// Every feed field of a hostile corpus, rendered in a real headless Chromium
// the way the most careless feed reader would: as HTML, in a page with no
// Content-Security-Policy. Nothing may run (window.__pwned), open a dialog or
// fetch from pwned.invalid.
//
// The corpus (../feeds/hostile.json, shared with the Rust test
// crates/byline/tests/it/feed_safety.rs) is written the way it arrives: the
// author and articles with the CLI, the comments through the public form.
// Then every RSS, Atom and JSON feed of the site, its author, category, tag,
// the comments and the article is read, with full text on and off; each
// field is decoded as a reader decodes it (XML by the browser's DOMParser)
// and rendered: HTML fields (RSS description and content:encoded, Atom
// html summary and content, JSON content_html) and, as a careless reader
// would, the text fields too.
//
// It builds nothing: `cargo build` first, then `node feeds.mjs`.
//   BYLINE_BIN   the binary (default ../../target/debug/byline from here)
//   CHROMIUM     the browser (default /usr/bin/chromium)
// Exit code 0 when nothing ran, 1 otherwise.

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
const CORPUS = JSON.parse(fs.readFileSync(path.join(here, '../feeds/hostile.json'), 'utf8'));

const SERVER_START_MS = 30_000;
const CLI_MS = 30_000;
const WHOLE_RUN_MS = 5 * 60_000;

let server = null;
let browser = null;

const cli = (dataDir, ...args) => runCli(BIN, ['--data', dataDir, ...args], '', CLI_MS);

/** The corpus on the running site; returns the feed bases (paths ending in /). */
async function writeCorpus(dataDir, base) {
  await cli(dataDir, 'settings', 'set', 'comment_flood_seconds', '0');
  await cli(dataDir, 'settings', 'set', 'comment_moderation', 'none');
  const { login, name } = CORPUS.author;
  await cli(dataDir, 'author', 'add', '--login', login, '--name', name);
  const ids = [];
  for (const [n, a] of CORPUS.articles.entries()) {
    // JSON strings are YAML's double-quoted scalars.
    const front = [
      `title: ${JSON.stringify(a.title)}`,
      `slug: ${a.slug}`,
      `author: ${login}`,
      `date: 2024-02-0${n + 1} 10:00`,
      'status: published',
      ...['excerpt', 'categories', 'tags'].filter((k) => a[k] !== undefined).map((k) => `${k}: ${JSON.stringify(a[k])}`),
    ];
    const file = path.join(dataDir, `${a.slug}.md`);
    fs.writeFileSync(file, `---\n${front.join('\n')}\n---\n\n${a.body}\n`);
    const { out } = await cli(dataDir, 'post', 'new', file);
    const id = out.match(/article (\d+)/)?.[1];
    assert.ok(id, `no article id in ${out}`);
    ids.push(id);
  }
  const list = JSON.parse((await cli(dataDir, 'post', 'list', '--json')).out);
  const article = list.find((a) => String(a.id) === ids[0]).path;
  for (const c of CORPUS.comments) {
    const res = await fetch(new URL('/wp-comments-post.php', base), {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        comment_post_ID: ids[0],
        comment: c.comment,
        author: c.author,
        email: 'reader@private.example',
        url: '',
        comment_parent: '0',
      }),
    });
    assert.equal(res.status, 303, `the comment form answered ${res.status} for ${JSON.stringify(c)}`);
  }
  const page = await (await fetch(new URL(article, base))).text();
  const terms = [...page.matchAll(/<a href="([^"]*\/(?:category|tag)\/[^"]+\/)"/g)].map((m) => new URL(m[1], base).pathname);
  assert.equal(new Set(terms).size, 2, `a category and a tag on ${article}: ${terms}`);
  return ['/', `/author/${login}/`, article, '/comments/', ...new Set(terms)];
}

/** Every field of an RSS or Atom document, decoded by the browser's XML parser. */
function xmlFields(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const error = doc.querySelector('parsererror');
  if (error) throw new Error(`not well-formed: ${error.textContent}`);
  const out = [];
  const push = (at, kind, value) => out.push({ at, kind, value: value ?? '' });
  const root = doc.documentElement;
  if (root.localName === 'rss') {
    for (const el of root.getElementsByTagName('*')) {
      const parent = el.parentElement?.localName;
      const name = el.localName;
      if ((parent === 'channel' || parent === 'item') && name === 'title') push(`${parent}/title`, 'text', el.textContent);
      else if (parent === 'channel' && name === 'description') push('channel/description', 'text', el.textContent);
      else if (parent === 'item' && (name === 'creator' || name === 'category')) push(`item/${name}`, 'text', el.textContent);
      else if (parent === 'item' && (name === 'description' || name === 'encoded')) push(`item/${name}`, 'html', el.textContent);
    }
  } else {
    for (const el of root.getElementsByTagName('*')) {
      const name = el.localName;
      if (['title', 'subtitle', 'summary', 'content'].includes(name)) {
        push(name, el.getAttribute('type') === 'html' ? 'html' : 'text', el.textContent);
      } else if (name === 'name') push('author/name', 'text', el.textContent);
      else if (name === 'category') push('category@term', 'text', el.getAttribute('term'));
    }
  }
  return out;
}

/** Every field of a JSON Feed. */
function jsonFields(doc) {
  const out = [
    { at: 'title', kind: 'text', value: doc.title },
    { at: 'description', kind: 'text', value: doc.description ?? '' },
  ];
  for (const [n, item] of doc.items.entries()) {
    for (const [key, kind] of [['title', 'text'], ['summary', 'text'], ['content_text', 'text'], ['content_html', 'html']]) {
      if (typeof item[key] === 'string') out.push({ at: `items[${n}].${key}`, kind, value: item[key] });
    }
    for (const a of item.authors ?? []) out.push({ at: `items[${n}].authors.name`, kind: 'text', value: a.name });
    for (const t of item.tags ?? []) out.push({ at: `items[${n}].tags`, kind: 'text', value: t });
  }
  return out;
}

/** Renders `html` as a document with no CSP; what ran or was left to run. */
async function render(page, html, seen) {
  seen.dialogs.length = 0;
  seen.requests.length = 0;
  // setContent keeps the window: forget what an earlier document set.
  await page.evaluate(() => delete window.__pwned);
  await page.setContent(`<!doctype html><body>${html}</body>`, { waitUntil: 'load' });
  // Give error and load handlers (img onerror, svg onload) their turn.
  await page.waitForTimeout(30);
  const found = await page.evaluate(() => {
    const problems = [];
    if (window.__pwned !== undefined) problems.push('script ran (window.__pwned is set)');
    const banned = 'script,style,iframe,frame,object,embed,link,meta,form,base,svg,math';
    for (const el of document.body.querySelectorAll(banned)) problems.push(`a <${el.localName}> element`);
    for (const el of document.body.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        const value = attr.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (attr.name.startsWith('on') || attr.name === 'style') problems.push(`${attr.name} on <${el.localName}>`);
        if (/^(javascript|vbscript|data):/.test(value)) problems.push(`${attr.name}=${attr.value} on <${el.localName}>`);
      }
    }
    // Follow every link as a reader's click would, without leaving the page.
    for (const a of document.querySelectorAll('a[href]')) {
      if (/^\s*javascript:/i.test(a.getAttribute('href'))) a.click();
    }
    if (window.__pwned !== undefined && !problems.includes('script ran (window.__pwned is set)')) {
      problems.push('a link ran script');
    }
    return problems;
  });
  for (const d of seen.dialogs) found.push(`a ${d} dialog`);
  for (const r of seen.requests) if (r.includes('pwned.invalid')) found.push(`a request to ${r}`);
  return found;
}

async function run(dataDir) {
  server = new Server(BIN, dataDir);
  const base = await server.base(dataDir, SERVER_START_MS);
  console.log(`serving ${dataDir} at ${base}`);
  const bases = await writeCorpus(dataDir, base);
  const feeds = bases.flatMap((b) => ['feed/', 'feed/atom/', 'feed/json/'].map((f) => `${b}${f}`));

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true, timeout: SERVER_START_MS });
  console.log(`Chromium ${browser.version()}`);
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const seen = { dialogs: [], requests: [] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.type());
    d.dismiss().catch(() => {});
  });
  await page.route('**/*', (route) => {
    seen.requests.push(route.request().url());
    route.abort();
  });

  // The checks catch what they look for.
  for (const bad of [
    '<img src=x onerror="window.__pwned=1">',
    '<script>window.__pwned=1</script>',
    '<a href="javascript:window.__pwned=1">x</a>',
    '<img src="http://pwned.invalid/x">',
  ]) {
    assert.notDeepEqual(await render(page, bad, seen), [], `the check misses ${bad}`);
  }

  let fields = 0;
  const failures = [];
  for (const fullText of ['true', 'false']) {
    await cli(dataDir, 'settings', 'set', 'feed_full_text', fullText);
    for (const feed of feeds) {
      const res = await fetch(new URL(feed, base));
      assert.equal(res.status, 200, `${feed} answered ${res.status}`);
      const body = await res.text();
      const decoded = feed.endsWith('/json/') ? jsonFields(JSON.parse(body)) : await page.evaluate(xmlFields, body);
      for (const f of decoded) {
        fields += 1;
        for (const problem of await render(page, f.value, seen)) {
          failures.push(`${feed} ${f.at} (${f.kind}, full text ${fullText}): ${problem}\n    ${JSON.stringify(f.value).slice(0, 300)}`);
        }
      }
    }
  }
  console.log(`${fields} fields of ${feeds.length * 2} feeds rendered as HTML`);
  assert.ok(fields > 200, `only ${fields} fields`);
  if (failures.length) throw new Error(`${failures.length} fields are unsafe:\n  ${failures.join('\n  ')}`);
}

async function main() {
  for (const [what, file] of [['byline binary', BIN], ['Chromium', CHROMIUM]]) {
    if (!fs.existsSync(file)) {
      console.error(`No ${what} at ${file}: see the README (cargo build; apt-get install chromium).`);
      return 1;
    }
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'byline-feeds-'));
  let failed = false;
  let watchdog;
  const timeLimit = new Promise((_, reject) => {
    watchdog = setTimeout(() => reject(new Error(`the run took longer than ${WHOLE_RUN_MS / 1000} s`)), WHOLE_RUN_MS);
  });
  try {
    await Promise.race([run(dataDir), timeLimit]);
  } catch (error) {
    failed = true;
    console.error(`\nFAILED: ${error.stack || error}`);
    if (server?.err.length) console.error(`server log (last lines):\n  ${server.err.slice(-30).join('\n  ')}`);
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => {});
    await server?.stop();
  }
  if (failed) console.error(`The data directory is kept for a look: ${dataDir}`);
  else fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(failed ? 'feeds FAILED' : 'feeds passed: nothing ran');
  return failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server?.kill();
    process.exit(1);
  });
}

process.exitCode = await main();
