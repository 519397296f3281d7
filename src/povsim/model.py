"""The PovertyModel: a synthetic rural population living year by year.

Read :meth:`PovertyModel.step` top to bottom to follow one household's year. The
phases run in a fixed order (MODEL.md section 3):

0. draws -- the year's bulk random draws (one stream per purpose)
1. demography and health -- ageing, births, deaths; illness, chronic illness, disability
2. shocks -- village disasters, farm prices, migrant job losses
3. income -- farm, wages, transfers minus costs; informal risk sharing; savings
4. identification -- cadres register and adjust the poverty registry
5. prescription and delivery -- measures by diagnosed cause, within capacity and budget
6. behaviour -- households' decisions, peer effects on motivation and jobs
7. exit assessment -- certified exits against the standard, spot checks
8. after exit -- support kept or withdrawn, return-prevention monitoring
9. record -- true status, flows and every output
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import mesa
import numpy as np

from povsim.bookkeeping import YearFlows, start_status, update_status
from povsim.draws import Streams, YearDraws, draw_year
from povsim.life.demography import age_households
from povsim.life.health import illness_and_disability
from povsim.life.income import (
    IncomeEffects,
    compute_income,
    share_risk,
    update_savings,
)
from povsim.life.shocks import YearShocks, draw_shocks
from povsim.metrics import model_reporters
from povsim.params import Parameters
from povsim.world.households import Households
from povsim.world.network import VillageNetwork, build_network
from povsim.world.population import build_households, build_villages
from povsim.world.villages import Villages

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
    """A rural population of households on a village network, stepped one year at a time.

    Households are a struct of arrays (:class:`~povsim.world.households.Households`);
    villages a table (:class:`~povsim.world.villages.Villages`); ties a sparse matrix
    (:class:`~povsim.world.network.VillageNetwork`).

    Attributes:
        params: The full parameter tree (may hold year schedules).
        p: Parameters resolved for the current year.
        households: The household table.
        villages: The village table.
        network: The village network.
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
        **overrides: Any,
    ):
        """Build the world in its start-year state.

        Args:
            params: Parameters (defaults if omitted).
            rng: Seed or generator; the same seed gives bit-identical results.
            collect: Whether to collect outputs each year with the DataCollector.
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
        self.p: Parameters = self.params.at(self.params.run.start_year)
        self.phase_seconds: dict[str, float] = dict.fromkeys(PHASES, 0.0)
        self.metrics_cache: tuple[int, Any] | None = None
        self.streams = Streams(self.rng)
        self._setup_world()
        self.collect_outputs = collect
        self.datacollector = mesa.DataCollector(model_reporters=model_reporters())
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
        draws = draw_year(setup, hh.n)
        illness_and_disability(hh, p, draws, setup)
        shocks = draw_shocks(hh, self.villages, p, setup)
        effects = self.income_effects()
        self.market_scale = 1.0
        compute_income(hh, self.villages, p, 0, shocks, effects, draws, 1.0)
        if p.population.align_initial_headcount:
            self.market_scale = self._alignment_scale(p.population.initial_headcount)
            compute_income(hh, self.villages, p, 0, shocks, effects, draws, self.market_scale)
        line = np.float32(p.run.poverty_line)
        size = hh.size()
        hh.savings[:] = p.population.savings_years_of_income * np.maximum(
            hh.net_income - line * size, 0)
        hh.prev_income_pc[:] = hh.income_pc
        self.flows: YearFlows = start_status(hh, p.run.poverty_line, self.year)

    def _alignment_scale(self, target: float) -> float:
        """Factor on market income that makes the initial headcount equal ``target``.

        A household is poor when ``s * market + other < line * size``, i.e. when ``s``
        is below its threshold ``(line * size - other) / market``. The factor is the
        threshold at which the person-weighted share of poor reaches the target.
        """
        hh = self.households
        line = self.p.run.poverty_line
        size = hh.size().astype(np.float64)
        market = hh.farm_income.astype(np.float64) + hh.wage_income
        other = hh.net_income - market
        persons = hh.weight * size
        need = line * size - other
        always = (market <= 0) & (need > 0)
        threshold = np.where(market > 0, need / np.where(market > 0, market, 1.0), -np.inf)
        remaining = target * persons.sum() - persons[always].sum()
        if remaining <= 0:
            return float(threshold.max()) + 1.0
        order = np.argsort(-threshold, kind="stable")
        cum = np.cumsum(persons[order])
        k = int(np.searchsorted(cum, remaining))
        k = min(k, len(order) - 1)
        return float(threshold[order[k]])

    # ------------------------------------------------------------------- time
    @property
    def year(self) -> int:
        """Calendar year: the state year between steps, the simulated year during one."""
        return self.params.run.start_year + round(self.time)

    @property
    def years_elapsed(self) -> int:
        """Years since the start year."""
        return round(self.time)

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phase_seconds[phase] += time.perf_counter() - start

    # ------------------------------------------------------------------- year
    def step(self) -> None:
        """Simulate one year (the phases of MODEL.md section 3, in order)."""
        self.p = self.params.at(self.year)
        self.metrics_cache = None
        with self._timed("draws"):
            draws = draw_year(self.streams.draws, self.households.n)
        with self._timed("demography"):
            dissolved = self.demography_and_health(draws)
        with self._timed("shocks"):
            shocks = draw_shocks(self.households, self.villages, self.p, self.streams.shocks)
        with self._timed("income"):
            self.earn_income(shocks, draws)
        with self._timed("identification"):
            self.identify()
        with self._timed("prescription"):
            self.prescribe_and_deliver()
        with self._timed("behaviour"):
            self.behave(draws)
        with self._timed("exit"):
            self.assess_exits()
        with self._timed("after_exit"):
            self.follow_up_exits()
        with self._timed("record"):
            self.record(dissolved)
        self.running = self.year < self.params.run.end_year

    # Phase 1
    def demography_and_health(self, draws: YearDraws) -> int:
        """Age members, births and deaths; illness episodes, chronic illness, disability.

        Returns:
            Number of poor households dissolved (all members died).
        """
        hh = self.households
        was_poor = hh.poor.copy()
        replaced = age_households(hh, self.p, draws, self.villages, self.streams.demography)
        if len(replaced):
            self.on_households_replaced(replaced)
        illness_and_disability(hh, self.p, draws, self.streams.health)
        return int(was_poor[replaced].sum())

    def on_households_replaced(self, rows: np.ndarray) -> None:
        """Forget the registry history of rows taken by newly formed households."""
        hh = self.households
        hh.reg_status[rows] = 0
        hh.reg_year[rows] = -1
        hh.diagnosed_cause[rows] = -1

    # Phase 3
    def earn_income(self, shocks: YearShocks, draws: YearDraws) -> None:
        """Compute incomes and costs, share risk among neighbours, update savings."""
        hh = self.households
        hh.prev_income_pc[:] = hh.income_pc
        compute_income(hh, self.villages, self.p, self.years_elapsed, shocks,
                       self.income_effects(), draws, self.market_scale)
        self.informal_transfers = share_risk(hh, self.network, self.p)
        update_savings(hh, self.p)

    def income_effects(self) -> IncomeEffects:
        """What policy adds to household income this year (none without interventions)."""
        return IncomeEffects.none(self.households.n, self.p.health.baseline_reimbursement)

    # Phases 4-8: the targeted poverty alleviation system (cadres, helpers,
    # enterprises, interventions, governance). Without it, nothing happens here.
    def identify(self) -> None:
        """Phase 4: identification and yearly adjustment of the registry."""

    def prescribe_and_deliver(self) -> None:
        """Phase 5: measures per registered household by diagnosed cause."""

    def behave(self, draws: YearDraws) -> None:
        """Phase 6: household decisions and peer effects."""

    def assess_exits(self) -> None:
        """Phase 7: exit assessment of registered households."""

    def follow_up_exits(self) -> None:
        """Phase 8: support after exit and return-prevention monitoring."""

    # Phase 9
    def record(self, dissolved: int) -> None:
        """Update true status and flows; collect the year's outputs."""
        self.flows = update_status(self.households, self.p.run.poverty_line, self.year,
                                   dissolved)
        if self.collect_outputs:
            self.datacollector.collect(self)

    # -------------------------------------------------------------- running
    def run(self, years: int | None = None, progress: bool = False) -> None:
        """Run ``years`` years (to the end year if omitted), optionally with a progress bar.

        Args:
            years: Number of years to simulate.
            progress: Show a tqdm progress bar over years.
        """
        remaining = self.params.run.end_year - self.year if years is None else years
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
