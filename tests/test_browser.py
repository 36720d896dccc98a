"""The demo site in real Chromium: accessibility (axe), phone width, keyboard, no JavaScript,
print, page weight and screenshots of every template (test-output/screenshots/)."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.browser import TEMPLATE_PAGES

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WEIGHT_BUDGET = 30 * 1024  # bytes, gzip-compressed page plus its CSS


def open_page(page, site_url, path, width=1280):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + path)
    if path.startswith("search/"):
        page.wait_for_selector("#search-results li")
    return page


@pytest.mark.parametrize("template", sorted(TEMPLATE_PAGES))
def test_axe_finds_no_violations(page, site_url, template):
    from axe_playwright_python.sync_playwright import Axe

    open_page(page, site_url, TEMPLATE_PAGES[template])
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("template", sorted(TEMPLATE_PAGES))
def test_page_structure_for_assistive_technology(page, site_url, template):
    open_page(page, site_url, TEMPLATE_PAGES[template])
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").count() == 1
    assert page.locator("a.jd-skip-link[href='#main']").count() == 1
    for nav in page.locator("nav").all():
        assert nav.get_attribute("aria-label"), template
    for tag in page.locator(".jd-tag").all():  # status is text; colour only repeats it
        assert tag.inner_text().strip(), template
    for table in page.locator("table").all():
        assert table.locator("th").count() > 0 and table.locator("caption").count() == 1, template


@pytest.mark.parametrize("template", sorted(TEMPLATE_PAGES))
def test_no_horizontal_scroll_at_375px_and_screenshots(page, site_url, template, screenshots):
    for width in (375, 1280):
        open_page(page, site_url, TEMPLATE_PAGES[template], width)
        page.screenshot(path=str(screenshots / f"{template}-{width}.png"), full_page=True)
        if width == 375:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{template} scrolls sideways by {overflow}px at 375px"


def test_tables_stack_into_labelled_rows_at_375px(page, site_url):
    open_page(page, site_url, "departments/cgj/", 375)
    cell = page.locator(".jd-table--stack td[data-label]").first
    assert cell.evaluate("c => getComputedStyle(c).display") == "block"
    label = cell.evaluate("c => getComputedStyle(c, '::before').content")
    assert cell.get_attribute("data-label") in label
    for table in page.locator("table").all():
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")


def test_keyboard_reaches_search_box_and_main_content(page, site_url):
    open_page(page, site_url, "column/2016-014/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "jd-skip-link"
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert ring == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    open_page(page, site_url, "column/2016-014/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-q":
            break
    else:
        pytest.fail("the search box is not reachable with Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "3px"
    page.keyboard.type("拒载")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert page.url.startswith(site_url + "search/")
    first = page.locator("#search-results a").first
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#search-results') !== null"):
            break
    else:
        pytest.fail("search results are not reachable with Tab")
    assert first.count() == 1


def test_department_search_box_searches_that_department(page, site_url):
    open_page(page, site_url, "departments/cgj/")
    page.fill("#dept-q", "占道经营")
    page.press("#dept-q", "Enter")
    page.wait_for_selector("#search-results li")
    assert page.locator("#filter-department").input_value() == "济南市城市管理局"
    metas = page.locator(".jd-result__meta").all_inner_texts()
    assert metas and all("市城管局" in m for m in metas)  # results name departments by short name


def test_search_page_shows_more_results_on_request(page, site_url):
    open_page(page, site_url, "search/?q=" + "济南")
    status = page.locator("#search-status").inner_text()
    total = int(re.search(r"共找到 (\d+) 条", status).group(1))
    assert total > 10 and page.locator("#search-results li").count() == 10  # ten at a time
    page.click("#search-more")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 10")
    assert page.locator("#search-results li").count() == min(20, total)
    assert page.evaluate("document.activeElement.closest('#search-results li') !== null")


def test_search_page_finds_a_phrase_from_an_entry_first(page, site_url):
    open_page(page, site_url, "search/?q=" + "车载监控录像")
    assert page.locator("#search-results a").first.get_attribute("href").endswith("/column/2016-016/")
    assert "共找到 1 条记录" in page.locator("#search-status").inner_text()


@pytest.mark.parametrize("template", sorted(set(TEMPLATE_PAGES) - {"search"}))
def test_pages_are_complete_without_javascript(browser, site_url, template):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site_url + TEMPLATE_PAGES[template])
    main = tab.locator("main#main")
    assert main.locator("h1").inner_text().strip()
    assert len(main.inner_text()) > 20
    context.close()


def test_search_page_without_javascript_points_elsewhere(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site_url + "search/?q=暖气")
    assert "需要浏览器启用 JavaScript" in tab.locator("main").inner_text()
    assert tab.locator("main noscript a[href='../departments/']").count() == 1
    context.close()


@pytest.mark.parametrize("path", ["inquiry/2016-03/", "column/2016-014/"])
def test_print_hides_navigation_and_writes_out_links(page, site_url, path):
    open_page(page, site_url, path)
    page.emulate_media(media="print")
    assert not page.locator(".jd-header").is_visible()
    assert not page.locator(".jd-skip-link").is_visible()
    assert page.locator(".jd-footer time").is_visible(), "the as-of date must print"
    link = page.locator("main a[href^='../../departments/']").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == '"（/departments/' + link.get_attribute("href").removeprefix("../../departments/") + '）"'
    if path.startswith("column/"):
        return
    external = page.locator("main a[href^='http']").first  # the session's video
    assert external.get_attribute("href") in external.evaluate("a => getComputedStyle(a, '::after').content")


@pytest.mark.parametrize("path", ["inquiry/2016-03/", "column/2016-014/"])
def test_page_weight_budget_and_only_local_requests(page, site_url, path):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, site_url, path)
    page.wait_for_load_state("networkidle")
    assert requests and all(u.startswith(site_url) for u in requests), requests
    assert not any(re.search(r"\.(woff2?|ttf|otf|eot)(\?|$)", u) for u in requests)
    assert page.evaluate("document.fonts.size") == 0, "no web fonts"
    total = sum(len(gzip.compress(page.request.get(u).body(), 9)) for u in set(requests))
    print(f"\n{path}: {total} bytes gzip for {len(set(requests))} requests")
    assert total <= WEIGHT_BUDGET, f"{path} weighs {total} bytes gzip, budget {WEIGHT_BUDGET}"
