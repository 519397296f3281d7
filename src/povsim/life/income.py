"""Phase 3: household income, costs, informal risk sharing and savings.

Net income = farm + wages + asset income + transfers - out-of-pocket medical costs
- schooling costs - debt service, in yuan at 2010 prices. Market income (farm and
wages) grows at real rates and carries a household transitory shock. Policy enters
through :class:`IncomeEffects`, which the interventions fill each year.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from povsim.chunks import row_chunks
from povsim.draws import YearDraws
from povsim.life.growth import GrowthLevels
from povsim.life.shocks import YearShocks
from povsim.params import Parameters
from povsim.world.households import ALL, Households, Rows
from povsim.world.network import VillageNetwork
from povsim.world.villages import Villages

EFFECT_FIELDS: dict[str, float] = {
    "asset_income": 0.0,
    "transfer_income": 0.0,
    "job_wage": 0.0,
    "job_labour": 0.0,
    "farm_multiplier": 1.0,
    "reimbursement": np.nan,  # the baseline reimbursement, given when effects are made
    "oop_cap": np.inf,
    "schooling_covered": 0.0,
    "debt_service": 0.0,
}
"""Each policy effect on income and its neutral value (no policy)."""


class IncomeEffects:
    """What policy adds to or changes in household income this year (one array each).

    An array is made, filled with its neutral value, the first time it is used, so an
    effect no running policy has costs nothing; :meth:`used` tells whether it was.

    Attributes:
        asset_income: Dividends and returns on support received (yuan).
        transfer_income: Dibao and other public transfers (yuan).
        job_wage: Wages of jobs obtained through the employment programmes (yuan).
        job_labour: Labour units those jobs take away from the farm.
        farm_multiplier: Farm income multiplier (relocation, consumption aid).
        reimbursement: Share of medical costs reimbursed.
        oop_cap: Cap on out-of-pocket medical spending (yuan; infinite when none).
        schooling_covered: Share of schooling costs paid by policy.
        debt_service: Interest and principal due this year (yuan).
    """

    asset_income: np.ndarray
    transfer_income: np.ndarray
    job_wage: np.ndarray
    job_labour: np.ndarray
    farm_multiplier: np.ndarray
    reimbursement: np.ndarray
    oop_cap: np.ndarray
    schooling_covered: np.ndarray
    debt_service: np.ndarray

    def __init__(self, n: int, baseline_reimbursement: float,
                 buffers: dict[str, np.ndarray] | None = None):
        """No policy yet: zero additions, multipliers of 1, the baseline reimbursement.

        Args:
            n: Number of households.
            baseline_reimbursement: Share of medical costs reimbursed without policy.
            buffers: Arrays to reuse (by effect name), kept from year to year.
        """
        self.n = n
        self._neutral = {name: np.float32(value) for name, value in EFFECT_FIELDS.items()}
        self._neutral["reimbursement"] = np.float32(baseline_reimbursement)
        self._buffers = buffers

    def __getattr__(self, name: str) -> np.ndarray:
        neutral = self.__dict__.get("_neutral")
        if neutral is None or name not in neutral:
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
        buffers = self.__dict__["_buffers"]
        array = buffers.get(name) if buffers is not None else None
        if array is None or len(array) != self.n:
            array = np.empty(self.n, np.float32)
            if buffers is not None:
                buffers[name] = array
        array.fill(neutral[name])
        setattr(self, name, array)
        return array

    def used(self, name: str) -> np.ndarray | None:
        """The array of an effect if some policy used it this year, else ``None``."""
        return self.__dict__.get(name)

    def neutral(self, name: str) -> np.float32:
        """The value of an effect where no policy changed it."""
        return self._neutral[name]

    @classmethod
    def none(cls, n: int, baseline_reimbursement: float,
             buffers: dict[str, np.ndarray] | None = None) -> IncomeEffects:
        """No policy: zero additions, multipliers of 1, the baseline reimbursement."""
        return cls(n, baseline_reimbursement, buffers)



def land_factor(hh: Households, params: Parameters, elasticity: np.float32) -> np.ndarray:
    """``(land / land_mean) ** elasticity`` of every household (kept until renewed).

    Args:
        hh: Household table.
        params: Parameters in force this year.
        elasticity: The year's elasticity of farm income to land
            (:attr:`~povsim.life.growth.GrowthLevels.land_elasticity`).
    """
    mean = np.float32(params.population.land_mean)
    elasticity = np.float32(elasticity)
    return hh.static(("land_factor", mean, elasticity),
                     lambda rows: (hh.land[rows] / mean) ** elasticity)


def ability_wage_factor(hh: Households, params: Parameters) -> np.ndarray:
    """``ability ** ability_wage_elasticity`` of every household (kept until renewed)."""
    elasticity = np.float32(params.economy.ability_wage_elasticity)
    return hh.static(("ability_wage", elasticity), lambda rows: hh.ability[rows] ** elasticity)


def farm_subsidy(hh: Households, params: Parameters) -> np.ndarray:
    """Yearly farm subsidy of every household, ``farm_subsidy_per_mu x land``."""
    per_mu = np.float32(params.economy.farm_subsidy_per_mu)
    return hh.static(("farm_subsidy", per_mu), lambda rows: hh.land[rows] * per_mu)


def village_farm_factor(villages: Villages, params: Parameters, shocks: YearShocks) -> np.ndarray:
    """Farm income multiplier of each village: infrastructure, remoteness, disasters, price.

    Includes the village's farm productivity relative to the national level
    (``villages.farm_access``, 1 unless ``economy.farm_growth_remoteness_gap`` is above 0).
    """
    e = params.economy
    return (
        villages.farm_access
        * (1.0 + e.infrastructure_farm_bonus * villages.infrastructure_count())
        * (1.0 - e.remoteness_farm_penalty * villages.remoteness
           * (1.0 - e.road_remoteness_cut * villages.road))
        * shocks.farm_multiplier * shocks.price
    ).astype(np.float32)


def transitory_shock(z: np.ndarray, sigma: np.float32 | np.ndarray,
                     upside: float) -> np.ndarray:
    """Mean-one multiplicative transitory shock from standard normal draws ``z``.

    ``exp(sigma * z)`` for ``z < 0`` and ``exp(upside * sigma * z)`` for ``z > 0``
    (a two-piece lognormal), divided by its mean
    ``exp(s_d^2/2) Phi(-s_d) + exp(s_u^2/2) Phi(s_u)`` with ``s_d = sigma`` and
    ``s_u = upside * sigma``. At ``upside = 1`` it is the lognormal
    ``exp(sigma * z - sigma^2 / 2)``, computed as such.

    Args:
        z: Standard normal draws (float32).
        sigma: Log sd of the downside (``economy.transitory_sigma``): one for all, or
            one per draw (float32; see :func:`transitory_sigmas`).
        upside: Ratio of the upside's log sd to the downside's
            (``economy.transitory_upside``).

    Returns:
        The shock (float32), a new array.
    """
    shock = sigma * z
    if upside == 1.0:
        shock -= sigma * sigma / 2
        return np.exp(shock, out=shock)
    down = np.asarray(sigma, dtype=np.float64)
    up = down * upside
    mean = np.exp(down * down / 2) * ndtr(-down) + np.exp(up * up / 2) * ndtr(up)
    np.multiply(shock, np.float32(upside), out=shock, where=z > 0)
    np.exp(shock, out=shock)
    shock *= (1.0 / mean).astype(np.float32)
    return shock


def transitory_sigmas(hh: Households, villages: Villages, params: Parameters,
                      rows: Rows = ALL) -> np.float32 | np.ndarray:
    """Log sd of the downside of each household's transitory shock.

    ``transitory_sigma x (1 + transitory_remoteness x r)`` at its village's remoteness
    ``r``: farming in remote places (rain-fed fields on slopes, no irrigation, one crop)
    is riskier than in places with roads, markets and other work. Without a gradient
    (``transitory_remoteness = 0``) one number for all.

    Args:
        hh: Household table.
        villages: Village table.
        params: Parameters in force this year.
        rows: Households (all if omitted).
    """
    e = params.economy
    sigma = np.float32(e.transitory_sigma)
    if e.transitory_remoteness == 0:
        return sigma
    remoteness = villages.remoteness[hh.village_index()[rows]]
    return sigma * (np.float32(1) + np.float32(e.transitory_remoteness) * remoteness)


def market_income(hh: Households, villages: Villages, params: Parameters, levels: GrowthLevels,
                  shocks: YearShocks, effects: IncomeEffects,
                  transitory: np.ndarray | None, rows: Rows = ALL,
                  village_farm: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Farm income and wages before scaling (yuan a year).

    Args:
        hh: Household table.
        villages: Village table.
        params: Parameters in force this year.
        levels: The year's wage and farm productivity levels.
        shocks: The year's shocks.
        effects: Policy effects on income.
        transitory: Multiplicative transitory shock of each of ``rows`` (``None``: none).
        rows: Households to compute (all if omitted).
        village_farm: :func:`village_farm_factor` (computed if omitted).

    Returns:
        ``(farm, wages)`` arrays (float32) for ``rows``; wages exclude programme jobs.
    """
    e, h = params.economy, params.health
    if village_farm is None:
        village_farm = village_farm_factor(villages, params, shocks)
    # Written with output arrays to spare temporaries; each line computes what its
    # comment says, in the same float32 operations.
    labour = hh.illness_episode[rows] * np.float32(h.illness_labour_loss)
    np.subtract(hh.labour_units(h.disability_labour_loss, h.chronic_labour_loss)[rows], labour,
                out=labour)
    np.maximum(labour, 0, out=labour)
    free = np.floor(labour)  # workers
    migrants = np.minimum(hh.n_migrant[rows], free)
    free -= migrants
    local = np.minimum(hh.n_local_job[rows], free, out=free)
    farm = labour  # farm labour = labour - migrants - local - programme jobs, at least 0
    farm -= migrants
    farm -= local
    job_labour = effects.used("job_labour")
    if job_labour is not None:
        farm -= job_labour[rows]
    np.maximum(farm, 0, out=farm)
    farm += hh.n_elderly[rows] * np.float32(e.elderly_farm_labour)

    drive = 1.0 - hh.motivation[rows]  # drive = 1 - motivation_income_effect x (1 - motivation)
    drive *= np.float32(e.motivation_income_effect)
    np.subtract(1.0, drive, out=drive)
    drive *= hh.effort[rows]  # times work effort
    if transitory is not None:
        drive *= transitory

    # farm^elasticity; numpy's vectorised power takes a slow path for zeros, so they
    # are raised as ones and multiplied back to zero (the same numbers).
    no_farm = farm == 0
    farm += no_farm
    np.power(farm, np.float32(e.farm_labour_elasticity), out=farm)
    farm *= ~no_farm
    farm *= land_factor(hh, params, levels.land_elasticity)[rows]
    farm *= village_farm[hh.village_index()[rows]]
    farm_multiplier = effects.used("farm_multiplier")
    if farm_multiplier is not None:
        farm *= farm_multiplier[rows]
    farm *= hh.ability[rows]
    farm *= drive
    farm *= np.float32(e.farm_income_per_worker) * levels.farm

    wage_level = levels.wage
    wages = migrants  # per worker: migrants x migrant wage + local jobs x local wage
    # migrants who lost their jobs lose that share of the year's wages
    wages[shocks.migrant_job_lost[rows]] *= np.float32(1 - params.shocks.migrant_wage_loss)
    wages *= np.float32(e.migrant_wage * e.remittance_share)
    local *= np.float32(e.local_wage)
    wages += local
    wages *= hh.skill[rows] + np.float32(e.skill_wage_floor)
    wages *= ability_wage_factor(hh, params)[rows]
    wages *= drive
    wages *= wage_level
    return farm, wages


def compute_income(hh: Households, villages: Villages, params: Parameters, levels: GrowthLevels,
                   shocks: YearShocks, effects: IncomeEffects, draws: YearDraws | None,
                   market_scale: float) -> None:
    """Set every income and cost column, net income and per-capita income.

    Runs a block of rows at a time (:mod:`povsim.chunks`).

    Args:
        hh: Household table (changed in place).
        villages: Village table.
        params: Parameters in force this year.
        levels: The year's wage, farm productivity and pension levels.
        shocks: The year's shocks.
        effects: Policy effects on income.
        draws: The year's bulk draws (``None``: no transitory shock).
        market_scale: Alignment factor applied to farm income and wages.
    """
    e = params.economy
    upside = e.transitory_upside
    scale = np.float32(market_scale)
    pension = np.float32(e.pension) * levels.pension
    children_support = np.float32(e.children_support) * levels.wage
    schooling_cost = np.float32(e.schooling_cost)
    critical_rate = np.float32(params.health.critical_illness_rate)
    critical_threshold = np.float32(params.health.critical_illness_threshold)
    village_farm = village_farm_factor(villages, params, shocks)
    subsidy = farm_subsidy(hh, params)
    for rows in row_chunks(hh.n):
        transitory = None
        if draws is not None:
            sigma = transitory_sigmas(hh, villages, params, rows)
            transitory = transitory_shock(draws.z_income[rows], sigma, upside)
        farm, wages = market_income(hh, villages, params, levels, shocks, effects, transitory,
                                    rows, village_farm)
        farm_income = np.multiply(farm, scale, out=hh.farm_income[rows])
        wage_income = np.multiply(wages, scale, out=hh.wage_income[rows])
        luck = hh.transitory_income[rows]  # the part of farm and wages due to this year's luck
        if transitory is None:
            luck[:] = 0
        else:
            np.add(farm_income, wage_income, out=luck)
            luck *= 1 - 1 / transitory
        _add_effect(wage_income, effects, "job_wage", rows)
        _set_effect(hh.asset_income[rows], effects, "asset_income", rows)
        transfers = np.multiply(hh.n_elderly[rows], pension, out=hh.transfer_income[rows])
        transfers += subsidy[rows]
        _add_effect(transfers, effects, "transfer_income", rows)
        hh.public_transfers[rows] = transfers
        if children_support > 0:  # private: money from children living elsewhere
            alone = (hh.n_adult[rows] == 0) & hh.children_support[rows]
            transfers += alone * hh.n_elderly[rows] * children_support
        hh.benefit_income[rows] = 0
        reimbursement = effects.used("reimbursement")
        paid = 1.0 - (effects.neutral("reimbursement") if reimbursement is None
                      else reimbursement[rows])
        oop = np.multiply(hh.medical_spending[rows], paid, out=hh.medical_oop[rows])
        cap = effects.used("oop_cap")
        if cap is not None:
            np.minimum(oop, cap[rows], out=oop)
        if critical_rate > 0:  # critical illness insurance pays a share above its threshold
            above = np.maximum(oop - critical_threshold, 0)
            oop -= critical_rate * above
        covered = effects.used("schooling_covered")
        np.multiply(hh.n_school[rows], schooling_cost * (1.0 - (
            effects.neutral("schooling_covered") if covered is None else covered[rows])),
            out=hh.schooling_spending[rows])
        _set_effect(hh.debt_service[rows], effects, "debt_service", rows)
        _net_income(hh, rows)


def _add_effect(column: np.ndarray, effects: IncomeEffects, name: str, rows: Rows) -> None:
    """Add an effect to a column's block of rows (nothing if no policy used it)."""
    used = effects.used(name)
    if used is not None:
        column += used[rows]


def _set_effect(column: np.ndarray, effects: IncomeEffects, name: str, rows: Rows) -> None:
    """Set a column's block of rows to an effect."""
    used = effects.used(name)
    column[:] = effects.neutral(name) if used is None else used[rows]


def update_net_income(hh: Households) -> None:
    """Recompute every household's net and per-capita income from the component columns.

    Args:
        hh: Household table (changed in place).
    """
    for chunk in row_chunks(hh.n):
        _net_income(hh, chunk)


def _net_income(hh: Households, rows: Rows) -> None:
    net = hh.farm_income[rows] + hh.wage_income[rows]
    net += hh.asset_income[rows]
    net += hh.transfer_income[rows]
    net -= hh.medical_oop[rows]
    net -= hh.schooling_spending[rows]
    net -= hh.debt_service[rows]
    hh.net_income[rows] = net
    hh.income_pc[rows] = net / hh.size()[rows]


def share_risk(hh: Households, network: VillageNetwork, params: Parameters) -> float:
    """Informal risk sharing after shocks: households with savings help hit contacts.

    A household is in need when it is below the line in a year it suffered an
    illness episode or a disaster. Each household not in need passes
    ``risk_sharing_share`` of its savings, split equally among its contacts in need;
    what it gives leaves its savings and enters the receivers' transfer income, so
    money is conserved.

    Args:
        hh: Household table (changed in place).
        network: The village network.
        params: Parameters in force this year.

    Returns:
        Total yuan passed between households.
    """
    share = params.economy.risk_sharing_share
    if share <= 0:
        return 0.0
    shocked = hh.illness_episode | hh.disaster_hit
    in_need = (hh.income_pc < np.float32(params.run.poverty_line)) & shocked
    needy = np.flatnonzero(in_need)
    if len(needy) == 0:
        return 0.0
    contacts, needy_contacts = network.contacts_among(needy)
    giving = ~in_need[contacts]
    givers = contacts[giving]
    amount = hh.savings[givers] * np.float32(share)
    received = network.listener_sums(needy, givers, amount / needy_contacts[giving])
    hh.savings[givers] -= amount
    hh.transfer_income[needy] += received
    hh.net_income[needy] += received
    hh.income_pc[needy] = hh.net_income[needy] / hh.size()[needy]
    return float(amount.sum(dtype=np.float64))


def update_savings(hh: Households, params: Parameters) -> None:
    """Save part of income well above the line; draw on savings to cover a shortfall."""
    e = params.economy
    line = np.float32(params.run.poverty_line)
    rate = np.float32(e.savings_rate)
    threshold = np.float32(e.savings_threshold) * line
    dissaving = np.float32(e.dissaving_rate)
    for rows in row_chunks(hh.n):
        size = hh.size()[rows]
        net = hh.net_income[rows]
        savings = hh.savings[rows]  # a view: changed in place
        surplus = net - threshold * size
        savings += rate * np.maximum(surplus, 0)
        shortfall = np.maximum(line * size - net, 0)
        savings -= np.minimum(savings * dissaving, shortfall)
