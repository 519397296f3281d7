"""povsim and the Mesa reference of benchmarks/ run the same model.

The speed benchmark (``benchmarks/speed.py``) compares povsim with an idiomatic Mesa
implementation of the core household year (``benchmarks/mesa_reference.py``); the
comparison is only honest if the two implement the same rules. Here they are checked
to: with the same initial state and the same random numbers (each household's
persistent observation error included) they keep the same register, year after year --
every household's status, contacts with cadres, stable assessments and known income --
and enrol, pay and exit the same households; with their own random numbers their
outputs agree in the mean over seeds. (Speed itself is measured by the benchmark, never
asserted here.)
"""

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from povsim.status import RegStatus

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "mesa_reference.py"
_SPEC = importlib.util.spec_from_file_location("mesa_reference", _PATH)
reference = importlib.util.module_from_spec(_SPEC)
sys.modules["mesa_reference"] = reference
_SPEC.loader.exec_module(reference)

COMPARED = ("headcount_rate", "mean_income", "entries", "exits", "returns",
            "registered_households", "exits_registered", "dibao_recipients")
"""Outputs both models report (povsim's names)."""

SEEDS = 30
HOUSEHOLDS = 1500


def _rows(model, test) -> set[int]:
    return {a.row for a in model.agents if test(a)}


def _by_row(model, name: str) -> np.ndarray:
    """Attribute ``name`` of the reference's households, in povsim's row order."""
    return np.array([getattr(a, name) for a in sorted(model.agents, key=lambda a: a.row)],
                    dtype=float)


def _assert_same_amounts(theirs: np.ndarray, ours: np.ndarray, scale: np.ndarray,
                         what: str) -> None:
    """Amounts agree to 1e-4 of the ``scale`` of the flows they are made of (+ 0.1 yuan).

    povsim computes in float32, the reference in Python floats: a rounding error is
    relative to the terms summed (income and costs), not to their difference, which
    can be near zero. A heavy illness cost is the normal quantile of a float32 uniform
    ratio near 1, where rounding moves the cost by up to about 1e-4 of itself.
    """
    both_unknown = np.isnan(theirs) & np.isnan(ours)
    off = ~both_unknown & ~(np.abs(theirs - ours) <= 1e-4 * scale + 0.1)
    assert not off.any(), (f"{what}: rows {np.flatnonzero(off)[:10].tolist()}, reference "
                           f"{theirs[off][:5]}, povsim {ours[off][:5]}")


def test_same_inputs_select_the_same_households():
    # Take-up and spot checks are drawn by povsim for candidates in its own order, so
    # they are not replayed: everyone offered the dibao takes it, no exit is checked.
    # Applications from outside the register are drawn by povsim for every household:
    # everyone below the standard applies.
    same = {"interventions.dibao.take_up": 1.0, "exit.spot_check_rate": 0.0,
            "interventions.dibao.open_application_rate": 1.0}
    # seed 9: a run in which some exited households also come back to the register
    povsim = reference.povsim_start(9, 2000, **same)
    mesa = reference.ReferenceModel(reference.povsim_start(9, 2000, **same), rng=9,
                                    draws=reference.replayed_draws(povsim))
    selected = 0
    for _ in range(8):
        povsim.step()
        mesa.step()
        hh, reg = povsim.households, povsim.registry
        dibao = povsim.interventions["dibao"]
        # the register: every household's status, its contacts with cadres, its
        # consecutive stable assessments and what cadres know of its income
        np.testing.assert_array_equal(_by_row(mesa, "reg_status"), hh.reg_status)
        np.testing.assert_array_equal(_by_row(mesa, "reg_year"), hh.reg_year)
        np.testing.assert_array_equal(_by_row(mesa, "contacts"), reg.contacts)
        np.testing.assert_array_equal(_by_row(mesa, "stable_years"), reg.stable_years)
        np.testing.assert_array_equal(_by_row(mesa, "exit_year"), reg.exit_year)
        np.testing.assert_array_equal(_by_row(mesa, "support_kept"), reg.support_kept)
        enrolled = np.flatnonzero(dibao.enrolled)
        assert set(enrolled.tolist()) == _rows(mesa, lambda a: a.enrolled)
        assert set(np.flatnonzero(hh.poor).tolist()) == _rows(mesa, lambda a: a.poor)
        gross = (np.abs(hh.farm_income) + np.abs(hh.wage_income) + hh.transfer_income
                 + hh.medical_oop + hh.schooling_spending + hh.debt_service).astype(float)
        size = hh.size().astype(float)
        _assert_same_amounts(_by_row(mesa, "income_pc"), hh.income_pc, gross / size,
                             "per-capita income")
        _assert_same_amounts(_by_row(mesa, "known_pc"), reg.known_pc, gross / size,
                             "known per-capita income")
        _assert_same_amounts(_by_row(mesa, "benefit"), dibao.benefit, gross, "dibao benefit")
        registered = np.flatnonzero(reg.is_registered())
        exited = np.flatnonzero(hh.reg_status == RegStatus.EXITED)
        selected += len(registered) + len(enrolled) + len(exited)
    assert selected > 1000  # the register, the dibao and exits were all at work
    assert (hh.reg_status == RegStatus.RETURNED).any()  # some came forward again
    assert reg.contacts.max() >= 5  # cadres learnt some households over the years
    ours, theirs = povsim.outputs(), mesa.outputs()
    for name in COMPARED:
        np.testing.assert_allclose(ours[name].to_numpy(float), theirs[name].to_numpy(float),
                                   rtol=1e-5, err_msg=name)


def test_reference_refuses_what_it_does_not_implement():
    start = reference.povsim_start(7, 500, **{"identification.lookback_share": {2015: 0.5}})
    with pytest.raises(ValueError, match=r"identification\.lookback_share = 0\.5 in 2015"):
        reference.ReferenceModel(start, rng=7)


def _welch_t(a: np.ndarray, b: np.ndarray) -> float:
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    difference = a.mean() - b.mean()
    if se == 0:
        return 0.0 if difference == 0 else math.inf
    return difference / se


@pytest.fixture(scope="module")
def outputs_over_seeds():
    ours, theirs = [], []
    for seed in range(SEEDS):
        povsim = reference.povsim_start(seed, HOUSEHOLDS)
        povsim.run()
        ours.append(povsim.outputs()[list(COMPARED)].to_numpy(float))
        mesa = reference.ReferenceModel(reference.povsim_start(seed, HOUSEHOLDS), rng=10_000 + seed)
        mesa.run_for(8)
        theirs.append(mesa.outputs()[list(COMPARED)].to_numpy(float))
    return np.array(ours), np.array(theirs)  # seeds x years x outputs


@pytest.mark.parametrize("name", COMPARED)
def test_output_means_agree_over_seeds(outputs_over_seeds, name):
    ours, theirs = outputs_over_seeds
    k = COMPARED.index(name)
    for year in range(1, ours.shape[1]):  # the start year is shared
        t = _welch_t(ours[:, year, k], theirs[:, year, k])
        assert abs(t) < 3.5, f"{name}, year {2012 + year}: Welch t = {t:.2f}"
    # the outputs move over the simulated years (not only between seeds at the start),
    # so agreement is not trivial
    assert np.ptp(ours[:, 1:, k].mean(axis=0)) > 0
