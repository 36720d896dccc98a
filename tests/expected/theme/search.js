// The search page: reads the form's query string, asks Pagefind, lists the results.
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
  return [...new Set(words)].slice(0, MAX_WORDS).join(" ");
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
  link.href = data.url;
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

async function showMore(results, shownSoFar, total) {
  const next = results.slice(shownSoFar, shownSoFar + PAGE);
  const items = (await Promise.all(next.map((r) => r.data()))).map(resultItem);
  list.append(...items);
  const shown = shownSoFar + next.length;
  moreButton.hidden = shown >= results.length;
  moreButton.onclick = async () => {
    await showMore(results, shown, total);
    list.children[shown]?.querySelector("a")?.focus();
  };
  statusLine.textContent = `共找到 ${total} 条记录${results.length > shown ? `，已显示前 ${shown} 条` : ""}。`;
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
  const places = await fetchJson(form.dataset.places, []); // only when nothing was found
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
    link.href = new URL(place.url, new URL(form.dataset.siteRoot, window.location.href)).href;
    link.textContent = place.name;
    item.append(link);
    names.append(item);
  }
  suggestions.replaceChildren(intro, names);
  suggestions.hidden = false;
}

async function fetchJson(url, fallback) {
  try {
    const response = await fetch(new URL(url, document.baseURI));
    return response.ok ? await response.json() : fallback;
  } catch {
    return fallback;
  }
}

// What the page asks Pagefind for a query; tests/test_search.py calls it too.
export async function find(query, filters = {}, newest = false) {
  const [pagefind, t2s] = await Promise.all([
    import(new URL(form.dataset.pagefind, document.baseURI).href), query ? fetchJson(form.dataset.t2s, {}) : {}]);
  await pagefind.options({
    baseUrl: new URL(form.dataset.siteRoot, window.location.href).pathname,
    ranking: { pageLength: 0.5 }, // long records lose less to short department pages
    noWorker: true, // search in the page: a phone downloads one script less
  });
  const found = await pagefind.search(queryWords(query, t2s) || null, { filters });
  if (newest) found.results = newestFirst(found.results);
  return found;
}

// The index lists records oldest first, then departments; a result's id starts with its
// position in base 36 (jiandu/build/search_index.py). Newest first lists records only.
function newestFirst(results) {
  const records = Number(form.dataset.records);
  const page = (r) => parseInt(r.id.slice(0, -1), 36);
  return results.filter((r) => page(r) < records).sort((a, b) => page(b) - page(a));
}

async function run() {
  const { query, filters, newest } = readQuery();
  if (!query && Object.keys(filters).length === 0) {
    statusLine.textContent = "请输入搜索词或选择筛选条件。";
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
  await showMore(search.results, 0, search.results.length);
}

run().catch(() => {
  statusLine.textContent = "搜索暂时无法使用，请稍后再试，或从部门名录和往期目录查找。";
});
