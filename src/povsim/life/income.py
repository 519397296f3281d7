"""Phase 3: household income, costs, informal risk sharing and savings.

Net income = farm + wages + asset income + transfers - out-of-pocket medical costs
- schooling costs - debt service, in yuan at 2010 prices. Market income (farm and
wages) grows at real rates and carries a household transitory shock. Policy enters
through :class:`IncomeEffects`, which the interventions fill each year.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from povsim.draws import YearDraws
from povsim.life.shocks import YearShocks
from povsim.params import Parameters
from povsim.world.households import Households
from povsim.world.network import VillageNetwork
from povsim.world.villages import Villages


@dataclass(slots=True)
class IncomeEffects:
    """What policy adds to or changes in household income this year (one array each).

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

    @classmethod
    def none(cls, n: int, baseline_reimbursement: float) -> IncomeEffects:
        """No policy: zero additions, multipliers of 1, the baseline reimbursement."""
        zeros = {f.name: np.zeros(n, np.float32) for f in fields(cls)}
        zeros["farm_multiplier"][:] = 1.0
        zeros["reimbursement"][:] = baseline_reimbursement
        zeros["oop_cap"][:] = np.inf
        return cls(**zeros)


def growth_factor(rate: float, years: int) -> np.float32:
    """Compound growth ``(1 + rate) ** years`` as float32."""
    return np.float32((1.0 + rate) ** years)


def market_income(hh: Households, villages: Villages, params: Parameters, years: int,
                  shocks: YearShocks, effects: IncomeEffects,
                  transitory: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Farm income and wages before scaling (yuan a year).

    Args:
        hh: Household table.
        villages: Village table.
        params: Parameters in force this year.
        years: Years since the start year (for growth).
        shocks: The year's shocks.
        effects: Policy effects on income.
        transitory: Multiplicative transitory shock per household (``None``: none).

    Returns:
        ``(farm, wages)`` arrays (float32); wages exclude programme jobs.
    """
    e, h = params.economy, params.health
    labour = hh.labour_units(h.disability_labour_loss, h.chronic_labour_loss)
    labour -= hh.illness_episode * np.float32(h.illness_labour_loss)
    np.maximum(labour, 0, out=labour)
    workers = np.floor(labour)
    migrants = np.minimum(hh.n_migrant, workers)
    local = np.minimum(hh.n_local_job, workers - migrants)
    farm_labour = labour - migrants - local - effects.job_labour
    np.maximum(farm_labour, 0, out=farm_labour)
    farm_labour += hh.n_elderly * np.float32(e.elderly_farm_labour)

    village_farm = (
        (1.0 + e.infrastructure_farm_bonus * villages.infrastructure_count())
        * (1.0 - e.remoteness_farm_penalty * villages.remoteness
           * (1.0 - e.road_remoteness_cut * villages.road))
        * shocks.farm_multiplier * shocks.price
    ).astype(np.float32)
    drive = 1.0 - np.float32(e.motivation_income_effect) * (1.0 - hh.motivation)
    if transitory is not None:
        drive *= transitory

    land = (hh.land / np.float32(params.population.land_mean)) ** np.float32(e.land_elasticity)
    farm = farm_labour ** np.float32(e.farm_labour_elasticity)
    farm *= land
    farm *= village_farm[hh.village]
    farm *= effects.farm_multiplier
    farm *= hh.ability
    farm *= drive
    farm *= np.float32(e.farm_income_per_worker) * growth_factor(e.farm_productivity_growth,
                                                                  years)

    wage_level = growth_factor(e.wage_growth, years)
    per_worker = (migrants * np.float32(e.migrant_wage * e.remittance_share
                                        * shocks.migrant_wage_kept)
                  + local * np.float32(e.local_wage))
    wages = per_worker * (np.float32(e.skill_wage_floor) + hh.skill)
    wages *= hh.ability ** np.float32(e.ability_wage_elasticity)
    wages *= drive
    wages *= wage_level
    return farm, wages


def compute_income(hh: Households, villages: Villages, params: Parameters, years: int,
                   shocks: YearShocks, effects: IncomeEffects, draws: YearDraws | None,
                   market_scale: float) -> None:
    """Set every income and cost column, net income and per-capita income.

    Args:
        hh: Household table (changed in place).
        villages: Village table.
        params: Parameters in force this year.
        years: Years since the start year.
        shocks: The year's shocks.
        effects: Policy effects on income.
        draws: The year's bulk draws (``None``: no transitory shock).
        market_scale: Alignment factor applied to farm income and wages.
    """
    e = params.economy
    transitory = None
    if draws is not None:
        sigma = np.float32(e.transitory_sigma)
        transitory = np.exp(sigma * draws.z_income - sigma * sigma / 2)
    farm, wages = market_income(hh, villages, params, years, shocks, effects, transitory)
    scale = np.float32(market_scale)
    np.multiply(farm, scale, out=hh.farm_income)
    np.multiply(wages, scale, out=hh.wage_income)
    hh.wage_income += effects.job_wage
    hh.asset_income[:] = effects.asset_income
    pension = np.float32(e.pension) * growth_factor(e.pension_growth, years)
    np.multiply(hh.n_elderly, pension, out=hh.transfer_income)
    hh.transfer_income += hh.land * np.float32(e.farm_subsidy_per_mu)
    hh.transfer_income += effects.transfer_income
    oop = hh.medical_spending * (1.0 - effects.reimbursement)
    np.minimum(oop, effects.oop_cap, out=hh.medical_oop)
    np.multiply(hh.n_school, np.float32(e.schooling_cost) * (1.0 - effects.schooling_covered),
                out=hh.schooling_spending)
    hh.debt_service[:] = effects.debt_service
    update_net_income(hh)


def update_net_income(hh: Households) -> None:
    """Recompute net and per-capita income from the component columns."""
    net = hh.farm_income + hh.wage_income
    net += hh.asset_income
    net += hh.transfer_income
    net -= hh.medical_oop
    net -= hh.schooling_spending
    net -= hh.debt_service
    hh.net_income[:] = net
    np.divide(net, hh.size(), out=hh.income_pc)


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
    need = ((hh.income_pc < np.float32(params.run.poverty_line)) & shocked).astype(np.float32)
    needy_contacts = network.adjacency @ need
    gives = (need == 0) & (needy_contacts > 0)
    amount = np.where(gives, hh.savings * np.float32(share), np.float32(0))
    per_contact = np.divide(amount, needy_contacts, out=np.zeros_like(amount), where=gives)
    received = (network.adjacency.T @ per_contact) * need
    hh.savings -= amount
    hh.transfer_income += received.astype(np.float32)
    hh.net_income += received.astype(np.float32)
    np.divide(hh.net_income, hh.size(), out=hh.income_pc)
    return float(amount.sum(dtype=np.float64))


def update_savings(hh: Households, params: Parameters) -> None:
    """Save part of income well above the line; draw on savings to cover a shortfall."""
    e = params.economy
    line = np.float32(params.run.poverty_line)
    size = hh.size()
    surplus = hh.net_income - 2 * line * size
    hh.savings += np.float32(e.savings_rate) * np.maximum(surplus, 0)
    shortfall = np.maximum(line * size - hh.net_income, 0)
    hh.savings -= np.minimum(hh.savings * np.float32(e.dissaving_rate), shortfall)
