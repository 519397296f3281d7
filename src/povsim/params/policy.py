"""Defaults of the targeted poverty alleviation system and its governance levers.

Cadres, helpers, enterprises, identification, money, exit assessment, support after
exit and monitoring.

These are the governance levers of model requirement R5; most may change by year.
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
    """How cadres find and record the poor: the register and what cadres know of households.

    The register is an administrative record with memory: a mass registration, a
    re-verification sweep ("look back"), then yearly dynamic adjustment. Cadres know a
    household's income through verifications whose error is the household's own
    (persistent) and shrinks with every contact.
    """

    start_year: int = param(
        2014, unit="year", low=1990, high=2100, yearly=False,
        doc="Year of the mass registration that builds the register.",
        source="State Council LGOP 2014: registration of every poor household (jiandang lika)",
    )
    end_year: int = param(
        2019, unit="year", low=1990, high=2100, yearly=False,
        doc="Last year households are registered or re-registered as poor; after it the "
        "register is closed as a targeting tool (it only shrinks by exits) and households "
        "at risk are found by monitoring instead.",
        source="from 2020 newly poor and returning households were taken in by the "
        "return-prevention monitoring mechanism (March 2020 guidance) rather than the "
        "register",
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
        doc="Spread of a cadre's first observation of a household's per-capita income "
        "(lognormal). Each household's error is its own and persists: the same income "
        "sources are misjudged the same way until contact teaches the cadre better.",
        source=ASSUMPTION + " (rural incomes are diverse and hard to measure)",
    )
    hidden_income: float = param(
        0.1, unit="log points", low=0.0, high=2.0,
        doc="Income households hide from a first observation (wages of members away, "
        "side businesses): observations are biased down by this much, and the bias "
        "shrinks with contact like the error.",
        source="hidden incomes named in the policy documents (seed); assumption for the size",
    )
    contact_error_decay: float = param(
        0.8, unit="factor per contact", low=0.0, high=1.0,
        doc="Each verification contact (registration, a yearly income check of a "
        "registered household, a sweep, an application) multiplies the household's "
        "remaining observation error and bias by this factor (1: cadres never learn).",
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
        "(scaled by 1 - integrity); favoured kin are also helped first.",
        source="favouritism named by the policy documents (seed 003); assumption",
    )
    public_review_catch: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Share of registry errors (non-poor registered, poor left out) that the village "
        "public review corrects at the mass registration.",
        source="democratic appraisal and public notice of the registry; assumption",
    )
    lookback_share: float = param(
        0.0, unit="share of villages/year", low=0.0, high=1.0,
        by_year={2015: 0.5, 2016: 1.0, 2017: 0.0},
        doc="Share of the villages not yet swept whose whole register is re-verified this "
        "year (the 'look back' sweep): registered households whose income when "
        "registered is verified above removal_margin x line are removed, and missed poor "
        "households found by the "
        "sweep's survey are added. The default sweeps half the villages in 2015 and the "
        "rest in 2016.",
        source="2015-2016 re-verification of the register (look back), which removed "
        "about 9.29 million wrongly registered persons and added about 8.07 million "
        "(LGOP, 2016)",
    )
    lookback_coverage: float = param(
        0.5, unit="share", low=0.0, high=1.0,
        doc="Share of a swept village's unregistered households the sweep's survey verifies.",
        source=ASSUMPTION,
    )
    lookback_favour_catch: float = param(
        0.5, unit="probability", low=0.0, high=1.0,
        doc="Chance the sweep finds a favoured (non-poor) kin registration and removes it.",
        source="the sweep's checks of cadres' relatives; assumption",
    )
    adjustment: bool = param(
        True, unit="flag",
        doc="Yearly dynamic adjustment: poor households that apply or are hit by a shock "
        "are verified and registered, exited households that fell back re-registered.",
        source="LGOP dynamic adjustment of the register (yearly from 2016)",
    )
    adjustment_start_year: int = param(
        2015, unit="year", low=1990, high=2100, yearly=False,
        doc="First year of dynamic adjustment.", source="2015 registry re-check",
    )
    application_rate: float = param(
        0.3, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a truly poor household not on the register (or exited and fallen "
        "back) applies in a year, or is brought forward by its neighbours.",
        source=ASSUMPTION,
    )
    shock_nomination: float = param(
        0.5, unit="probability", low=0.0, high=1.0,
        doc="Chance cadres bring forward a truly poor household hit this year by a visible "
        "shock (a serious illness, a disaster, a migrant job lost) that did not apply.",
        source=ASSUMPTION,
    )
    helper_detection: float = param(
        0.8, unit="probability/year", low=0.0, high=1.0,
        doc="Chance a pairing helper still visiting an exited household (support kept) "
        "reports it when it has fallen back below the line.",
        source="assumption (helpers keep visiting during the support period)",
    )
    removal_margin: float = param(
        1.6, unit="multiple of the line", low=0.0, high=10.0,
        doc="Registered households whose income when registered, as a sweep verifies it, "
        "was above line x margin are removed as wrongly registered (those near the line "
        "stay, and those whose income has risen since exit in time).",
        source="assumption: the sweep struck out the clearly ineligible, about 9.29 million "
        "of 89.6 million registered persons (a tenth)",
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
        0.23, unit="share of villages", low=0.0, high=1.0, yearly=False,
        doc="Share of villages designated registered poor villages (highest registered rate).",
        source="about 128,000 poor villages of about 550,000 administrative villages "
        "(LGOP 2014)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class CountyParams(Section):
    """Designated poor counties and villages, and how they exit."""

    designated_share: float = param(
        0.27, unit="share of rural persons", low=0.0, high=1.0, yearly=False,
        doc="Counties with the lowest mean per-capita income at the start are designated "
        "poor counties until they hold this share of the rural population.",
        source="NBS poverty monitoring: the poor areas (the 832 designated counties) had "
        "19.0 million rural poor at a 7.2% rate in 2017 (264 million rural persons) and "
        "11.15 million at 4.2% in 2018 (265 million), of 983 and 976 million rural "
        "persons nationally (30.46 million at 3.1%, 16.6 million at 1.7%): 27%; counties "
        "were designated by income",
    )
    west_share: float = param(
        0.5, unit="share of counties", low=0.0, high=1.0, yearly=False,
        doc="Share of counties, the most remote, that follow the western exit rule.",
        source="assumption (most designated poor counties are in the western provinces)",
    )
    exit_start_year: int = param(
        2016, unit="year", low=1990, high=2100, yearly=False,
        doc="First year a designated county or poor village can exit.",
        source="the first 28 poor counties exited in 2016 (LGOP)",
    )
    exit_incidence: float = param(
        0.02, unit="share of persons", low=0.0, high=1.0,
        doc="A designated county (or poor village) exits when the persons still registered "
        "as poor are below this share of its persons (and its check passes).",
        source="county exit standard: incidence below 2% (seed 002)",
    )
    exit_incidence_west: float = param(
        0.03, unit="share of persons", low=0.0, high=1.0,
        doc="The same threshold for western counties and their villages.",
        source="county exit standard: 3% in the west (seed 002)",
    )
    check_sample: int = param(
        1000, unit="households", low=1, high=100_000,
        doc="Simulated households sampled by the third-party check of a county applying "
        "to exit (all of them when the county has fewer). A small sample makes the check "
        "a lottery: with 60 households, about 9 of them exited, a single wrong exit "
        "fails a county whose true rate is well below the standard.",
        source="third-party assessments surveyed on the order of a thousand households "
        "a county (assumption for the number)",
    )
    check_max_error: float = param(
        0.02, unit="share", low=0.0, high=1.0,
        doc="A county fails its exit check when wrongly exited households exceed this "
        "share of the sampled exited households, or missed poor households this share "
        "of the sample.",
        source="third-party assessment: wrong-exit and missed-poor rates below 2%",
    )
    village_needs_road_and_water: bool = param(
        True, unit="flag",
        doc="A poor village exits only with a road and safe water (besides its incidence).",
        source="poor village exit standard: incidence and basic infrastructure",
    )
    designated_priority: bool = param(
        True, unit="flag",
        doc="Measures reach households of poor villages first, then of designated "
        "counties not yet exited, then the rest, each group poorest first.",
        source="funds and work teams go to designated counties and villages first (seeds)",
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
        12.0, unit="beta concentration", low=0.1, high=1e4, yearly=False,
        doc="How tightly cadre traits cluster around their means (beta a + b).",
        source="assumption",
    )
    capacity_per_100: float = param(
        6.0, unit="households/year per 100 households", low=0.0, high=1000.0,
        doc="Households a village cadre team actively helps a year, per 100 village households, "
        "at full diligence and no paperwork.",
        source=ASSUMPTION,
    )
    work_team_capacity_per_100: float = param(
        10.0, unit="households/year per 100 households", low=0.0, high=1000.0,
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
        source="model requirement R5 (formalism and paperwork); assumption",
    )
    training: bool = param(
        False, unit="flag",
        doc="Cadre training: competence grows by training_gain a year while on.",
        source="model requirement R5 (cadre training lever)",
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
    """Pairing helpers (designated helpers of registered households) and east-west pairing.

    Helpers come from outside units in finite numbers: a county gets
    ``per_1000_households`` of them (more in designated counties), each responsible
    for up to ``capacity`` households. Paperwork (``cadres.paperwork`` and the
    supervision it comes with) takes part of their time, so a paired household is
    actively helped in a year with chance ``1 - paperwork``.
    """

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
    per_1000_households: float = param(
        50.0, unit="helpers per 1,000 households", low=0.0, high=1000.0,
        doc="Helpers sent to a designated poor county, per 1,000 of its households.",
        source="assumption: every registered household of the designated counties was paired "
        "(about 25% of their households at registration) with helpers of 1-5 households",
    )
    per_1000_households_other: float = param(
        15.0, unit="helpers per 1,000 households", low=0.0, high=1000.0,
        doc="Helpers sent to any other county, per 1,000 of its households.",
        source=ASSUMPTION,
    )
    effect_boost: float = param(
        0.2, unit="share", low=0.0, high=5.0,
        doc="Extra return on industry support and microloans of households with a helper.",
        source=ASSUMPTION,
    )
    motivation_boost: float = param(
        0.03, unit="motivation/year", low=0.0, high=1.0,
        doc="Yearly motivation gain of households actively helped by their helper.",
        source=ASSUMPTION,
    )
    stop_at_exit: bool = param(
        True, unit="flag",
        doc="Whether a helper leaves a household at exit (else it stays while support is kept).",
        source="help withdrawn at exit, or kept (a governance lever of the model requirement)",
    )
    east_west_start_year: int = param(
        2016, unit="year", low=1990, high=2100, yearly=False,
        doc="First year of east-west county pairing funds and job slots.",
        source="2016 guidance on east-west cooperation in poverty alleviation",
    )
    east_west_funds_per_household: float = param(
        80.0, unit="yuan/household/year", low=0.0, high=1e6,
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
        15.0, unit="jobs per 1,000 county households", low=0.0, high=1000.0, yearly=False,
        doc="Jobs of a county's leading enterprises.", source=ASSUMPTION,
    )
    cooperative_jobs_per_100: float = param(
        1.5, unit="jobs per 100 village households", low=0.0, high=100.0, yearly=False,
        doc="Jobs of a village cooperative.", source=ASSUMPTION,
    )
    workshop_jobs_per_100: float = param(
        4.0, unit="jobs per 100 village households", low=0.0, high=100.0, yearly=False,
        doc="Jobs of a poverty-alleviation workshop (one per registered poor village and "
        "resettlement site).",
        source="assumption (workshops of 20-50 jobs)",
    )
    leading_wage: float = param(
        15_000.0, unit="yuan/worker/year", low=0.0, high=1e7,
        doc="Yearly wage at a leading enterprise (start year, skill 0.5).", source=ASSUMPTION,
    )
    cooperative_wage: float = param(
        10_000.0, unit="yuan/worker/year", low=0.0, high=1e7,
        doc="Yearly wage at a cooperative.", source=ASSUMPTION,
    )
    workshop_wage: float = param(
        9_000.0, unit="yuan/worker/year", low=0.0, high=1e7,
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
        source="model requirement R4 (short-term projects fail more); assumption",
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
    """Money: the yearly budget, supervision, leakage, idle and unspent funds."""

    national_billion: float = param(
        0.0, unit="billion yuan a year (current prices)", low=0.0, high=1e6,
        by_year={2013: 39.4, 2014: 43.3, 2015: 46.1, 2016: 67.0, 2017: 86.1, 2018: 106.1,
                 2019: 126.1, 2020: 146.1, 2021: 156.1},
        doc="Central special poverty alleviation funds of each year; the campaign's money "
        "is scale x this, in 2010 prices (divided by run.price_index), shared out to the "
        "simulated population by its share of the rural population. The last value holds "
        "in later years unless a scenario says otherwise.",
        source="Ministry of Finance: central special poverty funds 39.4 (2013) to 146.1 "
        "billion yuan (2020), about 20% a year (seed 003: 22.7%); 156.1 billion in 2021 "
        "(rural revitalization subsidies, the former poverty funds)",
    )
    scale: float = param(
        2.4, unit="multiplier", low=0.0, high=100.0,
        doc="Campaign money reaching the modelled measures per yuan of central special "
        "funds (local matching funds and other channels raise it above 1).",
        source="special funds of all levels were nearly 1.6 trillion yuan 2013-2020 (2021 "
        "white paper), about 2.4 times the central funds; calibrated in the baseline",
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
        0.05, unit="share", low=0.0, high=1.0,
        doc="Share of new funds lost to embezzlement and misuse without supervision.",
        source="audit findings of misused poverty funds; assumption",
    )
    idle: float = param(
        0.12, unit="share", low=0.0, high=1.0,
        doc="Share of each year's allocation left idle without supervision.",
        source="audits found idle poverty funds; assumption",
    )
    supervision: float = param(
        0.5, unit="0-1", low=0.0, high=1.0,
        doc="Intensity of audits, inspections and supervision of funds: cuts leakage and "
        "idle funds, but adds paperwork for cadres and helpers.",
        source="supervision and inspections of the campaign (seeds); assumption",
    )
    supervision_leakage_cut: float = param(
        0.8, unit="share", low=0.0, high=1.0,
        doc="Share of leakage prevented at full supervision.", source=ASSUMPTION,
    )
    supervision_idle_cut: float = param(
        0.6, unit="share", low=0.0, high=1.0,
        doc="Share of idle funds put to use at full supervision.", source=ASSUMPTION,
    )
    supervision_paperwork: float = param(
        0.2, unit="share of time", low=0.0, high=1.0,
        doc="Cadre and helper time taken by forms and inspections at full supervision, "
        "on top of cadres.paperwork.",
        source="formalism and paperwork named by the policy documents; assumption",
    )
    carry_unused: bool = param(
        True, unit="flag",
        doc="Whether money not spent in a year (idle, unused, unallocated) is carried to the "
        "next; when false it is returned and reported as unspent, so a comparison of "
        "measures at equal money is not changed by money moved between years.",
        source="scenario lever (issue 16: comparisons at equal money)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExitParams(Section):
    """Exit assessment: criteria, stable income, target pressure and third-party spot checks."""

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
    stable_years: int = param(
        1, unit="years", low=1, high=10,
        doc="Consecutive yearly assessments of stable income (income from lasting sources, "
        "without the year's transitory luck) at or above income_margin x line that a "
        "certified exit needs.",
        source="exit standard: income 'stably' above the line; assumption for the count",
    )
    min_years_registered: int = param(
        1, unit="years", low=0, high=20,
        doc="Years a household must be registered before it can exit.", source="assumption",
    )
    target_year: int = param(
        2020, unit="year", low=1990, high=2100, yearly=False,
        doc="Year by which every registered household is to exit; there is no exit target "
        "(and no target pressure) after it.",
        source="the goal of eliminating absolute poverty by 2020",
    )
    target_pressure: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="Share of the shortfall against the yearly exit target that cadres close by "
        "exiting households on inflated or expected income.",
        source="fake exits driven by targets named by the policy documents; assumption",
    )
    plan_ceiling: float = param(
        0.0, unit="multiple of the even pace", low=0.0, high=100.0,
        doc="Exit quotas: until target_year, each county certifies at most plan_ceiling "
        "times its even-paced yearly plan (its registered households / years left to "
        "target_year, rounded up) of exits a year; households that qualify beyond it wait "
        "for the next year's list (highest assessed income first on it). 0: no quota.",
        source="annual poverty-reduction plans broken down from province to county, "
        "township and village, with household exits proposed on the year's list; the "
        "ceiling's size is fitted (scenarios/baseline.toml)",
    )
    fake_exit_margin: float = param(
        0.3, unit="share of the line", low=0.0, high=1.0,
        doc="How far below the line assessed income may be for a pressured exit.",
        source="assumption",
    )
    return_reluctance: float = param(
        0.6, unit="share", low=0.0, high=1.0,
        doc="Share of verified returns cadres leave unrecorded in the target year, because a "
        "return counts against the county's exit assessment; it grows in a straight line "
        "from 0 before exit.start_year to this in exit.target_year, and is 0 after it (the "
        "households stay exited on the register while truly poor again).",
        source="returns were penalised in the evaluation of counties' poverty alleviation "
        "results, and officially recorded returns fell to a few thousand a year by 2019; "
        "assumption for the size",
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
    """Support after exit: kept for some years or through a transition, then phased out."""

    support_years: int = param(
        5, unit="years", low=0, high=50,
        doc="Years after exit that policies (posts, insurance top-up, education cover, dibao, "
        "helpers if they stay) continue; 0 withdraws support at exit.",
        source="'no removal of responsibility, policy, help or supervision' after exit",
    )
    kept_through: int = param(
        1990, unit="year", low=1990, high=2100,
        doc="Support of every exited household is kept at least to the end of this year "
        "(the transition period's 'four no-withdrawals'; 1990: no such rule).",
        source="five-year transition period 2021-2025 (seeds 002, 004)",
    )
    phase_out_years: int = param(
        0, unit="years", low=0, high=50,
        doc="Years over which support is phased out once it is due to end: each exited "
        "household's support ends in one of these years (spread evenly); 0 ends it at "
        "once for everyone due.",
        source="scenario lever (abrupt or gradual phase-out)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MonitoringParams(Section):
    """Return-prevention monitoring of exited and marginal households (dynamic monitoring).

    Watched: exited households, and households never registered whose known income is
    below ``(1 + marginal_band) x line``. A watched household is flagged at risk
    (with chance ``detection_rate`` a year) when its verified income is below the
    line, or below ``alert_ratio x line`` (the monitoring scope) and it is hit by a
    risk: a fall of ``drop_share`` in a year, a sudden expense (medical and schooling
    costs above ``expense_share`` of its income) or a disaster. A flagged household
    is monitored: it gets relief at once and measures like a registered household.
    Its risk is cleared when its verified income is at least ``alert_ratio x line``
    again without a new shock: at the next year's check, or within the year of the
    flag when the flag came at least ``clearance_months`` before the year's end and
    its lasting income is out of the scope (the year's fall or expense was one-off).
    """

    enabled: bool = param(
        False, unit="flag",
        doc="Whether exited and marginal households are watched for risk.",
        source="return-prevention monitoring and assistance mechanism (2020)",
    )
    marginal_band: float = param(
        0.5, unit="share of the line", low=0.0, high=10.0,
        doc="Never-registered households known to be below line x (1 + band) are watched as "
        "marginal.",
        source="monitoring covered households up to about 1.5 times the line; assumption",
    )
    alert_ratio: float = param(
        1.5, unit="multiple of the line", low=0.0, high=10.0,
        doc="The monitoring scope: a watched household below line x ratio is flagged when "
        "a risk (a fall, a sudden expense, a disaster) hits it; its risk is cleared when "
        "it is at least that again with no new shock.",
        source="the 2021 monitoring threshold of about 6,000 yuan (current prices), about "
        "1.5 times the line",
    )
    drop_share: float = param(
        0.3, unit="share", low=0.0, high=1.0,
        doc="... or when its verified income falls by this share in a year.",
        source="assumption",
    )
    expense_share: float = param(
        0.5, unit="share of income", low=0.0, high=100.0,
        doc="... or when its medical and schooling costs this year exceed this share of its "
        "income before them (a sudden expense).",
        source="assumption (rigid expenses above income were a monitoring criterion)",
    )
    detection_rate: float = param(
        0.8, unit="probability", low=0.0, high=1.0,
        doc="Chance a watched household at risk is found and flagged in a year.",
        source="assumption",
    )
    clearance_months: float = param(
        6.0, unit="months", low=0.0, high=12.0,
        doc="How long after its flag a household is checked again within the year: a flag "
        "raised at least this long before the year's end (flags come uniformly over the "
        "year) has its risk cleared in the same year if its verified lasting income is "
        "out of the scope. 12 means no clearance in the year of the flag.",
        source="assumption: risk was marked cleared once income had held above the "
        "monitoring threshold for some months (2021 guidance on improving the monitoring "
        "and assistance mechanism asks for income 'stable'); half a year",
    )
    relief_per_person: float = param(
        3000.0, unit="yuan/person", low=0.0, high=1e6,
        doc="Most help paid, per member, to a household when it is flagged: it fills the "
        "household's gap to the line up to this (from the dibao allocation).",
        source="temporary assistance (linshi jiuzhu) and medical assistance for households "
        "in sudden hardship, the help the 2020 monitoring mechanism triggered; assumption "
        "for the cap",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PreventionInsuranceParams(Section):
    """Poverty-prevention insurance bought by counties for households off the register.

    A county that has adopted it insures every household it does not support (never
    registered, or exited): when illness or schooling costs, a disaster or a harvest or
    business loss push a household's income below ``insured_line`` x the line in a year,
    the insurer pays the
    gap, up to ``cap_per_person`` a member, to those who claim.
    """

    start_year: int = param(
        2100, unit="year", low=1990, high=2100, yearly=False,
        doc="First year counties adopt the insurance (the pilots; 2100: never).",
        source="poverty-prevention insurance for the near-poor started in a Hebei county "
        "in 2017 and spread to counties across the country in 2018-2019",
    )
    pilot_share: float = param(
        0.02, unit="share of counties", low=0.0, high=1.0, yearly=False,
        doc="Share of counties that adopt it in start_year (the pilots).",
        source="a Hebei county's pilot in 2017, followed by a few counties; assumption for "
        "the share",
    )
    imitation: float = param(
        0.0, unit="per year", low=0.0, high=20.0, yearly=False,
        doc="How fast counties copy adopters: each year the adopted share s grows by "
        "imitation x s x (1 - s) (logistic diffusion from the pilots; 0: only the pilots "
        "ever adopt). Each county's turn is a lasting draw: it adopts once the share "
        "passes it.",
        source="the insurance spread from county to county (provinces promoted the pilot in "
        "2018-2019); no national count of adopting counties by year was published, so the "
        "rate is fitted to the headcount path (experiments/calibrate-baseline.toml)",
    )
    insured_line: float = param(
        1.5, unit="multiple of the line", low=0.0, high=10.0,
        doc="A household whose income falls below this multiple of the line because of a "
        "shock may claim (the 'prevention line').",
        source="prevention lines were set about 1.5 times the poverty line; assumption",
    )
    expense_share: float = param(
        0.2, unit="share of income", low=0.0, high=100.0,
        doc="A shock that triggers a claim: this year's medical and schooling costs above "
        "this share of the household's income before them, or a disaster in its village.",
        source="the insurance paid for falls caused by illness, schooling costs and "
        "disasters; assumption for the size",
    )
    loss_share: float = param(
        1.0, unit="share of usual market income", low=0.0, high=1.0,
        doc="... or a harvest or business loss: this year's luck took more than this share "
        "of the household's usual farm income and wages (1: losses do not trigger a claim).",
        source="the insurance also paid for falls caused by natural disasters to crops and "
        "failed businesses; assumption for the size",
    )
    claim_rate: float = param(
        0.8, unit="probability", low=0.0, high=1.0,
        doc="Chance that an eligible household claims and is verified in the year.",
        source="assumption (the same order as monitoring's detection rate)",
    )
    cap_per_person: float = param(
        3000.0, unit="yuan/person (2010 prices)", low=0.0, high=1e6,
        doc="Most the insurance pays a household in a year, per member.",
        source="assumption (the same as monitoring's relief)",
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
    """Household decisions, work effort and peer effects."""

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
    withdrawal_effort_cut: float = param(
        0.3, unit="share of market income", low=0.0, high=1.0,
        doc="Share of its work effort (market income) a household with motivation 0 "
        "withholds when it keeps nothing of an extra yuan earned (a gap-filling "
        "transfer withdrawn yuan for yuan); scaled by the share of an extra yuan it "
        "loses and by 1 - motivation.",
        source="assumption: studies of the dibao found modest cuts in recipients' work "
        "(range 0-0.5)",
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
        0.05, unit="motivation/year", low=0.0, high=1.0,
        doc="Motivation lost each year by a household with some able labour that lives on "
        "cash handouts (dibao, relief) without work ('waiting, relying, needing').",
        source="welfare dependency named by the policy documents (seeds); assumption",
    )
    dependency_labour: float = param(
        0.5, unit="labour units", low=0.0, high=20.0,
        doc="Able labour from which a household living on handouts without work loses "
        "motivation (handout_penalty): below it, the household could not work instead.",
        source="assumption (a member half able or more)",
    )
    work_reward: float = param(
        0.02, unit="motivation/year", low=0.0, high=1.0,
        doc="Motivation gained each year by a household in a programme job or post.",
        source="assumption ('rewards for work')",
    )


