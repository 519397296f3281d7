import numpy as np

from povsim import PovertyModel
from povsim.world.population import village_sizes


def test_village_sizes_add_up_and_are_positive():
    rng = np.random.default_rng(0)
    sizes = village_sizes(1000, 37, 0.8, rng)
    assert sizes.sum() == 1000
    assert sizes.min() >= 1


def test_households_are_contiguous_by_village_and_weights_match_population(small_params):
    m = PovertyModel(small_params, rng=3)
    hh = m.households
    assert np.all(np.diff(hh.village) >= 0)
    assert not m.villages.is_site[hh.village].any()
    persons = float((hh.weight.astype(np.float64) * hh.size()).sum()) / 1e6
    target = small_params.population.rural_population_million
    assert abs(persons - target) < 1e-3 * target
    assert hh.size().min() >= 1


def test_initial_headcount_is_aligned_to_the_target(small_params):
    m = PovertyModel(small_params, rng=5)
    rate = m.outputs()["headcount_rate"].iloc[0]
    assert abs(rate - 10.2) < 0.15


def test_poverty_concentrates_in_remote_villages_and_vulnerable_households():
    m = PovertyModel(rng=7)  # default population: 20,000 households
    hh, v = m.households, m.villages
    remote = v.remoteness[hh.village] > np.median(v.remoteness[~v.is_site])
    assert hh.poor[remote].mean() > 1.5 * hh.poor[~remote].mean()
    for group in (hh.disabled, hh.chronic, hh.skill < 0.3,
                  hh.labour_units(1.0, 0.5) < 1, hh.n_elderly >= hh.size() / 2):
        assert hh.poor[group].mean() > 1.3 * hh.poor[~group].mean()


def test_remote_villages_lack_infrastructure_and_face_more_disasters():
    m = PovertyModel(rng=7)
    v = m.villages
    orig = ~v.is_site
    remote = orig & (v.remoteness > np.median(v.remoteness[orig]))
    near = orig & ~remote
    assert v.infrastructure_count()[remote].mean() < v.infrastructure_count()[near].mean()
    assert v.disaster_risk[remote].mean() > v.disaster_risk[near].mean()
    assert v.inhospitable[orig].any()
    assert not v.inhospitable[v.is_site].any()
