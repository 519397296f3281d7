"""The PovertyModel: a rural population and the targeted poverty alleviation system.

Read :meth:`PovertyModel.step` top to bottom to follow one household's year. The
phases run in a fixed order (model requirement R3):

0. draws -- the year's bulk random draws; the year's budget is opened
1. demography and health -- ageing, births, deaths; illness, chronic illness, disability
2. shocks -- village disasters, farm prices, migrant job losses, enterprise fortunes
3. income -- policy effects, farm, wages, transfers minus costs; top-ups (dibao,
   premiums, relief); informal risk sharing; savings; school dropout
4. identification -- the register: mass registration, look-back sweep, yearly income
   checks, dynamic adjustment
5. prescription and delivery -- helpers, active help within capacity, measures by cause
6. behaviour -- migration and motivation, with neighbour information
7. exit assessment -- certified exits against the standard, pressure, spot checks;
   designated counties and poor villages exit
8. after exit -- support kept or withdrawn, return-prevention monitoring
9. record -- true status, flows and every output; the year's accounts are closed
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import mesa
import numpy as np

from povsim.agents import (
    CadreTeams,
    Enterprises,
    PairingHelpers,
    create_enterprises,
    create_village_teams,
)
from povsim.draws import Streams, YearDraws, draw_year
from povsim.errors import PovsimError
from povsim.governance.after_exit import follow_up_exits
from povsim.governance.exit import assess_exits
from povsim.governance.identification import identify
from povsim.governance.places import places_exit
from povsim.governance.prescription import prescribe_and_deliver, release_helpers
from povsim.governance.registry import Registry
from povsim.interventions import Intervention, build_interventions
from povsim.interventions.budget import Budget
from povsim.interventions.jobs import Jobs
from povsim.life.behaviour import behave
from povsim.life.demography import age_households
from povsim.life.growth import GrowthLevels, advance_farm_access
from povsim.life.health import illness_and_disability
from povsim.life.income import (
    IncomeEffects,
    compute_income,
    share_risk,
    update_net_income,
    update_savings,
)
from povsim.life.labour_market import JobStocks
from povsim.life.schooling import drop_out
from povsim.life.shocks import YearShocks, draw_shocks
from povsim.life.work import leave_work_beyond_labour
from povsim.metrics import OutputCollector, model_reporters
from povsim.metrics.bookkeeping import YearFlows, start_status, update_status
from povsim.params import Parameters
from povsim.params.spec import YEAR_LIMITS
from povsim.status import RegStatus
from povsim.util.values import is_whole
from povsim.world.counties import Counties, designate_counties
from povsim.world.households import ALL, Households, Rows
from povsim.world.network import VillageNetwork, build_network
from povsim.world.population import build_households, build_villages
from povsim.world.villages import Villages

ALIGNMENT_SORT_MARGIN = 2
"""When aligning the initial headcount, the highest thresholds sorted first are this
many times the target share of households (plus :data:`ALIGNMENT_SORT_SPARE`); if the
target is not reached among them, all are sorted. An engineering constant: the factor
found is the same either way."""

ALIGNMENT_SORT_SPARE = 1024
"""Thresholds sorted beyond :data:`ALIGNMENT_SORT_MARGIN` times the target (small runs)."""

PHASES: tuple[str, ...] = (
    "draws",
    "demography",
    "shocks",
    "income",
    "identification",
    "prescription",
    "behaviour",
    "exit",
    "after_exit",
    "record",
)
"""Phases of a year, in the order they run (timed in ``PovertyModel.phase_seconds``)."""


class PovertyModel(mesa.Model):
    """Households on a village network, and the cadres, helpers and enterprises acting on them.

    Households are a struct of arrays (:class:`~povsim.world.households.Households`);
    villages a table (:class:`~povsim.world.villages.Villages`); ties a sparse matrix
    (:class:`~povsim.world.network.VillageNetwork`). Cadre teams, pairing helpers and
    enterprises are Mesa agents (:mod:`povsim.agents`).

    Attributes:
        params: The full parameter tree (may hold year schedules).
        p: Parameters resolved for the current year.
        households: The household table.
        villages: The village table.
        counties: The county table (designated poor counties and their exits).
        network: The village network.
        cadres: Cadre teams (table; the agents are ``cadres.agents``).
        helpers: Pairing helpers (table).
        enterprises: Enterprises (table).
        registry: The poverty registry (what cadres observe and record).
        interventions: The interventions, by name, in delivery order.
        budget: The money accounts.
        jobs: Programme jobs (who works for which enterprise).
        helper_of: Helper row of each household (-1: none).
        flows: Flows into and out of true poverty in the last year.
        datacollector: Mesa DataCollector with one reporter per output.
        phase_seconds: Wall time spent in each phase so far.
    """

    def __init__(
        self,
        params: Parameters | None = None,
        *,
        rng: int | np.random.Generator | None = None,
        collect: bool = True,
        outputs: Sequence[str] | None = None,
        **overrides: Any,
    ):
        """Build the world in its start-year state.

        Args:
            params: Parameters (defaults if omitted).
            rng: Seed or generator; the same seed gives bit-identical results.
            collect: Whether to collect outputs each year with the DataCollector.
            outputs: Names of the outputs to collect (all if omitted; see
                :data:`povsim.metrics.OUTPUTS`). Outputs not collected are not computed.
            **overrides: Parameter overrides by dotted path, with ``__`` for dots when
                given as keywords (``health__p_illness=0.1``).

        Raises:
            ParameterError: If a parameter or override is invalid.
        """
        super().__init__(rng=rng)
        base = params if params is not None else Parameters()
        self.params: Parameters = base.with_overrides(overrides) if overrides else base
        if not overrides:
            self.params.validate()
        self.p: Parameters = self.params_at(self.params.run.start_year)
        self.levels: GrowthLevels = GrowthLevels.at(self.params, self.params.run.start_year)
        self.phase_seconds: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self.metrics_cache: tuple[int, Any] | None = None
        self.streams = Streams(self.rng)
        self._setup_world()
        self._setup_system()
        self.collect_outputs = collect
        self.datacollector = OutputCollector(model_reporters=model_reporters(outputs))
        if collect:
            self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up
    def _setup_world(self) -> None:
        p, setup = self.p, self.streams.setup
        self.villages: Villages = build_villages(p.population, setup)
        self.households: Households = build_households(p, self.villages, setup)
        self.network: VillageNetwork = build_network(
            self.households.village, self.villages.county, p.network, setup
        )
        hh = self.households
        self.draws: YearDraws = draw_year(setup, hh.n, p)
        illness_and_disability(hh, p, self.draws, self.villages.clinic)
        shocks = draw_shocks(hh, self.villages, p, setup, self.draws.u_damage,
                             self.draws.u_job_loss)
        effects = IncomeEffects.none(hh.n, p.health.baseline_reimbursement)
        self.market_scale = 1.0
        compute_income(hh, self.villages, p, self.levels, shocks, effects, self.draws, 1.0)
        if p.population.align_initial_headcount:
            self.market_scale = self._alignment_scale(p.population.initial_headcount)
            compute_income(hh, self.villages, p, self.levels, shocks, effects, self.draws,
                           self.market_scale)
        line = np.float32(p.run.poverty_line)
        hh.savings[:] = p.population.savings_years_of_income * np.maximum(
            hh.net_income - line * hh.size(), 0)
        hh.prev_income_pc[:] = hh.income_pc
        self.job_stocks: JobStocks = JobStocks.at_start(hh, p)
        self.counties: Counties = self._designate_counties()
        self.counties.insurance_turn = self.streams.insurance.random(
            self.counties.n, dtype=np.float32)
        self.shocks: YearShocks = shocks
        self.flows: YearFlows = start_status(hh, p.run.poverty_line, self.year,
                                             p.run.bad_year_smoothing,
                                             p.run.medical_costs_counted)
        self.initial_poor_persons = float((hh.weight * hh.size())[hh.poor].sum(dtype=np.float64))

    def _alignment_scale(self, target: float) -> float:
        """Factor on market income that makes the initial headcount equal ``target``.

        A household is poor when ``s * market + other < line * size``, i.e. when ``s``
        is below its threshold ``(line * size - other) / market``. The factor is the
        threshold at which the person-weighted share of poor reaches the target.
        Poverty is measured as the official measure does (:meth:`Households.measured_pc`):
        the share ``run.bad_year_smoothing`` of a bad year's fall, which scales with
        ``s`` like the market income it is part of, is added back to ``market``; the
        share ``1 - run.medical_costs_counted`` of medical spending, back to ``other``.
        """
        hh = self.households
        line = self.p.run.poverty_line
        size = hh.size().astype(np.float64)
        market = hh.farm_income.astype(np.float64) + hh.wage_income
        other = hh.net_income - market
        uncounted = 1.0 - self.p.run.medical_costs_counted
        if uncounted:
            other += uncounted * hh.medical_oop.astype(np.float64)
        smoothing = self.p.run.bad_year_smoothing
        if smoothing:
            market -= smoothing * np.minimum(hh.transitory_income, 0)
        persons = hh.weight * size
        need = line * size - other
        always = (market <= 0) & (need > 0)
        threshold = np.where(market > 0, need / np.where(market > 0, market, 1.0), -np.inf)
        remaining = target * persons.sum() - persons[always].sum()
        if remaining <= 0:
            return float(threshold.max()) + 1.0
        # The households in decreasing order of threshold until the target is reached:
        # usually among the highest thresholds, so those are sorted first.
        n = len(threshold)
        top = int(n * min(ALIGNMENT_SORT_MARGIN * target, 1.0)) + ALIGNMENT_SORT_SPARE
        if top < n:
            cut = np.partition(threshold, n - top)[n - top]
            highest = np.flatnonzero(threshold >= cut)
            order = highest[np.argsort(-threshold[highest], kind="stable")]
            cum = np.cumsum(persons[order])
            if cum[-1] >= remaining:
                return float(threshold[order[int(np.searchsorted(cum, remaining))]])
        order = np.argsort(-threshold, kind="stable")
        cum = np.cumsum(persons[order])
        k = min(int(np.searchsorted(cum, remaining)), len(order) - 1)
        return float(threshold[order[k]])

    def _designate_counties(self) -> Counties:
        """Designated poor counties (lowest mean income at the start) and western ones."""
        hh, v, c = self.households, self.villages, self.p.counties
        original = ~v.is_site
        n_counties = int(v.county.max()) + 1
        remoteness = np.bincount(v.county[original], weights=v.remoteness[original],
                                 minlength=n_counties) / np.maximum(
            np.bincount(v.county[original], minlength=n_counties), 1)
        persons = hh.weight * hh.size()
        return designate_counties(v.county[hh.village], persons, hh.income_pc, remoteness,
                                  c.designated_share, c.west_share)

    def _setup_system(self) -> None:
        """Cadres, enterprises, helpers, the registry, interventions and the budget."""
        hh, p = self.households, self.p
        n = hh.n
        self.cadres = CadreTeams()
        self.helpers = PairingHelpers()
        self.enterprises = Enterprises()
        create_village_teams(self, self.streams.agents)
        create_enterprises(self, self.streams.agents)
        self.cadre_households = self._pick_cadre_households()
        self.cadre_kin = self.network.kin_of(self.cadre_households)
        self.registry = Registry.empty(n, self.villages.n, self.streams.identification)
        self.registry.bind(self)
        self.helper_of = np.full(n, -1, np.int32)
        self.jobs = Jobs(n)
        self.relief_paid = 0.0
        self.insurance_paid = 0.0
        self.insurance_claims = 0
        self.reached_this_year = 0
        self._effect_buffers: dict[str, np.ndarray] = {}
        self.interventions = build_interventions(self)
        self._ever_running: set[str] = set()
        persons = float(hh.size().sum())
        share = persons / (p.population.rural_population_million * 1e6)
        self.budget = Budget(self.interventions, share)

    def _pick_cadre_households(self) -> np.ndarray:
        """The households of each village's cadres (``network.cadre_members`` per village)."""
        hh = self.households
        members = self.p.network.cadre_members
        starts = np.searchsorted(hh.village, np.flatnonzero(~self.villages.is_site))
        sizes = np.diff(np.append(starts, hh.n))
        offsets = self.streams.setup.random((len(starts), members))
        picks = starts[:, None] + (offsets * sizes[:, None]).astype(np.int64)
        return np.unique(picks.ravel())

    # ----------------------------------------------------------------- agents
    def _make_agents(self) -> None:
        """Make the agent objects of table rows added since agents were last looked at."""
        for name in ("cadres", "helpers", "enterprises"):
            table = self.__dict__.get(name)
            if table is not None:
                table.make_agents()

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """Every agent of the model (cadre teams, helpers, enterprises)."""
        self._make_agents()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, mesa.agent.AgentSet]:
        """The agents of each type."""
        self._make_agents()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """The types of agents in the model."""
        self._make_agents()
        return super().agent_types

    def remove_all_agents(self) -> None:
        """Remove every agent from the model."""
        self._make_agents()
        super().remove_all_agents()

    # ------------------------------------------------------------------- time
    @property
    def year(self) -> int:
        """Calendar year: the state year between steps, the simulated year during one."""
        return self.params.run.start_year + round(self.time)

    def params_at(self, year: int) -> Parameters:
        """The parameters in force in ``year``.

        A tree without year schedules resolves to itself in every year, which is found
        out once (resolving walks every section).
        """
        cached = self.__dict__.get("_unscheduled")
        if cached is not None and cached is self.params:
            return cached
        resolved = self.params.at(year)
        self._unscheduled = resolved if resolved is self.params else None
        return resolved

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phase_seconds[phase] += time.perf_counter() - start

    # ------------------------------------------------------------------- year
    def step(self) -> None:
        """Simulate one year (the phases of model requirement R3, in order)."""
        self.p = self.params_at(self.year)
        self.levels = GrowthLevels.at(self.params, self.year)
        advance_farm_access(self.villages, self.params, self.year)
        self.metrics_cache = None
        self.relief_paid = 0.0
        self.insurance_paid = 0.0
        self.insurance_claims = 0
        with self._timed("draws"):
            self.draws = draw_year(self.streams.draws, self.households.n, self.p)
            self.open_budget()
        with self._timed("demography"):
            dissolved = self.demography_and_health(self.draws)
        with self._timed("shocks"):
            shocks = self.suffer_shocks()
        with self._timed("income"):
            self.earn_income(shocks, self.draws)
        with self._timed("identification"):
            np.copyto(self.households.need_pc, self.households.stable_pc())
            identify(self)
        with self._timed("prescription"):
            prescribe_and_deliver(self)
            self.pay_transfers()
        with self._timed("behaviour"):
            behave(self, self.draws)
        with self._timed("exit"):
            assess_exits(self)
            places_exit(self)
        with self._timed("after_exit"):
            follow_up_exits(self)
        with self._timed("record"):
            self.record(dissolved)
        self.running = self.year < self.params.run.end_year

    # Phase 0
    def open_budget(self) -> None:
        """Receive the year's funds and split them among the running interventions."""
        self.registry.counts.reset()
        self.registry.registered_at_start = self.registry.is_registered()
        self.registry.start_registered = int(np.count_nonzero(
            self.registry.registered_at_start))
        self.registry.start_monitored = int(np.count_nonzero(
            self.households.reg_status == RegStatus.MONITORED))
        year = self.year
        running = [name for name, iv in self.interventions.items() if iv.running(year)]
        self._ever_running.update(running)
        self.budget.open_year(self.p, self.year, self.households.n, running)

    def active_interventions(self) -> list[Intervention]:
        """The interventions that have run in some year so far, in delivery order.

        One that has never run has delivered nothing and holds no state, so its yearly
        hooks (ageing, effects, payments, withdrawal) have nothing to do and are skipped.
        """
        return [iv for name, iv in self.interventions.items() if name in self._ever_running]

    # Phase 1
    def demography_and_health(self, draws: YearDraws) -> int:
        """Age members, births and deaths; illness episodes, chronic illness, disability.

        Returns:
            Number of poor households dissolved (all members died).
        """
        hh = self.households
        was_poor = hh.poor.copy()
        bonus = self.interventions["education"].skill_bonus()
        replaced = age_households(hh, self.p, draws, self.villages, self.streams.demography,
                                  schooling_bonus=bonus)
        if len(replaced):
            self.on_households_replaced(replaced)
        illness_and_disability(hh, self.p, draws, self.villages.clinic)
        leave_work_beyond_labour(self)
        return int(was_poor[replaced].sum())

    def on_households_replaced(self, rows: np.ndarray) -> None:
        """Forget the registry, programme and helper history of rows taken by new households."""
        self.registry.forget(rows)
        for iv in self.active_interventions():
            iv.forget(rows)
        self.jobs.forget(self, rows)
        release_helpers(self, rows)

    # Phase 2
    def suffer_shocks(self) -> YearShocks:
        """Village disasters, prices and job losses; enterprises' fortunes and failures."""
        shocks = draw_shocks(self.households, self.villages, self.p, self.streams.shocks,
                             self.draws.u_damage, self.draws.u_job_loss)
        self.shocks = shocks
        failed = self.enterprises.trade_year(self.p, self.streams.agents)
        self.jobs.update(self, failed)
        self.cadres.new_year(self.p, self.households.village_sizes(self.villages.n))
        return shocks

    # Phase 3
    def earn_income(self, shocks: YearShocks, draws: YearDraws) -> None:
        """Policy effects, incomes and costs, top-ups, risk sharing, savings, dropout."""
        hh = self.households
        hh.prev_income_pc[:] = hh.income_pc
        effects = self.income_effects()
        compute_income(hh, self.villages, self.p, self.levels, shocks, effects, draws,
                       self.market_scale)
        hh.debt -= effects.debt_service - self._interest_due
        np.maximum(hh.debt, 0, out=hh.debt)
        for iv in self.active_interventions():
            iv.top_up()
        update_net_income(hh)
        self.informal_transfers = share_risk(hh, self.network, self.p)
        update_savings(hh, self.p)
        drop_out(hh, self.p, draws, self.interventions["education"].covered)

    # Phase 5 (end)
    def pay_transfers(self) -> None:
        """Means-tested transfers of this year to households enrolled up to now (dibao)."""
        for iv in self.active_interventions():
            iv.transfer()
        # Every household's net income is recomputed from its parts (those helped by
        # neighbours too): no hook has to say which rows it changed.
        update_net_income(self.households)

    def income_effects(self) -> IncomeEffects:
        """What policy adds to household income this year (paying recurring costs)."""
        hh = self.households
        effects = IncomeEffects.none(hh.n, self.p.health.baseline_reimbursement,
                                     self._effect_buffers)
        for iv in self.active_interventions():
            iv.update()
        self.jobs.contribute(self, effects)
        for iv in self.active_interventions():
            iv.contribute(effects)
        self._interest_due = effects.debt_service.copy()
        effects.debt_service += hh.debt * np.float32(self.p.economy.debt_repayment_share)
        return effects

    # Phase 9
    def record(self, dissolved: int) -> None:
        """Update true status and flows; collect the year's outputs; close the accounts.

        Raises:
            PovsimError: If an income or the year's money is not a finite number (the
                parameters drove the arithmetic out of range): nothing is recorded.
        """
        self._check_finite()
        self.flows = update_status(self.households, self.p.run.poverty_line, self.year,
                                   dissolved, self.p.causes.illness_spending,
                                   self.p.run.bad_year_smoothing,
                                   self.p.run.medical_costs_counted)
        self.budget.close_year()
        if self.collect_outputs:
            self.datacollector.collect(self)

    def _check_finite(self) -> None:
        """Stop the run the moment an income or the year's money is not a finite number."""
        hh = self.households
        bad = np.count_nonzero(~(np.isfinite(hh.net_income) & np.isfinite(hh.income_pc)))
        acc = self.budget.current
        money = acc is None or all(np.isfinite([acc.new, acc.leaked, *acc.spent.values()]))
        if bad or not money:
            what = f"the incomes of {bad} households" if bad else "the year's money"
            raise PovsimError(
                f"year {self.year}: {what} are not finite numbers: the parameter values "
                "drive the model's arithmetic out of range (look for extreme amounts such "
                "as wages, costs or budgets); nothing of this year was recorded")

    # ------------------------------------------------------------ queries
    def able_labour(self) -> np.ndarray:
        """Able working-age labour of every household (without this year's episode)."""
        h = self.p.health
        return self.households.labour_units(h.disability_labour_loss, h.chronic_labour_loss)

    def idle_workers(self, rows: Rows = ALL) -> np.ndarray:
        """Able workers with neither migrant work, a local job nor a programme job.

        Args:
            rows: Households to return (all if omitted).
        """
        hh = self.households
        busy = (hh.n_migrant[rows].astype(np.int16) + hh.n_local_job[rows]
                + (self.jobs.employer[rows] >= 0))
        return np.floor(self.able_labour()[rows]) - busy

    # -------------------------------------------------------------- running
    def run(self, years: int | None = None, progress: bool = False) -> None:
        """Run ``years`` years (to the end year if omitted), optionally with a progress bar.

        Args:
            years: Number of years to simulate.
            progress: Show a tqdm progress bar over years.

        Raises:
            PovsimError: If ``years`` is not a whole number from 1 to the years left
                until the last year a run can reach.
        """
        if years is not None:
            last = YEAR_LIMITS[1] - self.year
            if not is_whole(years) or not 1 <= years <= last:
                raise PovsimError(f"years = {years!r}: allowed: a whole number from 1 to "
                                  f"{last} (a run reaches {YEAR_LIMITS[1]} at the latest)")
        remaining = self.params.run.end_year - self.year if years is None else int(years)
        if progress:
            from tqdm.auto import tqdm

            for _ in tqdm(range(remaining), desc="years", unit="yr", leave=False):
                self.run_for(1)
        else:
            self.run_for(remaining)

    def outputs(self):  # -> pandas.DataFrame
        """Yearly outputs collected so far, one row per year."""
        return self.datacollector.get_model_vars_dataframe()

    def parameter_values(self) -> Mapping[str, Any]:
        """Flat mapping of every parameter path to its value (schedules as tables)."""
        from povsim.params import flatten

        return flatten(self.params, self.params.run.start_year)
