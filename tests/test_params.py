import numpy as np
import pytest

from povsim import ParameterError, Parameters
from povsim.params import YearSchedule, flatten, iter_params


def test_every_parameter_is_documented_with_unit_and_source():
    for path, info, value in iter_params(Parameters()):
        assert info.doc, path
        assert info.unit, path
        assert info.source, path
        if isinstance(value, YearSchedule):  # a default that follows data by year
            assert info.yearly, path
            assert isinstance(value.base, info.kind), path
            assert all(isinstance(v, info.kind) for _, v in value.changes), path
        else:
            assert isinstance(value, info.kind), path


def test_override_by_dotted_path_and_double_underscore():
    p = Parameters().with_overrides({"health.p_illness": 0.2, "economy__wage_growth": 0.01})
    assert p.health.p_illness == 0.2
    assert p.economy.wage_growth == 0.01
    assert Parameters().health.p_illness != 0.2  # defaults untouched


def test_int_given_for_float_becomes_float():
    p = Parameters().with_overrides({"run.poverty_line": 2500})
    assert isinstance(p.run.poverty_line, float)


def test_unknown_parameter_suggests_the_right_name():
    with pytest.raises(ParameterError, match=r"did you mean 'health\.p_illness'"):
        Parameters().with_overrides({"health.p_ilness": 0.1})


def test_all_problems_reported_at_once():
    with pytest.raises(ParameterError) as err:
        Parameters().with_overrides({
            "health.p_illness": 1.5,
            "population.n_households": -1,
            "economy.wage_growth": "fast",
            "population.align_initial_headcount": 1,
        })
    text = str(err.value)
    assert "4 problems" in text
    assert "health.p_illness = 1.5: too large; allowed: a number from 0 to 1" in text
    assert "population.n_households = -1: too small" in text
    assert "must be a number" in text
    assert "must be true or false" in text


def test_whole_number_required_for_int_parameters():
    with pytest.raises(ParameterError, match="must be a whole number"):
        Parameters().with_overrides({"population.n_households": 1000.5})


def test_year_schedule_resolves_by_year():
    p = Parameters().with_overrides({"health.p_illness": {2020: 0.25, "2016": 0.1}})
    sched = p.health.p_illness
    assert isinstance(sched, YearSchedule)
    assert p.at(2015).health.p_illness == Parameters().health.p_illness  # before the first
    assert p.at(2016).health.p_illness == 0.1
    assert p.at(2019).health.p_illness == 0.1  # a value holds until the next entry
    assert p.at(2020).health.p_illness == 0.25


def test_a_shock_table_lists_one_off_events():
    p = Parameters().with_overrides({"run.end_year": 2025,
                                     "shocks.migrant_job_loss": {2020: 0.25, 2023: 0.1}})
    assert [p.at(y).shocks.migrant_job_loss for y in range(2019, 2025)] == [
        0.0, 0.25, 0.0, 0.0, 0.1, 0.0]


def test_defaults_that_follow_data_resolve_by_year_and_hold_after():
    p = Parameters()
    assert p.at(2013).budget.national_billion == 39.4
    assert p.at(2020).budget.national_billion == 146.1
    assert p.at(2030).budget.national_billion == 156.1  # the last value holds
    amended = p.with_overrides({"run.end_year": 2025, "budget.national_billion": {2022: 160.0}})
    assert amended.at(2021).budget.national_billion == 156.1  # the data under the table
    assert amended.at(2022).budget.national_billion == 160.0


def test_schedule_years_after_the_run_are_kept_and_listed():
    p = Parameters().with_overrides({"shocks.migrant_job_loss": {2018: 0.1, 2031: 0.2}})
    assert p.years_after_run() == {"shocks.migrant_job_loss": [2031]}
    longer = p.with_overrides({"run.end_year": 2035})  # ... and a longer run uses them
    assert longer.at(2031).shocks.migrant_job_loss == 0.2
    assert longer.years_after_run() == {}
    with pytest.raises(ParameterError, match="year 2231 is not a year a run can reach"):
        Parameters().with_overrides({"shocks.migrant_job_loss": {2231: 0.2}})


def test_non_yearly_parameters_refuse_schedules():
    with pytest.raises(ParameterError, match="cannot change by year"):
        Parameters().with_overrides({"population.n_households": {2014: 100}})


def test_schedule_values_are_checked():
    with pytest.raises(ParameterError, match=r"migrant_job_loss\[2016\] = 2: too large"):
        Parameters().with_overrides({"shocks.migrant_job_loss": {2016: 2}})


def test_inconsistent_values_are_reported():
    with pytest.raises(ParameterError, match="at least the number of villages"):
        Parameters().with_overrides({"population.n_households": 30})
    with pytest.raises(ParameterError, match=r"must be after run\.start_year"):
        Parameters().with_overrides({"run.end_year": 2010})
    with pytest.raises(ParameterError, match="must be even"):
        Parameters().with_overrides({"network.village_degree": 5})


def test_flatten_round_trips_through_overrides():
    p = Parameters().with_overrides({"shocks.migrant_job_loss": {2020: 0.25}})
    flat = flatten(p, 2012)
    again = Parameters().with_overrides(flat)
    assert flatten(again, 2012) == flat


@pytest.mark.parametrize(("low", "high"), [
    ("population.school_parent_age_min", "population.school_parent_age_max"),
    ("demography.childbearing_head_age_min", "demography.childbearing_head_age_max"),
])
def test_empty_age_ranges_are_reported_with_the_file(low, high):
    with pytest.raises(ParameterError) as err:
        Parameters().with_overrides({low: 50, high: 30}, file="ages.toml")
    assert f"ages.toml: {low} = 50: must not exceed {high} (30)" in str(err.value)
    one_age = Parameters().with_overrides({low: 30, high: 30})  # an inclusive range
    assert one_age.get(low) == one_age.get(high) == 30


# ------------------------------------------------------------------ numpy numbers
@pytest.mark.parametrize(("path", "value", "kind"), [
    ("post_exit.support_years", np.int64(5), int),
    ("post_exit.support_years", np.int32(3), int),
    ("health.p_illness", np.float32(0.25), float),
    ("health.p_illness", np.float64(0.125), float),
    ("run.poverty_line", np.int64(2500), float),
    ("monitoring.enabled", np.True_, bool),
])
def test_numpy_numbers_are_numbers_and_are_stored_as_python_values(path, value, kind):
    p = Parameters().with_overrides({path: value})
    stored = p.get(path)
    assert type(stored) is kind
    assert stored == value


def test_numpy_values_in_year_tables_and_as_years():
    p = Parameters().with_overrides({"health.p_illness": {np.int64(2016): np.float32(0.5)}})
    assert p.health.p_illness.at(2016) == 0.5
    assert type(p.health.p_illness.at(2016)) is float


@pytest.mark.parametrize(("path", "value", "message"), [
    ("post_exit.support_years", np.float64(2.5), "must be a whole number"),
    ("post_exit.support_years", np.int64(-1), "too small"),
    ("health.p_illness", np.float32(1.5), "too large"),
    ("health.p_illness", np.float64("nan"), "must be finite"),
    ("health.p_illness", np.True_, "must be a number"),
    ("post_exit.support_years", True, "must be a number"),
    ("monitoring.enabled", np.int64(1), "must be true or false"),
])
def test_numpy_numbers_get_the_same_checks(path, value, message):
    with pytest.raises(ParameterError, match=message):
        Parameters().with_overrides({path: value})
