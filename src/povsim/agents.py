"""Cadre teams, pairing helpers and enterprises: Mesa agents backed by column tables.

These agents are few (tens to thousands) but act on many households, and a run of
a million households has thousands of them. Each agent is a ``mesa.Agent`` with its
identity, attributes and inspection methods (``team.households()``,
``enterprise.workers()``); its attributes live in a row of its type's table (one
numpy array per attribute), so that the yearly actions of all agents of a type run
as vectorised operations over the table and over household index arrays (in the
style of mesa-frames). ``agent.diligence`` reads and writes the table.

A row is an agent from the moment it is added; its ``mesa.Agent`` object is made
and registered with the model when the agents are first looked at (``table.agents``,
``model.agents``, ``model.agents_by_type``), so a year that adds twenty thousand
helpers does not spend its time building Python objects nobody inspects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import mesa
import numpy as np

from povsim.params import Parameters
from povsim.status import Int8Code

if TYPE_CHECKING:
    from povsim.model import PovertyModel


class TableAgent(mesa.Agent):
    """A Mesa agent whose attributes are a row of a column table."""

    table: AgentTable

    def __init__(self, model: mesa.Model, table: AgentTable, row: int):
        """Register the agent with the model and bind it to ``row`` of ``table``."""
        super().__init__(model)
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "row", row)

    def __getattr__(self, name: str) -> Any:
        table = self.__dict__.get("table")
        if table is not None and name in table.COLUMNS:
            return getattr(table, name)[self.row].item()
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        table = self.__dict__.get("table")
        if table is not None and name in table.COLUMNS:
            getattr(table, name)[self.row] = value
        else:
            object.__setattr__(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        """Every attribute of the agent."""
        return {name: getattr(self, name) for name in self.table.COLUMNS}


class AgentTable:
    """Columns of one agent type (``COLUMNS``: name -> dtype), grown as agents are added.

    Attributes:
        n: Number of agents.
    """

    COLUMNS: ClassVar[dict[str, str]] = {}
    AGENT: ClassVar[type[TableAgent]]

    def __init__(self) -> None:
        self.n = 0
        self._cap = 0
        self._model: mesa.Model | None = None
        self._agents: list[TableAgent] = []
        for name, dtype in self.COLUMNS.items():
            object.__setattr__(self, "_" + name, np.zeros(0, dtype))

    @property
    def agents(self) -> list[TableAgent]:
        """The agent objects, ``agents[i]`` owning row ``i`` (made when first asked for)."""
        self.make_agents()
        return self._agents

    def make_agents(self) -> None:
        """Make and register the ``mesa.Agent`` objects of rows that have none yet."""
        made = len(self._agents)
        if made < self.n:
            self._agents.extend(self.AGENT(self._model, self, r) for r in range(made, self.n))

    def __getattr__(self, name: str) -> np.ndarray:
        if name in type(self).COLUMNS:
            return self.__dict__["_" + name][: self.n]
        raise AttributeError(name)

    def __len__(self) -> int:
        return self.n

    def add(self, model: mesa.Model, count: int, **values: Any) -> np.ndarray:
        """Add ``count`` agents with the given column values; returns their rows."""
        if self.n + count > self._cap:
            cap = max(2 * self._cap, self.n + count, 16)
            for name, dtype in self.COLUMNS.items():
                old = self.__dict__["_" + name]
                new = np.zeros(cap, dtype)
                new[: self.n] = old[: self.n]
                self.__dict__["_" + name] = new
            self._cap = cap
        rows = np.arange(self.n, self.n + count)
        self.n += count
        for name, value in values.items():
            if name not in self.COLUMNS:
                raise KeyError(f"{type(self).__name__} has no column {name!r}")
            self.__dict__["_" + name][rows] = value
        self._model = model
        return rows


# ---------------------------------------------------------------- cadre teams
class TeamKind(Int8Code):
    """Kind of cadre team."""

    VILLAGE_COMMITTEE = 0
    WORK_TEAM = 1
    """A stationed first secretary and work team (registered poor villages)."""


class CadreTeam(TableAgent):
    """The cadres responsible for one village: its committee, or a stationed work team.

    Attributes (table columns): village, kind (:class:`TeamKind`), diligence,
    competence, integrity, capacity_per_100 (households actively helped a year per 100
    village households), capacity (the same for the village's current size, at full
    diligence and no paperwork), paperwork (share of time lost to forms), tenure.
    """

    def households(self) -> np.ndarray:
        """Rows of the households living in this team's village."""
        return np.flatnonzero(self.model.households.village == self.village)

    def effective_capacity(self) -> float:
        """Households this team actively helps this year."""
        return float(self.capacity * self.diligence * (1.0 - self.paperwork))


class CadreTeams(AgentTable):
    """Table of cadre teams (see :class:`CadreTeam`)."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "village": "int32", "kind": "int8", "diligence": "float32", "competence": "float32",
        "integrity": "float32", "capacity_per_100": "float32", "capacity": "float32",
        "paperwork": "float32", "tenure": "int16",
    }
    AGENT = CadreTeam

    def effective_capacity_by_village(self, n_villages: int) -> np.ndarray:
        """Households actively helped a year in each village, all its teams together."""
        cap = self.capacity * self.diligence * (1.0 - self.paperwork)
        return np.bincount(self.village, weights=cap, minlength=n_villages)

    def competence_by_village(self, n_villages: int) -> np.ndarray:
        """Competence of the best team in each village (0 where none)."""
        out = np.zeros(n_villages, np.float32)
        np.maximum.at(out, self.village, self.competence)
        return out

    def integrity_by_village(self, n_villages: int) -> np.ndarray:
        """Integrity of the village committee of each village (1 where none)."""
        out = np.ones(n_villages, np.float32)
        committee = self.kind == TeamKind.VILLAGE_COMMITTEE
        out[self.village[committee]] = self.integrity[committee]
        return out

    def new_year(self, p: Parameters, village_sizes: np.ndarray) -> None:
        """Start a year: tenure grows, capacity follows village size, training, paperwork.

        Training raises competence; paperwork follows the lever.

        Args:
            p: Parameters in force this year.
            village_sizes: Households living in each village.
        """
        size = village_sizes[self.village]
        self.capacity[:] = self.capacity_per_100 * size / 100.0
        self.tenure[:] += 1
        if p.cadres.training:
            np.minimum(self.competence + np.float32(p.cadres.training_gain), 1.0,
                       out=self.competence)
        self.paperwork[:] = paperwork_share(p)


def paperwork_share(p: Parameters) -> float:
    """Share of cadres' and helpers' time lost to forms and inspections.

    ``cadres.paperwork`` plus the paperwork supervision of funds brings
    (``budget.supervision x budget.supervision_paperwork``), at most 1.
    """
    b = p.budget
    return min(p.cadres.paperwork + b.supervision * b.supervision_paperwork, 1.0)


def beta_traits(rng: np.random.Generator, mean: float, concentration: float,
                n: int) -> np.ndarray:
    """Beta draws with the given mean and concentration (a + b), as float32."""
    m = min(max(mean, 1e-3), 1 - 1e-3)
    return rng.beta(m * concentration, (1 - m) * concentration, n).astype(np.float32)


def create_village_teams(model: PovertyModel, rng: np.random.Generator) -> None:
    """Create one committee per village and per resettlement site."""
    p, v = model.p, model.villages
    villages = np.arange(v.n)
    size = model.households.village_sizes(v.n)
    c = p.cadres
    model.cadres.add(
        model, len(villages), village=villages, kind=TeamKind.VILLAGE_COMMITTEE,
        diligence=beta_traits(rng, c.diligence_mean, c.trait_concentration, len(villages)),
        competence=beta_traits(rng, c.competence_mean, c.trait_concentration, len(villages)),
        integrity=beta_traits(rng, c.integrity_mean, c.trait_concentration, len(villages)),
        capacity_per_100=c.capacity_per_100, capacity=c.capacity_per_100 * size / 100.0,
        paperwork=paperwork_share(p), tenure=0,
    )


def create_work_teams(model: PovertyModel, villages: np.ndarray,
                      rng: np.random.Generator) -> None:
    """Station a first secretary and work team in each of ``villages``."""
    if len(villages) == 0:
        return
    c = model.p.cadres
    size = model.households.village_sizes(model.villages.n)[villages]
    model.cadres.add(
        model, len(villages), village=villages, kind=TeamKind.WORK_TEAM,
        diligence=np.minimum(beta_traits(rng, c.diligence_mean, c.trait_concentration,
                                         len(villages)) + c.work_team_diligence_bonus, 1.0),
        competence=np.minimum(beta_traits(rng, c.competence_mean, c.trait_concentration,
                                          len(villages)) + c.work_team_competence_bonus, 1.0),
        integrity=beta_traits(rng, c.integrity_mean, c.trait_concentration, len(villages)),
        capacity_per_100=c.work_team_capacity_per_100,
        capacity=c.work_team_capacity_per_100 * size / 100.0,
        paperwork=paperwork_share(model.p), tenure=0,
    )


# ------------------------------------------------------------ pairing helpers
class PairingHelper(TableAgent):
    """The designated helper of registered households: a cadre from an outside unit.

    Attributes (table columns): county, capacity (households), load (households
    assigned now), effectiveness (extra return on measures of its households).
    """

    def households(self) -> np.ndarray:
        """Rows of the households this helper is responsible for."""
        return np.flatnonzero(self.model.helper_of == self.row)


class PairingHelpers(AgentTable):
    """Table of pairing helpers (see :class:`PairingHelper`)."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "county": "int32", "capacity": "int16", "load": "int16", "effectiveness": "float32",
    }
    AGENT = PairingHelper


# ---------------------------------------------------------------- enterprises
class EnterpriseKind(Int8Code):
    """Kind of enterprise."""

    LEADING = 0
    """A county leading enterprise."""
    COOPERATIVE = 1
    """A village cooperative."""
    WORKSHOP = 2
    """A poverty-alleviation workshop (registered poor villages, resettlement sites)."""


class Enterprise(TableAgent):
    """A leading enterprise, cooperative or workshop.

    Attributes (table columns): kind (:class:`EnterpriseKind`), county, village (-1 for
    county enterprises), jobs (capacity), filled, wage (at skill 0.5, start year),
    skill_need, capital (pooled industry funds held as household shares), profit (this
    year's profit multiplier, 1 = normal), short_term (hastily built), alive, founded,
    purchases (yuan of poor villages' produce bought at a premium this year).
    """

    def workers(self) -> np.ndarray:
        """Rows of households with a member placed in this enterprise."""
        return np.flatnonzero(self.model.jobs.employer == self.row)

    def shareholders(self) -> np.ndarray:
        """Rows of households holding shares (pooled industry funds) in this enterprise."""
        return np.flatnonzero(self.model.interventions["industry"].stake_enterprise == self.row)


class Enterprises(AgentTable):
    """Table of enterprises (see :class:`Enterprise`)."""

    COLUMNS: ClassVar[dict[str, str]] = {
        "kind": "int8", "county": "int32", "village": "int32", "jobs": "int32",
        "filled": "int32", "wage": "float32", "skill_need": "float32", "capital": "float32",
        "profit": "float32", "short_term": "bool", "alive": "bool", "founded": "int16",
        "purchases": "float32",
    }
    AGENT = Enterprise

    def trade_year(self, p: Parameters, rng: np.random.Generator) -> np.ndarray:
        """Draw this year's market shock to profits and failures.

        Returns:
            Rows of enterprises that failed this year.
        """
        e = p.enterprises
        n = self.n
        shock = rng.standard_normal(n)
        self.profit[:] = np.exp(e.profit_sigma * shock - e.profit_sigma**2 / 2)
        p_fail = np.where(self.short_term, e.short_term_failure_prob, e.failure_prob)
        failed = np.flatnonzero(self.alive & (rng.random(n) < p_fail))
        self.alive[failed] = False
        self.profit[~self.alive] = 0.0
        self.purchases[:] = 0.0
        return failed


def create_enterprises(model: PovertyModel, rng: np.random.Generator) -> None:
    """Create each county's leading enterprises and each village's cooperative."""
    p, v = model.p, model.villages
    e = p.enterprises
    hh_per_village = model.households.village_sizes(v.n)
    counties = np.unique(v.county)
    hh_per_county = np.bincount(v.county, weights=hh_per_village, minlength=len(counties))
    if e.leading_per_county:
        county = np.repeat(counties, e.leading_per_county)
        jobs = np.round(e.leading_jobs_per_1000 * hh_per_county[county] / 1000
                        / e.leading_per_county).astype(np.int32)
        model.enterprises.add(
            model, len(county), kind=EnterpriseKind.LEADING, county=county, village=-1,
            jobs=jobs, wage=e.leading_wage, skill_need=e.leading_skill_need, profit=1.0,
            short_term=False, alive=True, founded=model.year,
        )
    villages = np.flatnonzero(~v.is_site)
    add_village_enterprises(model, villages, EnterpriseKind.COOPERATIVE, rng,
                            short_term_possible=False)


def add_village_enterprises(model: PovertyModel, villages: np.ndarray, kind: EnterpriseKind,
                            rng: np.random.Generator, short_term_possible: bool = True,
                            jobs: np.ndarray | None = None) -> np.ndarray:
    """Create a cooperative or workshop in each of ``villages``; returns their rows."""
    if len(villages) == 0:
        return np.zeros(0, np.int64)
    e = model.p.enterprises
    if jobs is None:
        size = model.households.village_sizes(model.villages.n)[villages]
        per_100 = e.cooperative_jobs_per_100 if kind == EnterpriseKind.COOPERATIVE \
            else e.workshop_jobs_per_100
        jobs = np.maximum(np.round(per_100 * size / 100), 1).astype(np.int32)
    wage = e.cooperative_wage if kind == EnterpriseKind.COOPERATIVE else e.workshop_wage
    need = e.cooperative_skill_need if kind == EnterpriseKind.COOPERATIVE \
        else e.workshop_skill_need
    short = (rng.random(len(villages)) < e.short_term_share) if short_term_possible \
        else np.zeros(len(villages), bool)
    return model.enterprises.add(
        model, len(villages), kind=kind, county=model.villages.county[villages],
        village=villages, jobs=jobs, wage=wage, skill_need=need, profit=1.0,
        short_term=short, alive=True, founded=model.year,
    )
