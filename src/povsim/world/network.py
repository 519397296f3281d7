"""The village network: kinship and neighbour ties, built straight into scipy.sparse.

Inside each village households sit on a ring (a Watts-Strogatz small world): each
is tied to ``village_degree / 2`` households on either side, the nearest
``kin_per_side`` of them kin; neighbour ties are rewired at random within the
village with probability ``rewire_prob``. Sparse ties join households of different
villages of the same county. The graph is held as a symmetric CSR matrix, so a
neighbour effect is one sparse product; a networkx graph is built only on request
and only for small populations or single villages.

Relocation rewires a household's *influence* ties (the row of the matrix: whom the
household listens to) towards its new neighbours at the resettlement site; its
kin ties are kept.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from povsim.errors import PovsimError
from povsim.params.core import NetworkParams


class VillageNetwork:
    """Ties between households as sparse matrices.

    Attributes:
        adjacency: ``n x n`` CSR matrix (float32); entry ``(i, j)`` is 1 when household
            ``i`` listens to ``j``. Symmetric at setup; relocation rewires rows.
        kin: ``n x n`` CSR matrix of kin ties (symmetric, never rewired).
        degree: Number of ties of each household (row sums of ``adjacency``).
    """

    def __init__(self, adjacency: sp.csr_array, kin: sp.csr_array, networkx_limit: int):
        """Wrap prepared matrices (use :func:`build_network`)."""
        self.adjacency = adjacency
        self.kin = kin
        self.networkx_limit = networkx_limit
        self.degree = np.diff(adjacency.indptr).astype(np.float32)
        self._inv_degree = np.where(self.degree > 0, 1.0 / np.maximum(self.degree, 1), 0.0
                                    ).astype(np.float32)

    @property
    def n(self) -> int:
        """Number of households."""
        return self.adjacency.shape[0]

    def n_ties(self) -> int:
        """Number of undirected ties (entries of the adjacency divided by two)."""
        return self.adjacency.nnz // 2

    def neighbour_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` over each household's ties (one sparse product).

        Args:
            values: One value per household, or an ``n x k`` array of ``k`` columns.

        Returns:
            Sums with the shape of ``values``.
        """
        return self.adjacency @ values

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of ``values`` over each household's ties (0 for isolated households)."""
        sums = self.adjacency @ values
        if sums.ndim == 1:
            return sums * self._inv_degree
        return sums * self._inv_degree[:, None]

    def kin_of(self, households: np.ndarray) -> np.ndarray:
        """Boolean mask of the kin of ``households`` (the households themselves included)."""
        seed = np.zeros(self.n, np.float32)
        seed[households] = 1.0
        return (self.kin @ seed > 0) | (seed > 0)

    def rewire_rows(self, households: np.ndarray, new_village_members: np.ndarray,
                    rng: np.random.Generator) -> None:
        """Point the non-kin ties of ``households`` at random members of their new place.

        The number of ties of each household is kept; kin ties are kept. Used by
        relocation: a household's new neighbours at the resettlement site replace its
        old neighbours in whom it listens to.

        Args:
            households: Rows to rewire.
            new_village_members: Households living at the new place (candidates).
            rng: Random generator.
        """
        if len(households) == 0 or len(new_village_members) == 0:
            return
        adj = self.adjacency
        starts, stops = adj.indptr[households], adj.indptr[households + 1]
        lengths = stops - starts
        pos = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        owners = np.repeat(households, lengths)
        targets = adj.indices[pos]
        is_kin = np.asarray(self.kin[owners, targets]).ravel() > 0
        change = pos[~is_kin]
        new = new_village_members[rng.integers(0, len(new_village_members), len(change))]
        adj.indices[change] = new
        adj.data[change] = (new != owners[~is_kin]).astype(np.float32)  # never listen to self
        adj.has_sorted_indices = False
        self.degree = np.asarray(adj.sum(axis=1), dtype=np.float32).ravel()
        self._inv_degree = np.where(self.degree > 0, 1.0 / np.maximum(self.degree, 1), 0.0
                                    ).astype(np.float32)

    def to_networkx(self, households: np.ndarray | None = None) -> nx.Graph:
        """A networkx graph of the ties among ``households`` (all if omitted).

        Edges carry ``kin=True`` for kinship ties.

        Args:
            households: Rows to include; node labels are these household indices.

        Returns:
            An undirected networkx graph.

        Raises:
            PovsimError: If more households are asked for than ``network.networkx_limit``.
        """
        rows = np.arange(self.n) if households is None else np.asarray(households)
        if len(rows) > self.networkx_limit:
            raise PovsimError(
                f"a networkx graph of {len(rows):,} households was requested; the limit is "
                f"network.networkx_limit = {self.networkx_limit:,}. Pass the households of "
                "one village instead."
            )
        sub = self.adjacency[rows][:, rows]
        kin = self.kin[rows][:, rows]
        graph = nx.Graph()
        graph.add_nodes_from(rows.tolist())
        coo = sp.triu(sub + sub.T, k=1).tocoo()
        kin_set = set(zip(*sp.triu(kin, k=1).nonzero(), strict=True))
        graph.add_edges_from(
            (int(rows[i]), int(rows[j]), {"kin": (i, j) in kin_set})
            for i, j in zip(coo.row, coo.col, strict=True)
        )
        return graph


def _ring_edges(sizes: np.ndarray, half_degree: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of a ring lattice in each village: (source, target, offset) arrays."""
    n = int(sizes.sum())
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    size_of = np.repeat(sizes, sizes)
    pos = np.arange(n) - starts
    src, dst, off = [], [], []
    for d in range(1, half_degree + 1):
        ok = size_of > d  # villages too small for this offset get no such tie
        s = np.flatnonzero(ok)
        src.append(s)
        dst.append(starts[s] + (pos[s] + d) % size_of[s])
        off.append(np.full(len(s), d, np.int16))
    if not src:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0, np.int16)
    return np.concatenate(src), np.concatenate(dst), np.concatenate(off)


def build_network(village: np.ndarray, county_of_village: np.ndarray, params: NetworkParams,
                  rng: np.random.Generator) -> VillageNetwork:
    """Build the network for households stored contiguously by village.

    Args:
        village: Village of each household (non-decreasing).
        county_of_village: County of each village.
        params: Network parameters.
        rng: Random generator (setup stream).

    Returns:
        The network.
    """
    n = len(village)
    n_villages = len(county_of_village)
    sizes = np.bincount(village, minlength=n_villages)
    sizes = sizes[sizes > 0]
    src, dst, off = _ring_edges(sizes, params.village_degree // 2)
    kin_edge = off <= params.kin_per_side
    # Watts-Strogatz rewiring of neighbour ties, inside the village.
    rewire = (~kin_edge) & (rng.random(len(src)) < params.rewire_prob)
    r = np.flatnonzero(rewire)
    if len(r):
        starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
        size_of = np.repeat(sizes, sizes)
        dst[r] = starts[src[r]] + (rng.random(len(r)) * size_of[src[r]]).astype(np.int64)
    # Sparse ties across villages of the same county.
    n_cross = rng.poisson(params.cross_village_ties * n / 2)
    if n_cross and n_villages > 1:
        a = rng.integers(0, n, n_cross)
        b = rng.integers(0, n, n_cross)
        ok = (village[a] != village[b]) & (
            county_of_village[village[a]] == county_of_village[village[b]]
        )
        src = np.concatenate([src, a[ok]])
        dst = np.concatenate([dst, b[ok]])
        kin_edge = np.concatenate([kin_edge, np.zeros(int(ok.sum()), bool)])
    keep = src != dst
    src, dst, kin_edge = src[keep], dst[keep], kin_edge[keep]
    adjacency = _symmetric(src, dst, n)
    kin = _symmetric(src[kin_edge], dst[kin_edge], n)
    return VillageNetwork(adjacency, kin, params.networkx_limit)


def _symmetric(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_array:
    rows = np.concatenate([src, dst]).astype(np.int32)
    cols = np.concatenate([dst, src]).astype(np.int32)
    m = sp.csr_array((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m
