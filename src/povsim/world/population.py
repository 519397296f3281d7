"""Synthetic population: counties, townships, villages and households.

Correlations make poverty concentrate where it does: remote villages have less
infrastructure, more disasters, lower skills and productivity and more dilapidated
houses; less developed counties have lower productivity in all their villages; the
elderly carry more illness and disability; low skill means fewer migrant jobs.
Households of a village occupy a contiguous block of rows.
"""

from __future__ import annotations

import numpy as np

from povsim.params import Parameters
from povsim.params.core import PopulationParams
from povsim.world.households import Households
from povsim.world.villages import INFRASTRUCTURE, Villages

MAX_MIGRANTS_DRAWN = 3
"""At most this many members of a household are considered for migrant or local wage work at
setup (a structural limit of the draw, not a behavioural parameter)."""

HOUSEHOLD_UNIFORMS = 12
"""Uniforms drawn for each new household in :func:`generate_members` (``u[0]`` to
``u[11]``: members, disability, chronic illness, house, insurance, children's
support). Changing it moves
every later draw of the setup stream."""


def build_villages(pop: PopulationParams, rng: np.random.Generator) -> Villages:
    """Create the villages (and one resettlement site per county).

    Args:
        pop: Population parameters.
        rng: Random generator (setup stream).

    Returns:
        The village table; original villages first, then the sites.
    """
    per_county = pop.townships_per_county * pop.villages_per_township
    n_orig = pop.n_counties * per_county
    v = Villages(n_orig + pop.n_counties)
    orig = slice(0, n_orig)
    sites = slice(n_orig, v.n)
    v.county[orig] = np.repeat(np.arange(pop.n_counties), per_county)
    v.township[orig] = np.repeat(
        np.arange(pop.n_counties * pop.townships_per_county), pop.villages_per_township
    )
    v.county[sites] = np.arange(pop.n_counties)
    v.township[sites] = np.arange(pop.n_counties) * pop.townships_per_county
    v.is_site[sites] = True

    county_mean = np.linspace(
        pop.county_remoteness_low, pop.county_remoteness_high, pop.n_counties
    ) if pop.n_counties > 1 else np.array([(pop.county_remoteness_low
                                            + pop.county_remoteness_high) / 2])
    remote = county_mean[v.county[orig]] + pop.village_remoteness_sd * rng.standard_normal(n_orig)
    v.remoteness[orig] = np.clip(remote, 0.0, 1.0)
    v.inhospitable[orig] = v.remoteness[orig] > pop.inhospitable_remoteness
    p_item = pop.infrastructure_coverage - pop.infrastructure_remoteness_gap * v.remoteness
    draws = rng.random((len(INFRASTRUCTURE), v.n))
    for k, item in enumerate(INFRASTRUCTURE):
        arr = getattr(v, item)
        arr[:] = draws[k] < p_item
        arr[sites] = True  # resettlement sites are built with full infrastructure
    v.disaster_risk[:] = pop.disaster_risk_base + pop.disaster_risk_remoteness * v.remoteness
    sigma = pop.county_development_sigma
    development = sigma * rng.standard_normal(pop.n_counties) - sigma**2 / 2
    v.development[:] = development[v.county]
    return v


def village_sizes(n_households: int, n_villages: int, sigma: float,
                  rng: np.random.Generator) -> np.ndarray:
    """Split ``n_households`` into ``n_villages`` lognormal-sized villages of at least one each."""
    w = np.exp(sigma * rng.standard_normal(n_villages))
    spare = n_households - n_villages
    share = spare * w / w.sum()
    sizes = np.floor(share).astype(np.int64)
    rest = spare - int(sizes.sum())
    if rest:
        sizes[np.argsort(sizes - share)[:rest]] += 1
    return sizes + 1


def generate_members(
    hh: Households,
    idx: np.ndarray,
    villages: Villages,
    params: Parameters,
    rng: np.random.Generator,
    head_age: np.ndarray | None = None,
) -> None:
    """Draw members and characteristics for households ``idx`` (in place).

    Used at setup and when a new household replaces one whose members have all died.

    Args:
        hh: Household table.
        idx: Rows to fill (their ``village`` already set).
        villages: The village table (remoteness and county development of each
            household's village shape its characteristics).
        params: Parameters.
        rng: Random generator.
        head_age: Ages of the heads; drawn from the population distribution if omitted.
    """
    pop = params.population
    k = len(idx)
    remoteness = villages.remoteness[hh.village[idx]]
    demo = params.demography
    elderly_age = demo.elderly_age
    if head_age is None:
        age = np.rint(pop.head_age_mean + pop.head_age_sd * rng.standard_normal(k))
        head_age = np.clip(age, pop.head_age_min, pop.head_age_max)
    age = head_age.astype(np.int16)
    old = age >= elderly_age
    u = rng.random((HOUSEHOLD_UNIFORMS, k))

    spouse = u[0] < pop.p_spouse
    adult_child = (age >= pop.adult_child_head_age) & (u[1] < pop.p_adult_child)
    with_children = u[1] < pop.p_elderly_with_children
    n_adult = np.where(old, with_children * (1 + (u[6] < pop.p_spouse)), 1 + spouse + adult_child)
    n_elderly = np.where(old, 1 + spouse,
                         (age >= pop.elderly_parent_head_age) & (u[2] < pop.p_coresident_parent))
    school_age_parent = (((age >= pop.school_parent_age_min) & (age <= pop.school_parent_age_max))
                         | (old & (n_adult > 0)))
    n_school = school_age_parent * ((u[3] < pop.p_school_child)
                                    * (1 + (u[4] < pop.p_second_school_child)))
    n_young = (((age >= demo.childbearing_head_age_min) & (age <= demo.childbearing_head_age_max))
               & (u[5] < pop.p_young_child))

    hh.head_age[idx] = age
    hh.n_adult[idx] = n_adult
    hh.n_elderly[idx] = n_elderly
    hh.n_school[idx] = n_school
    hh.n_young[idx] = n_young

    p_dis = pop.p_disabled + pop.p_disabled_per_elderly * n_elderly \
        + pop.p_disabled_remoteness * remoteness
    hh.disabled[idx] = u[7] < p_dis
    hh.chronic[idx] = u[8] < pop.p_chronic + pop.p_chronic_per_elderly * n_elderly
    skill = rng.beta(pop.skill_alpha, pop.skill_beta, k) - pop.skill_remoteness_penalty * remoteness
    hh.skill[idx] = np.clip(skill, 0.0, 1.0)
    log_ability = (pop.ability_sigma * rng.standard_normal(k)
                   - pop.ability_remoteness_penalty * remoteness - pop.ability_sigma**2 / 2
                   + villages.development[hh.village[idx]])
    hh.ability[idx] = np.exp(log_ability)
    hh.land[idx] = pop.land_mean * np.exp(pop.land_sigma * rng.standard_normal(k)
                                          - pop.land_sigma**2 / 2)
    hh.motivation[idx] = rng.beta(pop.motivation_alpha, pop.motivation_beta, k)
    hh.safe_house[idx] = u[9] >= pop.p_dilapidated + pop.p_dilapidated_remoteness * remoteness
    hh.insured[idx] = u[10] < params.health.insurance_coverage
    hh.children_support[idx] = u[11] < pop.p_children_support

    hh.forget_derived()
    labour = hh.labour_units(params.health.disability_labour_loss,
                             params.health.chronic_labour_loss, idx)
    workers = np.floor(labour).astype(np.int64)
    p_migrate = np.clip(pop.p_migrant_per_worker / pop.reference_skill * hh.skill[idx], 0.0, 1.0)
    um = rng.random((MAX_MIGRANTS_DRAWN, k))
    migrants = sum(((w < workers) & (um[w] < p_migrate)).astype(np.int8)
                   for w in range(MAX_MIGRANTS_DRAWN))
    hh.n_migrant[idx] = migrants
    p_local = np.clip(pop.p_local_job_per_worker / pop.reference_skill * hh.skill[idx], 0.0, 1.0)
    ul = rng.random((MAX_MIGRANTS_DRAWN, k))
    hh.n_local_job[idx] = sum(((w < workers - migrants) & (ul[w] < p_local)).astype(np.int8)
                              for w in range(MAX_MIGRANTS_DRAWN))
    hh.savings[idx] = 0.0
    hh.debt[idx] = 0.0
    hh.renew(idx)


def build_households(params: Parameters, villages: Villages,
                     rng: np.random.Generator) -> Households:
    """Create the households of the original villages (contiguous by village).

    Args:
        params: Parameters.
        villages: The village table (sites get no households at setup).
        rng: Random generator (setup stream).

    Returns:
        The household table with members, characteristics and weights set
        (incomes are computed by the model afterwards).
    """
    pop = params.population
    orig = np.flatnonzero(~villages.is_site)
    sizes = village_sizes(pop.n_households, len(orig), pop.village_size_sigma, rng)
    hh = Households.allocate(pop.n_households)
    hh.village[:] = np.repeat(orig, sizes)
    hh.origin_village[:] = hh.village
    all_rows = np.arange(hh.n)
    generate_members(hh, all_rows, villages, params, rng)
    persons = float(hh.size().sum())
    hh.weight[:] = pop.rural_population_million * 1e6 / persons
    return hh
