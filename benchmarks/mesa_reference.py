"""The core household year written the way Mesa models usually are: the speed reference.

One ``mesa.Agent`` per household with plain Python attributes, a ``step`` method that
the model runs with ``AgentSet.shuffle_do``, model-level steps that loop over agents,
and a ``mesa.DataCollector`` of model reporters. It implements the same rules as
povsim's own engine in the configuration :data:`MATCHING` (campaign reduced to the
registry and the dibao), so the two can be timed side by side on the same model
(``benchmarks/speed.py``) and checked to agree (``tests/test_benchmark_agreement.py``).

The core year, in povsim's order:

1. ageing (heads turn elderly; births, deaths and age-group moves are off in
   :data:`MATCHING`); illness episodes with lognormal costs, chronic illness, disability;
2. income: farm income and wages with a transitory shock, pensions and subsidies,
   out-of-pocket medical costs after the baseline reimbursement, schooling costs,
   debt service; savings;
3. identification: cadres observe income with a persistent error; the first year each
   village registers its lowest observed incomes within a quota split from the
   county's; later years remove the clearly non-poor, add the newly poor within the
   quota and re-register exited households found poor again;
4. the dibao: registered households without labour are enrolled, poorest first, while
   the year's allocation covers them; every enrolled household gets the gap between
   the standard and its assessed income;
5. exit: registered households assessed above the line exit (spot checks reverse some
   false exits); support is withdrawn some years after exit;
6. true status and flows (entries, exits, returns).

The initial state (households, villages, the income alignment factor) is taken from a
povsim model built with the same parameters, as a Mesa model is often initialised from
a household survey table; the random numbers are the model's own (``model.random``),
unless a :class:`DrawSource` is given to replay povsim's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import NormalDist
from typing import Any

import mesa

from povsim import PovertyModel
from povsim.params import Parameters
from povsim.params.policy import INTERVENTION_NAMES

NEVER, REGISTERED, EXITED, RETURNED, MONITORED = range(5)
"""Registered statuses (as ``povsim.status.RegStatus``)."""

UNIFORM_EDGE = 1e-6
"""Uniforms are kept this far from 0 and 1 before taking normal quantiles (as povsim)."""

MATCHING: dict[str, Any] = {
    # demography: ageing only (no births, deaths or moves between child age groups)
    "demography.young_to_school_rate": 0.0,
    "demography.school_to_adult_rate": 0.0,
    "demography.p_birth": 0.0,
    "demography.mortality_adult": 0.0,
    "demography.mortality_elderly": 0.0,
    # shocks: no village disasters, no price shock
    "population.disaster_risk_base": 0.0,
    "population.disaster_risk_remoteness": 0.0,
    "shocks.price_sigma": 0.0,
    # no network effects: no risk sharing, migration or peer motivation
    "economy.risk_sharing_share": 0.0,
    "economy.p_find_migrant_job": 0.0,
    "economy.job_info_effect": 0.0,
    "economy.p_migrant_return": 0.0,
    "behaviour.peer_weight": 0.0,
    "behaviour.role_model_effect": 0.0,
    "behaviour.handout_penalty": 0.0,
    "schooling.p_dropout": 0.0,
    # identification: quota registration with a persistent observation error of one
    # spread; no favouritism, no public review
    "identification.competence_noise_cut": 0.0,
    "identification.favouritism": 0.0,
    "identification.public_review_catch": 0.0,
    # the campaign reduced to the dibao; exit on income, no target pressure
    "helpers.enabled": False,
    "exit.criteria": "income_only",
    "exit.target_pressure": 0.0,
    **{f"interventions.{name}.enabled": False for name in INTERVENTION_NAMES if name != "dibao"},
}
"""povsim's parameters for the core household year (everything else at its default)."""


# ------------------------------------------------------------------ random numbers
class DrawSource:
    """Where the households' random numbers come from: the model's own generator.

    ``uniform(agent, purpose)`` and ``normal(agent, purpose)`` give one draw. A subclass
    can replay the draws of another model (see the agreement test).
    """

    def __init__(self, model: ReferenceModel):
        self.random = model.random

    def uniform(self, agent: Household | None, purpose: str) -> float:
        """A uniform draw in [0, 1)."""
        return self.random.random()

    def normal(self, agent: Household | None, purpose: str) -> float:
        """A standard normal draw."""
        return self.random.gauss(0.0, 1.0)


# ------------------------------------------------------------------------ agents
class Household(mesa.Agent):
    """A rural household: members, health, economy, and its place in the registry."""

    def __init__(self, model: ReferenceModel, row: int, **state: Any):
        super().__init__(model)
        self.row = row
        self.__dict__.update(state)
        self.size = self.n_young + self.n_school + self.n_adult + self.n_elderly
        self.illness_episode = False
        self.medical_spending = 0.0
        self.reg_status = NEVER
        self.reg_year = -1
        self.exit_year = -1
        self.fell_back = False
        self.observation_z = 0.0
        self.observed_pc = math.nan
        self.enrolled = False
        self.benefit = 0.0
        self.ever_exited = False

    # ---------------------------------------------------------------- the year
    def step(self) -> None:
        """The household's own year: ageing, health, income, savings."""
        self.age()
        self.fall_ill()
        self.earn()
        self.save()

    def age(self) -> None:
        """The head ages; at the elderly age the head and a spouse turn elderly."""
        d = self.model.p.demography
        self.head_age += 1
        if self.head_age == d.elderly_age and self.n_adult > 0:
            moved = min(self.n_adult, 2)
            self.n_adult -= moved
            self.n_elderly += moved
        if self.head_age >= d.elderly_age and self.n_elderly == 0 and self.n_adult > 0:
            self.head_age = d.successor_head_age

    def able_labour(self) -> float:
        """Working-age labour left after disability and chronic illness."""
        h = self.model.p.health
        loss = 0.0
        if self.n_adult > 0:
            loss = h.disability_labour_loss * self.disabled + h.chronic_labour_loss * self.chronic
        return max(self.n_adult - loss, 0.0)

    def fall_ill(self) -> None:
        """A serious illness episode (lognormal cost), chronic illness, disability."""
        h = self.model.p.health
        draws = self.model.draws
        u = draws.uniform(self, "illness")
        p = (h.p_illness + h.p_illness_per_elderly * self.n_elderly
             + h.p_illness_chronic * self.chronic)
        self.illness_episode = u < p
        spending = h.chronic_cost if self.chronic else 0.0
        if self.illness_episode:
            position = min(max(u / p, UNIFORM_EDGE), 1 - UNIFORM_EDGE)
            z = NormalDist().inv_cdf(position)
            spending += h.illness_cost_median * math.exp(h.illness_cost_sigma * z)
        if self.model.clinic[self.village]:
            spending *= 1 - h.clinic_cost_cut
        self.medical_spending = spending
        u = draws.uniform(self, "chronic")
        if self.chronic:
            self.chronic = not u < h.p_chronic_recovery
        else:
            self.chronic = u < h.p_chronic_onset + h.p_chronic_onset_per_elderly * self.n_elderly
        u = draws.uniform(self, "disability")
        onset = h.p_disability_onset + h.p_disability_onset_per_elderly * self.n_elderly
        self.disabled = self.disabled or u < onset

    def earn(self) -> None:
        """Farm income and wages (with a transitory shock), transfers, costs; net income."""
        model = self.model
        e, h = model.p.economy, model.p.health
        t = model.years_elapsed
        labour = max(self.able_labour() - h.illness_labour_loss * self.illness_episode, 0.0)
        workers = math.floor(labour)
        migrants = min(self.n_migrant, workers)
        local = min(self.n_local_job, workers - migrants)
        farm_labour = max(labour - migrants - local, 0.0) + e.elderly_farm_labour * self.n_elderly
        sigma = e.transitory_sigma
        shock = math.exp(sigma * model.draws.normal(self, "income") - sigma * sigma / 2)
        drive = (1 - e.motivation_income_effect * (1 - self.motivation)) * shock
        farm = (e.farm_income_per_worker * (1 + e.farm_productivity_growth) ** t
                * farm_labour ** e.farm_labour_elasticity
                * (self.land / model.p.population.land_mean) ** e.land_elasticity
                * model.village_farm[self.village] * self.ability * drive)
        migrants_paid = migrants
        job_loss = model.p.shocks.migrant_job_loss
        if self.n_migrant and model.draws.uniform(self, "job_loss") < job_loss:
            migrants_paid = 0  # the migrants lost their jobs and this year's wages
        per_worker = migrants_paid * e.migrant_wage * e.remittance_share + local * e.local_wage
        wages = (per_worker * (e.skill_wage_floor + self.skill)
                 * self.ability ** e.ability_wage_elasticity * drive * (1 + e.wage_growth) ** t)
        self.farm_income = farm * model.market_scale
        self.wage_income = wages * model.market_scale
        self.transfer_income = (e.pension * (1 + e.pension_growth) ** t * self.n_elderly
                                + e.farm_subsidy_per_mu * self.land)
        self.medical_oop = self.medical_spending * (1 - h.baseline_reimbursement)
        self.schooling_spending = e.schooling_cost * self.n_school
        self.debt_service = self.debt * e.debt_repayment_share
        self.debt -= self.debt_service
        self.update_net_income()

    def update_net_income(self) -> None:
        """Net income from its parts, and per member."""
        self.net_income = (self.farm_income + self.wage_income + self.transfer_income
                           - self.medical_oop - self.schooling_spending - self.debt_service)
        self.income_pc = self.net_income / self.size

    def save(self) -> None:
        """Save part of income well above the line; draw on savings to cover a shortfall."""
        e = self.model.p.economy
        line = self.model.line
        above = self.net_income - e.savings_threshold * line * self.size
        self.savings += e.savings_rate * max(above, 0.0)
        shortfall = max(line * self.size - self.net_income, 0.0)
        self.savings -= min(self.savings * e.dissaving_rate, shortfall)

    # ------------------------------------------------------------ registry
    def observe(self) -> None:
        """The cadres' observation of this year's income (persistent lognormal error)."""
        p = self.model.p.identification
        e = self.model.draws.normal(self, "observe")
        if self.model.registry_built:
            rho = p.noise_persistence
            self.observation_z = rho * self.observation_z + math.sqrt(1 - rho * rho) * e
        else:
            self.observation_z = e
        self.observed_pc = self.income_pc * self.observation_error()

    def observation_error(self) -> float:
        """This year's multiplicative observation error (mean 1)."""
        sigma = self.model.p.identification.noise_sd
        return math.exp(sigma * self.observation_z - sigma * sigma / 2)

    def set_status(self, status: int) -> None:
        """Change registered status this year."""
        self.reg_status = status
        self.reg_year = self.model.year

    @property
    def registered(self) -> bool:
        """On the registry as poor (registered or returned)."""
        return self.reg_status in (REGISTERED, RETURNED)

    def passes_labour_test(self) -> bool:
        """Whether the household may get the dibao (no able labour)."""
        d = self.model.p.interventions.dibao
        return not d.labour_test or self.able_labour() < d.max_labour

    def dibao_gap(self, income: float) -> float:
        """What the dibao tops up: the gap to the standard times members."""
        return max(self.model.p.interventions.dibao.standard - income, 0.0) * self.size


# ----------------------------------------------------------------------- reporters
def headcount_rate(model: ReferenceModel) -> float:
    """Share of persons below the line, in percent."""
    persons = model.agents.agg("persons", sum)
    poor = sum(a.persons for a in model.agents if a.poor)
    return 100.0 * poor / persons


def poor_households(model: ReferenceModel) -> int:
    """Households below the line."""
    return len(model.agents.select(lambda a: a.poor))


def mean_income(model: ReferenceModel) -> float:
    """Mean per-capita income over persons (negative incomes as 0)."""
    total = sum(a.persons * max(a.income_pc, 0.0) for a in model.agents)
    return total / model.agents.agg("persons", sum)


def registered_households(model: ReferenceModel) -> int:
    """Households on the registry as poor."""
    return len(model.agents.select(lambda a: a.registered))


def dibao_recipients(model: ReferenceModel) -> int:
    """Households receiving a dibao benefit this year."""
    return len(model.agents.select(lambda a: a.benefit > 0))


def entries(model: ReferenceModel) -> int:
    """Households poor for the first time this year."""
    return model.flows["entries"]


def exits(model: ReferenceModel) -> int:
    """Households that left poverty this year."""
    return model.flows["exits"]


def returns(model: ReferenceModel) -> int:
    """Households poor again this year after having been out."""
    return model.flows["returns"]


def exits_registered(model: ReferenceModel) -> int:
    """Certified exits this year."""
    return model.certified_exits


REPORTERS = {
    "year": lambda m: m.year,
    "headcount_rate": headcount_rate,
    "poor_households": poor_households,
    "mean_income": mean_income,
    "entries": entries,
    "exits": exits,
    "returns": returns,
    "registered_households": registered_households,
    "exits_registered": exits_registered,
    "dibao_recipients": dibao_recipients,
}
"""The reference's outputs, named as povsim's."""


# --------------------------------------------------------------------------- model
class ReferenceModel(mesa.Model):
    """The core household year, one Mesa agent per household.

    Args:
        start: A povsim model built with the same parameters, not yet stepped: the
            initial households and villages, and the income alignment factor.
        rng: Seed of this model's random numbers.
        draws: Make the draw source (default: the model's own generator).
    """

    def __init__(self, start: PovertyModel, *, rng: int | None = None,
                 draws: type[DrawSource] = DrawSource):
        super().__init__(rng=rng)
        self.params: Parameters = start.params
        self.p = self.params.at(self.params.run.start_year)
        self.line = self.p.run.poverty_line
        self.market_scale = start.market_scale
        self.draws = draws(self)
        v = start.villages
        e = self.p.economy
        self.clinic = v.clinic.tolist()
        self.county = v.county.tolist()
        self.village_farm = [
            (1 + e.infrastructure_farm_bonus * items)
            * (1 - e.remoteness_farm_penalty * remote * (1 - e.road_remoteness_cut * road))
            for items, remote, road in zip(v.infrastructure_count().tolist(), v.remoteness.tolist(),
                                           v.road.tolist(), strict=True)
        ]
        self.population_share = start.budget.population_share
        self.carry = 0.0
        self.national_level = 0.0
        self.available = 0.0
        self.registry_built = False
        self.flows = {"entries": 0, "exits": 0, "returns": 0}
        self.certified_exits = 0
        hh = start.households
        columns = ("village", "weight", "head_age", "n_young", "n_school", "n_adult",
                   "n_elderly", "disabled", "chronic", "skill", "ability", "motivation", "land",
                   "n_migrant", "n_local_job", "savings", "debt", "income_pc", "poor")
        table = {name: getattr(hh, name).tolist() for name in columns}
        for row in range(hh.n):
            Household(self, row, **{name: table[name][row] for name in columns})
        for a in self.agents:
            a.persons = a.weight * a.size
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        self.datacollector.collect(self)

    @property
    def year(self) -> int:
        """Calendar year: the state year between steps, the simulated year during one."""
        return self.params.run.start_year + round(self.time)

    @property
    def years_elapsed(self) -> int:
        """Years since the start year."""
        return round(self.time)

    def step(self) -> None:
        """One year (povsim's phases, as they act in :data:`MATCHING`)."""
        self.p = self.params.at(self.year)
        self.open_budget()
        self.agents.shuffle_do("step")
        self.identify()
        self.deliver_dibao()
        self.pay_dibao()
        self.assess_exits()
        self.follow_up_exits()
        self.record()
        self.running = self.year < self.params.run.end_year

    # ----------------------------------------------------------------- money
    def open_budget(self) -> None:
        """Receive the year's funds; the dibao's allocation (it is the only programme)."""
        b, d = self.p.budget, self.p.interventions.dibao
        if self.year > b.start_year and self.national_level:
            self.national_level *= 1 + b.growth
        else:
            self.national_level = (b.national_billion * 1e9
                                   * (1 + b.growth) ** max(self.year - b.start_year, 0))
        general = 0.0
        if b.start_year <= self.year <= b.end_year:
            general = self.national_level * self.population_share
        running = d.enabled and d.start_year <= self.year <= d.end_year
        keep = 1 - b.leakage
        pool = self.carry + general * keep
        shared = pool * d.budget_share if running else 0.0
        dedicated = d.dedicated_billion * 1e9 * self.population_share if running else 0.0
        allocated = shared + dedicated * keep
        self.idle = allocated * b.idle
        self.available = allocated - self.idle
        self.unallocated = pool - shared

    def close_budget(self) -> None:
        """Carry everything unspent to next year."""
        self.carry = self.unallocated + self.idle + self.available
        self.available = 0.0

    # ---------------------------------------------------------- registry
    def identify(self) -> None:
        """Observe incomes; build the registry the first year, adjust it later."""
        p = self.p.identification
        if self.year < p.start_year:
            return
        for a in self.agents:
            a.observe()
        if not self.registry_built:
            self.build_registry()
            self.registry_built = True
        elif p.adjustment and self.year >= p.adjustment_start_year:
            self.adjust_registry()

    def village_quotas(self) -> dict[int, int]:
        """Households each village may register: the county quota split by observed need."""
        p = self.p.identification
        size: dict[int, int] = defaultdict(int)
        weight: dict[int, float] = defaultdict(float)
        for a in self.agents:
            size[a.village] += 1
            if p.quota_allocation == "proportional" or a.observed_pc < self.line:
                weight[a.village] += 1
        county_size: dict[int, int] = defaultdict(int)
        county_weight: dict[int, float] = defaultdict(float)
        for village, count in size.items():
            county_size[self.county[village]] += count
            county_weight[self.county[village]] += weight[village]
        quotas = {}
        for village in size:
            county = self.county[village]
            share = weight[village] / county_weight[county] if county_weight[county] else 0.0
            quotas[village] = round(p.quota_rate * county_size[county] * share)
        return quotas

    def by_village(self, households) -> dict[int, list[Household]]:
        """Households grouped by village, lowest observed income first."""
        groups: dict[int, list[Household]] = defaultdict(list)
        for a in sorted(households, key=lambda a: (a.observed_pc, a.row)):
            groups[a.village].append(a)
        return groups

    def build_registry(self) -> None:
        """Each village registers its lowest observed incomes within its quota."""
        quotas = self.village_quotas()
        for village, group in self.by_village(self.agents).items():
            for a in group[: quotas[village]]:
                a.set_status(REGISTERED)

    def adjust_registry(self) -> None:
        """Remove the clearly non-poor, add the newly poor, re-register the returned."""
        p = self.p.identification
        for a in self.agents:
            if a.registered and a.observed_pc > self.line * p.removal_margin and a.exit_year < 0:
                a.set_status(NEVER)
                a.enrolled = False
        new, returned = [], []
        for a in self.agents:
            if a.observed_pc < self.line:
                if a.reg_status in (NEVER, MONITORED) and a.exit_year < 0:
                    new.append(a)
                elif a.reg_status == EXITED or (a.reg_status == MONITORED and a.exit_year >= 0):
                    returned.append(a)
        if p.mode == "quota":
            quotas = self.village_quotas()
            on_registry: dict[int, int] = defaultdict(int)
            for a in self.agents:
                if a.reg_status in (REGISTERED, EXITED, RETURNED):
                    on_registry[a.village] += 1
            kept = []
            for village, group in self.by_village(new).items():
                kept += group[: max(quotas[village] - on_registry[village], 0)]
            new = kept
        for a in new:
            a.set_status(REGISTERED)
        for a in returned:
            a.set_status(RETURNED)

    # ---------------------------------------------------------------- dibao
    def deliver_dibao(self) -> None:
        """Enrol registered households that pass the labour test, poorest first, within money."""
        d = self.p.interventions.dibao
        if not (d.enabled and d.start_year <= self.year <= d.end_year):
            return
        supported = [a for a in self.agents if a.reg_status in (REGISTERED, RETURNED, MONITORED)]
        supported.sort(key=lambda a: (a.income_pc if math.isnan(a.observed_pc) else a.observed_pc,
                                      a.row))
        money = self.available * (1 + 1e-12)
        committed = 0.0
        for a in supported:
            if a.enrolled or not a.passes_labour_test():
                continue
            if not self.draws.uniform(a, "take_up") < d.take_up:
                continue
            committed += a.dibao_gap(a.income_pc)
            if committed > money:
                break
            a.enrolled = True

    def pay_dibao(self) -> None:
        """Every enrolled household gets the gap to the standard (cut if money is short)."""
        enrolled = [a for a in self.agents if a.enrolled]
        for a in self.agents:
            a.benefit = 0.0
        gaps = [a.dibao_gap(a.income_pc if math.isnan(a.observed_pc) else a.observed_pc)
                * a.passes_labour_test() for a in enrolled]
        due = sum(gaps)
        paid = min(due, self.available) if due > 0 else 0.0
        self.available -= paid
        ratio = paid / due if due > 0 else 1.0
        for a, gap in zip(enrolled, gaps, strict=True):
            a.benefit = gap * ratio
            a.transfer_income += a.benefit
            a.update_net_income()

    # ----------------------------------------------------------------- exits
    def assess_exits(self) -> None:
        """Registered households assessed above the line exit; spot checks catch some."""
        p = self.p.exit
        self.certified_exits = 0
        if self.year < p.start_year or not self.registry_built:
            return
        for a in self.agents:
            if not (a.registered and self.year - a.reg_year >= p.min_years_registered):
                continue
            if a.income_pc * a.observation_error() < self.line * p.income_margin:
                continue
            fake = a.income_pc < self.line
            checked = self.draws.uniform(a, "spot_check") < p.spot_check_rate
            if fake and checked and self.draws.uniform(a, "spot_check") < p.spot_check_accuracy:
                continue
            a.set_status(EXITED)
            a.exit_year = self.year
            a.fell_back = False
            self.certified_exits += 1

    def follow_up_exits(self) -> None:
        """Note exited households poor again; withdraw support when it is due."""
        if not self.registry_built:
            return
        years = self.p.post_exit.support_years
        for a in self.agents:
            if a.exit_year >= 0 and not a.fell_back and a.income_pc < self.line:
                a.fell_back = True
            if a.reg_status == EXITED and self.year - a.exit_year >= years:
                a.enrolled = False

    # ----------------------------------------------------------------- record
    def record(self) -> None:
        """True status against the line, flows; close the accounts; collect outputs."""
        flows = {"entries": 0, "exits": 0, "returns": 0}
        for a in self.agents:
            poor = a.income_pc < self.line
            if poor and not a.poor:
                flows["returns" if a.ever_exited else "entries"] += 1
            elif a.poor and not poor:
                flows["exits"] += 1
                a.ever_exited = True
            a.poor = poor
        self.flows = flows
        self.close_budget()
        self.datacollector.collect(self)

    def outputs(self):  # -> pandas.DataFrame
        """Yearly outputs, one row per year."""
        return self.datacollector.get_model_vars_dataframe()


def povsim_start(seed: int, n_households: int, **overrides: Any) -> PovertyModel:
    """povsim in the matching configuration, in its start-year state.

    It collects the same outputs as the reference (:data:`REPORTERS`): both do the same
    work each year.
    """
    return PovertyModel(rng=seed, outputs=list(REPORTERS),
                        **{**MATCHING, "population.n_households": n_households, **overrides})


def replayed_draws(povsim_model: PovertyModel) -> type[DrawSource]:
    """A draw source that gives each household the draws povsim gave it this year.

    Take-up and spot checks are not replayed (povsim draws them for candidates in
    its own order): use it with a take-up of 1 and no spot checks.
    """
    names = {"illness": "u_illness", "chronic": "u_chronic", "disability": "u_disability",
             "job_loss": "u_job_loss", "income": "z_income", "observe": "z_observe"}

    class Replayed(DrawSource):
        def uniform(self, agent: Household | None, purpose: str) -> float:
            drawn = getattr(povsim_model.draws, names[purpose]) if purpose in names else None
            if drawn is None:  # not replayed, or skipped by povsim (its rate is zero)
                return 0.0
            return float(drawn[agent.row])

        def normal(self, agent: Household | None, purpose: str) -> float:
            return float(getattr(povsim_model.draws, names[purpose])[agent.row])

    return Replayed


__all__ = ["MATCHING", "REPORTERS", "DrawSource", "Household", "ReferenceModel",
           "povsim_start", "replayed_draws"]
