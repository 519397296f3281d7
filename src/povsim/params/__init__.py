"""All model parameters, their defaults, documentation and sources.

``Parameters()`` is the full default parameter tree. Change it with
:meth:`Parameters.with_overrides` (dotted paths; every problem reported at once)
or by loading a scenario file (:mod:`povsim.study.scenarios`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from povsim.errors import ParameterError, Problem
from povsim.params.core import (
    CauseParams,
    DemographyParams,
    EconomyParams,
    HealthParams,
    NetworkParams,
    PopulationParams,
    RunParams,
    SchoolingParams,
    ShockParams,
)
from povsim.params.interventions import InterventionsParams
from povsim.params.policy import (
    INTERVENTION_NAMES,
    BehaviourParams,
    BudgetParams,
    CadreParams,
    CountyParams,
    EnterpriseParams,
    ExitParams,
    HelperParams,
    IdentificationParams,
    MonitoringParams,
    PostExitParams,
    PrescriptionParams,
    PreventionInsuranceParams,
)
from povsim.params.spec import (
    ParamInfo,
    Section,
    YearSchedule,
    apply_overrides,
    flatten,
    iter_params,
    param_infos,
    schedule_years,
    subsection,
    to_plain,
)

__all__ = [
    "NO_CAMPAIGN",
    "ParamInfo",
    "Parameters",
    "Section",
    "YearSchedule",
    "flatten",
    "iter_params",
    "param_infos",
    "to_plain",
]

INCLUSIVE_AGE_RANGES = (
    ("population.school_parent_age_min", "population.school_parent_age_max"),
    ("demography.childbearing_head_age_min", "demography.childbearing_head_age_max"),
)
"""Head-age ranges the model tests with ``min <= age <= max`` (one age when equal)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameters(Section):
    """The complete parameter tree of a povsim run."""

    run: RunParams = subsection(RunParams, "Time frame and poverty line.")
    population: PopulationParams = subsection(
        PopulationParams, "Size, geography and initial household characteristics."
    )
    network: NetworkParams = subsection(NetworkParams, "Kinship and neighbour ties.")
    demography: DemographyParams = subsection(DemographyParams, "Ageing, births and deaths.")
    health: HealthParams = subsection(HealthParams, "Illness, disability and medical costs.")
    economy: EconomyParams = subsection(EconomyParams, "Incomes, costs and growth.")
    shocks: ShockParams = subsection(ShockParams, "Disasters, prices and scenario shocks.")
    schooling: SchoolingParams = subsection(SchoolingParams, "Dropout and the skill of "
                                            "children reaching working age.")
    causes: CauseParams = subsection(CauseParams, "Thresholds defining causes of poverty.")
    identification: IdentificationParams = subsection(
        IdentificationParams, "How cadres register the poor.")
    counties: CountyParams = subsection(
        CountyParams, "Designated poor counties and villages, and their exit.")
    cadres: CadreParams = subsection(CadreParams, "Village cadre teams and work teams.")
    helpers: HelperParams = subsection(HelperParams, "Pairing helpers and east-west pairing.")
    enterprises: EnterpriseParams = subsection(
        EnterpriseParams, "Leading enterprises, cooperatives and workshops.")
    budget: BudgetParams = subsection(BudgetParams, "The yearly budget, leakage, idle funds.")
    prescription: PrescriptionParams = subsection(
        PrescriptionParams, "Measures prescribed for each diagnosed main cause.")
    exit: ExitParams = subsection(ExitParams, "Exit assessment.")
    post_exit: PostExitParams = subsection(PostExitParams, "Support after exit.")
    monitoring: MonitoringParams = subsection(MonitoringParams, "Return-prevention monitoring.")
    prevention_insurance: PreventionInsuranceParams = subsection(
        PreventionInsuranceParams, "Poverty-prevention insurance for households off the register.")
    behaviour: BehaviourParams = subsection(BehaviourParams, "Household decisions and peers.")
    interventions: InterventionsParams = subsection(InterventionsParams,
                                                    "The thirteen interventions.")

    def with_overrides(
        self, overrides: Mapping[str, Any] | None = None, *, file: str | None = None
    ) -> Self:
        """Return a copy with dotted-path overrides applied and the result checked.

        Args:
            overrides: ``{"health.p_illness": 0.1, ...}``; ``__`` may replace dots; a
                ``{year: value}`` mapping makes a year schedule.
            file: Where the overrides come from, for error messages.

        Returns:
            The new, validated parameters.

        Raises:
            ParameterError: Listing every problem found.
        """
        overrides = dict(overrides or {})
        # Run years first, so schedules can be checked against the new horizon.
        run_keys = {k: v for k, v in overrides.items() if k.replace("__", ".").startswith("run.")}
        base = apply_overrides(self, run_keys, file=file) if run_keys else self
        rest = {k: v for k, v in overrides.items() if k not in run_keys}
        years = (base.run.start_year, base.run.end_year)
        result = apply_overrides(base, rest, file=file, year_range=years)
        result.validate(file=file)
        return result

    def validate(self, file: str | None = None) -> None:
        """Check relations between parameters that single-field checks cannot see.

        Args:
            file: Where the parameters come from, for error messages.

        Raises:
            ParameterError: Listing every inconsistency.
        """
        problems: list[Problem] = []
        run, pop = self.run, self.population
        if run.end_year <= run.start_year:
            problems.append(
                Problem("run.end_year", run.end_year,
                        f"must be after run.start_year ({run.start_year})", file)
            )
        n_villages = pop.n_counties * pop.townships_per_county * pop.villages_per_township
        if n_villages > pop.n_households:
            problems.append(
                Problem("population.n_households", pop.n_households,
                        f"must be at least the number of villages ({n_villages} = n_counties x "
                        "townships_per_county x villages_per_township)", file)
            )
        if pop.county_remoteness_low > pop.county_remoteness_high:
            problems.append(
                Problem("population.county_remoteness_low", pop.county_remoteness_low,
                        "must not exceed population.county_remoteness_high "
                        f"({pop.county_remoteness_high})", file)
            )
        if pop.head_age_min >= pop.head_age_max:
            problems.append(
                Problem("population.head_age_min", pop.head_age_min,
                        f"must be below population.head_age_max ({pop.head_age_max})", file)
            )
        if self.network.village_degree % 2:
            problems.append(
                Problem("network.village_degree", self.network.village_degree,
                        "must be even (ties are laid out on both sides of a ring)", file)
            )
        if 2 * self.network.kin_per_side > self.network.village_degree:
            problems.append(
                Problem("network.kin_per_side", self.network.kin_per_side,
                        "must be at most half of network.village_degree", file)
            )
        problems.extend(self._check_age_ranges(file))
        problems.extend(self._check_budget_shares(file))
        for name in INTERVENTION_NAMES:
            iv = getattr(self.interventions, name)
            if iv.end_year < iv.start_year:
                problems.append(
                    Problem(f"interventions.{name}.end_year", iv.end_year,
                            f"must not be before its start_year ({iv.start_year})", file)
                )
        if problems:
            raise ParameterError(problems)

    def years_after_run(self) -> dict[str, list[int]]:
        """Years that the scenario's own year tables name after the run's end, by parameter.

        They are allowed (a longer run uses them) but do nothing in this run: ``povsim
        check`` lists them.
        """
        end = self.run.end_year
        return {path: later for path, years in schedule_years(self, own=True).items()
                if (later := [y for y in years if y > end])}

    def _check_age_ranges(self, file: str | None) -> list[Problem]:
        """Inclusive age ranges (``_min`` to ``_max``) must not be empty."""
        problems = []
        for low_path, high_path in INCLUSIVE_AGE_RANGES:
            low, high = self.get(low_path), self.get(high_path)
            if low > high:
                problems.append(Problem(low_path, low, f"must not exceed {high_path} ({high})",
                                        file))
        return problems

    def _check_budget_shares(self, file: str | None) -> list[Problem]:
        """Budget shares of the interventions running in a year must sum to at most 1."""
        run = self.run
        for year in range(run.start_year + 1, run.end_year + 1):
            p = self.at(year)
            running = [getattr(p.interventions, name) for name in INTERVENTION_NAMES]
            shares = {
                name: iv.budget_share
                for name, iv in zip(INTERVENTION_NAMES, running, strict=True)
                if iv.enabled and iv.start_year <= year <= iv.end_year
            }
            total = sum(shares.values())
            if total > 1 + 1e-9:
                listed = ", ".join(f"{k} {v:g}" for k, v in shares.items() if v)
                return [Problem("interventions.*.budget_share", round(total, 4),
                                f"budget shares of enabled interventions sum to {total:.3g} in "
                                f"{year} ({listed}); allowed: at most 1", file)]
        return []


NO_CAMPAIGN: dict[str, Any] = {
    "identification.start_year": 2100,
    "helpers.enabled": False,
    "budget.start_year": 2100,
    "monitoring.enabled": False,
    "prevention_insurance.pilot_share": 0.0,
    **{f"interventions.{name}.enabled": False for name in INTERVENTION_NAMES},
}
"""Overrides that switch the whole campaign off (no registry, helpers, money,
interventions or prevention insurance): the growth-only counterfactual."""


def describe(path: str) -> ParamInfo:
    """Declaration of the parameter at ``path`` (raises ``KeyError`` if unknown)."""
    return param_infos(Parameters())[path]


def is_schedule(value: object) -> bool:
    """Whether a parameter value changes by year."""
    return isinstance(value, YearSchedule)


def overridable_paths() -> list[str]:
    """Every parameter path, in declaration order."""
    return [path for path, _, _ in iter_params(Parameters())]
