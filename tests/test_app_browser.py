"""The browser app end to end: a Solara server, and Debian's Chromium driven by Playwright.

A student's first minute: load the page (no warning, nothing that fails to load), play
a first run to 2020 without keeping one and see the charts follow their data, read the
legends and levers, click a household and read its story; play on past 2020; keep a
run for comparison, move the support slider to 0, Reset and step, and compare. Prints
how long each step took to show in the browser. The first run's screenshot is saved
(set ``POVSIM_SCREENSHOT`` to a path to keep it, e.g. docs/images/app.png for the
README).

The panels are SVG pictures; their named groups (matplotlib ``gid``s) are read with
:mod:`svg_pictures`.
"""

from __future__ import annotations

import base64
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

import svg_pictures

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

import numpy as np  # noqa: E402

from povsim.app import panels  # noqa: E402
from povsim.app.levers import SCENARIOS_ENV  # noqa: E402
from povsim.app.serve import server_command  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
"""Headless, and no background connections (the machine's closed network refuses them)."""

VIEWPORT = {"width": 1440, "height": 1000}
"""Browser window size: a laptop screen."""

SCREENSHOT_VIEWPORT = {"width": 1440, "height": 1640}
"""Window size of the README screenshot: tall enough for every panel and a story."""

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


def panel_svg(page: sync_api.Page, title: str):
    """The SVG picture of a panel, as the browser shows it now."""
    image = page.locator(".v-card", has_text=title).last.locator("img").first
    text = image.evaluate("async img => await (await fetch(img.src)).text()")
    return svg_pictures.parse(text)


def eventually(check, seconds: float = PAGE_SECONDS) -> None:
    """Call ``check`` until it passes: a picture may arrive a moment after the year."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except (AssertionError, sync_api.Error):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def slider_input(page: sync_api.Page, label_start: str) -> sync_api.Locator:
    """The ``.v-input`` of the slider whose label starts with ``label_start``."""
    return page.locator(".v-input__slider").filter(
        has=page.locator(".v-label", has_text=label_start))


def press(page: sync_api.Page, label_start: str, key: str, times: int = 1) -> None:
    """Press a key on a slider (Home, End, ArrowRight, ...) as a keyboard user does."""
    thumb = slider_input(page, label_start).get_by_role("slider")
    thumb.focus()
    for _ in range(times):
        thumb.press(key)


def assert_legend(page: sync_api.Page, title: str, labels: list[str]) -> None:
    legend = svg_pictures.group(panel_svg(page, title), "year-legend")
    assert svg_pictures.texts(legend) == labels, title


def assert_flows_chart_holds_its_lines(page: sync_api.Page, last_year: int = 2020) -> None:
    """The exits and returns chart's y-axis covers every point, and the lines use it."""
    root = panel_svg(page, "Poverty over time")
    assert str(last_year) in svg_pictures.texts(root)  # the years axis reaches it
    _, top, _, bottom = svg_pictures.box(svg_pictures.group(root, "flows-area"))
    xy = np.concatenate([svg_pictures.points(svg_pictures.group(root, f"line-{name}"))
                         for name in FLOWS])
    assert len(xy)
    assert (xy[:, 1] >= top - 0.5).all(), "a line leaves the chart at the top"
    assert (xy[:, 1] <= bottom + 0.5).all()
    assert xy[:, 1].min() < (top + bottom) / 2, "the highest point sits in the lower half"


FLOWS = ("exits_registered", "returns_registered", "returns_after_exit")
"""The lines of the exits and returns chart (their gids are ``line-<name>``)."""


def click_a_household(page: sync_api.Page) -> None:
    """Click a household drawn in the village network: one certified as exited if any."""
    image = page.locator("img.povsim-network")
    src = image.get_attribute("src")
    root = svg_pictures.parse(base64.b64decode(src.split(",", 1)[1]))
    drawn = svg_pictures.drawn(svg_pictures.group(root, "households-others"), "use")
    exited = panels.STATUSES[panels.EXITED].colour
    use = next((u for u in drawn if exited in u.get("style", "")), drawn[0])
    x, y = svg_pictures.fraction(root, float(use.get("x")), float(use.get("y")))
    box = image.bounding_box()
    page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])


def test_a_first_run_played_without_keeping_one(server, browser_page, tmp_path):
    page = browser_page
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.goto(server)
    sync_api.expect(page.locator(".povsim-year")).to_have_text("Year 2012")
    # A step goes to the server after anything the page sent when it loaded (a slider
    # rounding its value), so a false "levers have changed" would show by now.
    step(page)
    sync_api.expect(page.get_by_text("The levers have changed")).to_be_hidden()

    support = slider_input(page, "Years of support after exit")
    track = support.locator(".v-slider").bounding_box()
    assert track["width"] > 0.8 * support.bounding_box()["width"]  # not squashed
    by_year = "by year as in the scenario (until moved)"
    sync_api.expect(page.get_by_text(f"Health reimbursement rate: 0.75 in 2013, {by_year}")
                    ).to_be_visible()

    press(page, "Pause between years", "Home")
    sync_api.expect(page.get_by_text("Pause between years when playing: 0 ms")).to_be_visible()
    page.get_by_role("button", name="▶").click()
    sync_api.expect(page.locator(".povsim-year")).to_have_text(
        "Year 2020", timeout=PLAY_SECONDS * 1000)
    eventually(lambda: assert_flows_chart_holds_its_lines(page))
    sync_api.expect(page.get_by_text(f"Health reimbursement rate: 0.90 in 2020, {by_year}")
                    ).to_be_visible()

    for title in ("Income distribution", "Causes of poverty"):
        eventually(lambda title=title: assert_legend(page, title, ["2020", "2012 (start)"]))
    network = page.locator("img.povsim-network").get_attribute("src")
    labels = svg_pictures.texts(svg_pictures.group(
        svg_pictures.parse(base64.b64decode(network.split(",", 1)[1])), "network-legend"))
    assert {"enterprise", "enterprise to its workers"} <= set(labels)
    assert not [label for label in labels if ".." in label]
    swatches = page.locator(".povsim-spending-legend .povsim-swatch")
    colours = swatches.evaluate_all("els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert len(colours) == len(set(colours)) == 13

    click_a_household(page)
    sync_api.expect(page.locator(".povsim-story-title")).to_contain_text("in 2020")
    sync_api.expect(page.locator(".povsim-story-table tbody tr")).to_have_count(9)  # 2012-20

    page.set_viewport_size(SCREENSHOT_VIEWPORT)
    page.wait_for_timeout(500)  # the layout settles
    screenshot = tmp_path / "app.png"
    page.screenshot(path=screenshot)
    keep = os.environ.get("POVSIM_SCREENSHOT")
    if keep:
        shutil.copyfile(screenshot, keep)
    assert failed == []


def test_a_run_plays_on_past_2020_several_years_a_step(server, browser_page):
    page = browser_page
    page.goto(server)
    sync_api.expect(page.locator(".povsim-year")).to_have_text("Year 2012")
    press(page, "Years per Step", "ArrowRight", 2)
    sync_api.expect(page.get_by_text("Years per Step and per redraw: 3")).to_be_visible()
    page.get_by_role("button", name="Step").click()
    sync_api.expect(page.locator(".povsim-year")).to_have_text("Year 2015")
    press(page, "Years per Step", "Home")
    press(page, "Pause between years", "Home")
    press(page, "Run until", "ArrowRight", 2)
    sync_api.expect(page.get_by_text("Run until: 2022")).to_be_visible()
    page.get_by_role("button", name="▶").click()
    sync_api.expect(page.locator(".povsim-year")).to_have_text(
        "Year 2022", timeout=PLAY_SECONDS * 1000)
    sync_api.expect(page.get_by_text("(10 of 10 years simulated)")).to_be_visible()
    eventually(lambda: assert_flows_chart_holds_its_lines(page, last_year=2022))
    sync_api.expect(page.get_by_text("The levers have changed")).to_be_hidden()


def test_a_student_compares_keeping_and_withdrawing_support(server, browser_page):
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
    print(f"\nstep to screen: median {statistics.median(seconds):.2f} s, "
          f"max {max(seconds):.2f} s over {len(seconds)} steps")


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
