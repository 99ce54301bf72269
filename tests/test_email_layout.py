"""The email that carries a sheet, opened in headless Chromium at a phone's width and a desktop's.

Nothing may stick out sideways at 390 px, the text stays readable, and on a wide screen the
message stops at 600 px. Screenshots are taken at both widths.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from selenium.webdriver import Chrome, ChromeOptions
from selenium.webdriver.chrome.service import Service

from test_email import DAY, settings

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
LONG_NOTE = ("Ease off the left shoulder for two days, then go back to the routine we practised together; "
             "call us if the ache returns: https://www.facesspa.com/book/a-very-long-booking-address-for-aftercare")

# Run in the loaded page: how wide the page is, the furthest right anything reaches, the smallest text.
MEASURE = """
  var width = document.documentElement.clientWidth, right = 0, widest = "", small = 99;
  document.querySelectorAll("body *").forEach(function (el) {
    var box = el.getBoundingClientRect();
    if (box.right > right) { right = box.right; widest = el.tagName; }
    if (el.childNodes.length && el.textContent.trim() && el.children.length === 0) {
      small = Math.min(small, parseFloat(getComputedStyle(el).fontSize));
    }
  });
  var table = document.querySelectorAll("table")[1].getBoundingClientRect().width;
  return {width: width, right: right, widest: widest, scroll: document.documentElement.scrollWidth,
          smallest: small, message: table};
"""


def html_of(site, tmp_path) -> Path:
    """The HTML part of the email for a client with a long note, as a file Chromium can open."""
    settings(site, 2525)
    run = site.run("client", "stress-relief-points", "--name", "Maria-Fernanda Łucja Nguyễn", "--therapist", "Sam",
                   "--date", DAY, "--point", "top-of-shoulders:2:3", "--technique", "kneading:5", "--note", LONG_NOTE,
                   "--email", "maria@example.com", "--dry-run")
    assert run.code == 0, run.err
    [eml] = site.path("clients").rglob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message.get_body(("plain",)).get_content().startswith("Hello Maria-Fernanda")  # the plain part stays
    html = message.get_body(("html",)).get_content()
    page = tmp_path / "message.html"
    page.write_text(html, encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven through chromedriver (a headless window cannot be narrower than 500 px,
    so the phone's width is set the way the browser's device emulation does it)."""
    options = ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"):
        options.add_argument(argument)
    driver = Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_at(browser, page: Path, width: int) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 1400, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.get(page.as_uri())


def measured(browser, page: Path, width: int) -> dict:
    open_at(browser, page, width)
    return browser.execute_script(MEASURE)


def screenshot(browser, page: Path, width: int) -> Path:
    open_at(browser, page, width)
    shot = page.with_name(f"email-{width}.png")
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 5000  # a real picture, not an empty page
    return shot


@pytest.mark.parametrize("width", [390, 1024])
def test_the_email_fits_the_screen_without_scrolling_sideways(site, tmp_path, browser, width):
    page = html_of(site, tmp_path)
    seen = measured(browser, page, width)
    assert seen["scroll"] <= seen["width"], seen
    assert seen["right"] <= seen["width"] + 0.5, seen
    assert seen["smallest"] >= 14, seen     # readable on a phone without zooming
    assert seen["message"] == (min(600, width - 16)), seen  # the message column: fluid, at most 600 px
    screenshot(browser, page, width)


def test_a_fixed_width_message_is_caught_overflowing_a_phone(site, tmp_path, browser):
    template = site.path("layouts/email/message.html.j2")
    template.write_text(template.read_text(encoding="utf-8").replace(
        'width="100%" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;',
        'width="560" cellpadding="0" cellspacing="0" style="width:560px;'), encoding="utf-8")
    seen = measured(browser, html_of(site, tmp_path), 390)
    assert seen["scroll"] > seen["width"] or seen["right"] > seen["width"], seen
