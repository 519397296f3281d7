"""Phase 5: prescription and delivery ("one household, one policy").

Each year:

1. pairing helpers are sent to the counties (once, in ``helpers.start_year``: a
   finite number per 1,000 households, more in designated counties) and assigned to
   supported households of their county that lack one, in priority order, while
   they have room (``helpers.capacity`` households each);
2. the households actively helped this year are chosen: a household with a helper
   is actively helped with chance ``1 - paperwork`` (paperwork takes the rest of
   its helper's time); of the others, each village's cadres and work team help up
   to their effective capacity (``capacity x diligence x (1 - paperwork)``), in
   priority order;
3. each running intervention, in a fixed order, delivers to the households its
   targeting mode designates: *by cause* the supported households one of whose
   diagnosed causes calls for it (``prescription.<cause>``); *package* every supported
   household; *untargeted* any household in random order. Measures that need active
   help go only to the households helped this year. The means-tested backstop, health
   cover and job placement also reach exited households whose support is kept, after
   the supported; the backstop also takes applications from households outside the
   register (``interventions.dibao.open_application_rate``), last. Within the budget
   allocation, households go in priority order.

Priority order: with ``counties.designated_priority``, households of registered
poor villages first, then of designated counties not yet exited, then the rest;
within each group kin registered through favouritism first, then the poorest as
cadres know them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from povsim.agents import PairingHelpers, paperwork_share
from povsim.ordering import ranks_in_groups, stable_order_by, stable_order_of_labels
from povsim.status import CAUSE_NAMES, CAUSES

if TYPE_CHECKING:
    from povsim.model import PovertyModel

PRIORITY_GROUPS = 3
"""Priority groups of households: poor villages, designated counties, the rest."""

PRIORITY_LABEL_BITS = 3
"""Bits of a household's priority label: its group (two bits), then favoured kin or not."""


def send_helpers(model: PovertyModel) -> None:
    """Send each county its pairing helpers (more per household in designated counties)."""
    h = model.p.helpers
    helpers: PairingHelpers = model.helpers
    v = model.villages
    n_counties = model.counties.n
    households = np.bincount(v.county, weights=model.households.village_sizes(v.n),
                             minlength=n_counties)
    rate = np.where(model.counties.designated, h.per_1000_households,
                    h.per_1000_households_other)
    count = np.round(rate * households / 1000).astype(np.int64)
    if count.sum() == 0:
        return
    helpers.add(model, int(count.sum()), county=np.repeat(np.arange(n_counties), count),
                capacity=h.capacity, load=0, effectiveness=h.effect_boost)


def assign_helpers(model: PovertyModel, supported: np.ndarray | None = None) -> None:
    """Give supported households without a helper one of their county's, while there is room.

    Args:
        model: The model.
        supported: Rows of the supported households in priority order (all supported,
            ascending, if omitted).
    """
    h = model.p.helpers
    if not h.enabled or model.year < h.start_year:
        return
    helpers: PairingHelpers = model.helpers
    if helpers.n == 0:
        send_helpers(model)
    if supported is None:
        supported = np.flatnonzero(model.registry.is_supported())
    need = supported[model.helper_of[supported] < 0]
    if len(need) == 0 or helpers.n == 0:
        return
    free = np.maximum(helpers.capacity - helpers.load, 0).astype(np.int64)
    slot_helper = np.repeat(np.arange(helpers.n), free)
    slot_county = helpers.county[slot_helper]
    order = stable_order_of_labels(slot_county)
    slot_helper, slot_county = slot_helper[order], slot_county[order]
    n_counties = model.counties.n
    slots = np.bincount(slot_county, minlength=n_counties)
    first_slot = np.cumsum(slots) - slots
    county = model.villages.county[model.households.village[need]]
    by_county = stable_order_of_labels(county)  # keeps the priority order in each county
    county_sorted = county[by_county]
    rank = ranks_in_groups(county_sorted)
    gets = rank < slots[county_sorted]
    rows = need[by_county[gets]]
    model.helper_of[rows] = slot_helper[first_slot[county_sorted[gets]] + rank[gets]]
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
    """Of the supported households (priority order), those actively helped this year."""
    if len(supported_sorted) == 0:
        return supported_sorted
    v = model.villages
    hh = model.households
    with_helper = model.helper_of[supported_sorted] >= 0
    others = supported_sorted[~with_helper]
    capacity = np.floor(model.cadres.effective_capacity_by_village(v.n)).astype(np.int64)
    village = hh.village[others]
    order = stable_order_of_labels(village)  # keeps the priority order per village
    village_sorted = village[order]
    rank = ranks_in_groups(village_sorted)
    picked = np.zeros(len(others), bool)
    picked[order] = rank < capacity[village_sorted]
    reached = np.zeros(hh.n, bool)
    paired = supported_sorted[with_helper]
    helper_time = model.streams.delivery.random(len(paired)) < 1 - paperwork_share(model.p)
    reached[paired[helper_time]] = True
    reached[others[picked]] = True
    return supported_sorted[reached[supported_sorted]]


def priority_order(model: PovertyModel, rows: np.ndarray) -> np.ndarray:
    """``rows`` in priority order (see the module docstring)."""
    if len(rows) == 0:
        return rows
    hh, reg = model.households, model.registry
    known = reg.known_pc[rows]
    known = np.where(np.isnan(known), hh.income_pc[rows], known)
    # one sort by (place, favoured, income): the order of sorting by income, then
    # favoured kin first, then poor villages and designated counties first
    label = np.zeros(len(rows), np.uint8)
    if model.p.counties.designated_priority:  # group 0, 1 or 2 (PRIORITY_GROUPS) above
        village = hh.village[rows]
        v = model.villages
        group = np.where(v.poor_village[village], 0,
                         np.where(model.counties.still_poor()[v.county[village]], 1, 2))
        label |= group.astype(np.uint8) << np.uint8(1)
    if model.p.identification.favouritism > 0:  # then favoured kin (bit 0 clear) first
        label |= (~reg.favoured[rows]).astype(np.uint8)
    return rows[stable_order_by(label, known, PRIORITY_LABEL_BITS)]


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
    supported = priority_order(model, np.flatnonzero(reg.is_supported()))
    assign_helpers(model, supported)
    reached = actively_helped(model, supported)
    followed = None  # exited households whose support is kept, after the supported
    inside = np.zeros(0, bool)  # mask of the supported and the followed
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
            if iv.reaches_followed:
                if followed is None:
                    followed_mask = reg.is_followed()
                    followed = np.flatnonzero(followed_mask)
                    inside = reg.is_supported() | followed_mask
                # ordering a subset gives the order its rows have in the whole
                pool = np.concatenate([pool, priority_order(model, iv.seekers(followed)),
                                       iv.applicants_outside(inside)])
            if mode == "by_cause":
                calls = cause_calls_for(model, iv.name)
                pool = pool[(hh.diagnosed_causes[pool] & calls) > 0]
        iv.deliver_year(pool)
