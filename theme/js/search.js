// The search page: reads the form's query string, asks Pagefind, lists the results.
// Everything else on the site works without JavaScript; this page says so in <noscript>.
const FILTERS = ["kind", "department", "year", "status"];
const PAGE = 20; // results fetched and shown at a time

const form = document.querySelector(".jd-search");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");

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
  form.elements.q.value = query;
  return { query, filters };
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
  const meta = document.createElement("p");
  meta.className = "jd-result__meta";
  meta.textContent = [data.filters.kind, data.meta.edition, (data.filters.department || []).slice(0, 3).join("、")]
    .flat().filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  excerpt.className = "jd-result__excerpt";
  excerpt.innerHTML = data.excerpt; // Pagefind escapes the page text and adds only <mark>
  item.append(title, meta, excerpt);
  return item;
}

async function showMore(results, shownSoFar) {
  const next = results.slice(shownSoFar, shownSoFar + PAGE);
  const items = (await Promise.all(next.map((r) => r.data()))).map(resultItem);
  list.append(...items);
  const shown = shownSoFar + next.length;
  moreButton.hidden = shown >= results.length;
  moreButton.onclick = async () => {
    await showMore(results, shown);
    list.children[shown]?.querySelector("a")?.focus();
  };
  statusLine.textContent = `共找到 ${results.length} 条记录${results.length > shown ? `，已显示前 ${shown} 条` : ""}。`;
}

async function run() {
  const { query, filters } = readQuery();
  if (!query && Object.keys(filters).length === 0) {
    statusLine.textContent = "请输入搜索词或选择筛选条件。";
    return;
  }
  statusLine.textContent = "正在搜索……";
  const pagefind = await import(new URL(form.dataset.pagefind, document.baseURI).href);
  await pagefind.options({ baseUrl: new URL(form.dataset.siteRoot, window.location.href).pathname });
  const search = await pagefind.search(query || null, { filters });
  list.replaceChildren();
  if (search.results.length === 0) {
    statusLine.textContent = "没有找到相关记录。可以换一个词，或减少筛选条件。";
    return;
  }
  await showMore(search.results, 0);
}

run().catch(() => {
  statusLine.textContent = "搜索暂时无法使用，请稍后再试，或从部门名录和往期目录查找。";
});
