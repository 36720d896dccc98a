"""The routes module: references as staff write them, and links that resolve from any page."""

from urllib.parse import urljoin

import pytest

from jiandu.core import routes


@pytest.mark.parametrize(("written", "target", "url"), [
    ("column/2017-45", "column/2017-045", "column/2017-045/"),
    ("column/2017-045", "column/2017-045", "column/2017-045/"),
    ("inquiry/2017-3", "inquiry/2017-03", "inquiry/2017-03/"),
    ("inquiry/2017-03#q1", "inquiry/2017-03#q1", "inquiry/2017-03/#q1"),
])
def test_a_reference_is_read_into_its_normal_form_and_url(written, target, url):
    ref = routes.parse_ref(written)
    assert (ref.target, ref.url) == (target, url)
    assert routes.parse_key(ref.target) == ref


@pytest.mark.parametrize("written", [
    "column/17-045", "column/2017-0045", "news/2017-045", "column/2017-045/", "inquiry/2017-03#",
    "inquiry/2017-03#q 1", "/column/2017-045",
])
def test_what_is_not_a_reference(written):
    assert routes.parse_ref(written) is None


def test_a_record_page_is_recognised_only_as_its_own_page():
    ref = routes.parse_ref("column/2016-045")
    assert routes.record_page(routes.output_path(ref.url)) == ref
    assert routes.record_page("column/2016/index.html") is None
    assert routes.record_page("column/2016-045/page/2/index.html") is None
    assert routes.record_page("column/2016-045.html") is None


def test_output_paths_and_urls_round_trip():
    for url in (routes.HOME, routes.DIRECTORY, routes.department("cgj"), routes.page(routes.LEDGER, 3),
                "old/page.html", routes.NOT_FOUND):
        assert routes.url_of(routes.output_path(url)) == url
    assert routes.output_path(routes.page(routes.LEDGER, 1)) == "commitments/index.html"
    assert routes.later_page(routes.output_path(routes.page(routes.LEDGER, 2)))
    assert not routes.later_page(routes.output_path(routes.page(routes.LEDGER, 1)))


@pytest.mark.parametrize("page", ["index.html", "404.html", "departments/index.html",
                                  "departments/cgj/index.html", "column/2016-045/index.html",
                                  "departments/by/records/page/2/index.html"])
@pytest.mark.parametrize("target", [routes.HOME, routes.SITE_FEED, routes.department("cgj"),
                                    routes.parse_ref("inquiry/2016-01#q2").url, routes.CSS_BUNDLE,
                                    routes.page(routes.year_list("column", 2016), 2)])
def test_a_relative_link_resolves_to_its_target_under_any_prefix(page, target):
    for base in ("https://jiandu.example.gov.cn/", "https://example.org/sub/site/"):
        assert urljoin(base + page, routes.relative(page, target)) == base + target


@pytest.mark.parametrize(("page", "target", "link"), [
    ("index.html", routes.HOME, "./"),
    ("index.html", routes.department("cgj"), "departments/cgj/"),
    ("departments/cgj/index.html", routes.department("cgj"), "./"),
    ("departments/cgj/index.html", routes.department_feed("cgj"), "feed.atom"),
    ("departments/cgj/index.html", routes.DIRECTORY, "../"),
    ("departments/cgj/index.html", routes.department("jtj"), "../jtj/"),
    ("departments/cgj/index.html", routes.record("column/2016-045"), "../../column/2016-045/"),
    ("departments/index.html", routes.department("cgj"), "cgj/"),
    ("column/2016/index.html", routes.hop("column/2016-045/", 2), "../2016-045/#hop-2"),
    ("column/2016-045/index.html", routes.hop("column/2016-045/", 2), "./#hop-2"),
    ("column/2016-045/index.html", "#main", "#main"),
    ("column/2016-045/index.html", "mailto:a@example.org", "mailto:a@example.org"),
    ("column/2016-045/index.html", "https://example.org/a/", "https://example.org/a/"),
])
def test_a_relative_link_is_the_shortest_way_from_its_page(page, target, link):
    assert routes.relative(page, target) == link
    links = routes.PageLinks(page)
    assert [links(target), links(target)] == [link, link]  # one page's links, one after another
