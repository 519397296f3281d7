"""Skipped bulk draws leave every random stream where the draws would have left it."""

import numpy as np
import pytest

import povsim.draws
from povsim import Parameters, PovertyModel
from povsim.draws import skip_float32_uniforms
from povsim.world.households import COLUMNS


@pytest.mark.parametrize("before", [0, 1, 2, 101])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10_000, 65_537])
def test_skipping_uniforms_moves_the_stream_as_drawing_them(before, n):
    drawn, skipped = (np.random.default_rng(7).spawn(2)[1] for _ in range(2))
    for rng in (drawn, skipped):
        rng.random(before, dtype=np.float32)  # odd counts leave half an output kept
    drawn.random(n, dtype=np.float32)
    skip_float32_uniforms(skipped, n)
    for _ in range(3):  # every kind of draw that may follow
        assert np.array_equal(drawn.random(5, dtype=np.float32),
                              skipped.random(5, dtype=np.float32))
        assert np.array_equal(drawn.standard_normal(3, dtype=np.float32),
                              skipped.standard_normal(3, dtype=np.float32))
        assert drawn.random() == skipped.random()
        assert np.array_equal(drawn.integers(0, 100, 4), skipped.integers(0, 100, 4))


def test_other_bit_generators_draw_and_drop():
    drawn = np.random.Generator(np.random.MT19937(3))
    skipped = np.random.Generator(np.random.MT19937(3))
    drawn.random(11, dtype=np.float32)
    skip_float32_uniforms(skipped, 11)
    assert drawn.random() == skipped.random()


OFF = {  # every mechanism with an optional draw switched off, one switched on in 2016
    "population.n_households": 3000,
    "demography.young_to_school_rate": 0.0,
    "demography.school_to_adult_rate": 0.0,
    "demography.p_birth": {2012: 0.0, 2016: 0.05},
    "demography.mortality_adult": 0.0,
    "demography.mortality_elderly": 0.0,
    "economy.p_find_migrant_job": 0.0,
    "economy.p_migrant_return": 0.0,
    "economy.job_info_effect": 0.0,
    "schooling.p_dropout": 0.0,
    "shocks.disaster_house_damage": 0.0,
    "shocks.migrant_job_loss": {2018: 0.3},
    "identification.adjustment": False,
    "monitoring.enabled": {2012: False, 2019: True},
}


def fingerprint(model):
    model.run()
    columns = {c: getattr(model.households, c).copy() for c in COLUMNS}
    return model.outputs().to_numpy(), columns


def test_a_run_with_draws_skipped_is_the_run_with_them_made(monkeypatch):
    skipped = fingerprint(PovertyModel(rng=4, **OFF))
    monkeypatch.setattr(povsim.draws, "OPTIONAL_UNIFORMS", {})  # make every draw
    made = fingerprint(PovertyModel(rng=4, **OFF))
    assert np.array_equal(skipped[0], made[0], equal_nan=True)
    for column, values in made[1].items():
        assert np.array_equal(skipped[1][column], values), column


def test_switched_off_mechanisms_leave_their_draws_out():
    model = PovertyModel(rng=4, **OFF)
    model.step()  # 2013: only the illness, chronic, disability draws and the normals
    skipped = [name for name in povsim.draws.OPTIONAL_UNIFORMS
               if getattr(model.draws, name) is None]
    assert skipped == list(povsim.draws.OPTIONAL_UNIFORMS)
    while model.year < 2018:
        model.step()
    assert model.draws.u_birth is not None
    assert model.draws.u_job_loss is not None
    assert model.draws.u_register is None
    model.step()  # 2019: monitoring on
    assert model.draws.u_register is not None


@pytest.mark.parametrize("n", [1, 7, 4096])
@pytest.mark.parametrize("off", [("u_young", "u_school", "u_birth"),
                                 ("u_death", "u_migration", "u_dropout", "u_damage"),
                                 ("u_birth", "u_migration", "u_job_loss", "u_register")])
def test_draw_year_skips_neighbouring_uniforms_together(monkeypatch, n, off):
    """Skipped neighbours moved past in one step leave the other draws and the stream as
    making every draw does (odd counts included)."""
    params = Parameters()  # the predicates are replaced below: any parameters do

    def year(needed):
        for name in povsim.draws.OPTIONAL_UNIFORMS:
            monkeypatch.setitem(povsim.draws.OPTIONAL_UNIFORMS, name,
                                lambda p, name=name: needed(name))
        rng = np.random.default_rng(5)
        return povsim.draws.draw_year(rng, n, params), rng

    made, made_rng = year(lambda name: True)
    skip = povsim.draws.skip_float32_uniforms
    moves: list[int] = []

    def counted_skip(rng, count):
        moves.append(count)
        skip(rng, count)

    monkeypatch.setattr(povsim.draws, "skip_float32_uniforms", counted_skip)
    skipped, skipped_rng = year(lambda name: name not in off)
    names = povsim.draws._DRAW_NAMES
    runs = [name for i, name in enumerate(names)
            if name in off and (i == 0 or names[i - 1] not in off)]
    assert len(moves) == len(runs)  # one move for each run of neighbouring skips
    assert sum(moves) == n * len(off)
    for name in povsim.draws.OPTIONAL_UNIFORMS:
        if name in off:
            assert getattr(skipped, name) is None
        else:
            assert np.array_equal(getattr(skipped, name), getattr(made, name)), name
    assert np.array_equal(skipped.z_income, made.z_income)
    assert np.array_equal(skipped_rng.random(9, dtype=np.float32),
                          made_rng.random(9, dtype=np.float32))
