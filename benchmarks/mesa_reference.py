"""The core household year written the way Mesa models usually are: the speed reference.

One ``mesa.Agent`` per household with plain Python attributes, a ``step`` method that
the model runs with ``AgentSet.shuffle_do``, model-level steps that loop over agents,
and a ``mesa.DataCollector`` of model reporters. It implements the same rules as
povsim's own engine in the configuration :data:`MATCHING` (the campaign reduced to the
register and the dibao), so the two can be timed side by side on the same model
(``benchmarks/speed.py``) and checked to agree (``tests/test_benchmark_agreement.py``).

The core year, in povsim's order:

1. ageing (heads turn elderly; births, deaths and age-group moves are off in
   :data:`MATCHING`); illness episodes with lognormal costs, chronic illness, disability;
2. income: farm income and wages with a transitory shock (the part of them due to
   this year's luck is kept apart: *stable* income leaves it out), pensions and
   subsidies, out-of-pocket medical costs after the baseline reimbursement and critical
   illness insurance, schooling costs, debt service; savings;
3. identification, the register with memory: cadres know a household's income through
   verifications of its stable income, which carry the household's own persistent
   error (a standard normal drawn once, times the observation spread, less hidden
   income) shrunk by ``contact_error_decay`` for every contact so far. In the
   registration year each village registers its lowest verified incomes within its
   share of the national quota (split among counties, then villages, by the households
   observed below the line); from then on every registered household is verified each
   year (the yearly income check); poor households off the register come forward (they
   apply, or are brought forward after an illness or a lost migrant job), are verified,
   and are registered when found below the line (re-registered, a return, if they had
   exited);
4. the dibao, a means test: supported households, then exited ones whose support is
   kept, poorest known income first, are enrolled when their assessed income (verified
   income plus earnings imputed to idle able labour) is below their county's standard
   (higher without able labour), with chance ``take_up``, while the year's allocation
   covers the commitments; every enrolled household is re-assessed and gets its gap to
   the standard (cut pro rata when money is short), or leaves when it has none;
5. exit: registered households whose verified stable income (the dibao included) has
   been at least the line in ``exit.stable_years`` consecutive yearly assessments exit
   (spot checks reverse some false exits); support is withdrawn some years after exit;
6. true status and flows (entries, exits, returns).

The money is the year's central funds times ``budget.scale`` in 2010 prices, scaled to
the simulated population, less leakage; the dibao gets its share of the pool, less idle
funds; what is not spent is carried to the next year.

The initial state (households, villages, the counties' dibao standards, the income
alignment factor) is taken from a povsim model built with the same parameters, as a
Mesa model is often initialised from a household survey table; the random numbers
(each household's persistent observation error among them) are the model's own
(``model.random``), unless a :class:`DrawSource` is given to replay povsim's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
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

GROWTH_RATES = ("wage_growth", "farm_productivity_growth", "pension_growth")
"""Real growth rates (``economy.<rate>``) whose levels the year's incomes use."""

MAX_CONTACTS = 100
"""Verification contacts are counted up to this many (as povsim's register)."""

MAX_STABLE_YEARS = 100
"""Consecutive assessments above the exit margin are counted up to this many (as povsim)."""

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
    # no behavioural response to the dibao: work effort stays whole
    "behaviour.withdrawal_effort_cut": 0.0,
    # identification: the register with memory (persistent errors shrinking with
    # contact, quota registration, yearly income checks, coming forward), with one
    # observation spread everywhere (no cadre competence), no favouritism, no public
    # review and no look-back sweep
    "identification.mode": "quota",
    "identification.competence_noise_cut": 0.0,
    "identification.favouritism": 0.0,
    "identification.public_review_catch": 0.0,
    "identification.lookback_share": 0.0,
    "exit.return_reluctance": 0.0,
    # measures reach the poorest first everywhere (no priority for poor villages or
    # designated counties, whose exits then change nothing for households)
    "counties.designated_priority": False,
    # the campaign reduced to the dibao (a package for every supported household);
    # exit on income, no target pressure; no helpers, no monitoring
    "helpers.enabled": False,
    "monitoring.enabled": False,
    "exit.criteria": "income_only",
    "exit.target_pressure": 0.0,
    "interventions.dibao.targeting": "package",
    **{f"interventions.{name}.enabled": False for name in INTERVENTION_NAMES if name != "dibao"},
}
"""povsim's parameters for the core household year (everything else at its default).

The reference implements the rules these leave on, for any values of the other
parameters; :class:`ReferenceModel` refuses parameters that depart from them.
"""


def matching_departures(params: Parameters) -> list[str]:
    """The :data:`MATCHING` settings ``params`` depart from, in some year of the run.

    Args:
        params: A parameter tree (may hold year schedules).

    Returns:
        ``"path = value in year (MATCHING: value)"`` for each departure (empty if none).
    """
    departures = []
    for year in range(params.run.start_year, params.run.end_year + 1):
        resolved = params.at(year)
        for path, wanted in MATCHING.items():
            value = resolved.get(path)
            if value != wanted:
                departures.append(f"{path} = {value!r} in {year} (MATCHING: {wanted!r})")
    return departures


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
    """A rural household: members, health, economy, and its record on the register."""

    def __init__(self, model: ReferenceModel, row: int, **state: Any):
        super().__init__(model)
        self.row = row
        self.__dict__.update(state)
        self.size = self.n_young + self.n_school + self.n_adult + self.n_elderly
        self.illness_episode = False
        self.job_lost = False
        self.medical_spending = 0.0
        self.transitory_income = 0.0
        # the register's record of the household
        self.reg_status = NEVER
        self.reg_year = -1
        self.error_z = model.draws.normal(self, "error")  # its own, for good
        self.contacts = 0
        self.known_pc = math.nan
        self.known_year = -1
        self.stable_years = 0
        self.exit_year = -1
        self.fell_back = False
        self.support_kept = False
        # the dibao
        self.enrolled = False
        self.benefit = 0.0
        self.ever_exited = False

    # ---------------------------------------------------------------- the year
    def step(self) -> None:
        """The household's own year: ageing, health, income, savings."""
        self.age()
        self.fall_ill()
        self.leave_work_beyond_labour()
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

    def idle_workers(self) -> int:
        """Able workers with neither migrant work nor a local job."""
        return math.floor(self.able_labour()) - self.n_migrant - self.n_local_job

    def leave_work_beyond_labour(self) -> None:
        """Members in work beyond the able workers stop: local work first, then migrant."""
        surplus = -self.idle_workers()
        if surplus > 0:
            cut = min(self.n_local_job, surplus)
            self.n_local_job -= cut
            self.n_migrant -= min(self.n_migrant, surplus - cut)

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
        e, h, s = model.p.economy, model.p.health, model.p.shocks
        labour = max(self.able_labour() - h.illness_labour_loss * self.illness_episode, 0.0)
        workers = math.floor(labour)
        migrants = min(self.n_migrant, workers)
        local = min(self.n_local_job, workers - migrants)
        farm_labour = max(labour - migrants - local, 0.0) + e.elderly_farm_labour * self.n_elderly
        sigma = e.transitory_sigma
        shock = math.exp(sigma * model.draws.normal(self, "income") - sigma * sigma / 2)
        drive = (1 - e.motivation_income_effect * (1 - self.motivation)) * shock
        farm = (e.farm_income_per_worker * model.levels["farm_productivity_growth"]
                * farm_labour ** e.farm_labour_elasticity
                * (self.land / model.p.population.land_mean) ** e.land_elasticity
                * model.village_farm[self.village] * self.ability * drive)
        self.job_lost = bool(self.n_migrant) and (
            model.draws.uniform(self, "job_loss") < s.migrant_job_loss)
        migrants_paid = migrants * (1 - s.migrant_wage_loss) if self.job_lost else migrants
        per_worker = migrants_paid * e.migrant_wage * e.remittance_share + local * e.local_wage
        wages = (per_worker * (e.skill_wage_floor + self.skill)
                 * self.ability ** e.ability_wage_elasticity * drive * model.levels["wage_growth"])
        self.farm_income = farm * model.market_scale
        self.wage_income = wages * model.market_scale
        # the part of farm income and wages due to this year's luck
        self.transitory_income = (self.farm_income + self.wage_income) * (1 - 1 / shock)
        self.transfer_income = (e.pension * model.levels["pension_growth"] * self.n_elderly
                                + e.farm_subsidy_per_mu * self.land)
        oop = self.medical_spending * (1 - h.baseline_reimbursement)
        oop -= h.critical_illness_rate * max(oop - h.critical_illness_threshold, 0.0)
        self.medical_oop = oop
        self.schooling_spending = e.schooling_cost * self.n_school
        self.debt_service = self.debt * e.debt_repayment_share
        self.debt -= self.debt_service
        self.update_net_income()

    def update_net_income(self) -> None:
        """Net income from its parts, and per member."""
        self.net_income = (self.farm_income + self.wage_income + self.transfer_income
                           - self.medical_oop - self.schooling_spending - self.debt_service)
        self.income_pc = self.net_income / self.size

    def stable_pc(self) -> float:
        """Per-capita income from lasting sources (without this year's transitory luck)."""
        return (self.net_income - self.transitory_income) / self.size

    def save(self) -> None:
        """Save part of income well above the line; draw on savings to cover a shortfall."""
        e = self.model.p.economy
        line = self.model.line
        above = self.net_income - e.savings_threshold * line * self.size
        self.savings += e.savings_rate * max(above, 0.0)
        shortfall = max(line * self.size - self.net_income, 0.0)
        self.savings -= min(self.savings * e.dissaving_rate, shortfall)

    # ------------------------------------------------------------ the register
    def observation_factor(self) -> float:
        """What a verification multiplies this household's income by, as things stand.

        Its persistent error and hidden income, shrunk by the contacts so far.
        """
        p = self.model.p.identification
        log_error = p.noise_sd * self.error_z - p.hidden_income
        return math.exp(p.contact_error_decay ** self.contacts * log_error)

    def observe_stable(self) -> float:
        """Stable per-capita income as a verification finds it now (no contact counted)."""
        return self.stable_pc() * self.observation_factor()

    def record_verification(self, observed: float) -> None:
        """Keep what a verification found as the cadres' knowledge of the household."""
        self.known_pc = observed
        self.known_year = self.model.year

    def count_contact(self) -> None:
        """One more verification contact (cadres learn the household better)."""
        self.contacts = min(self.contacts + 1, MAX_CONTACTS)

    def verify(self) -> float:
        """Verify the household: observe its stable income, keep it, count the contact."""
        observed = self.observe_stable()
        self.record_verification(observed)
        self.count_contact()
        return observed

    def known_or_true_pc(self) -> float:
        """Income as cadres know it (true income if never verified): the priority key."""
        return self.income_pc if math.isnan(self.known_pc) else self.known_pc

    def set_status(self, status: int) -> None:
        """Change registered status this year."""
        self.reg_status = status
        self.reg_year = self.model.year

    @property
    def registered(self) -> bool:
        """On the register as poor (registered or returned)."""
        return self.reg_status in (REGISTERED, RETURNED)

    @property
    def supported(self) -> bool:
        """Gets measures: registered, returned or monitored."""
        return self.reg_status in (REGISTERED, RETURNED, MONITORED)

    @property
    def followed(self) -> bool:
        """Exited with its post-exit support still kept (the dibao may still reach it)."""
        return self.reg_status == EXITED and self.support_kept

    def comes_forward(self) -> bool:
        """Poor and off the register, the household applies or is brought forward."""
        if self.registered or self.income_pc >= self.model.line:
            return False
        p = self.model.p.identification
        chance = p.application_rate
        if self.illness_episode or self.job_lost:  # a visible shock
            chance += (1 - p.application_rate) * p.shock_nomination
        return self.model.draws.uniform(self, "register") < chance

    def certify_exit(self) -> None:
        """Certified out of poverty this year; its support is kept for now."""
        self.set_status(EXITED)
        self.exit_year = self.model.year
        self.fell_back = False
        self.support_kept = True

    def support_end_year(self) -> int:
        """The year from which the support of this exited household is withdrawn."""
        post = self.model.p.post_exit
        end = max(self.exit_year + post.support_years, post.kept_through + 1)
        if post.phase_out_years > 1:
            end += self.row % post.phase_out_years
        return end

    # ---------------------------------------------------------------- the dibao
    def dibao_standard(self) -> float:
        """The standard the household is tested against this year (yuan a person)."""
        model = self.model
        standard = model.dibao_standards[model.county[self.village]]
        if self.able_labour() <= 0:
            standard *= model.p.interventions.dibao.support_ratio
        return standard

    def verify_this_year(self) -> None:
        """Verify the household unless cadres already did this year (the means test's review)."""
        if self.known_year < self.model.year:
            self.verify()

    def assessed_income(self) -> float:
        """Per-capita income as the means test assesses it (before the dibao).

        The income cadres verified this year (verified now if not yet), less the
        disregarded earnings, plus what the farm income falls short of the earnings
        imputed to able members without off-farm work.
        """
        model = self.model
        d = model.p.interventions.dibao
        self.verify_this_year()
        income = self.known_pc
        if d.earnings_disregard > 0:
            income -= d.earnings_disregard * (self.farm_income + self.wage_income) / self.size
        deemed = max(self.idle_workers(), 0) * model.imputed_earnings
        return income + max(deemed - max(self.farm_income, 0.0), 0.0) / self.size

    def dibao_gap(self) -> float:
        """What the dibao tops up: the gap to the standard times members (0 if none)."""
        return max(self.dibao_standard() - self.assessed_income(), 0.0) * self.size


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
    """Households on the register as poor."""
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
            initial households and villages, the counties' dibao standards, and the
            income alignment factor.
        rng: Seed of this model's random numbers.
        draws: Make the draw source (default: the model's own generator).

    Raises:
        ValueError: If ``start``'s parameters depart from :data:`MATCHING` (the
            reference does not implement the mechanisms it switches off).
    """

    def __init__(self, start: PovertyModel, *, rng: int | None = None,
                 draws: type[DrawSource] = DrawSource):
        super().__init__(rng=rng)
        self.params: Parameters = start.params
        departures = matching_departures(self.params)
        if departures:
            raise ValueError("the reference implements povsim in MATCHING only: "
                             + "; ".join(departures))
        self.p = self.params.at(self.params.run.start_year)
        self.levels = dict.fromkeys(GROWTH_RATES, 1.0)
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
        self.county_factor = start.interventions["dibao"].county_factor.tolist()
        self.dibao_standards: list[float] = []
        self.imputed_earnings = 0.0
        self.population_share = start.budget.population_share
        self.carry = 0.0
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

    def step(self) -> None:
        """One year (povsim's phases, as they act in :data:`MATCHING`)."""
        self.p = self.params.at(self.year)
        for rate in GROWTH_RATES:  # the product of 1 + each year's rate (it may change)
            self.levels[rate] *= 1 + getattr(self.p.economy, rate)
        self.open_budget()
        self.agents.shuffle_do("step")
        self.identify()
        self.set_dibao_rules()
        self.deliver_dibao()
        self.pay_dibao()
        self.assess_exits()
        self.follow_up_exits()
        self.record()
        self.running = self.year < self.params.run.end_year

    # ----------------------------------------------------------------- money
    def dibao_running(self) -> bool:
        """Whether the dibao takes in new households this year."""
        d = self.p.interventions.dibao
        return d.enabled and d.start_year <= self.year <= d.end_year

    def open_budget(self) -> None:
        """Receive the year's funds; the dibao's allocation (it is the only programme)."""
        b, d = self.p.budget, self.p.interventions.dibao
        general = 0.0
        if b.start_year <= self.year <= b.end_year:
            national = b.national_billion * 1e9 * b.scale / self.p.run.price_index
            general = national * self.population_share
        leakage = b.leakage * (1 - b.supervision * b.supervision_leakage_cut)
        idle_share = b.idle * (1 - b.supervision * b.supervision_idle_cut)
        running = self.dibao_running()
        keep = 1 - leakage
        pool = self.carry + general * keep
        shared = pool * d.budget_share if running else 0.0
        dedicated = d.dedicated_billion * 1e9 * self.population_share if running else 0.0
        allocated = shared + dedicated * keep
        self.idle = allocated * idle_share
        self.available = allocated - self.idle
        self.unallocated = pool - shared

    def close_budget(self) -> None:
        """Carry everything unspent to next year (or return it)."""
        unspent = self.unallocated + self.idle + self.available
        self.carry = unspent if self.p.budget.carry_unused else 0.0
        self.available = 0.0

    # -------------------------------------------------------------- register
    def identify(self) -> None:
        """Build the register in its first year; check incomes and adjust it later."""
        p = self.p.identification
        if self.year < p.start_year:
            return
        if not self.registry_built:
            self.build_registry()
            self.registry_built = True
            return
        for a in self.agents:  # the yearly income check
            if a.registered:
                a.verify()
        if self.year > p.end_year:
            return
        if p.adjustment and self.year >= p.adjustment_start_year:
            self.adjust_registry()

    def village_quotas(self) -> dict[int, int]:
        """Households each village may register: the national quota split by observed need."""
        p = self.p.identification
        size: dict[int, int] = defaultdict(int)
        weight: dict[int, float] = defaultdict(float)
        for a in self.agents:
            size[a.village] += 1
            if p.quota_allocation == "proportional" or a.known_pc < self.line:
                weight[a.village] += 1
        county_size: dict[int, int] = defaultdict(int)
        county_weight: dict[int, float] = defaultdict(float)
        for village, count in size.items():
            county_size[self.county[village]] += count
            county_weight[self.county[village]] += weight[village]
        # the national quota, split among counties by the same weights (by size, or by
        # the households observed below the line), then among each county's villages
        national = p.quota_rate * float(sum(county_size.values()))
        total_weight = max(sum(county_weight.values()), 1.0)
        quotas = {}
        for village in size:
            county = self.county[village]
            county_quota = national * county_weight[county] / total_weight
            share = weight[village] / county_weight[county] if county_weight[county] else 0.0
            quotas[village] = round(county_quota * share)
        return quotas

    @staticmethod
    def by_village(households: Iterable[Household]) -> dict[int, list[Household]]:
        """Households grouped by village, lowest known income first."""
        groups: dict[int, list[Household]] = defaultdict(list)
        for a in sorted(households, key=lambda a: (a.known_pc, a.row)):
            groups[a.village].append(a)
        return groups

    def build_registry(self) -> None:
        """Mass registration: every household verified; the lowest registered by quota."""
        for a in self.agents:
            a.record_verification(a.observe_stable())
        quotas = self.village_quotas()
        for village, group in self.by_village(self.agents).items():
            for a in group[: quotas[village]]:
                a.set_status(REGISTERED)
                a.count_contact()

    def adjust_registry(self) -> None:
        """Dynamic adjustment: who comes forward is verified; the poor are (re-)registered."""
        for a in self.agents:
            if not a.comes_forward():
                continue
            if a.verify() < self.line:
                if a.exit_year >= 0:
                    a.set_status(RETURNED)
                    a.stable_years = 0
                    a.support_kept = False  # registered poor again: the old exit's support ends
                else:
                    a.set_status(REGISTERED)

    # ---------------------------------------------------------------- dibao
    def set_dibao_rules(self) -> None:
        """This year's county standards (at least the line once floored) and imputed earnings."""
        d = self.p.interventions.dibao
        floor = self.line if self.year >= d.line_floor_year else 0.0
        self.dibao_standards = [max(d.standard * f, floor) for f in self.county_factor]
        self.imputed_earnings = (d.imputed_earnings
                                 * self.levels["wage_growth"])

    def deliver_dibao(self) -> None:
        """Enrol means-tested households, poorest first, while the money covers them."""
        if not self.dibao_running():
            return
        d = self.p.interventions.dibao

        def priority(a: Household) -> tuple[float, int]:
            return a.known_or_true_pc(), a.row

        supported = sorted(self.agents.select(lambda a: a.supported), key=priority)
        # exited households apply when enrolled (the review) or below their standard
        followed = sorted(self.agents.select(
            lambda a: a.followed and (a.enrolled or a.stable_pc() < a.dibao_standard())),
            key=priority)
        # households outside the register's support apply when their stable income is
        # below their standard, with chance open_application_rate (in row order, last)
        outside = sorted(self.agents.select(
            lambda a: not (a.supported or a.followed or a.enrolled)
            and self.draws.uniform(a, "dibao_application") < d.open_application_rate
            and a.stable_pc() < a.dibao_standard()), key=lambda a: a.row)
        money = self.available * (1 + 1e-12)
        committed = 0.0
        for a in supported + followed + outside:  # all are means-tested on this year's income
            a.verify_this_year()
        for a in supported + followed + outside:
            if a.enrolled:
                continue
            gap = a.dibao_gap()
            if gap <= 0 or not self.draws.uniform(a, "take_up") < d.take_up:
                continue
            committed += gap
            if committed > money:
                break
            a.enrolled = True

    def pay_dibao(self) -> None:
        """Every enrolled household is re-assessed and paid its gap (cut if money is short)."""
        enrolled = list(self.agents.select(lambda a: a.enrolled))
        for a in self.agents:
            a.benefit = 0.0
        gaps = []
        for a in enrolled:
            gap = a.dibao_gap()
            if gap <= 0:
                a.enrolled = False  # assessed at the standard: leaves
            gaps.append(gap)
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
        """Registered households with stable verified income above the line exit."""
        p = self.p.exit
        self.certified_exits = 0
        if self.year < p.start_year or not self.registry_built:
            return
        margin = self.line * p.income_margin
        for a in self.agents:
            if not a.registered:
                continue
            if a.observe_stable() >= margin:
                a.stable_years = min(a.stable_years + 1, MAX_STABLE_YEARS)
            else:
                a.stable_years = 0
            if self.year - a.reg_year < p.min_years_registered or a.stable_years < p.stable_years:
                continue
            fake = a.stable_pc() < self.line
            checked = self.draws.uniform(a, "spot_check") < p.spot_check_rate
            if fake and checked and self.draws.uniform(a, "spot_check") < p.spot_check_accuracy:
                continue  # the spot check reverses the false exit
            a.certify_exit()
            self.certified_exits += 1

    def follow_up_exits(self) -> None:
        """Note exited households poor again; withdraw support when it is due."""
        if not self.registry_built:
            return
        for a in self.agents:
            if a.exit_year >= 0 and not a.fell_back and a.income_pc < self.line:
                a.fell_back = True
            # as povsim: due for every household whose support is kept, returned ones too
            if a.support_kept and self.year >= a.support_end_year():
                a.enrolled = False
                a.support_kept = False

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
    """A draw source that gives each household the draws povsim gave it.

    The year's bulk draws of ``povsim_model`` (step it before the reference), and each
    household's persistent observation error from its register. Take-up and spot
    checks are not replayed (povsim draws them for candidates in its own order): use it
    with a take-up of 1 and no spot checks.
    """
    names = {"illness": "u_illness", "chronic": "u_chronic", "disability": "u_disability",
             "job_loss": "u_job_loss", "income": "z_income", "register": "u_register"}

    class Replayed(DrawSource):
        def uniform(self, agent: Household | None, purpose: str) -> float:
            drawn = getattr(povsim_model.draws, names[purpose]) if purpose in names else None
            if drawn is None:  # not replayed, or skipped by povsim (its rate is zero)
                return 0.0
            return float(drawn[agent.row])

        def normal(self, agent: Household | None, purpose: str) -> float:
            if purpose == "error":
                return float(povsim_model.registry.error_z[agent.row])
            return float(getattr(povsim_model.draws, names[purpose])[agent.row])

    return Replayed


__all__ = ["MATCHING", "REPORTERS", "DrawSource", "Household", "ReferenceModel",
           "matching_departures", "povsim_start", "replayed_draws"]
