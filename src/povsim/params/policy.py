"""Defaults of the targeted poverty alleviation system and its governance levers.

Cadres, helpers, enterprises, identification, money, exit assessment, support after
exit and monitoring.

These are the governance levers of MODEL.md section 5; most may change by year.
"""

from __future__ import annotations

from dataclasses import dataclass

from povsim.params.core import ASSUMPTION
from povsim.params.spec import Section, param

IDENTIFICATION_MODES = ("quota", "need_based")
QUOTA_ALLOCATIONS = ("proportional", "estimated")
EXIT_CRITERIA = ("income_and_guarantees", "income_only")
INTERVENTION_NAMES = (
    "health",
    "education",
    "dibao",
    "housing",
    "industry",
    "microloans",
    "employment",
    "training",
    "public_posts",
    "relocation",
    "infrastructure",
    "motivation",
    "consumption_aid",
)
"""Every intervention, in the order measures are delivered each year."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentificationParams(Section):
    """How cadres find the poor: observation error, quotas, favouritism, review, adjustment."""

    start_year: int = param(
        2014, unit="year", low=1990, high=2100, yearly=False,
        doc="Year the poverty registry is first built.",
        source="State Council LGOP 2014: registration of every poor household (jiandang lika)",
    )
    mode: str = param(
        "quota", unit="choice", choices=IDENTIFICATION_MODES,
        doc="quota: each village registers its lowest observed incomes up to a top-down quota; "
        "need_based: every household observed below the line is registered.",
        source="2014 registration used province-to-village quotas from NBS estimates",
    )
    quota_rate: float = param(
        0.11, unit="share of households", low=0.0, high=1.0,
        doc="Registry quota as a share of each county's households (quota mode).",
        source="2014 registry: 29.48 million households of about 270 million rural households",
    )
    quota_allocation: str = param(
        "estimated", unit="choice", choices=QUOTA_ALLOCATIONS,
        doc="How a county quota is split among villages: by village size, or by the cadres' "
        "estimate of village poverty (observed incidence).",
        source="assumption",
    )
    noise_sd: float = param(
        0.35, unit="log sd", low=0.0, high=3.0,
        doc="Error of a cadre's observation of per-capita income (lognormal, mean 1).",
        source=ASSUMPTION + " (rural incomes are diverse and hard to measure)",
    )
    noise_persistence: float = param(
        0.7, unit="correlation", low=0.0, high=0.99,
        doc="Year-to-year correlation of a household's observation error (the same income "
        "sources are hard to measure every year).",
        source=ASSUMPTION,
    )
    competence_noise_cut: float = param(
        0.5, unit="share", low=0.0, high=1.0,
        doc="Share of the observation error removed at cadre competence 1.", source=ASSUMPTION,
    )
    registration_margin: float = param(
        0.0, unit="share of the line", low=-1.0, high=5.0,
        doc="Need-based mode registers households observed below line x (1 + margin).",
        source="assumption",
    )
    favouritism: float = param(
        0.3, unit="probability", low=0.0, high=1.0,
        doc="Chance a cadre with no integrity registers a non-poor kin household "
        "(scaled by 1 - integrity).",
        source="MODEL.md section 1 (favouritism named by the policy documents); assumption",
    )
    public_review_catch: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Share of registry errors (non-poor registered, poor left out) that the village "
        "public review corrects.",
        source="democratic appraisal and public notice of the registry; assumption",
    )
    adjustment: bool = param(
        True, unit="flag",
        doc="Yearly dynamic adjustment: remove the wrongly registered, add the newly poor and "
        "the returned.",
        source="LGOP dynamic adjustment (from the 2015-2016 registry re-check)",
    )
    adjustment_start_year: int = param(
        2015, unit="year", low=1990, high=2100, yearly=False,
        doc="First year of dynamic adjustment.", source="2015 registry re-check",
    )
    removal_margin: float = param(
        1.3, unit="multiple of the line", low=0.0, high=10.0,
        doc="Registered households observed above line x margin are removed as wrongly "
        "registered in adjustment (before any exit).",
        source="assumption",
    )
    diagnosis_accuracy: float = param(
        0.85, unit="probability", low=0.0, high=1.0,
        doc="Chance a fully competent cadre records the true main cause (reduced by "
        "diagnosis_competence_weight at competence 0); otherwise a cause is recorded at "
        "random.",
        source=ASSUMPTION,
    )
    diagnosis_competence_weight: float = param(
        0.5, unit="share", low=0.0, high=1.0,
        doc="How much of diagnosis_accuracy depends on the cadre's competence: accuracy x "
        "(1 - weight + weight x competence).",
        source="assumption",
    )
    poor_village_share: float = param(
        0.21, unit="share of villages", low=0.0, high=1.0, yearly=False,
        doc="Share of villages designated registered poor villages (highest registered rate).",
        source="128,000 registered poor villages of about 600,000 villages (LGOP 2014)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CadreParams(Section):
    """Village cadre teams and the first secretaries' work teams of poor villages."""

    diligence_mean: float = param(
        0.7, unit="0-1", low=0.0, high=1.0,
        doc="Mean diligence of village cadre teams (beta distributed).", source=ASSUMPTION,
    )
    competence_mean: float = param(
        0.55, unit="0-1", low=0.0, high=1.0,
        doc="Mean competence (accuracy of observing income and diagnosing causes).",
        source=ASSUMPTION,
    )
    integrity_mean: float = param(
        0.8, unit="0-1", low=0.0, high=1.0,
        doc="Mean integrity (resistance to favouring kin).", source=ASSUMPTION,
    )
    trait_concentration: float = param(
        12.0, unit="beta concentration", low=0.1, yearly=False,
        doc="How tightly cadre traits cluster around their means (beta a + b).",
        source="assumption",
    )
    capacity_per_100: float = param(
        6.0, unit="households/year per 100 households", low=0.0,
        doc="Households a village cadre team actively helps a year, per 100 village households, "
        "at full diligence and no paperwork.",
        source=ASSUMPTION,
    )
    work_team_capacity_per_100: float = param(
        10.0, unit="households/year per 100 households", low=0.0,
        doc="Extra households actively helped by the first secretary and work team of a "
        "registered poor village, per 100 village households.",
        source="about 3 million cadres stationed in villages in 255,000 work teams (2020 white "
        "paper); assumption for the rate",
    )
    work_team_diligence_bonus: float = param(
        0.15, unit="0-1", low=0.0, high=1.0,
        doc="Diligence of a work team above the village team's mean.", source="assumption",
    )
    work_team_competence_bonus: float = param(
        0.15, unit="0-1", low=0.0, high=1.0,
        doc="Competence of a work team above the village team's mean.", source="assumption",
    )
    paperwork: float = param(
        0.25, unit="share of time", low=0.0, high=1.0,
        doc="Share of cadre time lost to forms and inspections (formalism lever).",
        source="MODEL.md section 5 (formalism and paperwork); assumption",
    )
    training: bool = param(
        False, unit="flag",
        doc="Cadre training: competence grows by training_gain a year while on.",
        source="MODEL.md section 5 (cadre training lever)",
    )
    training_gain: float = param(
        0.03, unit="competence/year", low=0.0, high=1.0,
        doc="Yearly competence gain under training.", source="assumption",
    )
    work_teams: bool = param(
        True, unit="flag",
        doc="Whether registered poor villages get a first secretary and work team.",
        source="2015 decision: first secretaries stationed in registered poor villages",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HelperParams(Section):
    """Pairing helpers (one designated helper per registered household) and east-west pairing."""

    enabled: bool = param(
        True, unit="flag", doc="Whether registered households get designated helpers.",
        source="one-to-one pairing of cadres with poor households (from 2015)",
    )
    start_year: int = param(
        2015, unit="year", low=1990, high=2100, yearly=False,
        doc="First year helpers are assigned.", source="2015 decision on winning the battle",
    )
    capacity: int = param(
        5, unit="households/helper", low=1, high=1000,
        doc="Households a helper is responsible for.",
        source="typical assignment of 1-5 households per cadre",
    )
    coverage: float = param(
        1.0, unit="share", low=0.0, high=1.0,
        doc="Share of registered households that get a helper.", source="assumption",
    )
    effect_boost: float = param(
        0.2, unit="share", low=0.0, high=5.0,
        doc="Extra return on industry support and microloans of households with a helper.",
        source=ASSUMPTION,
    )
    motivation_boost: float = param(
        0.03, unit="motivation/year", low=0.0, high=1.0,
        doc="Yearly motivation gain of households with a helper.", source=ASSUMPTION,
    )
    stop_at_exit: bool = param(
        True, unit="flag",
        doc="Whether a helper leaves a household at exit (else it stays while support is kept).",
        source="MODEL.md section 5 (help withdrawn at exit, or kept)",
    )
    east_west_start_year: int = param(
        2016, unit="year", low=1990, high=2100, yearly=False,
        doc="First year of east-west county pairing funds and job slots.",
        source="2016 guidance on east-west cooperation in poverty alleviation",
    )
    east_west_funds_per_household: float = param(
        80.0, unit="yuan/household/year", low=0.0,
        doc="Funds from the paired eastern counties, per household of the simulated area.",
        source="about 100 billion yuan of eastern fiscal aid 2016-2020, about 20 billion a year "
        "for about 250 million rural households",
    )
    east_west_job_slots: float = param(
        0.03, unit="slots/registered household/year", low=0.0, high=1.0,
        doc="Migrant job slots offered by the paired eastern county each year.",
        source="assumption (labour cooperation under east-west pairing)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class EnterpriseParams(Section):
    """Leading enterprises, cooperatives, workshops and public-welfare employers."""

    leading_per_county: int = param(
        2, unit="enterprises", low=0, high=1000, yearly=False,
        doc="Leading enterprises in each county.", source="assumption",
    )
    leading_jobs_per_1000: float = param(
        15.0, unit="jobs per 1,000 county households", low=0.0, yearly=False,
        doc="Jobs of a county's leading enterprises.", source=ASSUMPTION,
    )
    cooperative_jobs_per_100: float = param(
        1.5, unit="jobs per 100 village households", low=0.0, yearly=False,
        doc="Jobs of a village cooperative.", source=ASSUMPTION,
    )
    workshop_jobs_per_100: float = param(
        4.0, unit="jobs per 100 village households", low=0.0, yearly=False,
        doc="Jobs of a poverty-alleviation workshop (one per registered poor village and "
        "resettlement site).",
        source="assumption (workshops of 20-50 jobs)",
    )
    leading_wage: float = param(
        15_000.0, unit="yuan/worker/year", low=0.0,
        doc="Yearly wage at a leading enterprise (start year, skill 0.5).", source=ASSUMPTION,
    )
    cooperative_wage: float = param(
        10_000.0, unit="yuan/worker/year", low=0.0,
        doc="Yearly wage at a cooperative.", source=ASSUMPTION,
    )
    workshop_wage: float = param(
        9_000.0, unit="yuan/worker/year", low=0.0,
        doc="Yearly wage at a workshop.",
        source="workshop wages of 1,000-2,000 yuan a month for part-year work; assumption",
    )
    leading_skill_need: float = param(
        0.4, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill a leading-enterprise job requires.", source="assumption",
    )
    cooperative_skill_need: float = param(
        0.2, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill a cooperative job requires.", source="assumption",
    )
    workshop_skill_need: float = param(
        0.05, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill a workshop job requires.", source="assumption",
    )
    dividend_rate: float = param(
        0.08, unit="share of stake/year", low=0.0, high=1.0,
        doc="Dividend paid on pooled industry funds (shares) in a normal year.",
        source="asset-income schemes typically promised 6-10% a year",
    )
    profit_sigma: float = param(
        0.25, unit="log sd", low=0.0, high=3.0,
        doc="Yearly market shock to an enterprise's profits (scales dividends).",
        source="assumption",
    )
    failure_prob: float = param(
        0.03, unit="probability/year", low=0.0, high=1.0,
        doc="Yearly chance an established enterprise fails.", source=ASSUMPTION,
    )
    short_term_failure_prob: float = param(
        0.2, unit="probability/year", low=0.0, high=1.0,
        doc="Yearly chance a hastily built short-term project (workshop, cooperative) fails.",
        source="MODEL.md section 4 (short-term projects fail more); assumption",
    )
    short_term_share: float = param(
        0.25, unit="share", low=0.0, high=1.0,
        doc="Share of workshops and cooperatives built hastily as short-term projects.",
        source="assumption",
    )
    separation_prob: float = param(
        0.1, unit="probability/year", low=0.0, high=1.0,
        doc="Yearly chance a placed worker leaves the job.", source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetParams(Section):
    """Money: the yearly budget, its growth, leakage and idle funds."""

    national_billion: float = param(
        110.0, unit="billion yuan (2010 prices)", low=0.0, yearly=False,
        doc="National poverty alleviation spending in the first simulated year, scaled to the "
        "simulated population by its share of the rural population.",
        source="fiscal special poverty funds of all levels, nearly 1.6 trillion yuan 2013-2020 "
        "(2021 white paper), plus relocation funds; assumption for the first year",
    )
    growth: float = param(
        0.227, unit="share/year", low=-1.0, high=5.0,
        doc="Growth of the budget in a year over the year before (may change by year).",
        source="central special poverty funds grew about 22.7% a year (seed 003)",
    )
    start_year: int = param(
        2013, unit="year", low=1990, high=2100, yearly=False,
        doc="First year with a campaign budget.", source="campaign launched in 2013",
    )
    end_year: int = param(
        2100, unit="year", low=1990, high=2100, yearly=False,
        doc="Last year with a campaign budget (2100: no end).", source="scenario lever",
    )
    leakage: float = param(
        0.03, unit="share", low=0.0, high=1.0,
        doc="Share of new funds lost to embezzlement and misuse.",
        source="audit findings of misused poverty funds; assumption",
    )
    idle: float = param(
        0.08, unit="share", low=0.0, high=1.0,
        doc="Share of each year's allocation left idle (carried to next year).",
        source="audits found idle poverty funds; assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExitParams(Section):
    """Exit assessment: criteria, target pressure and third-party spot checks."""

    start_year: int = param(
        2015, unit="year", low=1990, high=2100, yearly=False,
        doc="First year exits are certified.", source="exit standards issued in 2016; assumption",
    )
    criteria: str = param(
        "income_and_guarantees", unit="choice", choices=EXIT_CRITERIA,
        doc="Exit requires assessed income above the line and the guarantees (food and "
        "clothing; compulsory schooling, basic medical care, safe housing; safe water), or "
        "the income only.",
        source="'two no-worries and three guarantees' exit standard",
    )
    income_margin: float = param(
        1.0, unit="multiple of the line", low=0.0, high=10.0,
        doc="Assessed per-capita income needed to exit, as a multiple of the line.",
        source="exit standard: income stably above the national line",
    )
    min_years_registered: int = param(
        1, unit="years", low=0, high=20,
        doc="Years a household must be registered before it can exit.", source="assumption",
    )
    target_year: int = param(
        2020, unit="year", low=1990, high=2100, yearly=False,
        doc="Year by which every registered household is to exit.",
        source="the goal of eliminating absolute poverty by 2020",
    )
    target_pressure: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Share of the shortfall against the yearly exit target that cadres close by "
        "exiting households on inflated or expected income.",
        source="MODEL.md section 1 (fake exits driven by targets); assumption",
    )
    fake_exit_margin: float = param(
        0.3, unit="share of the line", low=0.0, high=1.0,
        doc="How far below the line assessed income may be for a pressured exit.",
        source="assumption",
    )
    spot_check_rate: float = param(
        0.1, unit="share of exits", low=0.0, high=1.0,
        doc="Share of certified exits re-checked by third-party assessment.",
        source="third-party assessment of exits (from 2016)",
    )
    spot_check_accuracy: float = param(
        0.8, unit="probability", low=0.0, high=1.0,
        doc="Chance a spot check catches a false exit and reverses it.", source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PostExitParams(Section):
    """Support after exit."""

    support_years: int = param(
        5, unit="years", low=0, high=50,
        doc="Years after exit that policies (posts, insurance top-up, education cover, dibao, "
        "helpers if they stay) continue; 0 withdraws support at exit.",
        source="'no removal of responsibility, policy, help or supervision' after exit",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringParams(Section):
    """Return-prevention monitoring of exited and marginal households."""

    enabled: bool = param(
        False, unit="flag",
        doc="Whether exited and marginal households are watched for income drops.",
        source="return-prevention monitoring and assistance mechanism (2020)",
    )
    marginal_band: float = param(
        0.5, unit="share of the line", low=0.0, high=10.0,
        doc="Never-registered households observed below line x (1 + band) are watched as "
        "marginal.",
        source="monitoring covered households up to about 1.5 times the line; assumption",
    )
    alert_ratio: float = param(
        1.1, unit="multiple of the line", low=0.0, high=10.0,
        doc="An alert is raised when observed income falls below line x ratio.",
        source="assumption",
    )
    drop_share: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="... or when observed income falls by this share in a year.", source="assumption",
    )
    detection_rate: float = param(
        0.8, unit="probability", low=0.0, high=1.0,
        doc="Chance a qualifying household is detected.", source="assumption",
    )
    relief_per_person: float = param(
        600.0, unit="yuan/person", low=0.0,
        doc="Temporary assistance paid to a household on alert (from the dibao allocation).",
        source="temporary assistance (linshi jiuzhu) amounts; assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PrescriptionParams(Section):
    """One household, one policy: the measures prescribed for each diagnosed main cause."""

    illness: tuple = param(
        ("health", "public_posts", "industry"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for illness.", source="assumption",
    )
    disability: tuple = param(
        ("dibao", "public_posts", "industry"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for disability.", source="assumption",
    )
    lack_of_labour: tuple = param(
        ("dibao", "industry", "public_posts"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for lack of labour.", source="assumption",
    )
    lack_of_skills: tuple = param(
        ("training", "employment", "industry", "motivation"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for lack of skills.", source="assumption",
    )
    old_age: tuple = param(
        ("dibao", "industry", "public_posts"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for old age.", source="assumption",
    )
    lack_of_capital: tuple = param(
        ("microloans", "industry", "employment", "motivation"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for lack of capital.", source="assumption",
    )
    remote_location: tuple = param(
        ("relocation", "infrastructure", "employment"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for a remote location.", source="assumption",
    )
    schooling_costs: tuple = param(
        ("education", "employment"), unit="interventions", choices=INTERVENTION_NAMES,
        doc="Measures for schooling costs.", source="assumption",
    )
    disaster: tuple = param(
        ("housing", "industry", "relocation"), unit="interventions",
        choices=INTERVENTION_NAMES, doc="Measures for disaster.", source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class BehaviourParams(Section):
    """Household decisions and peer effects."""

    loan_uptake: float = param(
        0.7, unit="probability", low=0.0, high=1.0,
        doc="Chance a fully motivated household takes an offered microloan (scaled by "
        "motivation).",
        source=ASSUMPTION,
    )
    relocation_acceptance: float = param(
        0.85, unit="probability", low=0.0, high=1.0,
        doc="Chance a household accepts an offer to relocate (no elderly members).",
        source="assumption",
    )
    elderly_reluctance: float = param(
        0.5, unit="share", low=0.0, high=1.0,
        doc="Lower acceptance of relocation in a household of only elderly members.",
        source="assumption",
    )
    peer_weight: float = param(
        0.15, unit="share/year", low=0.0, high=1.0,
        doc="How far motivation moves towards the mean of a household's contacts each year.",
        source=ASSUMPTION,
    )
    role_model_effect: float = param(
        0.05, unit="motivation", low=0.0, high=1.0,
        doc="Motivation gained when all contacts have exited poverty (role models).",
        source=ASSUMPTION,
    )
    handout_penalty: float = param(
        0.03, unit="motivation/year", low=0.0, high=1.0,
        doc="Motivation lost each year by a household with labour living on handouts "
        "(dibao, cash) without work ('waiting, relying, needing').",
        source="MODEL.md section 4 (welfare dependency); assumption",
    )
    work_reward: float = param(
        0.02, unit="motivation/year", low=0.0, high=1.0,
        doc="Motivation gained each year by a household in a programme job or post.",
        source="assumption ('rewards for work')",
    )
