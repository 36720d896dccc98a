"""长辈版 and low-vision reading in Chromium: the switch on every page and its memory across pages;
in the mode, 7:1 contrast computed from the computed styles, 44 px targets and no axe violation;
without JavaScript, reflow at 320 CSS px with no horizontal scrolling (WCAG 1.4.10); and the
WCAG 1.4.12 text-spacing overrides without clipped or overlapping text. Screenshots of each go
to test-output/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser import TEMPLATE_PAGES

ELDER_PAGES = {**TEMPLATE_PAGES, "elder": "elder/"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag2aaa"]
# The text-spacing bookmarklet of WCAG 1.4.12's understanding document, as a stylesheet.
TEXT_SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }"""

# Contrast of every visible piece of text against what is behind it, from computed styles:
# the text colour over the backgrounds of its ancestors, blended by their alpha.
CONTRASTS = """() => {
  const rgba = c => { const p = c.match(/[\\d.]+/g).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lin = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  const behind = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest("svg, script, style, noscript")) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || r.right <= 0 || r.bottom <= 0) continue;  // visually hidden
    const bg = behind(el), fg = over(rgba(getComputedStyle(el).color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    out.push({text: node.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05),
              cls: el.className || el.tagName});
  }
  return out;
}"""

# Every link, button and field: its size, and whether it sits inside running text, where
# WCAG 2.5.5 exempts it (a link in a sentence takes the line's height).
TARGETS = """() => {
  const inline = el => {
    if (getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    return block.textContent.replace(/\\s/g, "").length - el.textContent.replace(/\\s/g, "").length >= 2;
  };
  return [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
    .filter(el => el.checkVisibility({opacityProperty: true, visibilityProperty: true}))
    .map(el => { const r = el.getBoundingClientRect();
      return {text: (el.textContent || el.name || el.id).trim().slice(0, 20), w: r.width, h: r.height,
              inline: inline(el), onscreen: r.right > 0 && r.bottom > 0}; })
    .filter(t => t.onscreen && t.w > 0);
}"""

# Text that the text-spacing overrides push out of its box, or onto other text.
CLIPPED = """() => {
  const bad = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility() || el.closest("svg")) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const cs = getComputedStyle(el);
    if (cs.display === "inline" || el.clientWidth === 0) continue;
    if (el.getBoundingClientRect().width <= 1) continue;  // visually hidden text
    if (el.scrollWidth > el.clientWidth + 1) bad.push(["wide", el.tagName, el.className, el.textContent.trim().slice(0, 30)]);
    if (cs.overflowY !== "visible" && el.scrollHeight > el.clientHeight + 1)
      bad.push(["tall", el.tagName, el.className, el.textContent.trim().slice(0, 30)]);
  }
  // Text clipped to a 1 px box on purpose (headings of stacked tables, visually hidden labels)
  // is for screen readers only.
  const hidden = el => { for (let e = el; e; e = e.parentElement) { const r = e.getBoundingClientRect();
    if ((r.width <= 1 || r.height <= 1) && getComputedStyle(e).overflow !== "visible") return true; } return false; };
  const lines = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.checkVisibility() || el.closest("svg") || hidden(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 1 && r.height > 1) lines.push([r, node]);
  }
  lines.sort((a, b) => a[0].top - b[0].top);
  for (let i = 0; i < lines.length; i++) {
    const [a, na] = lines[i];
    for (let j = i + 1; j < lines.length && lines[j][0].top < a.bottom; j++) {
      const [b, nb] = lines[j];
      if (na === nb) continue;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) bad.push(["overlap", na.textContent.trim().slice(0, 20), nb.textContent.trim().slice(0, 20)]);
    }
  }
  return bad;
}"""


def elder_context(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.add_init_script("window.localStorage.setItem('jd-elder', '1')")
    return context


def open_elder(browser, site_url, path, width=1280):
    context = elder_context(browser, width)
    tab = context.new_page()
    tab.goto(site_url + path)
    if path.startswith("search/"):
        tab.wait_for_selector("#search-results li")
    assert tab.evaluate("document.documentElement.classList.contains('jd-elder')")
    return context, tab


def test_switch_is_on_every_page_and_the_choice_holds_across_pages(page, site_url):
    page.goto(site_url)
    toggle = page.locator(".jd-elder-toggle")
    assert toggle.evaluate("t => t.tagName") == "BUTTON" and toggle.inner_text() == "长辈版"
    base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    toggle.click()
    assert page.evaluate("document.documentElement.classList.contains('jd-elder')")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 1.5 * base == 24
    assert page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)") >= 1.8 * 24
    for path in ("column/2016-014/", "departments/cgj/", "no-such-page/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.classList.contains('jd-elder')"), path
        assert page.locator(".jd-elder-toggle").inner_text() == "退出长辈版"
    page.locator(".jd-elder-toggle").click()
    page.goto(site_url + "archive/")
    assert not page.evaluate("document.documentElement.classList.contains('jd-elder')")


def test_without_javascript_the_switch_explains_how_to_enlarge(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(site_url + "inquiry/2016-03/")
    link = tab.locator("a.jd-elder-toggle")
    assert link.get_attribute("href") == "../../elder/"
    link.click()
    assert tab.locator("h1").inner_text() == "长辈版"
    assert "Ctrl" in tab.locator("main").inner_text()
    context.close()


@pytest.mark.parametrize("template", sorted(ELDER_PAGES))
def test_elder_mode_has_7_to_1_contrast_and_44px_targets(browser, site_url, template, screenshots):
    for width in (375, 1280):
        context, tab = open_elder(browser, site_url, ELDER_PAGES[template], width)
        tab.screenshot(path=str(screenshots / f"elder-{template}-{width}.png"), full_page=True)
        low = [c for c in tab.evaluate(CONTRASTS) if c["ratio"] < 7]
        assert not low, f"{template} at {width}px: text below 7:1: {low[:5]}"
        small = [t for t in tab.evaluate(TARGETS) if not t["inline"] and (t["w"] < 44 or t["h"] < 44)]
        assert not small, f"{template} at {width}px: targets under 44px: {small[:5]}"
        assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, template
        context.close()


@pytest.mark.parametrize("template", sorted(ELDER_PAGES))
def test_axe_finds_nothing_in_elder_mode(browser, site_url, template):
    from axe_playwright_python.sync_playwright import Axe

    context, tab = open_elder(browser, site_url, ELDER_PAGES[template])
    results = Axe().run(tab, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    context.close()
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("template", sorted(ELDER_PAGES))
def test_pages_reflow_at_320px_without_javascript(browser, site_url, template, screenshots):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 640},
                                  locale="zh-CN")
    tab = context.new_page()
    tab.goto(site_url + ELDER_PAGES[template])
    tab.screenshot(path=str(screenshots / f"reflow-320-{template}.png"), full_page=True)
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 0, f"{template} scrolls sideways by {overflow}px at 320px"


@pytest.mark.parametrize("template", sorted(ELDER_PAGES))
@pytest.mark.parametrize("width", [320, 1280])
def test_text_spacing_overrides_clip_and_overlap_nothing(browser, site_url, template, width, screenshots):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.goto(site_url + ELDER_PAGES[template])
    if template == "search":
        tab.wait_for_selector("#search-results li")
    tab.add_style_tag(content=TEXT_SPACING)
    tab.screenshot(path=str(screenshots / f"spacing-{width}-{template}.png"), full_page=True)
    bad = tab.evaluate(CLIPPED)
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert not bad, f"{template} at {width}px: {bad[:5]}"
    assert overflow <= 0, f"{template} scrolls sideways by {overflow}px at {width}px"
