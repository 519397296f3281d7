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


def test_county_development_is_shared_by_a_county_and_concentrates_poverty_by_county():
    def poor_share_of_poorest_quarter(sigma: float, seed: int) -> float:
        model = PovertyModel(rng=seed, population__n_households=8000,
                             population__county_development_sigma=sigma)
        hh, v = model.households, model.villages
        county = v.county[hh.village]
        persons = (hh.weight * hh.size()).astype(np.float64)
        n = int(county.max()) + 1
        rate = np.bincount(county, persons * hh.poor, n) / np.bincount(county, persons, n)
        worst = np.argsort(-rate)[: n // 4]
        in_worst = np.isin(county, worst)
        return float(persons[in_worst & hh.poor].sum() / persons[hh.poor].sum())

    model = PovertyModel(rng=1, population__n_households=4000,
                         population__county_development_sigma=0.4)
    v = model.villages
    for c in range(int(v.county.max()) + 1):  # one shift per county, sites included
        assert np.unique(v.development[v.county == c]).size == 1
    assert v.development.std() > 0.1
    flat = PovertyModel(rng=1, population__n_households=4000,
                        population__county_development_sigma=0.0)
    assert not flat.villages.development.any()
    # counties that differ more in development hold more of the poor in the poorest ones
    seeds = (2, 3, 4)
    spread = np.mean([poor_share_of_poorest_quarter(0.5, s) for s in seeds])
    even = np.mean([poor_share_of_poorest_quarter(0.0, s) for s in seeds])
    assert spread > even + 0.05
