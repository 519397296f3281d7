"""Phase 5: prescription and delivery ("one household, one policy").

Each year:

1. pairing helpers are assigned to registered households that lack one;
2. the households a village's cadres actively help this year are chosen: those
   with a helper, and up to the team's effective capacity
   (``capacity x diligence x (1 - paperwork)``) of the others, poorest observed first;
3. each running intervention, in a fixed order, delivers to the households its
   targeting mode designates: *by cause* the supported households one of whose
   diagnosed causes calls for it (``prescription.<cause>``); *package* every supported
   household; *untargeted* any household in random order. Measures that need active
   help go only to the households helped this year. Within the budget allocation,
   the poorest (observed) come first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.agents import PairingHelpers
from povsim.ordering import ranks_in_groups, stable_order, stable_order_of_labels
from povsim.status import CAUSE_NAMES, CAUSES

if TYPE_CHECKING:
    from povsim.model import PovertyModel


def assign_helpers(model: PovertyModel, supported: np.ndarray | None = None) -> None:
    """Give registered households without a helper one, creating helpers as needed.

    Args:
        model: The model.
        supported: Rows of the supported households, ascending (computed if omitted).
    """
    h = model.p.helpers
    if not h.enabled or model.year < h.start_year:
        return
    helpers: PairingHelpers = model.helpers
    if supported is None:
        supported = np.flatnonzero(model.registry.is_supported())
    need = supported[model.helper_of[supported] < 0]
    if len(need) == 0:
        return
    u = model.streams.agents.random(len(need))
    need = need[u < h.coverage]
    free = np.maximum(helpers.capacity - helpers.load, 0)
    slots = np.repeat(np.arange(helpers.n), free)
    k = min(len(slots), len(need))
    model.helper_of[need[:k]] = slots[:k]
    rest = need[k:]
    if len(rest):
        n_new = -(-len(rest) // h.capacity)
        county = model.villages.county[model.households.village[rest[:: h.capacity]]]
        first = helpers.add(model, n_new, county=county, capacity=h.capacity, load=0,
                            effectiveness=h.effect_boost)
        model.helper_of[rest] = first[0] + np.arange(len(rest)) // h.capacity
    helpers.load[:] = np.bincount(model.helper_of[model.helper_of >= 0], minlength=helpers.n)


def end_support(model: PovertyModel, rows: np.ndarray) -> None:
    """Every intervention withdraws its support from ``rows``, and their helpers leave."""
    for iv in model.active_interventions():
        iv.withdraw(rows)
    release_helpers(model, rows)


def release_helpers(model: PovertyModel, rows: np.ndarray) -> None:
    """Helpers leave ``rows``."""
    rows = rows[model.helper_of[rows] >= 0]
    if len(rows) == 0:
        return
    load = model.helpers.load
    load -= np.bincount(model.helper_of[rows], minlength=len(load)).astype(load.dtype)
    model.helper_of[rows] = -1


def actively_helped(model: PovertyModel, supported_sorted: np.ndarray) -> np.ndarray:
    """Of the supported households (poorest first), those actively helped this year."""
    if len(supported_sorted) == 0:
        return supported_sorted
    v = model.villages
    hh = model.households
    with_helper = model.helper_of[supported_sorted] >= 0
    others = supported_sorted[~with_helper]
    capacity = np.floor(model.cadres.effective_capacity_by_village(v.n)).astype(np.int64)
    village = hh.village[others]
    order = stable_order_of_labels(village)  # keeps the poorest-first order per village
    village_sorted = village[order]
    rank = ranks_in_groups(village_sorted)
    picked = np.zeros(len(others), bool)
    picked[order] = rank < capacity[village_sorted]
    reached = np.zeros(hh.n, bool)
    reached[supported_sorted[with_helper]] = True
    reached[others[picked]] = True
    return supported_sorted[reached[supported_sorted]]


def cause_calls_for(model: PovertyModel, name: str) -> np.uint16:
    """Bit mask of the causes whose prescription includes intervention ``name``."""
    table = model.p.prescription
    mask = 0
    for cause, bit in zip(CAUSE_NAMES, CAUSES, strict=True):
        if name in getattr(table, cause):
            mask |= int(bit)
    return np.uint16(mask)


def prescribe_and_deliver(model: PovertyModel) -> None:
    """Assign helpers, choose who is helped, and let each running intervention deliver."""
    year = model.year
    running = [iv for iv in model.interventions.values() if iv.running(year)]
    for iv in model.interventions.values():
        iv.delivered = 0
    if not running:
        return
    hh, reg = model.households, model.registry
    supported = np.flatnonzero(reg.is_supported())
    assign_helpers(model, supported)
    observed = reg.observed_pc[supported]
    observed = np.where(np.isnan(observed), hh.income_pc[supported], observed)
    supported = supported[stable_order(observed)]
    reached = actively_helped(model, supported)
    model.reached_this_year = len(reached)
    anyone = None
    for iv in running:
        mode = iv.params.targeting
        if iv.village_level:
            iv.deliver_year(supported)
            continue
        if mode == "untargeted":
            if anyone is None:
                anyone = model.streams.delivery.permutation(hh.n)
            pool = anyone
        else:
            pool = reached if iv.needs_capacity else supported
            if mode == "by_cause":
                calls = cause_calls_for(model, iv.name)
                pool = pool[(hh.diagnosed_causes[pool] & calls) > 0]
        iv.deliver_year(pool)
