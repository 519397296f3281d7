"""The fast stable orderings give exactly numpy's stable sorts (ties in position order)."""

import numpy as np
import pytest

from povsim.ordering import (
    order_within_groups,
    ranks_in_groups,
    stable_order,
    stable_order_by,
    stable_order_of_labels,
)


def values(seed, n=5000):
    rng = np.random.default_rng(seed)
    v = np.round(rng.normal(0, 1000, n)).astype(np.float32)  # many ties, negatives
    v[rng.random(n) < 0.05] = -0.0                           # -0.0 sorts as 0.0
    v[rng.random(n) < 0.05] = 0.0
    return v


@pytest.mark.parametrize("seed", range(5))
def test_stable_order_is_numpys_stable_argsort(seed):
    v = values(seed)
    assert np.array_equal(stable_order(v), np.argsort(v, kind="stable"))


@pytest.mark.parametrize("seed", range(5))
def test_orders_by_label_then_value_are_numpys_lexsort(seed):
    rng = np.random.default_rng(100 + seed)
    v = values(seed)
    labels = rng.integers(0, 8, len(v)).astype(np.uint8)
    expected = np.lexsort((v, labels))
    assert np.array_equal(stable_order_by(labels, v, 3), expected)
    assert np.array_equal(order_within_groups(labels, v), expected)
    assert np.array_equal(stable_order_of_labels(labels), np.argsort(labels, kind="stable"))


def test_ranks_count_from_zero_within_each_group():
    assert ranks_in_groups(np.array([0, 0, 1, 3, 3, 3])).tolist() == [0, 1, 0, 0, 1, 2]
    assert len(ranks_in_groups(np.zeros(0, int))) == 0
