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

Neighbour sums are the model's most frequent network operation, so they do not go
through the general sparse product. Most ties are ring ties between rows at most
``village_degree / 2`` apart (households of a village are stored next to each
other), so the matrix is split into that band, summed with shifted array additions,
plus a sparse remainder (rewired, wrap-around and cross-village ties, minus the band
positions that are not ties) of about one entry per household; rows rewired by
relocation are taken from the matrix itself. The sums are those of the matrix,
added in another order (so floats may differ in the last bits).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp

from povsim.chunks import row_chunks
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

    def __init__(self, adjacency: sp.csr_array, kin: sp.csr_array, networkx_limit: int,
                 band: int = 0):
        """Wrap prepared matrices (use :func:`build_network`).

        Args:
            adjacency: Ties (CSR, symmetric, entries 1).
            kin: Kin ties (CSR).
            networkx_limit: Largest graph :meth:`to_networkx` builds.
            band: Half-width of the band of ring ties summed by shifts (0: none).
        """
        self.kin = kin
        self.networkx_limit = networkx_limit
        self.band = band
        self._adjacency = adjacency
        n = adjacency.shape[0]
        self.degree = np.diff(adjacency.indptr).astype(np.float32)
        self._set_inverse_degree()
        self._remainder = _band_remainder(adjacency, band)
        self._rewired = np.zeros(0, np.int64)
        self._rewired_rows = adjacency[self._rewired]
        self._original_rows = self._rewired_rows  # the rewired rows as they were set
        self._is_rewired = np.zeros(n, bool)
        self._scratch_mask = np.zeros(n, bool)  # kept all False between uses
        self._scratch_values = np.zeros(n, np.float32)  # kept all 0
        self._last_ties = None

    @property
    def adjacency(self) -> sp.csr_array:
        """``n x n`` CSR matrix (float32); entry ``(i, j)`` is 1 when ``i`` listens to ``j``."""
        return self._adjacency

    @property
    def inverse_degree(self) -> np.ndarray:
        """One over the number of ties of each household (0 for isolated households)."""
        return self._inv_degree

    def _set_inverse_degree(self) -> None:
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
        """Sum of ``values`` over each household's ties (``adjacency @ values``).

        Args:
            values: One value per household, or an ``n x k`` array of ``k`` columns.

        Returns:
            Sums with the shape of ``values`` (float32 for float32 or boolean values).
        """
        x = _as_float(values)
        out = _band_sum(x, self.band)
        out += self._remainder @ x
        if len(self._rewired):
            out[self._rewired] = self._rewired_rows @ x
        return out

    def contacts_among(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The households tied to one or more of ``rows``, and to how many (``adjacency @ mask``).

        Computed from the ties of ``rows`` alone (the ties as set are symmetric), so it
        costs in proportion to ``rows``, not to all households.

        Args:
            rows: Households (distinct).

        Returns:
            ``(households, counts)``: the households with at least one tie to ``rows``
            (ascending) and their number of such ties (float32).
        """
        _, targets, weights = self._setup_ties(rows)
        counts = np.bincount(targets, weights=weights, minlength=self.n)
        mark = self._scratch_mask
        mark[targets] = True
        mark[self._rewired] = True
        who = np.flatnonzero(mark)
        mark[who] = False
        found = counts[who].astype(np.float32)
        if len(self._rewired):  # rewired households' own ties changed: count them directly
            values = self._scratch_values
            values[rows] = 1.0
            at = np.searchsorted(who, self._rewired)
            found[at] = self._rewired_rows @ values
            values[rows] = 0.0
        keep = found > 0
        return who[keep], found[keep]

    def listener_sums(self, rows: np.ndarray, sources: np.ndarray,
                      values: np.ndarray) -> np.ndarray:
        """For each of ``rows``, the sum of ``values`` over the ``sources`` tied to it.

        The same as ``(adjacency.T @ v)[rows]`` for ``v`` zero except ``v[sources] =
        values``, computed from the ties of ``rows`` alone (the ties as set are symmetric).

        Args:
            rows: Households receiving (distinct).
            sources: Households giving (distinct).
            values: What each of ``sources`` gives to each household tied to it.

        Returns:
            One sum per row (float32).
        """
        given = self._scratch_values
        given[sources] = values
        try:
            owner, targets, weights = self._setup_ties(rows)
            listened = given[targets] * weights
            if len(self._rewired):  # those ties no longer hold for rewired listeners ...
                listened[self._is_rewired[targets]] = 0
            sums = np.bincount(owner, weights=listened, minlength=len(rows)).astype(np.float32)
            if len(self._rewired):  # ... whose present ties count instead
                current = self._rewired_rows.tocoo()
                position = np.searchsorted(rows, current.col)
                position = np.minimum(position, len(rows) - 1)
                hit = rows[position] == current.col
                sums += np.bincount(position[hit], weights=current.data[hit]
                                    * given[self._rewired[current.row[hit]]],
                                    minlength=len(rows)).astype(np.float32)
            return sums
        finally:
            given[sources] = 0.0

    def _setup_ties(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ties of ``rows`` as set (before rewiring): owner position in ``rows``, target, weight.

        The ties of the last ``rows`` asked for are kept (the same array is usually asked
        for twice: :meth:`contacts_among`, then :meth:`listener_sums`).
        """
        last = self.__dict__.get("_last_ties")
        if last is not None and last[0] is rows and last[1] == len(self._rewired):
            return last[2]
        ties = self._find_setup_ties(rows)
        self._last_ties = (rows, len(self._rewired), ties)
        return ties

    def _find_setup_ties(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        owner, targets, weights = _row_entries(self._adjacency, rows)
        if len(self._rewired):
            where = np.searchsorted(self._rewired, rows)
            where = np.minimum(where, len(self._rewired) - 1)
            was_rewired = self._rewired[where] == rows
            if was_rewired.any():
                keep = ~was_rewired[owner]
                o2, t2, w2 = _row_entries(self._original_rows, where[was_rewired])
                owner = np.concatenate([owner[keep], np.flatnonzero(was_rewired)[o2]])
                targets = np.concatenate([targets[keep], t2])
                weights = np.concatenate([weights[keep], w2])
        return owner, targets, weights

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of ``values`` over each household's ties (0 for isolated households)."""
        return self.neighbour_sum(values) * self._inv_degree

    def kin_of(self, households: np.ndarray) -> np.ndarray:
        """Boolean mask of the kin of ``households`` (the households themselves included)."""
        seed = np.zeros(self.n, np.float32)
        seed[households] = 1.0
        return (self.kin @ seed > 0) | (seed > 0)

    def rewire_rows(self, households: np.ndarray, new_village_members: np.ndarray,
                    rng: np.random.Generator, household_place: np.ndarray | None = None,
                    member_place: np.ndarray | None = None) -> None:
        """Point the non-kin ties of ``households`` at random members of their new place.

        The number of ties of each household is kept; kin ties are kept. Used by
        relocation: a household's new neighbours at the resettlement site replace its
        old neighbours in whom it listens to.

        Args:
            households: Rows to rewire.
            new_village_members: Households living at the new place (candidates).
            rng: Random generator.
            household_place: The new place of each of ``households``, when they move to
                several places at once (each then ties to members of its own place).
            member_place: The place of each of ``new_village_members`` (with
                ``household_place``).
        """
        if len(households) == 0 or len(new_village_members) == 0:
            return
        if household_place is not None:
            order = np.argsort(member_place, kind="stable")
            members, places = new_village_members[order], member_place[order]
            first = np.searchsorted(places, household_place, side="left")
            count = np.searchsorted(places, household_place, side="right") - first
            movers = count > 0
            households, first, count = households[movers], first[movers], count[movers]
            if len(households) == 0:
                return
        else:
            members = new_village_members
            first = np.zeros(len(households), np.int64)
            count = np.full(len(households), len(members), np.int64)
        adj = self.adjacency
        new = np.setdiff1d(households, self._rewired)
        if len(new):  # remember the ties as set of households rewired for the first time
            rewired = np.concatenate([self._rewired, new])
            order = np.argsort(rewired, kind="stable")
            kept = sp.vstack([self._original_rows, adj[new]]).tocsr()
            self._original_rows = kept[order]
        starts, stops = adj.indptr[households], adj.indptr[households + 1]
        lengths = stops - starts
        pos = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        owners = np.repeat(households, lengths)
        targets = adj.indices[pos]
        is_kin = np.asarray(self.kin[owners, targets]).ravel() > 0
        change = pos[~is_kin]
        owner_at = np.repeat(np.arange(len(households)), lengths)[~is_kin]
        pick = (rng.random(len(change)) * count[owner_at]).astype(np.int64)
        new = members[first[owner_at] + np.minimum(pick, count[owner_at] - 1)]
        adj.indices[change] = new
        adj.data[change] = (new != owners[~is_kin]).astype(np.float32)  # never listen to self
        adj.has_sorted_indices = False
        owner_index = np.repeat(np.arange(len(households)), lengths)
        degree = np.bincount(owner_index, weights=adj.data[pos], minlength=len(households))
        self.degree[households] = degree
        self._inv_degree[households] = np.where(degree > 0, 1.0 / np.maximum(degree, 1), 0.0)
        self._rewired = np.union1d(self._rewired, households)
        self._rewired_rows = adj[self._rewired]
        self._is_rewired[households] = True

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
    return VillageNetwork(adjacency, kin, params.networkx_limit,
                          band=params.village_degree // 2)


def _symmetric(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_array:
    rows = np.concatenate([src, dst]).astype(np.int32)
    cols = np.concatenate([dst, src]).astype(np.int32)
    m = sp.csr_array((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, n))
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def _row_entries(matrix: sp.csr_array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    """Entries of ``rows`` of a CSR matrix: position in ``rows``, column, value."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    pos = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    owner = np.repeat(np.arange(len(rows)), lengths)
    return owner, matrix.indices[pos], matrix.data[pos]


def _band_remainder(matrix: sp.csr_array, band: int) -> sp.coo_array:
    """``matrix`` minus the full band of ones ``0 < |i - j| <= band``, as COO.

    (A COO product loops over entries, not over the million rows that hold one entry or
    none.) With entries of 1, the ties outside the band stay as +1 and band positions
    that are not ties become -1.
    """
    n = matrix.shape[0]
    if band == 0 or n < 2:
        return matrix.tocoo()
    offsets = [d for d in range(-band, band + 1) if d and abs(d) < n]
    full_band = sp.diags_array([np.ones(n - abs(d), np.float32) for d in offsets],
                               offsets=offsets, shape=(n, n), format="csr", dtype=np.float32)
    remainder = matrix - full_band
    remainder.eliminate_zeros()
    return remainder.tocoo()


def _band_sum(x: np.ndarray, band: int) -> np.ndarray:
    """Sum over the full band ``0 < |i - j| <= band`` of ``x`` (rows of ``x``).

    A block of rows at a time; each row adds ``x[i+1], x[i-1], x[i+2], ...`` in that
    order whatever the blocks.
    """
    n = len(x)
    out = np.zeros_like(x)
    reach = min(band, n - 1)
    for rows in row_chunks(n):
        start, stop = rows.start, rows.stop
        block = out[start:stop]
        for d in range(1, reach + 1):
            top = min(stop, n - d)  # rows with a neighbour d ahead
            if top > start:
                block[: top - start] += x[start + d: top + d]
            low = max(start, d)  # rows with a neighbour d behind
            if stop > low:
                block[low - start:] += x[low - d: stop - d]
    return out


def _as_float(values: np.ndarray) -> np.ndarray:
    x = np.asarray(values)
    return x.astype(np.float32) if x.dtype.kind in "biu" else x
