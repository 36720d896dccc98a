"""Helpers shared by the test modules, by concern. Test modules import from here, never from each
other (tests/test_lint.py checks); pytest fixtures stay in conftest.py and tests/browser.py.

- project: the paths of the project under test, and parsing its pages;
- content: writing records into a test tree, reading front matter, `invoke check`'s problems;
- server: a folder or a handler served over HTTP on 127.0.0.1;
- tools: the system tools tests need (Chromium, rsync, faketime), skipped locally, failing under CI;
- fixture: figures computed independently from the fixture's raw files;
- personal: made-up personal data, and the text a reader sees on a page;
- publish: local stand-ins for the deploy host, and an archived edition;
- git: test projects in git at known commits.
"""
