"""Farm growth reaches remote villages without a road only in part
(economy.farm_growth_remoteness_gap)."""

import numpy as np

from povsim import PovertyModel

GROWTH = 0.05


def access(params, gap, roads=False):
    return params.with_overrides({
        "economy.farm_growth_remoteness_gap": gap,
        "economy.farm_productivity_growth": GROWTH,
        "interventions.infrastructure.enabled": roads,   # roads stay as they were
    })


def test_without_a_gap_every_village_keeps_the_national_farm_level(small_params):
    m = PovertyModel(access(small_params, 0.0), rng=1)
    m.run_for(4)
    np.testing.assert_array_equal(m.villages.farm_access, 1.0)


def test_a_remote_village_without_a_road_gets_its_share_of_each_years_growth(small_params):
    gap, years = 0.6, 4
    m = PovertyModel(access(small_params, gap), rng=2)
    m.run_for(years)
    v = m.villages
    assert v.road.any()
    assert (~v.road & (v.remoteness > 0.3)).any()
    np.testing.assert_array_equal(v.farm_access[v.road], 1.0)
    r = v.remoteness[~v.road].astype(float)
    expected = ((1 + GROWTH * (1 - gap * r)) / (1 + GROWTH)) ** years
    np.testing.assert_allclose(v.farm_access[~v.road], expected, rtol=1e-5)


def test_a_road_stops_the_loss_and_remote_farms_fall_behind_near_ones(small_params):
    runs = {}
    for gap in (0.0, 1.0):
        m = PovertyModel(access(small_params, gap), rng=3)
        m.run_for(3)
        runs[gap] = m
    m = runs[1.0]
    reached = m.villages.farm_access.copy()
    m.villages.road[:] = True
    m.run_for(2)
    np.testing.assert_array_equal(m.villages.farm_access, reached)
    # The same households, three years in: farm income of remote villages without a road
    # falls behind that of the others.
    flat, lagging = runs[0.0].households, runs[1.0].households
    v = runs[0.0].villages
    cut_off = (~v.road & (v.remoteness > 0.5))[flat.village]
    farming = (flat.farm_income > 0) & (lagging.farm_income > 0)
    ratio = lagging.farm_income[farming].astype(float) / flat.farm_income[farming]
    assert np.median(ratio[cut_off[farming]]) < 0.97 * np.median(ratio[~cut_off[farming]])
