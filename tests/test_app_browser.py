"""The browser app end to end: a Solara server, and Debian's Chromium driven by Playwright.

A student's minute: load the page, play the baseline (5 years of support after exit) to
2020, keep it for comparison, move the support slider to 0, Reset, and step; the plots
change and the returns after exit can be compared. Prints how long each step took to
show in the browser. Saves a screenshot (set
``POVSIM_SCREENSHOT`` to a path to keep it, e.g. docs/images/app.png for the README).
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium package (apt-get install chromium)."""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (povsim[test])")
pytest.importorskip("solara", reason="the app extra is not installed (povsim[app])")

from povsim.app.levers import SCENARIOS_ENV  # noqa: E402
from povsim.app.serve import server_command  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
"""Headless, and no background connections (the machine's closed network refuses them)."""

VIEWPORT = {"width": 1440, "height": 1000}
"""Browser window size: a laptop screen, and the README screenshot's size."""

SERVER_START_SECONDS = 60
"""Longest wait for the server to answer."""

PAGE_SECONDS = 30
"""Longest wait for the page, or for one step's update, to show in the browser."""

PLAY_SECONDS = 60
"""Longest wait for a run played to its end year (8 years)."""

STEPS_WITHOUT_SUPPORT = 5
"""Years stepped after withdrawing support (2013-2017)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app served on a free local port, from the repository (its scenarios/)."""
    port = free_port()
    command = server_command("127.0.0.1", port)
    env = {**os.environ, SCENARIOS_ENV: str(REPO / "scenarios")}
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.poll() is not None else ""
                    pytest.fail(f"the app server did not start at {url}:\n{output}")
                time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[sync_api.Page]:
    """A page of a fresh headless Chromium (its own user-data folder)."""
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS, headless=True, viewport=VIEWPORT)
        context.set_default_timeout(PAGE_SECONDS * 1000)
        sync_api.expect.set_options(timeout=PAGE_SECONDS * 1000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def year(page: sync_api.Page) -> str:
    return page.locator(".povsim-year").inner_text()


def step(page: sync_api.Page) -> float:
    """Click Step and wait for the next year to show; returns the seconds it took."""
    expected = f"Year {int(year(page).split()[-1]) + 1}"
    started = time.perf_counter()
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(  # checked on every animation frame: a fair measure of the delay
        "text => document.querySelector('.povsim-year').innerText === text", arg=expected,
        polling="raf")
    return time.perf_counter() - started


def panel_picture(page: sync_api.Page, title: str) -> bytes:
    card = page.locator(".v-card", has_text=title).last
    return card.locator("img").first.screenshot()


def test_a_student_compares_keeping_and_withdrawing_support(server, browser_page, tmp_path):
    page = browser_page
    page.goto(server)
    sync_api.expect(page.locator(".povsim-year")).to_have_text("Year 2012")
    start = panel_picture(page, "Poverty over time")

    page.get_by_role("button", name="▶").click()  # play: Mesa's controller, in a thread
    sync_api.expect(page.locator(".povsim-year")).to_have_text(
        "Year 2020", timeout=PLAY_SECONDS * 1000)
    sync_api.expect(page.get_by_role("button", name="Step")).to_be_disabled()
    after_play = panel_picture(page, "Poverty over time")
    assert after_play != start

    page.get_by_role("button", name="Keep for comparison").click()
    sync_api.expect(page.locator(".povsim-reference")).to_contain_text("Dashed: baseline")

    support = page.locator(".v-input", has_text="Years of support after exit")
    support.get_by_role("slider").focus()
    support.get_by_role("slider").press("Home")
    sync_api.expect(support).to_contain_text("Years of support after exit: 0")
    sync_api.expect(page.get_by_text("The levers have changed")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    sync_api.expect(page.locator(".povsim-year")).to_have_text("Year 2012")
    sync_api.expect(page.get_by_text("The levers have changed")).to_be_hidden()

    network = panel_picture(page, "Village network")
    seconds = [step(page) for _ in range(STEPS_WITHOUT_SUPPORT)]
    assert panel_picture(page, "Village network") != network
    assert panel_picture(page, "Poverty over time") != after_play

    screenshot = tmp_path / "app.png"
    page.screenshot(path=screenshot)
    keep = os.environ.get("POVSIM_SCREENSHOT")
    if keep:
        shutil.copyfile(screenshot, keep)
    print(f"\nstep to screen: median {statistics.median(seconds):.2f} s, "
          f"max {max(seconds):.2f} s over {len(seconds)} steps; screenshot {screenshot}")


def test_a_bad_seed_shows_a_message(server, browser_page):
    page = browser_page
    page.goto(server)
    sync_api.expect(page.locator(".povsim-year")).to_have_text("Year 2012")
    seed = page.get_by_label("Seed")
    seed.fill("twelve")
    seed.press("Enter")
    sync_api.expect(page.get_by_text("Not used: not a whole number")).to_be_visible()
    page.get_by_role("button", name="Reset").click()
    sync_api.expect(page.get_by_text("seed = 'twelve': not a whole number")).to_be_visible()
    seed.fill("7")
    seed.press("Enter")
    page.get_by_role("button", name="Reset").click()
    sync_api.expect(page.locator(".povsim-run")).to_contain_text("seed 7")
    step(page)
