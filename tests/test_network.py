import networkx as nx
import numpy as np
import pytest

from povsim import PovertyModel, PovsimError


@pytest.fixture(scope="module")
def model():
    return PovertyModel(rng=11, **{"population.n_households": 3000,
                                   "population.villages_per_township": 4})


def test_network_is_symmetric_without_self_ties(model):
    a = model.network.adjacency
    assert (a != a.T).nnz == 0
    assert a.diagonal().sum() == 0


def test_degree_close_to_village_degree(model):
    deg = model.network.degree
    expected = model.p.network.village_degree + model.p.network.cross_village_ties
    assert abs(deg.mean() - expected) < 0.5


def test_ties_stay_in_village_or_county(model):
    a = model.network.adjacency.tocoo()
    v = model.households.village
    county = model.villages.county
    same_village = v[a.row] == v[a.col]
    assert same_village.mean() > 0.9
    assert np.all(county[v[a.row]] == county[v[a.col]])


def test_kin_ties_are_ties_within_a_village(model):
    kin = model.network.kin.tocoo()
    a = model.network.adjacency
    assert kin.nnz > 0
    assert np.all(np.asarray(a[kin.row, kin.col]).ravel() == 1)
    v = model.households.village
    assert np.all(v[kin.row] == v[kin.col])


def test_neighbour_mean_is_a_sparse_average(model):
    x = np.arange(model.households.n, dtype=np.float32)
    mean = model.network.neighbour_mean(x)
    i = 123
    nbrs = model.network.adjacency[[i]].indices
    assert mean[i] == pytest.approx(x[nbrs].mean(), rel=1e-5)


def test_networkx_view_of_one_village(model):
    rows = np.flatnonzero(model.households.village == 0)
    g = model.network.to_networkx(rows)
    assert isinstance(g, nx.Graph)
    assert g.number_of_nodes() == len(rows)
    assert nx.average_clustering(g) > 0.3  # small world: clustered
    assert any(d["kin"] for _, _, d in g.edges(data=True))


def test_networkx_refuses_huge_graphs(model):
    model.network.networkx_limit = 100
    with pytest.raises(PovsimError, match="networkx_limit"):
        model.network.to_networkx()
    model.network.networkx_limit = 50_000


def test_rewiring_keeps_kin_and_degree():
    m = PovertyModel(rng=2, **{"population.n_households": 2000,
                               "population.villages_per_township": 3})
    net = m.network
    movers = np.arange(10)
    kin_before = [set(net.kin[[i]].indices) for i in movers]
    deg_before = np.diff(net.adjacency.indptr)[movers]
    targets = np.arange(1500, 1600)
    net.rewire_rows(movers, targets, np.random.default_rng(0))
    for k, i in enumerate(movers):
        row = set(net.adjacency[[i]].indices)
        assert kin_before[k] <= row
        assert (row - kin_before[k]) <= set(targets.tolist())
    assert np.all(np.diff(net.adjacency.indptr)[movers] == deg_before)
