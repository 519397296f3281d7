"""What each governance lever does: its scenario against the baseline, paired by seed.

Run from the repository root (about five minutes on two cores)::

    .venv/bin/python experiments/levers.py              # 10 seeds, 20,000 households
    .venv/bin/python experiments/levers.py --seeds 4 --households 5000   # a quick look

For every lever scenario of the library, the outputs the lever is meant to move are
compared with the baseline's, run with the same seeds (common random numbers): the
mean paired difference and its 95% interval, and whether the interval excludes zero
in the expected direction. Writes ``results/reports/levers.md`` (the table, kept in the
repository) and replaces the generated table in ``docs/ODD.md`` between its markers.
"""

from __future__ import annotations

import argparse
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

import povsim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
REPORT = ROOT / "results" / "reports" / "levers.md"
ODD = ROOT / "docs" / "ODD.md"
BEGIN = "<!-- BEGIN LEVER EFFECTS (generated: python experiments/levers.py) -->"
END = "<!-- END LEVER EFFECTS -->"
CAMPAIGN = (2014, 2020)
"""Years over which a lever's effect is summed or averaged (the campaign)."""


@dataclass(frozen=True)
class Measure:
    """One output of a lever, and how it is read from a run.

    Attributes:
        output: Output name.
        how: ``sum`` (over the campaign years), ``mean`` (over them), ``start`` (the
            first campaign year, when the register is built) or ``end`` (the last year
            of the run).
        sign: Expected sign of the lever's effect (+1 or -1), or 0 for a consequence
            reported without a claimed direction (its size is what the table is for).
        label: What the number is, for the table.
    """

    output: str
    how: str
    sign: int
    label: str


@dataclass(frozen=True)
class Lever:
    """A lever scenario and the outputs it is meant to move."""

    scenario: str
    lever: str
    measures: tuple[Measure, ...]


HELPED = Measure("actively_helped", "sum", -1, "households actively helped, 2014-2020")
POVERTY_YEARS = Measure("headcount_rate", "sum", +1,
                        "headcount summed over 2014-2020 (percentage-point years)")
PRE_TRANSFER = Measure("headcount_pre_transfer", "sum", +1,
                       "headcount before transfers summed over 2014-2020")
RETURNS = Measure("returns_after_exit", "sum", +1,
                  "exited households truly poor again, 2014-2020")
POVERTY_CONSEQUENCE = Measure("headcount_rate", "sum", 0,
                              "headcount summed over 2014-2020 (percentage-point years)")

LEVERS: tuple[Lever, ...] = (
    Lever("identification-error.toml", "identification error x2", (
        Measure("inclusion_error", "mean", +1, "inclusion error, mean 2014-2020 (%)"),
        Measure("exclusion_error", "mean", +1, "exclusion error, mean 2014-2020 (%)"))),
    Lever("identification-accurate.toml", "no identification error", (
        Measure("inclusion_error", "start", -1, "inclusion error at registration, 2014 (%)"),
        Measure("exclusion_error", "start", -1, "exclusion error at registration, 2014 (%)"),
        Measure("exclusion_error", "mean", 0, "exclusion error, mean 2014-2020 (%)"))),
    Lever("favouritism.toml", "favouritism", (
        Measure("favoured_kin", "mean", +1, "kin registered by favouritism (households)"),
        Measure("inclusion_error", "start", +1, "inclusion error at registration, 2014 (%)"))),
    Lever("formalism.toml", "formalism (paperwork 0.6)", (HELPED, POVERTY_YEARS)),
    Lever("no-work-teams.toml", "no work teams", (HELPED, POVERTY_CONSEQUENCE)),
    Lever("fewer-helpers.toml", "half the pairing helpers", (HELPED, POVERTY_CONSEQUENCE)),
    Lever("supervision-strict.toml", "strict supervision of funds", (
        Measure("leakage", "sum", -1, "funds leaked, 2014-2020 (yuan)"),
        Measure("idle_funds", "sum", -1, "funds left idle, 2014-2020 (yuan)"),
        HELPED)),
    Lever("supervision-lax.toml", "no supervision of funds", (
        Measure("leakage", "sum", +1, "funds leaked, 2014-2020 (yuan)"),
        Measure("actively_helped", "sum", +1, "households actively helped, 2014-2020"))),
    Lever("fake-exits.toml", "target pressure, few spot checks", (
        Measure("fake_exits", "sum", +1, "exits of households truly poor, 2014-2020"),
        Measure("returns_after_exit", "sum", 0,
                "exited households truly poor again, 2014-2020"))),
    Lever("exit-income-only.toml", "exit on income only", (
        Measure("exits_registered", "sum", +1, "certified exits, 2014-2020"),
        Measure("guarantees_met", "end", -1, "guarantees met in 2020 (%)"))),
    Lever("support-withdrawn.toml", "support withdrawn at exit", (RETURNS,)),
    Lever("monitoring-on.toml", "monitoring from 2016", (
        Measure("returns_after_exit", "sum", -1, "exited households truly poor again, "
                "2014-2020"),
        Measure("headcount_rate", "sum", -1, "headcount summed over 2014-2020"))),
    Lever("no-motivation-campaigns.toml", "no motivation campaigns", (PRE_TRANSFER,)),
    # Keeping half of earnings lets more households pass the means test: more recipients,
    # each taxed at 50% instead of 100%. The better incentive of those already on the
    # dibao and the effort cut of the newly eligible pull poverty before transfers both
    # ways: its net change is reported, not claimed.
    Lever("work-rewarded.toml", "dibao rewards work (half of earnings kept)", (
        Measure("headcount_pre_transfer", "sum", 0,
                "headcount before transfers summed over 2014-2020"),
        Measure("spending_dibao", "sum", +1, "dibao spending, 2014-2020 (yuan)"))),
    Lever("housing-poorest-first.toml", "houses renovated poorest first (no exit plans)", (
        Measure("inclusion_error", "mean", 0, "inclusion error, mean 2014-2020 (%)"),
        Measure("exits_registered", "sum", 0, "certified exits, 2014-2020"))),
    Lever("no-exit-quotas.toml", "no exit quotas (every qualifying household exits)", (
        Measure("registered_persons_million", "mean", -1,
                "persons on the register, mean 2014-2020 (national millions)"),
        Measure("inclusion_error_exit_standard", "mean", -1,
                "registered households meeting the exit standard, mean 2014-2020 (%)"),
        POVERTY_CONSEQUENCE)),
    Lever("no-single-person-enrolment.toml", "no single-person enrolment", (
        Measure("backstop_registered_persons_million", "end", -1,
                "registered poor in the backstop, 2020 (national millions)"),
        Measure("spending_dibao", "sum", -1, "dibao spending, 2014-2020 (yuan)"),
        POVERTY_CONSEQUENCE)),
    Lever("no-prevention-insurance.toml", "no poverty-prevention insurance", (
        POVERTY_YEARS, RETURNS)),
    Lever("no-children-support.toml", "no money from children living elsewhere", (
        Measure("share_registered_old_age", "mean", +1,
                "registered households where old age is a cause, mean 2014-2020 (%)"),
        Measure("spending_dibao", "sum", +1, "dibao spending, 2014-2020 (yuan)"),
        POVERTY_CONSEQUENCE)),
    Lever("quota-by-size.toml", "registration quota split by size, not by the poor", (
        Measure("share_poor_in_poor_villages", "mean", -1,
                "poor persons in registered poor villages, mean 2014-2020 (%)"),
        Measure("exclusion_error", "start", +1, "exclusion error at registration, 2014 (%)"),
        POVERTY_CONSEQUENCE)),
    Lever("steady-wage-growth.toml", "steady real wage growth (6% a year)", (
        Measure("headcount_rate", "start", +1, "headcount in 2014 (%)"),
        POVERTY_CONSEQUENCE)),
    Lever("even-counties.toml", "counties equally developed", (
        Measure("headcount_designated_counties", "mean", -1,
                "headcount of the designated counties, mean 2014-2020 (%)"),
        POVERTY_CONSEQUENCE)),
    Lever("official-measure.toml", "the poor counted by income and consumption", (
        Measure("mean_income_current", "start", -1, "rural mean income in 2014 (current yuan)"),
        Measure("entries", "sum", -1, "households entering poverty, 2014-2020"),
        POVERTY_CONSEQUENCE)),
    Lever("scale-returns.toml", "farm growth at its data rate, accruing to larger farms", (
        Measure("mean_income_current", "end", +1, "rural mean income in 2020 (current yuan)"),
        Measure("gini", "end", +1, "Gini of per-capita income, 2020"),
        POVERTY_CONSEQUENCE)),
    Lever("untargeted.toml", "the same money untargeted", (POVERTY_YEARS,)),
)
"""Every lever scenario, and the outputs (with their expected direction) it moves."""


def value(run: dict, m: Measure) -> float:
    """One measure of one run (from its ``<output>_by_year`` series)."""
    series = run[f"{m.output}_by_year"]
    if m.how == "end":
        return float(series[max(series)])
    if m.how == "start":
        return float(series[CAMPAIGN[0]])
    years = [y for y in series if CAMPAIGN[0] <= y <= CAMPAIGN[1]]
    values = np.array([series[y] for y in years], float)
    return float(np.nansum(values) if m.how == "sum" else np.nanmean(values))


def one_run(task: tuple[str, int, int]) -> dict:
    """Run a scenario once (a worker's task)."""
    scenario, seed, households = task
    return povsim.run(SCENARIOS / scenario, seed=seed, population__n_households=households)


def effects(seeds: int, households: int, workers: int) -> list[dict]:
    """Every lever's paired effects on its measures."""
    names = ["baseline.toml", *(lv.scenario for lv in LEVERS)]
    tasks = [(name, seed, households) for name in names for seed in range(seeds)]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(one_run, tasks))
    runs = {name: results[i * seeds:(i + 1) * seeds] for i, name in enumerate(names)}
    rows = []
    for lv in LEVERS:
        for m in lv.measures:
            base = np.array([value(r, m) for r in runs["baseline.toml"]])
            lever = np.array([value(r, m) for r in runs[lv.scenario]])
            diff = lever - base
            half = stats.t.ppf(0.975, seeds - 1) * diff.std(ddof=1) / np.sqrt(seeds)
            low, high = diff.mean() - half, diff.mean() + half
            expected = None if m.sign == 0 else (low > 0 if m.sign > 0 else high < 0)
            rows.append({"scenario": lv.scenario, "lever": lv.lever, "output": m.output,
                         "label": m.label, "baseline": base.mean(), "difference": diff.mean(),
                         "low": low, "high": high,
                         "expected": {1: "+", -1: "-", 0: ""}[m.sign], "holds": expected})
    return rows


def _num(x: float) -> str:
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def table(rows: list[dict], seeds: int, households: int) -> str:
    """The markdown table of the effects."""
    lines = [f"Each lever's scenario against the baseline, {seeds} seeds paired by seed, "
             f"{households:,} households; 95% interval of the mean difference.", "",
             "| lever (scenario) | output | baseline | effect | 95% interval | expected "
             "direction holds |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['lever']} (`{r['scenario']}`) | {r['label']} | "
              f"{_num(r['baseline'])} | {_num(r['difference'])} | "
              f"[{_num(r['low'])}, {_num(r['high'])}] | "
              + (f"{r['expected']}: {'yes' if r['holds'] else 'NO'} |"
                 if r["holds"] is not None else "(reported) |") for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the comparison, write the report and the ODD table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/ODD.md")
    args = parser.parse_args(argv)
    rows = effects(args.seeds, args.households, args.workers)
    text = table(rows, args.seeds, args.households)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("# Governance levers: measured effects\n\n" + text, encoding="utf-8")
    print(text)
    if not args.no_docs:
        odd = ODD.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
        if not pattern.search(odd):
            print(f"no markers in {ODD}; table not written there", file=sys.stderr)
            return 1
        ODD.write_text(pattern.sub(lambda _: f"{BEGIN}\n\n{text}\n{END}", odd), encoding="utf-8")
    missed = [r for r in rows if r["holds"] is False]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
