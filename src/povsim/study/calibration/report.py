"""Writing a validation: the target table, figures and a Markdown report."""

from __future__ import annotations

import math
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from povsim.study.calibration.process_figures import PROCESS_FIGURES
from povsim.study.calibration.targets import DEFAULT_TARGETS
from povsim.study.calibration.validate import HEADCOUNT, Validation
from povsim.study.compare.document import markdown_table
from povsim.study.compare.text import fmt, format_interval
from povsim.study.intervals import interval_half_width
from povsim.util.atomic import atomic_path, check_writable, write_text

FILES = {
    "table": "validation.csv",
    "report": "validation.md",
    "headcount": "headcount.png",
    "causes": "causes.png",
    "targets": "targets.png",
    **{key: name for key, name, _ in PROCESS_FIGURES},
}
"""Files a validation writes."""

KNOWN_GAPS = DEFAULT_TARGETS.parent / "known_gaps.toml"
"""What the model lacks to meet each target it still misses (``[target] note = ...``)."""


NO_NOTE = "No note on what is missing yet."
"""Said of a missed target that :data:`KNOWN_GAPS` has no note on."""


def known_gaps(path: Path = KNOWN_GAPS) -> dict[str, str]:
    """The notes on targets the model misses, by target name (none if the file is absent)."""
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        table = tomllib.load(f)
    return {name: str(entry.get("note", "")) for name, entry in table.items()
            if isinstance(entry, dict)}

CAUSE_TARGETS = ("cause_share_illness", "cause_share_disability", "cause_share_lack_of_labour",
                 "cause_share_lack_of_skills", "cause_share_aged_65_plus")
"""Cause-share targets, in the order they are drawn."""

FIGURE_DPI = 120
"""Resolution of the figures."""


def _save(fig: plt.Figure, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=FIGURE_DPI, format="png")
    plt.close(fig)


def plot_headcount(v: Validation, path: Path) -> None:
    """The headcount path: model mean and 95% band against the data with tolerances."""
    fig, ax = plt.subplots(figsize=(7.5, 4.5), constrained_layout=True)

    def band(runs: pd.DataFrame, label: str, color: str, style: str = "-") -> None:
        g = runs.groupby("year")[HEADCOUNT]
        mean = g.mean()
        half = interval_half_width(g.std(ddof=1), g.count())
        ax.plot(mean.index, mean.values, style, color=color, label=label)
        ax.fill_between(mean.index, mean - half, mean + half, color=color, alpha=0.2)

    band(v.runs, f"model: {v.scenario.name}", "tab:blue")
    if v.counterfactual_runs is not None and v.counterfactual is not None:
        band(v.counterfactual_runs, f"model: {v.counterfactual.name}", "tab:gray", "--")
    data = v.table[v.table["target"] == HEADCOUNT]
    ax.errorbar(data["year"], data["data"], yerr=data["tolerance"], fmt="o", color="black",
                capsize=3, label="data (NBS) with tolerance")
    ax.set_xlabel("year")
    ax.set_ylabel("headcount rate (% of persons, 2010 line)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    ax.set_title(f"Headcount: model (mean, 95% band over {len(v.seeds)} seeds) vs data")
    _save(fig, path)


def plot_causes(v: Validation, path: Path) -> None:
    """Cause shares among the registered poor: data and model side by side."""
    rows = v.table[v.table["target"].isin(CAUSE_TARGETS)].set_index("target")
    rows = rows.reindex([t for t in CAUSE_TARGETS if t in rows.index])
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    x = np.arange(len(rows))
    width = 0.38
    labels = [t.removeprefix("cause_share_").replace("_", " ") for t in rows.index]
    ax.bar(x - width / 2, rows["data"], width, color="black", alpha=0.7, label="data")
    err = np.vstack([rows["model"] - rows["ci_low"], rows["ci_high"] - rows["model"]])
    ax.bar(x + width / 2, rows["model"], width, yerr=err, color="tab:blue", capsize=3,
           label="model (95% interval)")
    for i, (_, r) in enumerate(rows.iterrows()):
        if "at least" in r["unit"]:
            ax.annotate("at least", (i - width / 2, r["data"]), ha="center", va="bottom",
                        fontsize=8)
    ax.set_xticks(x, labels)
    ax.set_ylabel("% of registered poor households")
    ax.set_title(f"Causes of poverty among the registered poor ({int(rows['year'].max())})")
    ax.legend(frameon=False)
    ax.grid(alpha=0.3, axis="y")
    _save(fig, path)


def plot_targets(v: Validation, path: Path) -> None:
    """Every checked target: model minus data, in tolerances (inside the band = met)."""
    rows = v.table[v.table["kind"] == "checked"].copy()
    rows["gap"] = (rows["model"] - rows["data"]) / rows["tolerance"]
    rows["label"] = rows["target"] + " " + rows["year"].astype(str)
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(rows) + 1.2), constrained_layout=True)
    y = np.arange(len(rows))
    colors = ["tab:green" if w else "tab:red" for w in rows["within"]]
    ax.axvspan(-1, 1, color="tab:green", alpha=0.1)
    ax.scatter(rows["gap"], y, c=colors, zorder=3)
    ax.set_yticks(y, rows["label"])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("(model - data) / tolerance  (shaded: within tolerance)")
    ax.set_title("Checked targets (one-sided ones are met anywhere right of -1)")
    ax.grid(alpha=0.3, axis="x")
    _save(fig, path)


def _row(r: pd.Series) -> list[str]:
    tol = "" if r["tolerance"] is None or (isinstance(r["tolerance"], float)
                                           and math.isnan(r["tolerance"])) else fmt(r["tolerance"])
    side = ">= " if "at least" in r["unit"] else ""
    within = {True: "yes", False: "**no**"}.get(r["within"], "(reported)")
    return [f"`{r['target']}`", str(r["year"]), f"{side}{fmt(r['data'])}",
            f"±{tol}" if tol else "", fmt(r["model"]) + format_interval(r["ci_low"], r["ci_high"]),
            within, r["measure"]]


def render(v: Validation, *, command: str = "",
           figures: tuple[str, ...] = ("headcount", "causes", "targets")) -> str:
    """The validation report in Markdown.

    Args:
        v: The validation.
        command: The command line that ran it.
        figures: The figures written beside the report (by kind, see :data:`FILES`).
    """
    from povsim.util.versions import povsim_version

    t = v.table
    checked = t[t["kind"] == "checked"]
    met = int(checked["within"].eq(True).sum())
    households = v.scenario.params.population.n_households
    lines = [
        f"# Validation of `{v.scenario.name}`", "",
        f"povsim {povsim_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{len(v.seeds)} seeds ({min(v.seeds)} to {max(v.seeds)}), {households:,} households, "
        f"scenario file `{v.scenario.path}`" + (f"; command `{command}`" if command else "") + ".",
        "",
        f"**{met} of {len(checked)} checked targets are met.** " + (
            f"Root mean squared error of the headcount path (mean over seeds against the "
            f"data, 2012-2020): **{v.headcount_rmse():.3f} percentage points**."
            if math.isfinite(v.headcount_rmse()) else "The target file has no headcount "
            "targets, so there is no error of the headcount path."), "",
        "The model is measured on each target's own definition (column *measure*); the "
        "interval is the 95% interval of the mean over seeds; a target is met when the mean "
        "lies within its tolerance (one-sided, marked >=, for the data's \"at least\").", "",
    ]
    header = ["target", "year", "data", "tolerance", "model [95%]", "met", "measure"]
    for role, title, blurb in (
        ("fitted", "Targets the calibration fitted", "These informed the parameter values."),
        ("held out", "Held-out targets", "The calibration never saw these: they test the "
         "model, not the fit."),
    ):
        part = checked[checked["role"] == role]
        if len(part):
            lines += [f"## {title}", "", blurb, ""]
            lines += markdown_table(header, [_row(r) for _, r in part.iterrows()])
            lines += [""]
    reported = t[t["kind"] == "reported"]
    if len(reported):
        lines += ["## Reported targets (no tolerance given)", "",
                  "Compared but not checked: the data give no tolerance.", ""]
        lines += markdown_table(header, [_row(r) for _, r in reported.iterrows()])
        lines += [""]
    effect = v.campaign_effect()
    if len(effect) and v.counterfactual is not None:
        lines += [f"## What the campaign changed: `{v.scenario.name}` vs "
                  f"`{v.counterfactual.name}`", "",
                  "Same seeds in both, so differences are paired by seed. "
                  f"{v.counterfactual.name}: {v.counterfactual.description}", ""]
        lines += markdown_table(
            ["output", "year", v.scenario.name, v.counterfactual.name, "difference [95%]"],
            [[f"`{r.output}`", str(r.year), fmt(r.scenario), fmt(r.counterfactual),
              fmt(r.difference, sign=True) + format_interval(r.ci_low, r.ci_high, sign=True)]
             for r in effect.itertuples()])
        lines += [""]
    lines += _missed_section(v)
    lines += ["## Figures", ""]
    for kind in figures:
        lines += [f"![{kind}]({FILES[kind]})", ""]
    lines += ["### How the model gets there", "",
              "The register's stocks and gross flows beside the headcount; the designated "
              "counties' exits; poverty before and after public transfers; the register's "
              "identification errors (95% bands over seeds).", "",
              *[line for key, name, _ in PROCESS_FIGURES
                for line in (f"![{key}]({name})", "")],
              f"Every number is in `{FILES['table']}`.", ""]
    return "\n".join(lines)


def _missed_section(v: Validation) -> list[str]:
    """The checked targets still missed, each with what the model would need to meet it."""
    missed = v.missed
    if missed.empty:
        return ["## Targets still missed", "", "None: every checked target is met.", ""]
    notes = known_gaps()
    lines = ["## Targets still missed", "",
             "Each checked target outside its tolerance, and the mechanism the model would "
             "need to meet it (from `data/known_gaps.toml`).", ""]
    for _, r in missed.iterrows():
        side = "above" if r["model"] > r["data"] else "below"
        lines += [f"- **`{r['target']}` {r['year']}**: data {fmt(r['data'])} ± "
                  f"{fmt(r['tolerance'])}, model {fmt(r['model'])}"
                  f"{format_interval(r['ci_low'], r['ci_high'])} ({side}). "
                  + " ".join(notes.get(r["target"], NO_NOTE).split())]
    return [*lines, ""]


def write_validation(v: Validation, out_dir: str | Path, *, command: str = "") -> dict[str, Path]:
    """Write the table, figures and report of a validation to ``out_dir``."""
    out = check_writable(out_dir)
    paths = {kind: out / name for kind, name in FILES.items()}
    write_text(paths["table"], v.table.to_csv(index=False, float_format="%.6g"))
    targets = v.table["target"]
    drawn = {"headcount": plot_headcount,
             "causes": plot_causes if targets.isin(CAUSE_TARGETS).any() else None,
             "targets": plot_targets if v.table["kind"].eq("checked").any() else None}
    for kind, plot in drawn.items():
        if plot is not None:
            plot(v, paths[kind])
        else:                   # nothing to draw: no figure, and none of an earlier run
            paths.pop(kind).unlink(missing_ok=True)
    for key, _, draw in PROCESS_FIGURES:
        draw(v, paths[key])
    figures = tuple(kind for kind, plot in drawn.items() if plot is not None)
    write_text(paths["report"], render(v, command=command, figures=figures))
    return paths
