"""Phase 7 (end): designated poor counties and poor villages exit.

A designated county exits when the persons it still has on the register as poor are
below ``counties.exit_incidence`` of its persons (``exit_incidence_west`` in the
west) and a third-party check of a sample of its households passes: the sampled
exited households truly poor (wrong exits) and the sampled poor households never
registered (missed poor) are each at most ``check_max_error`` of their bases. Like
the exit assessment, the check goes by a household's lasting (stable) income, not by
one bad year. A
poor village exits by its incidence alone (with a road and safe water when
``village_needs_road_and_water``). Exits are kept: a place that has exited stays out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.ordering import stable_order_of_labels
from povsim.status import RegStatus, registered_as_poor

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def registered_incidence(model: PovertyModel, groups: np.ndarray, n_groups: int,
                         persons: np.ndarray | None = None) -> np.ndarray:
    """Share of persons of each group still registered as poor.

    Args:
        model: The model.
        groups: Group (county or village) of each household.
        n_groups: Number of groups.
        persons: Members of each group (computed from ``groups`` if omitted).
    """
    hh = model.households
    size = hh.size()
    if persons is None:
        persons = np.bincount(groups, weights=size, minlength=n_groups)
    registered = np.flatnonzero(registered_as_poor(hh.reg_status))
    on_register = np.bincount(groups[registered], weights=size[registered], minlength=n_groups)
    return np.divide(on_register, persons, out=np.zeros(n_groups), where=persons > 0)


def places_exit(model: PovertyModel) -> None:
    """Designated counties and poor villages that meet their standard exit this year."""
    c = model.p.counties
    year = model.year
    if year < c.exit_start_year or not model.registry.built:
        return
    hh, v, counties = model.households, model.villages, model.counties
    waiting = v.poor_village & (v.exit_year < 0)
    if not counties.still_poor().any() and not waiting.any():
        return
    threshold = np.where(counties.west, np.float32(c.exit_incidence_west),
                         np.float32(c.exit_incidence))
    village_of = hh.village_index()
    village_persons = np.bincount(village_of, weights=hh.size(), minlength=v.n)
    county_persons = np.bincount(v.county, weights=village_persons, minlength=counties.n)
    county_of = v.county[village_of]
    applying = np.flatnonzero(counties.still_poor() & (
        registered_incidence(model, county_of, counties.n, county_persons) < threshold))
    passed = applying[_check_passes(model, county_of, applying)]
    counties.exit_year[passed] = year
    model.registry.counts.county_exits += len(passed)

    if not waiting.any():
        return
    incidence = registered_incidence(model, hh.origin_village, v.n)
    ready = waiting & (incidence < threshold[v.county])
    if c.village_needs_road_and_water:
        ready &= v.road & v.water
    v.exit_year[ready] = year
    model.registry.counts.village_exits += int(np.count_nonzero(ready))


def _check_passes(model: PovertyModel, county_of: np.ndarray,
                  applying: np.ndarray) -> np.ndarray:
    """The third-party check of each applying county: wrong exits and missed poor in a sample."""
    c = model.p.counties
    if len(applying) == 0:
        return np.zeros(0, bool)
    hh, reg = model.households, model.registry
    order = stable_order_of_labels(county_of)
    starts = np.searchsorted(county_of[order], np.arange(model.counties.n + 1))
    rng = model.streams.exit
    line = np.float32(model.p.run.poverty_line)
    poor_now = hh.stable_pc() < line  # the check looks at lasting income, not a bad year
    exited_ever = reg.has_exited()
    passes = np.ones(len(applying), bool)
    for k, county in enumerate(applying):
        rows = order[starts[county]:starts[county + 1]]
        sample = rng.choice(rows, size=min(c.check_sample, len(rows)), replace=False)
        exited = sample[exited_ever[sample]]
        wrong = np.count_nonzero(poor_now[exited])
        missed = np.count_nonzero(poor_now[sample] & (hh.reg_status[sample] == RegStatus.NEVER))
        passes[k] = (wrong <= c.check_max_error * max(len(exited), 1)
                     and missed <= c.check_max_error * len(sample))
    return passes
