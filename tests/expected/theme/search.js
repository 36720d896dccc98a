// The search page: reads the form's query string, searches the site's index, lists the results.
// Everything else on the site works without JavaScript; this page says so in <noscript>.
const FILTERS = ["kind", "department", "year", "status"];
const PAGE = 10; // results fetched and shown at a time
const SUGGESTIONS = 3;

const form = document.querySelector(".jd-search");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const suggestions = document.getElementById("search-suggestions");

// ---- query words: the same as jiandu/site/search_words.py ------------------------------------
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
const FIRST = 0x3400;
const HAN = /^[\u3400-\u9fff]+$/u;
const MAX_WORDS = 16; // a pasted paragraph asks for at most this many index parts

function spell(han) {
  let word = "9";
  for (const ch of han) {
    const n = ch.codePointAt(0) - FIRST;
    word += ALPHABET[Math.floor(n / 1296)] + ALPHABET[Math.floor(n / 36) % 36] + ALPHABET[n % 36];
  }
  return word;
}

export function queryWords(text, toSimplified = {}) {
  const folded = [...text.normalize("NFKC").toLowerCase()].map((ch) => toSimplified[ch] || ch).join("");
  const words = [];
  for (const [part] of folded.matchAll(/[\u3400-\u9fff]+|[0-9a-z]+/gu)) {
    const chars = [...part];
    if (!HAN.test(part)) words.push(part);
    else if (chars.length === 1) words.push(spell(part));
    else for (let i = 0; i + 1 < chars.length; i++) words.push(spell(chars[i] + chars[i + 1]));
  }
  return [...new Set(words)].slice(0, MAX_WORDS);
}

// ---- the form ---------------------------------------------------------------------------------
function readQuery() {
  const params = new URLSearchParams(window.location.search);
  const query = (params.get("q") || "").trim();
  const filters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    const field = form.elements[name];
    if (value && [...field.options].some((o) => o.value === value)) {
      field.value = value;
      filters[name] = value;
    }
  }
  const newest = params.get("sort") === "date";
  form.elements.sort.value = newest ? "date" : "";
  form.elements.q.value = query;
  return { query, filters, newest };
}

// A page of the site, which may be served from a folder rather than the server's root.
function siteUrl(path) {
  return new URL(path, new URL(form.dataset.siteRoot, window.location.href)).href;
}

function fact(label, value) {
  const span = document.createElement("span");
  span.className = "jd-result__fact";
  span.textContent = `${label}：${value}`;
  return span;
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "jd-result";
  const title = document.createElement("h2");
  title.className = "jd-result__title";
  const link = document.createElement("a");
  link.href = siteUrl(data.url.replace(/^\//, "")); // the index's URLs are from the site's root
  link.textContent = data.meta.title;
  title.append(link);
  const facts = document.createElement("p");
  facts.className = "jd-result__meta";
  const m = data.meta;
  facts.append(...[["类型", m.kind], ["日期", m.date], ["部门", m.departments], ["状态", m.status]]
    .filter(([, value]) => value).map(([label, value]) => fact(label, value)));
  const summary = document.createElement("p");
  summary.className = "jd-result__excerpt";
  summary.textContent = m.summary || "";
  item.append(title, facts, summary);
  return item;
}

const PARTIAL = "没有记录包含输入的全部文字，以下记录包含其中大部分。";

async function showMore(results, shownSoFar, total, note = "") {
  const next = results.slice(shownSoFar, shownSoFar + PAGE);
  const items = (await Promise.all(next.map((r) => r.data()))).map(resultItem);
  list.append(...items);
  const shown = shownSoFar + next.length;
  moreButton.hidden = shown >= results.length;
  moreButton.onclick = async () => {
    try {
      await showMore(results, shown, total, note);
    } catch (error) {
      if (error instanceof IndexReplaced) return failed(error);
      statusLine.textContent = "没能加载更多结果，请检查网络后再点“显示更多结果”。";
      return undefined; // the button stays, and asks again
    }
    list.children[shown]?.querySelector("a")?.focus();
  };
  statusLine.textContent = `共找到 ${total} 条记录${results.length > shown ? `，已显示前 ${shown} 条` : ""}。${note}`;
}

// ---- nothing found: the closest department and district names ---------------------------------
function closeness(query, name) {
  const chars = new Set(query);
  const shared = [...new Set(name)].filter((ch) => chars.has(ch)).length;
  const pairs = (s) => new Set([...s].slice(0, -1).map((ch, i) => ch + [...s][i + 1]));
  const queryPairs = pairs(query);
  const sharedPairs = [...pairs(name)].filter((p) => queryPairs.has(p)).length;
  return (2 * shared) / (chars.size + new Set(name).size) + sharedPairs;
}

async function suggest(query) {
  const places = await readJson("places.jds").catch(() => []); // only when nothing was found
  const ranked = places
    .map((place) => ({ place, score: Math.max(...place.names.map((n) => closeness(query, n))) }))
    .filter((r) => r.score > 0.3)
    .sort((a, b) => b.score - a.score || a.place.name.localeCompare(b.place.name, "zh"))
    .slice(0, SUGGESTIONS);
  if (ranked.length === 0) return;
  const intro = document.createElement("p");
  intro.textContent = "您要找的是不是以下部门或区县：";
  const names = document.createElement("ul");
  for (const { place } of ranked) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = siteUrl(place.url);
    link.textContent = place.name;
    item.append(link);
    names.append(item);
  }
  suggestions.replaceChildren(intro, names);
  suggestions.hidden = false;
}

// ---- the index: written by jiandu/build/search_index.py, which describes its files ------------
let entryRead;
const fileReads = new Map();
const TEXT = new TextDecoder();
const UTF8 = new TextEncoder();

// The site was published again since this page read the index: its files have a new folder.
class IndexReplaced extends Error {}
// ... and its index is of a newer format than this page's script reads: the page is out of date.
class PageOutdated extends Error {}
const INDEX_FORMAT = 2; // jiandu/build/search_index.py's FORMAT

function readEntry() {
  return fetch(new URL(form.dataset.index, document.baseURI), { cache: "no-cache" }).then((r) => {
    if (!r.ok) throw new Error(`search index: ${r.status}`);
    return r.json();
  });
}

function entry() {
  entryRead ??= readEntry().then((index) => {
    if (index.format !== INDEX_FORMAT) throw new PageOutdated();
    return index;
  }).catch((error) => {
    entryRead = undefined;
    throw error;
  });
  return entryRead;
}

function forgetIndex() {
  entryRead = undefined;
  fileReads.clear();
}

// A file of the index, unpacked (a server may have unpacked it already).
function readFile(name) {
  if (!fileReads.has(name)) {
    fileReads.set(name, entry().then(async ({ id }) => {
      const response = await fetch(new URL(`${id}/${name}`, new URL(form.dataset.index, document.baseURI)));
      if (response.status === 404 && (await readEntry()).id !== id) throw new IndexReplaced();
      if (!response.ok) throw new Error(`search index: ${response.status}`);
      const data = new Uint8Array(await response.arrayBuffer());
      if (data[0] !== 0x1f || data[1] !== 0x8b) return data;
      const unpacked = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Uint8Array(await new Response(unpacked).arrayBuffer());
    }).catch((error) => {
      fileReads.delete(name); // a phone's network fails now and then: asked again, it is fetched again
      throw error;
    }));
  }
  return fileReads.get(name);
}

async function readJson(name) {
  return JSON.parse(TEXT.decode(await readFile(name)));
}

// One list of a list file: its page numbers, and its score bytes if the file has them.
function readList(data, wanted) {
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = data[at++];
      if (byte === undefined || shift > 49) throw new Error("search index: a damaged file");
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const scored = varint() === 1;
  let body = 0;
  let found = null;
  for (let lists = varint(); lists > 0; lists--) {
    const size = varint();
    const key = TEXT.decode(data.subarray(at, at + size));
    at += size;
    const pages = varint();
    const bytes = varint();
    if (key === wanted) found = { start: body, pages };
    body += bytes + (scored ? pages : 0);
  }
  if (!found) return null;
  at += found.start;
  const pages = new Array(found.pages);
  for (let i = 0, page = 0; i < found.pages; i++) pages[i] = page += varint();
  return { pages, scores: scored ? data.subarray(at, at + found.pages) : null };
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
  return n >>> 0;
});

function crc32(text) {
  let crc = 0xffffffff;
  for (const byte of UTF8.encode(text)) crc = CRC[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

async function wordPages(word, { buckets, scores }) {
  const list = readList(await readFile(`w/${(crc32(word) & (buckets - 1)).toString(36)}.jds`), word);
  return list && new Map(list.pages.map((page, i) => [page, scores[list.scores[i]]]));
}

// What a result shows: one of the `results` pages of its result file.
async function result(page, { results }) {
  return (await readJson(`r/${Math.floor(page / results).toString(36)}.jds`))[page % results];
}

async function filterPages(name, value) {
  return new Set(readList(await readFile(`f/${name}.jds`), value)?.pages ?? []);
}

// Pages that hold every query word the index has and match every filter, with the sum of their
// word scores. A word no page holds is left out (槐荫城管: no page has 荫城, where two names
// meet), as long as most of the words are found; `partial` says one was left out.
async function matches(words, filters, index) {
  const [lists, chosen] = await Promise.all([
    Promise.all(words.map((word) => wordPages(word, index))),
    Promise.all(Object.entries(filters).map(([name, value]) => filterPages(name, value)))]);
  const known = lists.filter(Boolean);
  if (lists.length && known.length * 2 <= lists.length) return { found: new Map(), partial: false };
  let found = null;
  for (const list of known.sort((a, b) => a.size - b.size)) {
    found = found ? new Map([...found].filter(([page]) => list.has(page))
      .map(([page, score]) => [page, score + list.get(page)])) : list;
  }
  found ??= new Map([...(chosen.shift() ?? [])].map((page) => [page, 0]));
  for (const pages of chosen) found = new Map([...found].filter(([page]) => pages.has(page)));
  return { found, partial: known.length < lists.length };
}

// What the page finds for a query; tests/test_search.py calls it too. Best first, newer first
// among equals; with `newest`, records only, newest first (the index lists records oldest first,
// then departments). A search that meets a newer index (the site republished, or a preview's
// save, while it ran) is done again on that one.
export async function find(query, filters = {}, newest = false) {
  try {
    return await findIn(query, filters, newest);
  } catch (error) {
    if (!(error instanceof IndexReplaced)) throw error;
    forgetIndex();
    return findIn(query, filters, newest);
  }
}

async function findIn(query, filters, newest) {
  const index = await entry();
  const words = queryWords(query, index.t2s);
  const { found: matched, partial } = await matches(words, filters, index);
  const found = [...matched];
  const records = Number(form.dataset.records);
  const results = newest || words.length === 0
    ? found.filter(([page]) => !newest || page < records).sort((a, b) => b[0] - a[0])
    : found.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  return {
    partial,
    results: results.map(([page, score]) => ({
      id: page.toString(36), page, score, data: () => result(page, index),
    })),
  };
}

async function run() {
  const { query, filters, newest } = readQuery();
  if (!query && Object.keys(filters).length === 0) {
    statusLine.textContent = "请输入搜索词或选择筛选条件。";
    return;
  }
  if (!("DecompressionStream" in window)) {
    statusLine.textContent = "您的浏览器版本较旧，无法使用站内搜索。请从部门名录、往期目录、问题类别或办理状态查找记录。";
    return;
  }
  statusLine.textContent = "正在搜索……";
  const search = await find(query, filters, newest);
  list.replaceChildren();
  if (search.results.length === 0) {
    statusLine.textContent = "没有找到相关记录。可以换一个词，或减少筛选条件。";
    if (query) await suggest(query);
    return;
  }
  await showMore(search.results, 0, search.results.length, search.partial ? PARTIAL : "");
}

let searchedAgain = false;

// A search that met a newer index runs once more on it; anything else leaves the page usable.
function failed(error) {
  if (error instanceof IndexReplaced && !searchedAgain) {
    searchedAgain = true;
    forgetIndex();
    return run().catch(failed);
  }
  statusLine.textContent = error instanceof PageOutdated
    ? "网站刚刚更新，请刷新本页后再搜索。"
    : "搜索暂时无法使用，请稍后再试，或从部门名录和往期目录查找。";
  moreButton.hidden = true;
}

run().catch(failed);
