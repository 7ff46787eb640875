"""Waits shared by the browser tests: a page is judged once it has stopped moving.

The split search answers with the words typed so far and refines the list when the whole
query's word files arrive; Material fades the search panel in. A test that measures colours or
moves the keyboard focus must wait for both, or it measures a frame no one sees.
"""

from __future__ import annotations

RESULTS_STILL = """() => {
  const list = document.querySelector('.md-search-result__list');
  const html = list ? list.innerHTML : '';
  const seen = window.__resultsSeen || (window.__resultsSeen = {html: null, since: 0});
  if (html !== seen.html) { seen.html = html; seen.since = performance.now(); return false; }
  return performance.now() - seen.since > 400;
}"""

SEARCH_OPEN = """() => {
  const toggle = document.getElementById('__search');
  const list = document.querySelector('.md-search-result__list');
  return !!(toggle && toggle.checked && list && !list.hidden);
}"""

SEARCH_STATE = """() => ({
  open: !!(document.getElementById('__search') || {}).checked,
  listHidden: !!(document.querySelector('.md-search-result__list') || {}).hidden,
  value: (document.querySelector('input.md-search__input') || {}).value,
  url: location.href,
  results: document.querySelectorAll('.md-search-result__item').length,
  active: document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : null,
})"""

NOTHING_MOVING = """() => document.getAnimations().every(a => a.playState !== 'running')"""


def wait_results_settled(page, timeout: int = 10000) -> None:
    """The search results have not changed for 400 ms."""
    page.evaluate("() => { window.__resultsSeen = null; }")
    page.wait_for_function(RESULTS_STILL, polling=100, timeout=timeout)


def wait_animations_done(page, timeout: int = 10000) -> None:
    """No CSS transition or animation is running (fades, slides, colour changes)."""
    page.wait_for_function(NOTHING_MOVING, polling=50, timeout=timeout)


def wait_search_still(page, timeout: int = 10000) -> None:
    """The search dialog is open, its results settled, the panel fully faded in:
    what a person sees before pressing an arrow key or reading a colour."""
    try:
        page.wait_for_function(SEARCH_OPEN, polling=50, timeout=timeout)
    except Exception as error:  # say what the dialog looked like instead
        raise AssertionError(f"search dialog not open: {search_state(page)}") from error
    wait_results_settled(page, timeout)
    wait_animations_done(page, timeout)


def search_state(page) -> dict:
    """For failure messages: dialog open or not, how many results, the focused element."""
    return page.evaluate(SEARCH_STATE)


def wait_address_has(page, text: str, timeout: int = 10000) -> str:
    """The page's own address contains ``text``; returns that address.

    ``page.url`` is Playwright's copy of the address, updated by a message from the browser
    that may arrive after the key press that changed it (``history.replaceState``, a jump to
    an anchor). The page's ``location`` is the truth; wait on it."""
    try:
        page.wait_for_function("text => location.href.includes(text)", arg=text,
                               polling=50, timeout=timeout)
    except Exception as error:  # the message names what the address was instead
        raise AssertionError(f"{text!r} not in {address(page)!r}") from error
    return address(page)


def address(page) -> str:
    """The address the page itself shows (see wait_address_has)."""
    return page.evaluate("location.href")
