"""The comparison's report: a summary in words whose numbers are the summary table's, the
HTML with its figures inline, figures one width with a distinct look per scenario, money
in national yuan, scenarios that end in different years, and the index of comparisons."""

from __future__ import annotations

import base64
import json
import re
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from povsim import Parameters
from povsim.cli import main
from povsim.study.compare.comparison import (
    Comparison,
    ComparisonResult,
    RunOutcome,
    prepare_comparison,
)
from povsim.study.compare.derived import national_scale
from povsim.study.compare.figures.lines import plot_headcount
from povsim.study.compare.figures.palette import MAX_DISTINCT, looks
from povsim.study.compare.figures.style import WIDTH, figure, title
from povsim.study.compare.index import write_index
from povsim.study.compare.tables import summary_table, yearly_differences
from povsim.study.compare.text import fmt, format_interval
from povsim.study.compare.words import SPENT_SHARE_FLAG, summary_findings
from povsim.study.compare.write import write_comparison
from povsim.study.intervals import interval_half_width
from povsim.study.scenarios import Scenario

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"
SEEDS = 3
SMALL = """
[population]
n_households = 2000
villages_per_township = 3
"""
PNG = b"\x89PNG\r\n\x1a\n"


def small_copy(folder: Path, parent: str, name: str) -> Path:
    """A library scenario at 2,000 households, named ``name``."""
    path = folder / f"{name}.toml"
    path.write_text(f'[scenario]\nname = "{name}"\n'
                    f'extends = "{(LIBRARY / parent).as_posix()}"\n{SMALL}', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    """A small campaign comparison: the baseline, growth alone, the dibao alone."""
    folder = tmp_path_factory.mktemp("campaign-scenarios")
    files = [small_copy(folder, "baseline.toml", "base"),
             small_copy(folder, "growth-only.toml", "growth"),
             small_copy(folder, "only-dibao.toml", "dibao")]
    out = tmp_path_factory.mktemp("campaign")
    assert main(["compare", *map(str, files), "--seeds", str(SEEDS), "--out", str(out),
                 "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """A comparison of scenarios ending in 2020 (the reference) and in 2030."""
    folder = tmp_path_factory.mktemp("mixed-scenarios")
    files = [small_copy(folder, "baseline.toml", "base"),
             small_copy(folder, "transition.toml", "kept"),
             small_copy(folder, "transition-withdrawn.toml", "withdrawn")]
    out = tmp_path_factory.mktemp("mixed")
    assert main(["compare", *map(str, files), "--seeds", "2", "--out", str(out),
                 "--quiet"]) == 0
    return out


def section(report: str, heading: str) -> str:
    """The text of a ``## heading`` section of a Markdown report."""
    start = report.index(f"## {heading}\n")
    following = report.find("\n## ", start + 1)
    return report[start:following if following >= 0 else None]


def bullet(text: str, scenario: str) -> str:
    """The summary's bullet of one scenario."""
    found = re.findall(rf"^- \*\*{re.escape(scenario)}\*\*: .*$", text, re.MULTILINE)
    assert len(found) == 1, (scenario, text)
    return found[0]


def row(summary: pd.DataFrame, scenario: str, output: str, statistic: str) -> pd.Series:
    part = summary[(summary.scenario == scenario) & (summary.output == output)
                   & (summary.statistic == statistic)]
    assert len(part) == 1, (scenario, output, statistic)
    return part.iloc[0]


def size(mean: float, low: float, high: float) -> str:
    if mean < 0:
        mean, low, high = -mean, -high, -low
    return fmt(mean) + format_interval(low, high)


# ------------------------------------------------------------------ the summary in words
def test_the_report_opens_with_a_summary_in_words(campaign):
    report = (campaign / "report.md").read_text()
    headings = re.findall(r"^## (.+)$", report, re.MULTILINE)
    assert headings[0] == "Summary"
    summary = section(report, "Summary")
    for name in ("base", "growth", "dibao"):
        assert bullet(summary, name).count(". ") >= 1  # sentences, not a table row
    assert "|" not in summary


def test_the_summary_states_each_paired_difference_with_its_interval(campaign):
    summary = pd.read_csv(campaign / "summary.csv")
    runs = pd.read_csv(campaign / "runs.csv")
    text = section((campaign / "report.md").read_text(), "Summary")
    last = runs[runs.year == 2020].set_index(["scenario", "seed"])["headcount_rate"]
    for name in ("growth", "dibao"):
        r = row(summary, name, "headcount_rate", "end_year")
        # the table's difference is the paired one, computed here from the runs
        diffs = (last[name] - last["base"]).to_numpy()
        half = interval_half_width(diffs.std(ddof=1), len(diffs))
        assert r["diff"] == pytest.approx(diffs.mean())
        assert r["diff_ci_high"] - r["diff"] == pytest.approx(half)
        # and the sentence states the table's numbers
        more = "more" if r["diff"] > 0 else "fewer"
        stated = f"{size(r['diff'], r['diff_ci_low'], r['diff_ci_high'])} percentage " \
                 f"points {more} of the population poor in 2020 than base"
        clear = r["diff_ci_low"] > 0 or r["diff_ci_high"] < 0
        line = bullet(text, name)
        if clear:
            assert stated in line
        else:
            assert "no clear difference from base" in line
        reference = row(summary, "base", "headcount_rate", "end_year")
        assert f"({fmt(r['mean'])} against {fmt(reference['mean'])} percent)" in line


def test_every_number_of_the_summary_is_a_row_of_the_summary_table(campaign):
    summary = pd.read_csv(campaign / "summary.csv")
    text = section((campaign / "report.md").read_text(), "Summary")
    manifest = json.loads((campaign / "manifest.json").read_text())
    (group,) = summary_findings(summary, ["base", "growth", "dibao"],
                                start=manifest["start_year"], end_years=manifest["end_years"])
    quoted = 0
    for finding in group.findings:
        line = bullet(text, finding.scenario)
        assert line == "- " + finding.text
        for quote in finding.quotes:
            r = row(summary, quote.scenario, quote.output, quote.statistic)
            if quote.field == "mean":
                expected = {fmt(r["mean"]), fmt(r["mean"]) + format_interval(r.ci_low, r.ci_high)}
            else:
                expected = {size(r["diff"], r.diff_ci_low, r.diff_ci_high),
                            fmt(r["diff"], sign=True) + format_interval(
                                r.diff_ci_low, r.diff_ci_high, sign=True)}
            assert quote.text in expected, quote
            assert quote.text in line
            quoted += 1
    assert quoted >= 12


def test_money_left_unspent_is_flagged_and_in_national_yuan(campaign):
    summary = pd.read_csv(campaign / "summary.csv")
    text = section((campaign / "report.md").read_text(), "Summary")
    share = row(summary, "dibao", "spent_share_of_funds", "total")
    returned = row(summary, "dibao", "unspent_funds_national_billion", "total")
    # only-dibao returns what it cannot use (no-measures.toml: carry_unused = false)
    assert returned["mean"] > 0
    line = bullet(text, "dibao")
    if share["mean"] < SPENT_SHARE_FLAG:
        assert f"It spent only {fmt(share['mean'])}" in line
        assert f"{fmt(returned['mean'])} billion were returned unspent" in line
    else:
        assert "It spent only" not in line
    assert "It spent nothing on the campaign's measures" in bullet(text, "growth")
    # national billions: simulated yuan at the run's own scale
    runs = pd.read_csv(campaign / "runs.csv")
    scale = national_scale(runs)
    simulated = runs[runs.year > 2012].groupby(["scenario", "seed"])["unspent_funds"].sum()
    national = (simulated * scale.reindex(simulated.index)).groupby("scenario").mean()
    assert returned["mean"] == pytest.approx(national["dibao"])
    spent = row(summary, "base", "spending_total_national_billion", "total")
    assert spent["mean"] == pytest.approx(
        row(summary, "base", "cumulative_spending_national_billion", "end_year")["mean"])


def test_transfers_split_the_fall_in_poverty(campaign):
    summary = pd.read_csv(campaign / "summary.csv").set_index(
        ["scenario", "output", "statistic"])["mean"]
    for name in ("base", "growth", "dibao"):
        fall = summary[(name, "headcount_fall", "change")]
        before = summary[(name, "headcount_pre_transfer_fall", "change")]
        paid = summary[(name, "headcount_fall_by_transfers", "change")]
        assert fall == pytest.approx(before + paid)
        lift = summary[(name, "transfer_lift", "end_year")]
        assert lift == pytest.approx(summary[(name, "headcount_pre_transfer", "end_year")]
                                     - summary[(name, "headcount_rate", "end_year")])


def synthetic_summary(rows: list[tuple]) -> pd.DataFrame:
    """Summary rows: (scenario, output, statistic, mean, diff, half-width of its interval)."""
    table = pd.DataFrame(rows, columns=["scenario", "output", "statistic", "mean", "diff",
                                        "half"])
    table["period"] = np.where(table["statistic"] == "change", "2012-2020", "2020")
    table.loc[table["statistic"] == "total", "period"] = "2013-2020"
    table["ci_low"], table["ci_high"] = table["mean"] - 0.1, table["mean"] + 0.1
    table["diff_ci_low"], table["diff_ci_high"] = (table["diff"] - table["half"],
                                                   table["diff"] + table["half"])
    table["unit"], table["n"], table["n_pairs"] = "", 10, 10
    return table


def test_a_difference_made_by_transfers_and_a_fall_paid_by_them_are_flagged():
    table = synthetic_summary([
        ("ref", "headcount_rate", "end_year", 3.0, 0.0, 0.0),
        ("ref", "headcount_pre_transfer", "end_year", 8.0, 0.0, 0.0),
        ("ref", "headcount_fall", "change", 7.0, 0.0, 0.0),
        ("ref", "headcount_pre_transfer_fall", "change", 5.0, 0.0, 0.0),
        ("ref", "headcount_fall_by_transfers", "change", 2.0, 0.0, 0.0),
        # paid: 2 points fewer poor, but only 0.2 fewer before transfers
        ("paid", "headcount_rate", "end_year", 1.0, -2.0, 0.3),
        ("paid", "headcount_pre_transfer", "end_year", 7.8, -0.2, 0.3),
        ("paid", "headcount_fall", "change", 9.0, 2.0, 0.3),
        ("paid", "headcount_pre_transfer_fall", "change", 2.0, -3.0, 0.3),
        ("paid", "headcount_fall_by_transfers", "change", 7.0, 5.0, 0.3),
        # earned: 2 points fewer poor, 1.8 of them before transfers
        ("earned", "headcount_rate", "end_year", 1.0, -2.0, 0.3),
        ("earned", "headcount_pre_transfer", "end_year", 6.2, -1.8, 0.3),
    ])
    (group,) = summary_findings(table, ["ref", "paid", "earned"], start=2012,
                                end_years={"ref": 2020, "paid": 2020, "earned": 2020})
    found = {f.scenario: f.text for f in group.findings}
    assert "2.00 [1.70, 2.30] percentage points fewer" in found["paid"]
    assert "Most of this difference rests on transfers" in found["paid"]
    assert "before transfers the difference is only -0.2 [-0.5, +0.1]" in found["paid"]
    assert "Most of its fall in poverty since 2012 is paid by transfers" in found["paid"]
    assert "rests on transfers" not in found["earned"]
    assert "paid by transfers" not in found["ref"]


def test_as_well_with_less_money_and_worse_with_as_much_are_said():
    money = "cumulative_spending_national_billion"
    table = synthetic_summary([
        ("ref", "headcount_rate", "end_year", 1.0, 0.0, 0.0),
        ("ref", money, "end_year", 2000.0, 0.0, 0.0),
        ("cheap", "headcount_rate", "end_year", 1.02, 0.02, 0.1),
        ("cheap", money, "end_year", 300.0, -1700.0, 50.0),
        ("flood", "headcount_rate", "end_year", 2.5, 1.5, 0.2),
        ("flood", money, "end_year", 2100.0, 100.0, 150.0),
    ])
    (group,) = summary_findings(table, ["ref", "cheap", "flood"], start=2012,
                                end_years=dict.fromkeys(["ref", "cheap", "flood"], 2020))
    found = {f.scenario: f.text for f in group.findings}
    assert "no clear difference from ref" in found["cheap"]
    assert "So it did as well as ref on the headcount with 15.00 percent of ref's spending" \
        in found["cheap"]
    assert "about as much as ref (+100 [-50.00, +250] billion)" in found["flood"]
    assert "So it did worse than ref on the headcount with 105 percent" in found["flood"]


# ------------------------------------------------------------------ HTML and figures
def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG
    return struct.unpack(">II", data[16:24])


def test_the_html_report_has_every_figure_inline_and_fetches_nothing(campaign):
    page = (campaign / "report.html").read_text()
    inline = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    figures = sorted(campaign.glob("*.png"))
    assert len(figures) == 6
    assert sorted(base64.b64decode(data) for data in inline) == sorted(
        f.read_bytes() for f in figures)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert '<h2 id="summary">Summary</h2>' in page
    markdown = (campaign / "report.md").read_text()
    first = bullet(section(markdown, "Summary"), "growth")
    words = re.sub(r"\*\*|`", "", first[2:])
    assert words.replace("'", "&#x27;") in re.sub(r"<[^>]+>", "", page).replace("'", "&#x27;")


def test_every_figure_has_the_same_width(campaign):
    widths = {png_size(f.read_bytes())[0] for f in campaign.glob("*.png")}
    assert widths == {int(WIDTH * 100)}


def test_a_long_title_wraps_inside_the_figure():
    fig, _ = figure(1, 2)
    title(fig, "A title much longer than one line of the figure could hold, " * 3,
          "and a note under it, also long enough to need a line of its own " * 2)
    fig.canvas.draw()
    box = fig._suptitle.get_window_extent()
    assert box.x0 >= 0
    assert box.x1 <= fig.bbox.width
    assert fig._suptitle.get_text().count("\n") >= 3


def test_thirteen_scenarios_each_get_their_own_colour_line_style_and_marker(tmp_path):
    names = [f"scenario-{i}" for i in range(13)]
    palette = looks(names)
    assert MAX_DISTINCT >= 13
    assert len({p.colour for p in palette.values()}) == 13
    assert len({p.dashes for p in palette.values()}) == 13
    assert len({p.marker for p in palette.values()}) == 13
    # and the lines drawn carry them: (colour, dash pattern) pairs all distinct
    yearly = pd.DataFrame([
        {"scenario": n, "year": y, "output": "headcount_rate", "unit": "percent of persons",
         "mean": 10 - y + 2012 + 0.01 * i, "ci_low": 9 - y + 2012, "ci_high": 11 - y + 2012,
         "n": 10} for i, n in enumerate(names) for y in range(2012, 2016)])
    import matplotlib.pyplot as plt

    seen = []
    real_save = plt.Figure.savefig

    def capture(fig, *args, **kwargs):
        ax = fig.axes[0]
        # the dash pattern as drawn (offset, on-off sequence; None for a solid line)
        seen.extend((line.get_color(), str(line._unscaled_dash_pattern), line.get_marker())
                    for line in ax.get_lines() if line.get_label() in names)
        return real_save(fig, *args, **kwargs)

    plt.Figure.savefig = capture
    try:
        plot_headcount(yearly, names, tmp_path / "h.png", 10)
    finally:
        plt.Figure.savefig = real_save
    assert len(seen) == 13
    assert len({colour for colour, _, _ in seen}) == 13
    assert len({style for _, style, _ in seen}) == 13
    assert len({marker for _, _, marker in seen}) == 13


# ------------------------------------------------------------------ different end years
def test_scenarios_ending_in_different_years_are_compared_in_both(mixed):
    summary = pd.read_csv(mixed / "summary.csv")
    runs = pd.read_csv(mixed / "runs.csv")
    assert runs.groupby("scenario")["year"].max().to_dict() == {
        "base": 2020, "kept": 2030, "withdrawn": 2030}
    own = row(summary, "withdrawn", "headcount_rate", "end_year")
    assert own["period"] == "2030"
    assert np.isnan(own["diff"])  # the reference does not reach 2030
    common = row(summary, "withdrawn", "headcount_rate", "common_year")
    assert common["period"] == "2020"
    assert common["diff"] == 0  # the transition differs from the campaign only after 2020
    total = row(summary, "withdrawn", "returns", "total")
    assert total["period"] == "2013-2030"
    assert row(summary, "withdrawn", "returns", "common_total")["period"] == "2013-2020"
    report = (mixed / "report.md").read_text()
    text = section(report, "Summary")
    assert "### In 2020, the last year every scenario simulates" in text
    assert "### At each scenario's own end year" in text
    later = text[text.index("### At each scenario's own end year"):]
    line = bullet(later, "withdrawn")
    assert f"{fmt(own['mean'])}{format_interval(own.ci_low, own.ci_high)} percent of the " \
           "population poor in 2030" in line
    assert "no difference from base is given for 2030 (it ends in 2020)" in line
    assert "the same headcount as base in 2020, run for run" in bullet(
        text[:text.index("### At each")], "withdrawn")
    assert "## Results in 2020, the last year every scenario simulates" in report
    assert "| output | base (2020) | kept (2030) | withdrawn (2030) |" in report
    yearly = pd.read_csv(mixed / "yearly.csv")
    drawn = yearly[yearly.output == "headcount_rate"].groupby("scenario")["year"].max()
    assert drawn.to_dict() == {"base": 2020, "kept": 2030, "withdrawn": 2030}


def test_scenarios_must_still_start_together(tmp_path):
    early = tmp_path / "early.toml"
    parent = (LIBRARY / "baseline.toml").as_posix()
    early.write_text(f'[scenario]\nname = "early"\nextends = "{parent}"\n'
                     "[run]\nstart_year = 2011\n", encoding="utf-8")
    from povsim import PovsimError

    with pytest.raises(PovsimError, match="must cover the same start year"):
        prepare_comparison([LIBRARY / "baseline.toml", early], seeds=[0])


def test_a_synthetic_comparison_with_different_ends_pairs_in_the_common_year():
    rows = [{"scenario": name, "seed": seed, "year": year,
             "headcount_rate": 10.0 - year + 2012 + (name == "b") + seed, "exits": 5 + seed}
            for seed in range(4) for name, end in (("a", 2014), ("b", 2016))
            for year in range(2012, end + 1)]
    summary = summary_table(pd.DataFrame(rows), ["a", "b"])
    b = summary[summary.scenario == "b"].set_index(["output", "statistic"])
    assert b.loc[("headcount_rate", "common_year"), "diff"] == pytest.approx(1.0)
    assert b.loc[("headcount_rate", "common_year"), "period"] == "2014"
    assert b.loc[("headcount_rate", "end_year"), "period"] == "2016"
    assert np.isnan(b.loc[("headcount_rate", "end_year"), "diff"])
    assert b.loc[("exits", "total"), "mean"] == pytest.approx(4 * 6.5)
    assert b.loc[("exits", "common_total"), "mean"] == pytest.approx(2 * 6.5)
    assert b.loc[("exits", "common_total"), "diff"] == pytest.approx(0.0)


# ------------------------------------------------------------------ the index
def test_the_index_gives_each_comparison_summary_and_links_to_its_report(campaign, mixed,
                                                                         tmp_path):
    import shutil

    for name, source in (("campaign", campaign), ("transition", mixed)):
        shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("store"))
    (tmp_path / "runs.csv").write_text("left from an earlier layout\n")
    written = write_index(tmp_path, ["campaign", "transition"], title="Main",
                          intro="Two comparisons.")
    index = written["report"].read_text()
    assert index.startswith("# Main\n\nTwo comparisons.")
    for name in ("campaign", "transition"):
        assert f"[{name}/report.md]({name}/report.md)" in index
        part = (tmp_path / name / "report.md").read_text()
        first = bullet(section(part, "Summary"), "base")
        assert first in index
    page = written["html"].read_text()
    assert 'href="campaign/report.html"' in page
    assert not (tmp_path / "runs.csv").exists()


def test_a_report_without_money_or_transfer_outputs_still_speaks(tmp_path):
    scenarios = (Scenario("a", params=Parameters()), Scenario("b", params=Parameters()))
    runs = pd.DataFrame([{"scenario": n, "seed": s, "year": y,
                          "headcount_rate": 5.0 - (y - 2012) + (n == "b") * 0.5 + 0.01 * s}
                         for n in ("a", "b") for s in range(3) for y in (2012, 2013)])
    outcomes = tuple(RunOutcome(n, s, 0.1) for n in ("a", "b") for s in range(3))
    write_comparison(ComparisonResult(Comparison(scenarios, (0, 1, 2)), runs, outcomes, 1.0),
                     tmp_path)
    text = section((tmp_path / "report.md").read_text(), "Summary")
    assert "0.5 [0.5, 0.5] percentage points more of the population poor in 2013 than a" \
        in bullet(text, "b")
    assert (tmp_path / "report.html").is_file()


def test_yearly_differences_are_paired_by_seed_in_the_years_both_cover():
    rows = [{"scenario": name, "seed": seed, "year": year,
             "headcount_rate": 10.0 - (year - 2012) + seed * 3 + (name == "b") * 0.1 * year}
            for seed in range(4) for name, end in (("a", 2014), ("b", 2016))
            for year in range(2012, end + 1)]
    diffs = yearly_differences(pd.DataFrame(rows), ["a", "b"], ["headcount_rate"])
    assert set(diffs["scenario"]) == {"b"}
    assert diffs["year"].tolist() == [2012, 2013, 2014]
    assert diffs["mean"].to_numpy() == pytest.approx([201.2, 201.3, 201.4])
    # the seed effect (3 points a seed) cancels: the intervals have no width
    assert (diffs["ci_high"] - diffs["ci_low"]).to_numpy() == pytest.approx(0.0, abs=1e-9)


def test_rounding_is_no_difference():
    money = "cumulative_spending_national_billion"
    table = synthetic_summary([
        ("ref", "headcount_rate", "end_year", 1.0, 0.0, 0.0),
        ("ref", money, "end_year", 2000.0, 0.0, 0.0),
        ("same", "headcount_rate", "end_year", 1.0, 2e-16, 1e-16),
        ("same", money, "end_year", 2000.0, 2.7e-13, 1e-13),
    ])
    (group,) = summary_findings(table, ["ref", "same"], start=2012,
                                end_years={"ref": 2020, "same": 2020})
    text = group.findings[1].text
    assert "the same headcount as ref in 2020, run for run" in text
    assert "spent 2,000 [2,000, 2,000] billion yuan (to 2020, national, 2010 prices), the " \
           "same as ref." in text


def test_the_parameters_come_after_the_results_and_are_linked(campaign):
    report = (campaign / "report.md").read_text()
    assert report.index("## Parameters") > report.index("## Money")
    assert "[Parameters](#parameters)" in section(report, "Scenarios")
    assert "| `interventions.dibao.budget_share` |" in section(report, "Parameters")
    page = (campaign / "report.html").read_text()
    assert '<h2 id="parameters">Parameters</h2>' in page
    assert '<a href="#parameters">Parameters</a>' in page
