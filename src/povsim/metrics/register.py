"""Outputs of the register, the campaign's geography, monitoring and transfers.

The register's stock of registered households and its gross flows obey, every year::

    registered_households(t) = registered_households(t-1) + new_registrations
        + returns_registered - exits_registered - removals - registered_dissolved

Persons and households are also given in national-equivalent millions (each
simulated household stands for ``weight`` real ones). "On the books": households
registered now or before and not struck out by a verification sweep (the register's
records). Money in national terms is in billions of yuan at 2010 prices; incomes
compared with targets in current prices are multiplied by ``run.price_index``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from povsim.metrics.frame import Totals, dot, year_frame

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else float("nan")


def register_totals(model: PovertyModel) -> Totals:
    """The year's sums of the register, geography and transfers (computed once a year)."""
    return year_frame(model).details


# ------------------------------------------------------------- the register
def registered_persons_million(model: PovertyModel) -> float:
    """Persons on the register as poor (registered or returned), national millions."""
    return register_totals(model).registered_persons / 1e6


def registered_households_million(model: PovertyModel) -> float:
    """Households on the register as poor, national millions."""
    return register_totals(model).registered_weight / 1e6


def removals(model: PovertyModel) -> int:
    """Registered households struck out this year by a verification sweep."""
    return model.registry.counts.removed


def registered_dissolved(model: PovertyModel) -> int:
    """Registered households that died out this year (their record ends)."""
    return model.registry.counts.dissolved


def added_by_sweep(model: PovertyModel) -> int:
    """Households the look-back sweep found poor and added this year (part of new registrations)."""
    return model.registry.counts.added_by_sweep


def removed_persons_million(model: PovertyModel) -> float:
    """Persons struck out of the register this year by a verification sweep, national millions."""
    return model.registry.counts.removed_persons / 1e6


def sweep_added_persons_million(model: PovertyModel) -> float:
    """Persons the look-back sweep added to the register this year, national millions."""
    return model.registry.counts.sweep_added_persons / 1e6


def on_books_persons_million(model: PovertyModel) -> float:
    """Persons ever registered whose record stands (not struck out), national millions."""
    return register_totals(model).on_books_persons / 1e6


def on_books_exited_share(model: PovertyModel) -> float:
    """Percent of persons ever registered (records standing) whose certified exit stands."""
    t = register_totals(model)
    return _pct(t.on_books_exited_persons, t.on_books_persons)


def transfer_exit_share(model: PovertyModel) -> float:
    """Percent of this year's certified exits that rest on transfers.

    Exits whose income before public transfers is below the exit standard.
    """
    c = model.registry.counts
    return _pct(c.transfer_exits, c.exits)


# ------------------------------------------------------------- geography
def counties_designated(model: PovertyModel) -> int:
    """Designated poor counties (simulated)."""
    return int(np.count_nonzero(model.counties.designated))


def counties_exited(model: PovertyModel) -> int:
    """Designated poor counties that have exited so far."""
    return int(np.count_nonzero(model.counties.exit_year >= 0))


def county_exits(model: PovertyModel) -> int:
    """Designated poor counties that exited this year."""
    return model.registry.counts.county_exits


def poor_villages(model: PovertyModel) -> int:
    """Registered poor villages (simulated)."""
    return int(np.count_nonzero(model.villages.poor_village))


def poor_village_share(model: PovertyModel) -> float:
    """Registered poor villages as a percent of administrative villages."""
    v = model.villages
    return _pct(float(np.count_nonzero(v.poor_village)), float(np.count_nonzero(~v.is_site)))


def poor_villages_exited(model: PovertyModel) -> int:
    """Registered poor villages that have exited so far."""
    return int(np.count_nonzero(model.villages.exit_year >= 0))


def village_exits(model: PovertyModel) -> int:
    """Registered poor villages that exited this year."""
    return model.registry.counts.village_exits


def headcount_designated_counties(model: PovertyModel) -> float:
    """Percent of persons of designated poor counties below the line (by county of origin)."""
    t = register_totals(model)
    return _pct(t.designated_poor_persons, t.designated_persons)


def _per_person_current(model: PovertyModel, total: float) -> float:
    """A national total of yuan (at 2010 prices) per person, in current yuan."""
    return total / year_frame(model).total_persons * model.p.run.price_index


def mean_income_current(model: PovertyModel) -> float:
    """Mean per-capita net income of all persons, current yuan."""
    f = year_frame(model)
    return _per_person_current(model, dot(f.persons, f.clipped_income))


def operating_income_current(model: PovertyModel) -> float:
    """Farm and household business income per person, current yuan (survey: operating)."""
    hh = model.households
    return _per_person_current(model, dot(hh.weight, hh.farm_income))


def wage_transfer_income_current(model: PovertyModel) -> float:
    """Wages, remittances and transfers per person, current yuan.

    The survey counts a migrant's remittances as transfers to the household (a member
    away for half a year is not a resident) and the model as wages, so the two are
    compared summed.
    """
    hh = model.households
    return _per_person_current(
        model, dot(hh.weight, hh.wage_income) + dot(hh.weight, hh.transfer_income))


def income_designated_counties_current(model: PovertyModel) -> float:
    """Mean per-capita income of persons of designated poor counties, current yuan."""
    t = register_totals(model)
    if not t.designated_persons:
        return float("nan")
    return t.designated_income / t.designated_persons * model.p.run.price_index


# ------------------------------------------------------------- transfers
def headcount_pre_transfer(model: PovertyModel) -> float:
    """Percent of persons whose income before public transfers is below the line."""
    return _pct(register_totals(model).poor_pre_transfer_persons, year_frame(model).total_persons)


def poverty_gap_pre_transfer(model: PovertyModel) -> float:
    """FGT1 of income before public transfers (0-1)."""
    return register_totals(model).gap_pre_transfer / year_frame(model).total_persons


def backstop_registered_persons_million(model: PovertyModel) -> float:
    """Persons ever registered receiving the dibao or extreme-poverty support, national millions."""
    return register_totals(model).backstop_persons / 1e6


def registered_labourers_working_million(model: PovertyModel) -> float:
    """Members of households ever registered in work, national millions.

    Migrant, local, programme job or public post.
    """
    return register_totals(model).working_on_books / 1e6


def exited_labourers_working_million(model: PovertyModel) -> float:
    """Members of households whose exit stands in work, national millions."""
    return register_totals(model).working_exited / 1e6


def exited_income_current(model: PovertyModel) -> float:
    """Mean per-capita net income of persons whose exit stands, current yuan."""
    t = register_totals(model)
    if not t.exited_persons:
        return float("nan")
    return t.exited_income / t.exited_persons * model.p.run.price_index


# ------------------------------------------------------------- monitoring
def risk_cleared(model: PovertyModel) -> int:
    """Monitored households whose risk was cleared this year."""
    return model.registry.counts.risk_cleared


def risk_cleared_share(model: PovertyModel) -> float:
    """Percent of the households monitored in the year whose risk was cleared in it.

    Monitored in the year: at its start, or flagged in it.
    """
    reg = model.registry
    return _pct(reg.counts.risk_cleared, reg.start_monitored + reg.counts.alerts)


def risk_cleared_cumulative_share(model: PovertyModel) -> float:
    """Percent of the households flagged by monitoring so far whose risk was cleared since.

    A household flagged twice counts twice (each flag is cleared or not).
    """
    reg = model.registry
    return _pct(reg.cumulative_cleared, reg.cumulative_flagged)


def returns_despite_monitoring(model: PovertyModel) -> int:
    """Exited households truly poor again this year after monitoring had flagged them."""
    return model.registry.counts.monitored_fell_back


def returns_never_flagged(model: PovertyModel) -> int:
    """Exited households truly poor again this year that monitoring never flagged."""
    return model.registry.counts.unflagged_fell_back


def insurance_claims(model: PovertyModel) -> int:
    """Households paid by the poverty-prevention insurance this year."""
    return model.insurance_claims


def insurance_paid(model: PovertyModel) -> float:
    """Yuan paid by the poverty-prevention insurance this year."""
    return model.insurance_paid


REGISTER_OUTPUTS: dict[str, tuple[Callable[[PovertyModel], float], str]] = {
    "registered_persons_million": (registered_persons_million, "million persons"),
    "registered_households_million": (registered_households_million, "million households"),
    "removals": (removals, "simulated households/year"),
    "registered_dissolved": (registered_dissolved, "simulated households/year"),
    "added_by_sweep": (added_by_sweep, "simulated households/year"),
    "removed_persons_million": (removed_persons_million, "million persons/year"),
    "sweep_added_persons_million": (sweep_added_persons_million, "million persons/year"),
    "on_books_persons_million": (on_books_persons_million, "million persons"),
    "on_books_exited_share": (on_books_exited_share, "percent of persons ever registered"),
    "transfer_exit_share": (transfer_exit_share, "percent of certified exits"),
    "counties_designated": (counties_designated, "counties"),
    "counties_exited": (counties_exited, "counties"),
    "county_exits": (county_exits, "counties/year"),
    "poor_villages": (poor_villages, "villages"),
    "poor_village_share": (poor_village_share, "percent of administrative villages"),
    "poor_villages_exited": (poor_villages_exited, "villages"),
    "village_exits": (village_exits, "villages/year"),
    "headcount_designated_counties": (headcount_designated_counties, "percent of persons"),
    "mean_income_current": (mean_income_current, "yuan/person/year (current prices)"),
    "operating_income_current": (operating_income_current, "yuan/person/year (current prices)"),
    "wage_transfer_income_current": (wage_transfer_income_current,
                                     "yuan/person/year (current prices)"),
    "income_designated_counties_current": (income_designated_counties_current,
                                           "yuan/person/year (current prices)"),
    "headcount_pre_transfer": (headcount_pre_transfer, "percent of persons"),
    "poverty_gap_pre_transfer": (poverty_gap_pre_transfer, "FGT1, 0-1"),
    "backstop_registered_persons_million": (backstop_registered_persons_million,
                                            "million persons"),
    "registered_labourers_working_million": (registered_labourers_working_million,
                                             "million persons"),
    "exited_labourers_working_million": (exited_labourers_working_million, "million persons"),
    "exited_income_current": (exited_income_current, "yuan/person/year (current prices)"),
    "risk_cleared": (risk_cleared, "simulated households/year"),
    "risk_cleared_share": (risk_cleared_share, "percent of households monitored in the year"),
    "risk_cleared_cumulative_share": (risk_cleared_cumulative_share,
                                      "percent of households flagged so far"),
    "returns_despite_monitoring": (returns_despite_monitoring, "simulated households/year"),
    "returns_never_flagged": (returns_never_flagged, "simulated households/year"),
    "insurance_claims": (insurance_claims, "simulated households/year"),
    "insurance_paid": (insurance_paid, "yuan/year"),
}
"""Outputs of the register, geography, transfers and monitoring: name -> (reporter, unit)."""
