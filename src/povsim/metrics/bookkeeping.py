"""True poverty status and its flows: entries, exits, returns and spell durations.

Each year a household is poor when its per-capita net income is below the line.
Comparing with last year's status gives the flows:

* **entry**: poor now, not poor last year, never out of poverty before;
* **return**: poor now, not poor last year, out of poverty at least once before;
* **exit**: not poor now, poor last year;
* **dissolved**: last year's poor household whose members all died (its row was
  taken by a newly formed household).

So ``poor[t] = poor[t-1] + entries + returns - exits - dissolved`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from povsim.world.households import Households


@dataclass(frozen=True, slots=True)
class YearFlows:
    """Flows into and out of true poverty in one year (simulated households).

    Attributes:
        poor: Poor households at the end of the year.
        entries: Households poor for the first time.
        exits: Households that left poverty.
        returns: Households poor again after having been out.
        dissolved: Poor households whose members all died.
        illness_driven: Entries and returns of households with an illness episode or high
            out-of-pocket medical spending this year.
        completed_spells: Spells that ended this year (exits).
        completed_spell_years: Total length in years of the spells that ended.
    """

    poor: int
    entries: int = 0
    exits: int = 0
    returns: int = 0
    dissolved: int = 0
    illness_driven: int = 0
    completed_spells: int = 0
    completed_spell_years: int = 0

    @property
    def mean_completed_spell(self) -> float:
        """Mean length of the spells that ended this year (NaN if none)."""
        if not self.completed_spells:
            return float("nan")
        return self.completed_spell_years / self.completed_spells


def start_status(hh: Households, line: float, year: int, smoothing: float = 0.0,
                 medical_counted: float = 1.0) -> YearFlows:
    """Set the initial true status; spells of the initially poor start (censored) now.

    ``smoothing`` is ``run.bad_year_smoothing`` and ``medical_counted``
    ``run.medical_costs_counted`` (see :meth:`Households.measured_pc`).
    """
    np.less(hh.measured_pc(smoothing, medical_counted=medical_counted), np.float32(line),
            out=hh.poor)
    hh.spell_start[:] = np.where(hh.poor, year, -1)
    return YearFlows(poor=int(hh.poor.sum()))


def update_status(hh: Households, line: float, year: int, dissolved: int,
                  illness_spending: float = np.inf, smoothing: float = 0.0,
                  medical_counted: float = 1.0) -> YearFlows:
    """Compare this year's income with the line, update status and spells, count flows.

    Args:
        hh: Household table (``poor``, ``ever_exited``, ``spell_start`` and
            ``last_exit_year`` changed in place).
        line: Poverty line (yuan per person per year).
        year: The year just simulated.
        dissolved: Poor households dissolved this year (counted by demography).
        illness_spending: Out-of-pocket medical spending that makes a fall illness-driven
            (an illness episode always does).
        smoothing: ``run.bad_year_smoothing``: the share of a bad year's fall that the
            official measure does not count (see :meth:`Households.measured_pc`).
        medical_counted: ``run.medical_costs_counted``: the share of medical spending
            the measure subtracts.

    Returns:
        The year's flows.
    """
    now_poor = hh.measured_pc(smoothing, medical_counted=medical_counted) < np.float32(line)
    changed = np.flatnonzero(now_poor != hh.poor)
    fell = changed[now_poor[changed]]
    exit_rows = changed[~now_poor[changed]]
    spell_years = int((year - hh.spell_start[exit_rows]).sum())
    hh.spell_start[exit_rows] = -1
    hh.last_exit_year[exit_rows] = year
    n_returns = int(np.count_nonzero(hh.ever_exited[fell]))
    hh.ever_exited[exit_rows] = True
    hh.spell_start[fell] = year
    hh.poor[:] = now_poor
    ill = hh.illness_episode[fell] | (hh.medical_oop[fell] >= illness_spending)
    n_fell = len(fell)
    return YearFlows(
        poor=int(np.count_nonzero(now_poor)),
        entries=n_fell - n_returns,
        exits=len(exit_rows),
        returns=n_returns,
        dissolved=dissolved,
        illness_driven=int(np.count_nonzero(ill)),
        completed_spells=len(exit_rows),
        completed_spell_years=spell_years,
    )
