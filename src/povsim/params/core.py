"""Defaults of the simulated world: run, population, network, demography, health, economy, shocks.

Each field is a parameter (see :mod:`povsim.params.spec`) with unit, range,
description and source. "Assumption" in a source means the value is a modelling
choice, later adjusted by calibration (``povsim calibrate``) against
``data/targets.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

from povsim.params.spec import Section, param

ASSUMPTION = "assumption (povsim), calibrated against data/targets.csv"
NBS_LINE = "NBS rural poverty line of 2010: 2,300 yuan per person per year at 2010 prices"


@dataclass(frozen=True, slots=True, kw_only=True)
class RunParams(Section):
    """Time frame and the poverty line."""

    start_year: int = param(
        2012, unit="year", low=1990, high=2100, yearly=False,
        doc="Year of the initial state; the first simulated step is the year after.",
        source="model requirement R3: end of 2012 as the state, 2013 as the first step",
    )
    end_year: int = param(
        2020, unit="year", low=1991, high=2100, yearly=False,
        doc="Last simulated year (inclusive).",
        source="end of the targeted poverty alleviation campaign (2013-2020)",
    )
    poverty_line: float = param(
        2300.0, unit="yuan/person/year (2010 prices)", low=1.0, high=1e6,
        doc="Per-capita net income line.",
        source=NBS_LINE,
    )
    bad_year_smoothing: float = param(
        0.0, unit="share of the fall", low=0.0, high=1.0, yearly=False,
        doc="Share of a bad year's fall in income (below the household's lasting income) "
        "that its consumption does not follow: the official measure checks income "
        "against consumption, so a household whose consumption, kept up by savings, "
        "credit and kin, stays above the line is not counted poor. 0: poor by income alone.",
        source="NBS rural poverty monitoring counts the poor by income and consumption "
        "together; 0 in the baseline: fits with the share free met fewer targets "
        "(docs/ODD.md, section 8, Targets still missed)",
    )
    medical_costs_counted: float = param(
        1.0, unit="share", low=0.0, high=1.0, yearly=False,
        doc="Share of a household's out-of-pocket medical spending that the poverty "
        "measure subtracts from its income. 1: poor by income net of medical costs (as "
        "cadres assess it); 0: by income before them, as the survey's disposable income "
        "counts it (medical spending is consumption there). Registration, exits and the "
        "means tests always use income net of medical costs.",
        source="NBS household survey: disposable income does not subtract medical "
        "spending; 1 in the baseline (docs/ODD.md, section 8, Targets still missed)",
    )
    sustained_exit_years: int = param(
        3, unit="years", low=1, high=50, yearly=False,
        doc="Years out of poverty after which an exit counts as sustained.",
        source="the model requirement (docs/ODD.md, outputs): sustained exit means out "
        "for at least 3 years",
    )
    lasting_exit_years: int = param(
        5, unit="years", low=1, high=50, yearly=False,
        doc="Years after a certified exit at which cost per lasting exit counts the exits "
        "still holding (not truly poor again since the exit).",
        source="issue 16: cost per exit still holding five years later",
    )
    price_index: float = param(
        1.0, unit="price level (2010 = 1)", low=0.01, high=100.0,
        by_year={2011: 1.058, 2012: 1.0844, 2013: 1.1148, 2014: 1.1349, 2015: 1.1496,
                 2016: 1.1715, 2017: 1.1867, 2018: 1.2116, 2019: 1.2504, 2020: 1.2879,
                 2021: 1.2969},
        doc="Rural consumer price level relative to 2010: converts the model's 2010-price "
        "yuan to current yuan (for targets in current prices) and nominal budgets to "
        "2010 prices. Holds at its last value after the last year listed.",
        source="NBS rural consumer price index, year on year: 5.8% (2011), 2.5, 2.8, 1.8, "
        "1.3, 1.9, 1.3, 2.1, 3.2, 3.0, 0.7% (2021), chained",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PopulationParams(Section):
    """Size, geography and the initial distribution of household characteristics."""

    n_households: int = param(
        20_000, unit="households", low=10, high=100_000_000, yearly=False,
        doc="Number of simulated households.",
        source="issue 2: default about 20,000 households",
    )
    n_counties: int = param(
        40, unit="counties", low=1, high=100_000, yearly=False,
        doc="Number of counties (each a sample of a county's households: the county "
        "results of designation and exit need tens of them).",
        source="issue 15: enough counties for county results (tens, not two)",
    )
    townships_per_county: int = param(
        2, unit="townships", low=1, high=1000, yearly=False,
        doc="Townships in each county.", source="assumption",
    )
    villages_per_township: int = param(
        3, unit="villages", low=1, high=10_000, yearly=False,
        doc="Administrative villages in each township (240 villages in all by default, "
        "about 83 households each at 20,000 households).",
        source="assumption (villages as samples of their households)",
    )
    village_size_sigma: float = param(
        0.35, unit="log sd", low=0.0, high=2.0, yearly=False,
        doc="Spread of village sizes (lognormal).", source="assumption",
    )
    rural_population_million: float = param(
        970.5, unit="million persons", low=0.001, high=1e5, yearly=False,
        doc="Rural population covered by poverty monitoring, for national-equivalent counts.",
        source="NBS: 98.99 million poor at a 10.2% headcount in 2012 (98.99 / 0.102)",
    )
    initial_headcount: float = param(
        0.102, unit="share of persons", low=0.0, high=1.0, yearly=False,
        doc="Headcount rate the initial incomes are aligned to (when alignment is on).",
        source="NBS rural poverty monitoring: 10.2% at the 2010 line, end of 2012",
    )
    align_initial_headcount: bool = param(
        True, unit="flag", yearly=False,
        doc="Scale market incomes at setup so the initial headcount equals initial_headcount.",
        source="standard alignment step in dynamic microsimulation",
    )
    county_remoteness_low: float = param(
        0.15, unit="index 0-1", low=0.0, high=1.0, yearly=False,
        doc="Mean remoteness of the least remote county.", source=ASSUMPTION,
    )
    county_remoteness_high: float = param(
        0.65, unit="index 0-1", low=0.0, high=1.0, yearly=False,
        doc="Mean remoteness of the most remote county.", source=ASSUMPTION,
    )
    village_remoteness_sd: float = param(
        0.2, unit="index sd", low=0.0, high=1.0, yearly=False,
        doc="Spread of village remoteness around its county mean.", source=ASSUMPTION,
    )
    inhospitable_remoteness: float = param(
        0.75, unit="index 0-1", low=0.0, high=1.0, yearly=False,
        doc="Remoteness above which a village is inhospitable (a relocation candidate).",
        source=ASSUMPTION,
    )
    infrastructure_coverage: float = param(
        0.95, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a village at remoteness 0 has each infrastructure item "
        "(road, water, power, broadband, clinic).",
        source=ASSUMPTION,
    )
    infrastructure_remoteness_gap: float = param(
        0.75, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="How much lower that chance is at remoteness 1.", source=ASSUMPTION,
    )
    disaster_risk_base: float = param(
        0.03, unit="probability/year", low=0.0, high=1.0, yearly=False,
        doc="Yearly chance of a village disaster at remoteness 0.", source=ASSUMPTION,
    )
    disaster_risk_remoteness: float = param(
        0.09, unit="probability/year", low=0.0, high=1.0, yearly=False,
        doc="Extra yearly disaster chance at remoteness 1.", source=ASSUMPTION,
    )
    head_age_mean: float = param(
        51.0, unit="years", low=18.0, high=90.0, yearly=False,
        doc="Mean age of household heads.", source="assumption near the 2010 census rural profile",
    )
    head_age_sd: float = param(
        13.0, unit="years", low=0.0, high=40.0, yearly=False,
        doc="Spread of household head ages.", source="assumption",
    )
    head_age_min: int = param(
        20, unit="years", low=15, high=60, yearly=False,
        doc="Youngest household head.", source="assumption",
    )
    head_age_max: int = param(
        90, unit="years", low=60, high=110, yearly=False,
        doc="Oldest household head.", source="assumption",
    )
    p_spouse: float = param(
        0.85, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance the head lives with a spouse.", source="assumption",
    )
    adult_child_head_age: int = param(
        40, unit="years", low=15, high=110, yearly=False,
        doc="Youngest head of a working-age household that can have an adult child at home.",
        source="assumption (a head about 20 years older than the child)",
    )
    p_adult_child: float = param(
        0.4, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a working-age household (head adult_child_head_age or older) has an "
        "adult child at home.",
        source="assumption",
    )
    p_elderly_with_children: float = param(
        0.35, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance an elderly-headed household has working-age members.",
        source="assumption (left-behind elderly are common)",
    )
    p_children_support: float = param(
        0.6, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance that a household's children living elsewhere support its elderly members "
        "(paid while no working-age member lives at home: economy.children_support).",
        source="CHARLS 2011 national baseline: most rural parents aged 60 and over get money "
        "from children who live elsewhere; assumption for the share",
    )
    elderly_parent_head_age: int = param(
        40, unit="years", low=15, high=110, yearly=False,
        doc="Youngest head of a working-age household whose parent can be elderly.",
        source="assumption (parents about 25 years older than the head reach 65)",
    )
    p_coresident_parent: float = param(
        0.2, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a working-age household (head elderly_parent_head_age or older) has an "
        "elderly parent at home.", source="assumption",
    )
    school_parent_age_min: int = param(
        28, unit="years", low=15, high=110, yearly=False,
        doc="Youngest working-age head who can have a school-age child (6-15).",
        source="assumption (first births at 20-25)",
    )
    school_parent_age_max: int = param(
        55, unit="years", low=15, high=110, yearly=False,
        doc="Oldest working-age head who can have a school-age child.",
        source="assumption (last births by about 40)",
    )
    p_school_child: float = param(
        0.6, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a household with head aged school_parent_age_min to "
        "school_parent_age_max (or an elderly head with working-age members) has a child "
        "aged 6-15.", source="assumption",
    )
    p_second_school_child: float = param(
        0.35, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance such a household has a second school-age child.", source="assumption",
    )
    p_young_child: float = param(
        0.35, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a household with head of childbearing age (demography."
        "childbearing_head_age_min to _max) has a child under 6.", source="assumption",
    )
    p_disabled: float = param(
        0.07, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a household has a disabled member (no elderly, remoteness 0).",
        source="2006 national disability survey: disabled persons in about 17.8% of households "
        "(including the elderly)",
    )
    p_disabled_per_elderly: float = param(
        0.06, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Extra chance of a disabled member per elderly member.", source=ASSUMPTION,
    )
    p_disabled_remoteness: float = param(
        0.05, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Extra chance of a disabled member at remoteness 1.", source=ASSUMPTION,
    )
    p_chronic: float = param(
        0.12, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a household has a chronically ill member (no elderly).", source=ASSUMPTION,
    )
    p_chronic_per_elderly: float = param(
        0.14, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Extra chance of a chronically ill member per elderly member.", source=ASSUMPTION,
    )
    skill_alpha: float = param(
        2.5, unit="beta shape", low=0.01, high=1000.0, yearly=False,
        doc="Skill distribution (beta) first shape.", source=ASSUMPTION,
    )
    skill_beta: float = param(
        2.5, unit="beta shape", low=0.01, high=1000.0, yearly=False,
        doc="Skill distribution (beta) second shape.", source=ASSUMPTION,
    )
    reference_skill: float = param(
        0.5, unit="skill (0-1)", low=0.01, high=1.0, yearly=False,
        doc="Skill at which the chances of a migrant or local job per worker (population."
        "p_migrant_per_worker, p_local_job_per_worker, economy.p_find_migrant_job) apply; "
        "they scale with skill / reference_skill.",
        source="the mean of the default skill distribution (beta 2.5, 2.5) before the "
        "remoteness penalty",
    )
    skill_remoteness_penalty: float = param(
        0.25, unit="skill", low=0.0, high=1.0, yearly=False,
        doc="Skill lost at remoteness 1.", source=ASSUMPTION,
    )
    ability_sigma: float = param(
        0.5, unit="log sd", low=0.0, high=3.0, yearly=False,
        doc="Spread of persistent household productivity (lognormal).", source=ASSUMPTION,
    )
    ability_remoteness_penalty: float = param(
        0.35, unit="log points", low=0.0, high=3.0, yearly=False,
        doc="Lower log productivity at remoteness 1.", source=ASSUMPTION,
    )
    county_development_sigma: float = param(
        0.25, unit="log sd", low=0.0, high=2.0, yearly=False,
        doc="Spread of county development: a log productivity shift drawn once per county "
        "(mean-preserving lognormal) and shared by all its households -- its industry, "
        "markets and local labour demand beyond what remoteness explains. It makes "
        "poverty concentrate by county, as in the designated poor counties.",
        source="assumption; fitted in the baseline to the poor areas' income and headcount "
        "(between-county differences are a large part of rural income inequality in China)",
    )
    land_mean: float = param(  # above 0: farm income scales with land / land_mean
        6.0, unit="mu/household", low=0.01, high=1e4, yearly=False,
        doc="Mean contracted land per household.",
        source="about 2.3 mu of arable land per rural person (Ministry of Agriculture)",
    )
    land_sigma: float = param(
        0.6, unit="log sd", low=0.0, high=3.0, yearly=False,
        doc="Spread of land holdings (lognormal).", source="assumption",
    )
    motivation_alpha: float = param(
        6.0, unit="beta shape", low=0.01, high=1000.0, yearly=False,
        doc="Motivation (self-reliance) distribution first shape.", source="assumption",
    )
    motivation_beta: float = param(
        2.5, unit="beta shape", low=0.01, high=1000.0, yearly=False,
        doc="Motivation distribution second shape.", source="assumption",
    )
    p_dilapidated: float = param(
        0.04, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a house is dilapidated at remoteness 0.", source=ASSUMPTION,
    )
    p_dilapidated_remoteness: float = param(
        0.2, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Extra chance of a dilapidated house at remoteness 1.", source=ASSUMPTION,
    )
    p_migrant_per_worker: float = param(
        0.35, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance an able working-age member works away (at reference_skill, remoteness 0).",
        source="NBS migrant worker monitoring 2012: 163 million out-migrant workers",
    )
    p_local_job_per_worker: float = param(
        0.2, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance an able member not working away has a local non-farm wage job "
        "(at reference_skill).",
        source="NBS migrant worker monitoring 2012: 99 million local non-farm workers",
    )
    savings_years_of_income: float = param(
        0.3, unit="years of income", low=0.0, high=100.0, yearly=False,
        doc="Initial savings as a share of a year's net income (for those above the line).",
        source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkParams(Section):
    """The village network: kinship and neighbour ties."""

    village_degree: int = param(
        6, unit="ties/household", low=0, high=100, yearly=False,
        doc="Ties to other households of the same village (even; small-world ring lattice).",
        source="assumption (Watts-Strogatz small world)",
    )
    kin_per_side: int = param(
        1, unit="ties", low=0, high=50, yearly=False,
        doc="Of the lattice ties on each side, how many are kin (the nearest ones).",
        source="assumption",
    )
    rewire_prob: float = param(
        0.1, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a neighbour tie is rewired to a random household of the village.",
        source="assumption (Watts-Strogatz)",
    )
    cross_village_ties: float = param(
        0.15, unit="ties/household", low=0.0, high=10.0, yearly=False,
        doc="Expected ties to households of other villages of the same county.",
        source="assumption",
    )
    cadre_members: int = param(
        3, unit="households", low=1, high=50, yearly=False,
        doc="Households of village committee cadres per village (their kin are favoured).",
        source="village committees have 3-7 members (Organic Law of Village Committees)",
    )
    networkx_limit: int = param(
        50_000, unit="households", low=0, high=100_000_000, yearly=False,
        doc="Largest population for which a networkx graph is built on request.",
        source="engineering limit (networkx graphs use about 1 KB per tie)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DemographyParams(Section):
    """Ageing, births and deaths (one transition of each kind per household a year at most)."""

    elderly_age: int = param(
        65, unit="years", low=40, high=100, yearly=False,
        doc="Age from which members count as elderly.",
        source="model requirement R2: aged 65 and over",
    )
    childbearing_head_age_min: int = param(
        20, unit="years", low=15, high=110, yearly=False,
        doc="Youngest head of a household that can have a birth (or, at setup, a child "
        "under 6).", source="assumption (rural first births from about 20)",
    )
    childbearing_head_age_max: int = param(
        40, unit="years", low=15, high=110, yearly=False,
        doc="Oldest head of a household that can have a birth (or, at setup, a child "
        "under 6).", source="assumption (few rural births after 40)",
    )
    p_birth: float = param(
        0.07, unit="probability/year", low=0.0, high=1.0,
        doc="Chance of a birth in a household with head aged childbearing_head_age_min to "
        "childbearing_head_age_max.", source="assumption",
    )
    young_to_school_rate: float = param(
        1 / 6, unit="per child per year", low=0.0, high=1.0,
        doc="Yearly chance a child under 6 reaches school age.",
        source="six one-year age groups (0-5)",
    )
    school_to_adult_rate: float = param(
        0.1, unit="per child per year", low=0.0, high=1.0,
        doc="Yearly chance a school-age child reaches working age.",
        source="ten one-year age groups (6-15)",
    )
    mortality_adult: float = param(
        0.003, unit="per person per year", low=0.0, high=1.0,
        doc="Yearly death rate of working-age members.",
        source="China life tables (rural, ages 16-64, about 3 per 1,000)",
    )
    successor_head_age: int = param(
        40, unit="years", low=15, high=64, yearly=False,
        doc="Age of the working-age member who becomes head when no elderly member is left "
        "in an elderly-headed household.",
        source="assumption (one generation younger)",
    )
    formation_head_age: int = param(
        25, unit="years", low=15, high=64, yearly=False,
        doc="Age of the head of a newly formed household, which takes the place of a "
        "household whose members have all died (keeps the number of households constant).",
        source="assumption (mean age at marriage in rural China, about 25)",
    )
    mortality_elderly: float = param(
        0.045, unit="per person per year", low=0.0, high=1.0,
        doc="Yearly death rate of elderly members.",
        source="China life tables (rural, ages 65+, about 45 per 1,000)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthParams(Section):
    """Illness episodes, chronic illness, disability and their costs."""

    p_illness: float = param(
        0.07, unit="probability/year", low=0.0, high=1.0,
        doc="Chance of a serious illness episode (hospital care) in a household, no elderly.",
        source="National Health Services Survey 2013: rural inpatient admission about 9% "
        "of persons a year",
    )
    p_illness_per_elderly: float = param(
        0.07, unit="probability/year", low=0.0, high=1.0,
        doc="Extra episode chance per elderly member.", source=ASSUMPTION,
    )
    p_illness_chronic: float = param(
        0.12, unit="probability/year", low=0.0, high=1.0,
        doc="Extra episode chance when a member is chronically ill.", source=ASSUMPTION,
    )
    illness_cost_median: float = param(
        3000.0, unit="yuan/episode", low=0.0, high=1e7,
        doc="Median gross cost of an episode (lognormal, heavy-tailed).",
        source="China Health Statistics Yearbook 2013: average inpatient bill about 1,000 yuan in "
        "township and 4,000-6,000 yuan in county hospitals (median assumed, calibrated)",
    )
    illness_cost_sigma: float = param(
        1.0, unit="log sd", low=0.0, high=4.0,
        doc="Spread of episode costs (lognormal).", source=ASSUMPTION,
    )
    illness_labour_loss: float = param(
        0.5, unit="labour units", low=0.0, high=5.0,
        doc="Labour lost in the year of an episode.", source=ASSUMPTION,
    )
    insurance_coverage: float = param(
        0.9, unit="probability", low=0.0, high=1.0, yearly=False,
        doc="Chance a household is enrolled in basic medical insurance without help (the "
        "health programme pays the premiums of the households it covers).",
        source="NRCMS enrolment about 99% of rural residents in 2013, lower among the poor "
        "(premiums of 150-220 yuan); assumption",
    )
    baseline_reimbursement: float = param(
        0.45, unit="share of cost", low=0.0, high=1.0, by_year={2015: 0.5, 2018: 0.55},
        doc="Effective reimbursement by the rural basic medical insurance for everyone.",
        source="Health Statistics Yearbook: NRCMS effective inpatient reimbursement about "
        "45-50% in 2012, rising to about 55% by 2018 (merged resident insurance)",
    )
    critical_illness_threshold: float = param(
        8000.0, unit="yuan/household/year (2010 prices)", low=0.0, high=1e7,
        doc="Out-of-pocket medical spending in a year above which critical illness insurance "
        "pays critical_illness_rate of the rest, for everyone.",
        source="critical illness insurance threshold about the previous year's per-capita "
        "disposable income (2015 guidance); assumption for the level",
    )
    critical_illness_rate: float = param(
        0.0, unit="share", low=0.0, high=1.0, by_year={2015: 0.5, 2019: 0.6},
        doc="Share of out-of-pocket spending above the threshold that critical illness "
        "insurance pays (0 before it existed).",
        source="critical illness insurance for all rural residents from 2015, paying at least "
        "50% (60% from 2019)",
    )
    chronic_cost: float = param(
        1500.0, unit="yuan/year", low=0.0, high=1e7,
        doc="Yearly gross cost of outpatient care for a chronic illness.", source=ASSUMPTION,
    )
    chronic_labour_loss: float = param(
        0.5, unit="labour units", low=0.0, high=5.0,
        doc="Labour lost while a working-age member is chronically ill.", source=ASSUMPTION,
    )
    p_chronic_onset: float = param(
        0.01, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a household without chronic illness gets one (no elderly).",
        source=ASSUMPTION,
    )
    p_chronic_onset_per_elderly: float = param(
        0.03, unit="probability/year", low=0.0, high=1.0,
        doc="Extra onset chance per elderly member.", source=ASSUMPTION,
    )
    p_chronic_recovery: float = param(
        0.04, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a chronic illness ends in a year.", source=ASSUMPTION,
    )
    p_disability_onset: float = param(
        0.003, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a household without a disabled member gets one (no elderly).",
        source=ASSUMPTION,
    )
    p_disability_onset_per_elderly: float = param(
        0.01, unit="probability/year", low=0.0, high=1.0,
        doc="Extra onset chance per elderly member.", source=ASSUMPTION,
    )
    clinic_cost_cut: float = param(
        0.1, unit="share", low=0.0, high=1.0,
        doc="Share of illness costs avoided when the village has a clinic (earlier care).",
        source=ASSUMPTION,
    )
    disability_labour_loss: float = param(
        1.0, unit="labour units", low=0.0, high=5.0,
        doc="Labour lost when a working-age member is disabled.", source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class EconomyParams(Section):
    """Incomes, costs and their growth (all yuan at 2010 prices)."""

    farm_income_per_worker: float = param(
        13_000.0, unit="yuan/worker/year", low=0.0, high=1e7,
        doc="Net operating income (farming and household business) of one full worker on average "
        "land, productivity 1, in the start year.",
        source="NBS 2012: household operating income about 45% of rural per-capita net income "
        "(assumption for the per-worker level, calibrated)",
    )
    farm_labour_elasticity: float = param(
        0.7, unit="elasticity", low=0.0, high=2.0,
        doc="How farm income scales with farm labour.", source="assumption (Cobb-Douglas)",
    )
    land_elasticity: float = param(
        0.35, unit="elasticity", low=0.0, high=2.0,
        doc="How farm income scales with land, in the start year (see "
        "land_elasticity_growth).", source="assumption (Cobb-Douglas)",
    )
    land_elasticity_growth: float = param(
        0.0, unit="elasticity/year", low=0.0, high=0.5, yearly=False,
        doc="Yearly rise of land_elasticity after the start year, up to "
        "land_elasticity_growth_until: returns to farm scale rise as land is consolidated "
        "(rented to larger operators, machine services), so farm growth accrues more to "
        "households farming more land. It spreads farm incomes without raising their "
        "mean much: (land / land_mean) ** elasticity averages about 1 over the lognormal "
        "holdings.",
        source="contracted land rented out rose from about a fifth (2012) to over a third "
        "(2016) of household contracted land (Ministry of Agriculture); the size of the "
        "rise is not observed: 0 (no rise) in the baseline; 0.105 in a fit with farm "
        "growth at its data rate (scenarios/scale-returns.toml; docs/ODD.md, section 8), "
        "which takes the elasticity from 0.35 to 1.19 by 2020 (increasing returns to land); "
        "0.08 a year reaches constant returns (0.99) by 2020",
    )
    land_elasticity_growth_until: int = param(
        2020, unit="year", low=1991, high=2100, yearly=False,
        doc="Last year in which land_elasticity rises (it holds after).",
        source="the rural land rights confirmation and registration, 2013-2020 (assumption: "
        "consolidation slows after it)",
    )
    farm_growth_remoteness_gap: float = param(
        0.0, unit="share of growth", low=0.0, high=1.0, yearly=False,
        doc="Share of the year's farm productivity growth that a village at remoteness 1 "
        "without a road does not get (a village at remoteness r without a road gets "
        "1 - gap x r of it; with a road, all of it): new crops, inputs and buyers reach "
        "farms through markets, so remote villages gain from farm growth as their roads "
        "are built (the campaign's infrastructure).",
        source="assumption; 0 (every village gets the national rate) in the baseline "
        "(docs/ODD.md, section 8, Targets still missed)",
    )
    elderly_farm_labour: float = param(
        0.3, unit="labour units", low=0.0, high=1.0,
        doc="Farm labour of an elderly member.",
        source="assumption: most rural people aged 65 and over still farm (CHARLS surveys), "
        "at under a third of a working-age adult's effort",
    )
    farm_productivity_growth: float = param(
        0.04, unit="share/year", low=-0.5, high=1.0,
        doc="Real growth of farm productivity.",
        source="NBS: real growth of rural household operating income 2013-2019",
    )
    migrant_wage: float = param(
        24_000.0, unit="yuan/worker/year", low=0.0, high=1e7,
        doc="Yearly wage of a migrant worker at skill 0.5 in the start year.",
        source="NBS migrant worker monitoring 2012: 2,290 yuan a month (nominal)",
    )
    remittance_share: float = param(
        0.6, unit="share", low=0.0, high=1.0,
        doc="Share of a migrant's wage that counts as household income.", source=ASSUMPTION,
    )
    local_wage: float = param(
        14_000.0, unit="yuan/worker/year", low=0.0, high=1e7,
        doc="Yearly wage of a local (non-farm) job at skill 0.5 in the start year.",
        source=ASSUMPTION,
    )
    wage_growth: float = param(
        0.065, unit="share/year", low=-0.5, high=1.0,
        by_year={2013: 0.108, 2014: 0.078, 2015: 0.059, 2016: 0.046, 2017: 0.050,
                 2018: 0.046, 2019: 0.032, 2020: -0.002, 2021: 0.081, 2022: 0.021,
                 2023: 0.034, 2024: 0.036},
        doc="Real growth of wages in the year (the level compounds each year's rate). Holds "
        "at its last value after the last year listed.",
        source="NBS migrant worker monitoring reports: average monthly income of migrant "
        "workers 2,290 yuan (2012), 2,609, 2,864, 3,072, 3,275, 3,485, 3,721, 3,962, 4,072 "
        "(2020), 4,432, 4,615, 4,780, 4,961 (2024), deflated by the rural consumer price "
        "index (run.price_index; the national CPI after 2021)",
    )
    skill_wage_floor: float = param(
        0.5, unit="multiplier", low=0.0, high=5.0,
        doc="Wage multiplier at skill 0 (the multiplier is floor + skill).", source=ASSUMPTION,
    )
    ability_wage_elasticity: float = param(
        0.5, unit="elasticity", low=0.0, high=2.0,
        doc="How wages scale with persistent household productivity.", source=ASSUMPTION,
    )
    motivation_income_effect: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Share of market income lost at motivation 0 (none lost at motivation 1).",
        source=ASSUMPTION,
    )
    infrastructure_farm_bonus: float = param(
        0.04, unit="share per item", low=0.0, high=1.0,
        doc="Farm productivity gain per infrastructure item (road, water, power, broadband, "
        "clinic).",
        source=ASSUMPTION,
    )
    road_remoteness_cut: float = param(
        0.4, unit="share", low=0.0, high=1.0,
        doc="Share of the market-access penalty removed by a village road.", source=ASSUMPTION,
    )
    remoteness_farm_penalty: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Farm income lost to poor market access at remoteness 1.", source=ASSUMPTION,
    )
    pension: float = param(
        700.0, unit="yuan/elderly person/year", low=0.0, high=1e7,
        doc="Basic rural pension in the start year.",
        source="new rural pension scheme: basic benefit 55 yuan a month (2009)",
    )
    children_support: float = param(
        0.0, unit="yuan/elderly person/year (2010 prices)", low=0.0, high=1e6,
        doc="Money children living elsewhere send each elderly member of a household without "
        "working-age members at home (population.p_children_support of households), in "
        "the start year; grows with wages. A private transfer: in income, not in public "
        "transfers.",
        source="filial support obligation (Law on the Protection of the Rights and "
        "Interests of the Elderly); fitted to the share of registered households where "
        "old age is a cause (experiments/calibrate-baseline.toml)",
    )
    pension_growth: float = param(
        0.06, unit="share/year", low=-0.5, high=1.0,
        doc="Real growth of the basic pension.",
        source="basic benefit 55 yuan (2009) to 93 yuan a month (2020), nominal",
    )
    farm_subsidy_per_mu: float = param(
        90.0, unit="yuan/mu/year", low=0.0, high=1e6,
        doc="Direct agricultural subsidies per mu of land.",
        source="grain direct subsidies and comprehensive input subsidies, about 90 yuan/mu",
    )
    schooling_cost: float = param(
        900.0, unit="yuan/child/year", low=0.0, high=1e7,
        doc="Out-of-pocket cost of a school-age child (boarding, food, transport, materials).",
        source="assumption (compulsory schooling is tuition-free since 2006-2008)",
    )
    transitory_sigma: float = param(
        0.2, unit="log sd", low=0.0, high=3.0,
        doc="Household transitory shock to market income: a year's market income is "
        "multiplied by a mean-one lognormal draw of this log sd (on the downside; see "
        "transitory_upside).", source=ASSUMPTION,
    )
    transitory_remoteness: float = param(
        0.0, unit="share per unit of remoteness", low=0.0, high=5.0,
        doc="How much riskier market income is in remote villages: the transitory shock's "
        "log sd is transitory_sigma x (1 + this x remoteness). 0: the same risk "
        "everywhere.",
        source="assumption: rain-fed farming on slopes without irrigation, one crop and "
        "few other jobs make incomes in remote villages more variable (the poor areas "
        "were also the most disaster-prone); fitted in calibration trials "
        "(experiments/calibration-trials/)",
    )
    transitory_upside: float = param(
        1.0, unit="ratio", low=0.0, high=1.0,
        doc="Log sd of a good year's transitory shock relative to a bad year's "
        "(transitory_sigma): below 1 the shock is skewed to the downside -- a failed "
        "harvest or a lost job cuts a year's income more than a good year raises it. The "
        "two-piece lognormal is rescaled to mean one. 1: symmetric (the lognormal).",
        source="assumption: rural income risk is mostly downside (harvest failure, illness, "
        "job loss; Dercon 2002, 'Income risk, coping strategies and safety nets'); fitted "
        "(experiments/calibrate-baseline.toml)",
    )
    savings_threshold: float = param(
        2.0, unit="multiple of the line", low=0.0, high=100.0,
        doc="Per-capita income (as a multiple of the line) above which a household saves.",
        source="assumption",
    )
    savings_rate: float = param(
        0.15, unit="share", low=0.0, high=1.0,
        doc="Share of income above savings_threshold times the line that is saved.",
        source="assumption",
    )
    dissaving_rate: float = param(
        0.5, unit="share", low=0.0, high=1.0,
        doc="Share of savings a household may spend in a year to cover a shortfall.",
        source="assumption",
    )
    debt_repayment_share: float = param(
        0.2, unit="share of debt/year", low=0.0, high=1.0,
        doc="Share of outstanding debt (defaulted loans, co-payments) repaid each year "
        "(debt service).",
        source="assumption (about five years to repay)",
    )
    risk_sharing_share: float = param(
        0.03, unit="share", low=0.0, high=1.0,
        doc="Share of savings a household passes on to contacts pushed below the line by an "
        "illness or a disaster this year (informal risk sharing).",
        source=ASSUMPTION,
    )
    job_info_effect: float = param(
        0.3, unit="probability", low=0.0, high=1.0,
        doc="Extra chance an idle worker finds a migrant job when all contacts are migrants.",
        source=ASSUMPTION,
    )
    p_migrant_return: float = param(
        0.08, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a migrant worker comes home in a year.", source="assumption",
    )
    p_find_migrant_job: float = param(
        0.05, unit="probability/year", low=0.0, high=1.0,
        doc="Chance an able idle worker takes a migrant job without contacts (at population."
        "reference_skill).",
        source=ASSUMPTION,
    )
    jobs_follow_record: bool = param(
        False, unit="flag", yearly=False,
        doc="Demand sets the wage jobs: the model's migrant workers and local wage jobs "
        "follow the records out_migrant_workers_million and local_migrant_workers_million "
        "(as ratios to their start-year values), idle workers filling the vacancies in "
        "proportion to their chances of finding work (povsim.life.labour_market). Off: "
        "every idle worker who finds a migrant job leaves, and local jobs are only lost.",
        source="NBS migrant worker monitoring: out-migrant workers rose 4% from 2012 to "
        "2020 while the supply-led model's doubled (docs/ODD.md, section 7)",
    )
    out_migrant_workers_million: float = param(
        163.36, unit="million persons", low=0.0, high=1e4,
        by_year={2013: 166.10, 2014: 168.21, 2015: 168.84, 2016: 169.34, 2017: 171.85,
                 2018: 172.66, 2019: 174.25, 2020: 169.59, 2021: 171.72, 2022: 171.90,
                 2023: 176.58},
        doc="Rural workers working outside their township (out-migrant workers); with "
        "jobs_follow_record, the model's migrant workers follow its ratio to the "
        "start-year value. Holds at its last value after the last year listed.",
        source="NBS migrant worker monitoring reports 2012-2023 (out-migrant workers, "
        "millions)",
    )
    local_migrant_workers_million: float = param(
        99.25, unit="million persons", low=0.0, high=1e4,
        by_year={2013: 102.84, 2014: 105.74, 2015: 108.63, 2016: 112.37, 2017: 114.67,
                 2018: 115.70, 2019: 116.52, 2020: 116.01, 2021: 120.79, 2022: 123.72,
                 2023: 120.95},
        doc="Rural workers in off-farm work within their township for six months or more "
        "(local migrant workers); with jobs_follow_record, the model's local wage jobs "
        "follow its ratio to the start-year value. Holds at its last value after the "
        "last year listed.",
        source="NBS migrant worker monitoring reports 2012-2023 (local migrant workers, "
        "millions)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ShockParams(Section):
    """Disasters, prices and scenario shocks."""

    disaster_farm_loss: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Share of farm income lost by households of a village hit by a disaster.",
        source="assumption: crop losses of 10-30% on affected land are typical in the "
        "Ministry of Emergency Management's yearly disaster statistics",
    )
    disaster_house_damage: float = param(
        0.1, unit="probability", low=0.0, high=1.0,
        doc="Chance a safe house becomes unsafe in a disaster.", source="assumption",
    )
    price_sigma: float = param(
        0.03, unit="log sd", low=0.0, high=2.0,
        doc="Yearly farm price shock, common to all villages.",
        source="assumption: yearly changes of the national farm producer price index are "
        "a few percent",
    )
    migrant_job_loss: float = param(
        0.0, unit="share of migrants", low=0.0, high=1.0, event=True,
        doc="Share of households with migrant workers whose migrants lose their jobs and "
        "this year's wages. A one-off event: a year table such as {2020 = 0.25} applies "
        "in the years it lists only (2021 is back to 0 without saying so).",
        source="scenario lever (the 2020 migrant-job shock of the model requirement)",
    )
    migrant_wage_loss: float = param(
        1.0, unit="share of a year's wages", low=0.0, high=1.0,
        doc="Share of the year's migrant wages lost by a household whose migrants lose their "
        "jobs (1: the whole year; 0.4: about five months out of work).",
        source="scenario lever",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CauseParams(Section):
    """Thresholds that turn household state into causes of poverty (several per household)."""

    illness_spending: float = param(
        1500.0, unit="yuan/year", low=0.0, high=1e7,
        doc="Out-of-pocket medical spending that makes illness a cause (chronic illness always "
        "does).",
        source=ASSUMPTION,
    )
    labour_per_member: float = param(
        0.3, unit="labour units/member", low=0.0, high=10.0,
        doc="Able labour per member below which lack of labour is a cause.", source=ASSUMPTION,
    )
    low_skill: float = param(
        0.3, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill below which lack of skills is a cause.", source=ASSUMPTION,
    )
    elderly_share: float = param(
        0.5, unit="share of members", low=0.0, high=1.0,
        doc="Share of members aged 65+ from which old age is a cause.", source=ASSUMPTION,
    )
    low_savings: float = param(
        300.0, unit="yuan/person", low=0.0, high=1e7,
        doc="Savings per member below which lack of capital is a cause.", source=ASSUMPTION,
    )
    remoteness: float = param(
        0.6, unit="index 0-1", low=0.0, high=1.0,
        doc="Village remoteness from which remote location is a cause.", source=ASSUMPTION,
    )
    schooling_share: float = param(
        0.15, unit="share of gross income", low=0.0, high=10.0,
        doc="Schooling spending share of gross income from which schooling costs are a cause.",
        source=ASSUMPTION,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class SchoolingParams(Section):
    """Compulsory schooling: dropout under financial stress and the skill children bring."""

    p_dropout: float = param(
        0.06, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a poor household whose schooling costs are not covered has a child drop "
        "out of school in a year.",
        source=ASSUMPTION,
    )
    completion_skill: float = param(
        0.55, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill a child who completed compulsory schooling brings to the household's "
        "workers on reaching working age.",
        source="assumption",
    )
    dropout_skill: float = param(
        0.2, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill a child who dropped out brings.", source="assumption",
    )
