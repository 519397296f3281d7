"""All model parameters, their defaults, documentation and sources.

``Parameters()`` is the full default parameter tree. Change it with
:meth:`Parameters.with_overrides` (dotted paths; every problem reported at once)
or by loading a scenario file (:mod:`povsim.scenario`).
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
    ShockParams,
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
    "ParamInfo",
    "Parameters",
    "Section",
    "YearSchedule",
    "flatten",
    "iter_params",
    "param_infos",
    "to_plain",
]


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
    causes: CauseParams = subsection(CauseParams, "Thresholds defining causes of poverty.")

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
        for path, years in schedule_years(self).items():
            bad = [y for y in years if not run.start_year <= y <= run.end_year]
            if bad:
                problems.append(
                    Problem(path, bad,
                            f"years outside the run ({run.start_year} to {run.end_year})", file)
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
        if problems:
            raise ParameterError(problems)


def describe(path: str) -> ParamInfo:
    """Declaration of the parameter at ``path`` (raises ``KeyError`` if unknown)."""
    return param_infos(Parameters())[path]


def is_schedule(value: object) -> bool:
    """Whether a parameter value changes by year."""
    return isinstance(value, YearSchedule)


def overridable_paths() -> list[str]:
    """Every parameter path, in declaration order."""
    return [path for path, _, _ in iter_params(Parameters())]
