"""Defaults of the thirteen interventions (model requirement R4).

Every intervention shares the scheduling and money fields of
:class:`InterventionParams` (enabled, first and last year, budget share, targeting)
and adds its own cost per unit, eligibility, effect, lag, duration and failure risk.
"""

from __future__ import annotations

from dataclasses import dataclass

from povsim.params.core import ASSUMPTION
from povsim.params.spec import Section, param, subsection

TARGETING_MODES = ("by_cause", "package", "untargeted")
INDUSTRY_MODES = ("in_kind", "cash")
NO_END = 2100


@dataclass(frozen=True, slots=True, kw_only=True)
class InterventionParams(Section):
    """Fields every intervention has: whether, when, how much money and for whom."""

    enabled: bool = param(
        True, unit="flag", doc="Whether the intervention runs at all.", source="scenario lever",
    )
    start_year: int = param(
        2014, unit="year", low=1990, high=2100, yearly=False,
        doc="First year the intervention delivers.", source="scenario lever",
    )
    end_year: int = param(
        NO_END, unit="year", low=1990, high=2100, yearly=False,
        doc="Last year the intervention delivers new measures (2100: no end).",
        source="scenario lever",
    )
    budget_share: float = param(
        0.05, unit="share of the budget", low=0.0, high=1.0,
        doc="Share of each year's budget allocated to the intervention.",
        source="scenario lever",
    )
    dedicated_billion: float = param(
        0.0, unit="billion yuan/year (national)", low=0.0, high=1e5,
        doc="Funds earmarked for the intervention in each year it runs, beside its share of "
        "the budget (scaled to the simulated population like the budget).",
        source="scenario lever (e.g. relocation's own bonds and loans)",
    )
    targeting: str = param(
        "by_cause", unit="choice", choices=TARGETING_MODES,
        doc="by_cause: registered households whose diagnosed cause calls for it (one household, "
        "one policy); package: every registered household; untargeted: any household "
        "('flood irrigation').",
        source="model requirement R4",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthIntervention(InterventionParams):
    """Health insurance and layered reimbursement for the registered poor."""

    start_year: int = param(2016, unit="year", low=1990, high=2100, yearly=False,
                            doc="First year of health poverty alleviation.",
                            source="2016 health poverty alleviation project")
    budget_share: float = param(0.1, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for health.", source=ASSUMPTION)
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="Who is covered (package: every registered household).",
                           source="all registered poor were covered")
    reimbursement_rate: float = param(
        0.75, unit="share of cost", low=0.0, high=1.0,
        doc="Share of medical costs reimbursed for covered households.",
        source="2016 white paper: inpatient reimbursement about 75% for the poor "
        "(up to about 90% with layered protection by 2018)",
    )
    oop_cap: float = param(
        5000.0, unit="yuan/household/year", low=0.0, high=1e7,
        doc="Cap on a covered household's yearly out-of-pocket medical spending.",
        source="provincial caps of 3,000-5,000 yuan a year; assumption",
    )
    premium_subsidy: float = param(
        180.0, unit="yuan/person/year", low=0.0, high=1e6,
        doc="Insurance premium paid for each member of a covered household.",
        source="individual NRCMS contribution of about 150-220 yuan a year (2016-2019)",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class EducationIntervention(InterventionParams):
    """Schooling costs covered, no dropout; children's skill later higher."""

    budget_share: float = param(0.04, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for education.", source=ASSUMPTION)
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="Who is covered.", source="all registered poor pupils")
    covered_share: float = param(
        1.0, unit="share of cost", low=0.0, high=1.0,
        doc="Share of schooling costs paid for covered children (cost per unit: "
        "economy.schooling_cost x this share a child a year).",
        source="living allowances and fee waivers for poor pupils",
    )
    skill_bonus: float = param(
        0.1, unit="skill 0-1", low=0.0, high=1.0,
        doc="Extra adult skill of a child whose schooling was covered (lag: until the child "
        "reaches working age).",
        source=ASSUMPTION,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DibaoIntervention(InterventionParams):
    """Minimum living allowance (dibao) and extreme-poverty support: the backstop, by its rules.

    Every year each supported household is means-tested: its assessed per-capita income
    is what cadres verified (before the dibao), less the disregarded share of its
    earnings, plus the earnings imputed to its able members without work. A household
    assessed below its county's standard is eligible; offered the dibao it enrols with
    chance ``take_up``; the benefit fills the gap to the standard. A household without
    any able working-age labour gets extreme-poverty support instead: the same test
    against ``support_ratio`` times the standard. Enrolled households whose assessed
    income reaches the standard leave.
    """

    budget_share: float = param(0.2, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for the dibao.", source=ASSUMPTION)
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="Who may apply (package: every supported household; the means "
                           "test applies in every mode but untargeted, which pays an equal "
                           "per-capita transfer to all).",
                           source="the dibao for registered households who meet its rules")
    standard: float = param(
        3000.0, unit="yuan/person/year (2010 prices)", low=0.0, high=1e6,
        doc="Dibao standard of an average county: benefits fill the gap between assessed "
        "per-capita income and its county's standard.",
        source="rural dibao standard 2,434 yuan (2013) to 5,962 yuan (2020) nominal, above the "
        "poverty line by 2020",
    )
    county_spread: float = param(
        0.15, unit="log sd", low=0.0, high=2.0, yearly=False,
        doc="Spread of the counties' standards around the standard (lognormal, mean 1).",
        source="assumption (local standards differed by county)",
    )
    line_floor_year: int = param(
        2018, unit="year", low=1990, high=2100, yearly=False,
        doc="From this year no county's standard is below the poverty line ('two lines "
        "merged': every rural dibao standard at or above the line from the end of 2017).",
        source="2016-2017 linking of the dibao and poverty alleviation: rural dibao "
        "standards at or above the line in every county from the end of 2017",
    )
    imputed_earnings: float = param(
        6000.0, unit="yuan/labour unit/year (2010 prices)", low=0.0, high=1e6,
        doc="Earnings the means test imputes to each able working-age labour unit without "
        "work (no migrant, local, programme job or post), in the start year; grows with "
        "wages. This is the labour rule: households that can work are expected to.",
        source="local dibao rules impute income to able-bodied members without work, "
        "often at the local minimum wage; assumption for the level",
    )
    earnings_disregard: float = param(
        0.0, unit="share of earnings", low=0.0, high=1.0,
        doc="Share of a household's own earnings (farm, wages, asset income) the means test "
        "leaves out, so recipients keep that share of an extra yuan earned (0: the "
        "benefit falls yuan for yuan).",
        source="scenario lever (earnings disregards and gradual exit were local reforms)",
    )
    support_ratio: float = param(
        1.3, unit="multiple of the standard", low=1.0, high=10.0,
        doc="Extreme-poverty (five-guarantee) support standard as a multiple of the dibao "
        "standard, for households without able working-age labour.",
        source="basic living standard of extreme-poverty support at least 1.3 times the local "
        "dibao standard (2016 State Council opinions)",
    )
    open_application_rate: float = param(
        0.0, unit="probability", low=0.0, high=1.0,
        doc="Chance that a household outside the register's support (never registered, "
        "removed, or exited with its support ended) whose stable per-capita income is "
        "below its county's standard applies for the dibao in a year; applicants are "
        "means-tested like registered households. The rural dibao is open to every rural "
        "resident, not only to the register (0: only the register's households apply).",
        source="rural dibao open to all rural residents (State Council 2007); 'everyone "
        "eligible covered' drives from 2017; the rate is fitted to the headcount path "
        "(experiments/calibrate-baseline.toml)",
    )
    single_person_year: int = param(
        2100, unit="year", low=1990, high=2100, yearly=False,
        doc="From this year a seriously ill or severely disabled member of a household the "
        "register supports (registered, or exited with support kept) whose household is "
        "not enrolled is enrolled alone, as a one-person household ('single-person "
        "enrolment'): paid the standard for one person whatever the household's income "
        "(2100: never).",
        source="2016 State Council guidance linking the dibao with poverty alleviation: "
        "registered poor who are severely disabled or seriously ill and have lost all or "
        "part of their capacity to work may be enrolled as single-person households",
    )
    single_person_share: float = param(
        0.0, unit="share", low=0.0, high=1.0, yearly=False,
        doc="Share of households with a disabled or chronically ill member whose condition is "
        "severe enough for single-person enrolment (a lasting draw per household).",
        source="fitted to the backstop's coverage in 2020 (experiments/calibrate-baseline.toml)",
    )
    take_up: float = param(
        0.85, unit="probability", low=0.0, high=1.0,
        doc="Chance an eligible household offered the dibao is enrolled that year (take-up "
        "and local rationing).",
        source="about 20 million registered poor in the dibao or extreme-poverty support in "
        "2020 (civil affairs ministry); assumption for the rate",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HousingIntervention(InterventionParams):
    """Renovation of dilapidated houses (safe housing is an exit guarantee)."""

    budget_share: float = param(0.06, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for housing.", source=ASSUMPTION)
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="Who may get a renovation.", source="dilapidated-house renovation")
    unit_cost: float = param(
        20_000.0, unit="yuan/house", low=0.0, high=1e7,
        doc="Public cost of renovating one house.",
        source="central subsidy about 14,000 yuan per poor household plus local funds",
    )
    copay_share: float = param(
        0.1, unit="share of cost", low=0.0, high=1.0,
        doc="Share of the cost the household pays (becomes debt).", source="assumption",
    )
    exit_ready_first: bool = param(
        True, unit="flag",
        doc="Households whose verified income is already above the line (their house the "
        "guarantee they lack to exit) are renovated first; the others follow in priority "
        "order (False: priority order only, poorest first).",
        source="exit plans: counties scheduled each year's exits and made good the "
        "'three guarantees' (housing, schooling, medical care) of the households planned "
        "to exit",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class IndustryIntervention(InterventionParams):
    """Industry support: inputs and livestock, or enterprise shares without labour."""

    budget_share: float = param(0.12, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for industry support.",
                                source="industry support was the largest use of special funds")
    mode: str = param(
        "in_kind", unit="choice", choices=INDUSTRY_MODES,
        doc="in_kind: inputs and livestock that pay later but keep paying; cash: a grant that "
        "pays at once and fades.",
        source="model requirement R4 (a system-dynamics study: cash ahead in years 3-4, in-kind "
        "ahead after year 4)",
    )
    grant: float = param(
        5000.0, unit="yuan/household", low=0.0, high=1e7,
        doc="Value of the support given to one household (cost per unit).",
        source="typical household industry support of 3,000-10,000 yuan; assumption",
    )
    labour_threshold: float = param(
        1.0, unit="labour units", low=0.0, high=20.0,
        doc="Households with at least this able labour get inputs; the others get shares.",
        source="assumption",
    )
    inkind_yield: float = param(
        0.35, unit="share of grant/year", low=0.0, high=5.0,
        doc="Yearly income from in-kind support once it pays (set so that, with the cash "
        "defaults, cash is ahead in cumulative income in years 3-4 and in-kind after year 4).",
        source="model requirement R4 (system-dynamics study); assumption for the level",
    )
    inkind_lag: int = param(
        2, unit="years", low=0, high=20,
        doc="Years before in-kind support pays (livestock must grow).", source="assumption",
    )
    inkind_depreciation: float = param(
        0.05, unit="share/year", low=0.0, high=1.0,
        doc="Yearly decline of in-kind support's income.", source="assumption",
    )
    cash_yield: float = param(
        0.5, unit="share of grant", low=0.0, high=5.0,
        doc="Income from a cash grant in the first year.", source=ASSUMPTION,
    )
    cash_decay: float = param(
        0.6, unit="share/year", low=0.0, high=1.0,
        doc="Share of last year's income from a cash grant that remains.", source="assumption",
    )
    failure_prob: float = param(
        0.05, unit="probability/year", low=0.0, high=1.0,
        doc="Yearly chance a household project fails (its income stops).", source="assumption",
    )
    short_term_share: float = param(
        0.2, unit="share", low=0.0, high=1.0,
        doc="Share of household projects chosen hastily for quick results.",
        source="model requirement R1 (short-term industry projects); assumption",
    )
    short_term_failure_prob: float = param(
        0.25, unit="probability/year", low=0.0, high=1.0,
        doc="Yearly chance a short-term household project fails.", source="assumption",
    )
    repeat_years: int = param(
        3, unit="years", low=0, high=50,
        doc="A supported household may get support again this many years after its last "
        "(adding to its project, or reviving a failed one); 0: support is given once.",
        source="industry support was renewed as projects grew (yearly rewards and "
        "subsidies for expanding production in many counties); assumption for the interval",
    )
    stake_years: int = param(
        8, unit="years", low=1, high=50,
        doc="Years dividends are paid on shares given to households without labour.",
        source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MicroloanIntervention(InterventionParams):
    """Poverty-alleviation microloans: no collateral, interest subsidised."""

    budget_share: float = param(0.06, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for interest subsidies and risk funds.",
                                source=ASSUMPTION)
    max_amount: float = param(
        50_000.0, unit="yuan", low=0.0, high=1e8,
        doc="Largest loan.", source="policy terms: up to 50,000 yuan",
    )
    amount_per_worker: float = param(
        20_000.0, unit="yuan/worker", low=0.0, high=1e8,
        doc="Loan size per able worker (up to max_amount).", source="assumption",
    )
    term_years: int = param(
        3, unit="years", low=1, high=30, doc="Loan term.",
        source="policy terms: up to 3 years",
    )
    interest_rate: float = param(
        0.0435, unit="share/year", low=0.0, high=1.0,
        doc="Interest rate, paid by the budget (subsidised).",
        source="benchmark lending rate 4.35% (2015-2019)",
    )
    risk_fund_share: float = param(
        0.1, unit="share of principal", low=0.0, high=1.0,
        doc="Share of each loan the budget puts into the risk compensation fund.",
        source="county risk compensation funds; assumption",
    )
    approval_rate: float = param(
        0.5, unit="probability", low=0.0, high=1.0,
        doc="Chance a bank approves a loan for an eligible household that is offered one.",
        source="approvals grew from 2% (2014) to 26.7% (2016) of registered households",
    )
    investment_return: float = param(
        0.12, unit="share of principal/year", low=-1.0, high=5.0,
        doc="Yearly return of the financed project, scaled by (return_skill_offset + skill) "
        "x (return_motivation_offset + motivation): 1 x 1 at skill 0.5 and motivation 0.7 "
        "with the default offsets.",
        source=ASSUMPTION,
    )
    return_skill_offset: float = param(
        0.5, unit="skill units", low=0.0, high=10.0,
        doc="Added to skill (0-1) in the return's skill factor: the return of the least "
        "skilled is this share of an average-skilled borrower's.",
        source="assumption",
    )
    return_motivation_offset: float = param(
        0.3, unit="motivation units", low=0.0, high=10.0,
        doc="Added to motivation (0-1) in the return's motivation factor.",
        source="assumption",
    )
    return_sd: float = param(
        0.1, unit="share of principal", low=0.0, high=5.0,
        doc="Yearly spread of the realised return; a year with a negative return ends the "
        "project (capital lost, loan in default at term).",
        source=ASSUMPTION,
    )



@dataclass(frozen=True, slots=True, kw_only=True)
class EmploymentIntervention(InterventionParams):
    """Placement in enterprises and workshops, and east-west migrant jobs."""

    start_year: int = param(2015, unit="year", low=1990, high=2100, yearly=False,
                            doc="First year of placements.", source="assumption")
    budget_share: float = param(0.05, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for placements.", source=ASSUMPTION)
    placement_cost: float = param(
        1500.0, unit="yuan/placement", low=0.0, high=1e7,
        doc="Public cost of one placement (subsidies to employers, transport).",
        source="employment subsidies and transport allowances; assumption",
    )
    migrant_slots: float = param(
        0.1, unit="slots/registered household/year", low=0.0, high=1.0,
        doc="Migrant jobs found each year by organised labour export (beside the east-west "
        "slots, helpers.east_west_job_slots), per registered household.",
        source="poor labourers in work rose from 12.27 million (2015) to 32.43 million (2020), "
        "much of it organised migration; assumption for the rate",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingIntervention(InterventionParams):
    """Skills training."""

    budget_share: float = param(0.03, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for training.", source=ASSUMPTION)
    unit_cost: float = param(
        1500.0, unit="yuan/trainee", low=0.0, high=1e7, doc="Cost of training one member.",
        source="vocational training subsidies of 1,000-2,000 yuan per trainee",
    )
    skill_gain: float = param(
        0.15, unit="skill 0-1", low=0.0, high=1.0,
        doc="Skill gained (from the next year).", source=ASSUMPTION,
    )
    max_skill: float = param(
        0.7, unit="skill 0-1", low=0.0, high=1.0,
        doc="Only households below this skill are trained.", source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicPostIntervention(InterventionParams):
    """Public welfare posts (forest rangers, cleaners) for weak labour."""

    start_year: int = param(2016, unit="year", low=1990, high=2100, yearly=False,
                            doc="First year of posts.", source="ecological ranger posts from 2016")
    budget_share: float = param(0.06, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for post wages.", source=ASSUMPTION)
    wage: float = param(
        6000.0, unit="yuan/post/year", low=0.0, high=1e7,
        doc="Yearly wage of a post, paid by the budget (cost per unit, recurring).",
        source="ecological rangers about 10,000 yuan a year, other posts less; assumption",
    )
    labour_used: float = param(
        0.5, unit="labour units", low=0.0, high=5.0,
        doc="Labour a post takes from the farm.", source="assumption (part-time posts)",
    )
    duration_years: int = param(
        3, unit="years", low=1, high=50, doc="Length of a post contract.",
        source="assumption",
    )
    max_skill: float = param(
        0.45, unit="skill 0-1", low=0.0, high=1.0,
        doc="Posts go to weak labour: skill below this, or a disabled or elderly member.",
        source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RelocationIntervention(InterventionParams):
    """Relocation from inhospitable villages to resettlement sites in town."""

    start_year: int = param(2016, unit="year", low=1990, high=2100, yearly=False,
                            doc="First year of relocation.",
                            source="13th five-year plan relocation programme (2016-2020)")
    end_year: int = param(2020, unit="year", low=1990, high=2100, yearly=False,
                          doc="Last year of relocation.", source="programme completed in 2020")
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="Who may be moved (package: every supported household of an "
                           "inhospitable village).",
                           source="relocation was place-based: registered households of "
                           "inhospitable villages")
    budget_share: float = param(0.16, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for relocation.",
                                source="about 600 billion yuan for relocation (2016-2020)")
    cost_per_person: float = param(
        60_000.0, unit="yuan/person", low=0.0, high=1e8,
        doc="Public cost of relocating one person (housing, site infrastructure).",
        source="about 600 billion yuan for about 9.6 million people",
    )
    copay_per_person: float = param(
        2500.0, unit="yuan/person", low=0.0, high=1e7,
        doc="Household co-payment per person (becomes debt).",
        source="co-payment capped at 2,500 yuan per person for registered households",
    )
    copay_cap: float = param(
        10_000.0, unit="yuan/household", low=0.0, high=1e8,
        doc="Largest co-payment of a household.", source="policy cap of 10,000 yuan",
    )
    farm_retained: float = param(
        0.5, unit="share", low=0.0, high=1.0,
        doc="Share of farm income kept after moving: relocated households kept their land "
        "contracts and farmed part of it or rented it out.", source=ASSUMPTION,
    )
    follow_up_jobs: bool = param(
        True, unit="flag",
        doc="Follow-up support: jobs at the resettlement site's workshop for relocated "
        "households with labour (at least one member employed).",
        source="'move out, stay, and get rich': follow-up employment at sites; at least one "
        "member of each relocated household with labour employed",
    )
    follow_up_job_prob: float = param(
        0.9, unit="probability", low=0.0, high=1.0,
        doc="Chance a relocated household with labour gets a site job (with follow-up).",
        source=ASSUMPTION,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class InfrastructureIntervention(InterventionParams):
    """Village roads, water, power, broadband and clinics."""

    budget_share: float = param(0.07, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for infrastructure.", source=ASSUMPTION)
    cost_per_household: float = param(
        2500.0, unit="yuan/household/item", low=0.0, high=1e7,
        doc="Cost of one infrastructure item per household of the village (cost per unit).",
        source=ASSUMPTION,
    )
    lag_years: int = param(
        1, unit="years", low=0, high=20, doc="Years to build an item.", source="assumption",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MotivationIntervention(InterventionParams):
    """Motivation campaigns ('support will and wisdom'): role models, rewards for work."""

    start_year: int = param(2016, unit="year", low=1990, high=2100, yearly=False,
                            doc="First year of campaigns.",
                            source="'support will and wisdom' campaigns (from 2016)")
    budget_share: float = param(0.005, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for campaigns.", source=ASSUMPTION)
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="Who is reached.", source="assumption")
    unit_cost: float = param(
        200.0, unit="yuan/household", low=0.0, high=1e7,
        doc="Cost of reaching one household a year.",
        source="assumption",
    )
    effect: float = param(
        0.08, unit="motivation", low=0.0, high=1.0,
        doc="Motivation gained by a reached household.", source=ASSUMPTION,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsumptionAidIntervention(InterventionParams):
    """Consumption aid: units and enterprises buy poor villages' produce at a premium."""

    start_year: int = param(2018, unit="year", low=1990, high=2100, yearly=False,
                            doc="First year of consumption aid.",
                            source="2018 guidance on consumption poverty alleviation")
    budget_share: float = param(0.02, unit="share of the budget", low=0.0, high=1.0,
                                doc="Share of the budget for purchase premiums.",
                                source=ASSUMPTION)
    targeting: str = param("package", unit="choice", choices=TARGETING_MODES,
                           doc="by_cause/package: registered poor villages; untargeted: all "
                           "villages.", source="assumption")
    premium: float = param(
        0.1, unit="share of farm income", low=0.0, high=5.0,
        doc="Premium paid over market prices, as a share of farm income.", source=ASSUMPTION,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class InterventionsParams(Section):
    """All interventions."""

    health: HealthIntervention = subsection(HealthIntervention, "Health insurance and "
                                            "reimbursement.")
    education: EducationIntervention = subsection(EducationIntervention, "Schooling costs "
                                                  "covered, no dropout.")
    dibao: DibaoIntervention = subsection(DibaoIntervention, "The dibao backstop.")
    housing: HousingIntervention = subsection(HousingIntervention, "Housing renovation.")
    industry: IndustryIntervention = subsection(IndustryIntervention, "Industry support.")
    microloans: MicroloanIntervention = subsection(MicroloanIntervention, "Microloans.")
    employment: EmploymentIntervention = subsection(EmploymentIntervention, "Job placement.")
    training: TrainingIntervention = subsection(TrainingIntervention, "Skills training.")
    public_posts: PublicPostIntervention = subsection(PublicPostIntervention,
                                                      "Public welfare posts.")
    relocation: RelocationIntervention = subsection(RelocationIntervention, "Relocation.")
    infrastructure: InfrastructureIntervention = subsection(InfrastructureIntervention,
                                                            "Village infrastructure.")
    motivation: MotivationIntervention = subsection(MotivationIntervention,
                                                    "Motivation campaigns.")
    consumption_aid: ConsumptionAidIntervention = subsection(ConsumptionAidIntervention,
                                                             "Consumption aid.")
