"""Landscape theory: energies, exhaustive minima and basins against brute force, multi-start, eigenvector."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik import DataError, RealpolitikError, Relations
from realpolitik.structure.blocs import (
    EXHAUSTIVE_MAX,
    MINIMA_COLUMNS,
    Landscape,
    capability_sizes,
    descend,
    leading_eigenvector_blocs,
    local_minima,
)

# ------------------------------------------------------------------ brute force


def _all_blocs(n: int) -> np.ndarray:
    """Every configuration with actor 0 in bloc 0, numbered as bits of actors 1..n-1."""
    x = np.arange(1 << (n - 1))
    blocs = np.zeros((len(x), n), dtype=np.int8)
    if n > 1:
        blocs[:, 1:] = (x[:, None] >> np.arange(n - 1)) & 1
    return blocs


def _number(blocs: np.ndarray) -> int:
    b = blocs if blocs[0] == 0 else 1 - blocs
    return int(sum(int(v) << i for i, v in enumerate(b[1:])))


def brute_force(sizes, prop, descent="energy"):
    """Minima and basins straight from the definitions: the energy of every configuration from
    d_ij, every neighbour's energy, and the steepest (tie: first actor) improving move."""
    sizes, prop = np.asarray(sizes, float), np.asarray(prop, float)
    n = len(sizes)
    w = np.outer(sizes, sizes) * prop
    configs = _all_blocs(n)
    energy = np.array([sum(w[i, j] for i in range(n) for j in range(i + 1, n) if b[i] != b[j]) for b in configs])
    scale = sizes if descent == "frustration" else np.ones(n)
    v = w / scale[:, None]
    tol = 1e-9 * np.abs(v).sum(axis=1).max()
    succ = np.arange(len(configs))
    for c, b in enumerate(configs):
        changes = []
        for i in range(n):
            nb = b.copy()
            nb[i] = 1 - nb[i]
            changes.append((energy[_number(nb)] - energy[c]) / scale[i])
        changes = np.array(changes)
        low = changes.min()
        if low < -tol:
            i = int(np.flatnonzero(changes <= low + tol)[0])
            nb = b.copy()
            nb[i] = 1 - nb[i]
            succ[c] = _number(nb)
    minima = np.flatnonzero(succ == np.arange(len(configs)))
    final = succ.copy()
    for _ in range(2 * n + 2):
        final = final[final]
    return {int(m): int((final == m).sum()) for m in minima}, energy


def found(result) -> dict[int, int]:
    return {_number(b): int(c) for b, c in zip(result.blocs, result.minima["basin"])}


def _landscape(sizes, upper, n):
    prop = np.zeros((n, n))
    prop[np.triu_indices(n, 1)] = upper
    return Landscape(np.asarray(sizes, float), prop + prop.T)


@st.composite
def integer_landscapes(draw):
    n = draw(st.integers(1, 10))
    sizes = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    upper = draw(st.lists(st.integers(-3, 3), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2))
    return _landscape(sizes, upper, n)


@st.composite
def float_landscapes(draw):
    n = draw(st.integers(2, 9))
    sizes = draw(st.lists(st.floats(0.05, 20, allow_subnormal=False), min_size=n, max_size=n))
    upper = draw(st.lists(st.floats(-1, 1, allow_subnormal=False), min_size=n * (n - 1) // 2,
                          max_size=n * (n - 1) // 2))
    return _landscape(sizes, upper, n)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(integer_landscapes(), st.sampled_from(["energy", "frustration"]))
def test_exhaustive_equals_brute_force_with_ties(ls, descent):
    result = local_minima(ls, method="exhaustive", descent=descent, workers=1)
    expected, energy = brute_force(ls.sizes, ls.propensity, descent)
    assert found(result) == expected
    assert result.minima["basin"].sum() == 2 ** (ls.n - 1)
    numbers = [_number(b) for b in result.blocs]
    np.testing.assert_allclose(result.minima["energy"], energy[numbers], atol=1e-9)


@FAST
@given(float_landscapes(), st.sampled_from(["energy", "frustration"]))
def test_exhaustive_equals_brute_force_floats(ls, descent):
    result = local_minima(ls, method="exhaustive", descent=descent, workers=2)
    expected, _ = brute_force(ls.sizes, ls.propensity, descent)
    assert found(result) == expected
    assert result.minima["basin"].sum() == 2 ** (ls.n - 1)
    assert np.all(np.diff(result.minima["energy"]) >= 0)


def plain_basins(ls: Landscape) -> dict[int, int]:
    """Independent reference: every field by matrix product, steepest move, follow moves one by one."""
    n = ls.n
    w = ls.weights()
    sigma = 1.0 - 2.0 * _all_blocs(n)
    change = sigma * (sigma @ w.T)
    low = change.min(axis=1)
    mover = np.argmax(change <= (low + 1e-9 * np.abs(w).sum(axis=1).max())[:, None], axis=1)
    x = np.arange(len(sigma))
    flips = np.concatenate([[len(sigma) - 1], 1 << np.arange(n - 1)])
    succ = np.where(low < -1e-9 * np.abs(w).sum(axis=1).max(), x ^ flips[mover], x)
    final = succ
    while not np.array_equal(succ[final], final):
        final = succ[final]
    minima = np.flatnonzero(succ == x)
    return dict(zip(minima.tolist(), np.bincount(final, minlength=len(x))[minima].tolist()))


def test_threads_and_basin_option_do_not_change_the_answer():
    rng = np.random.default_rng(7)
    n = 19  # 2^18 configurations: several blocks and several pieces in the pointer doubling
    ls = _landscape(rng.uniform(0.5, 3, n), rng.normal(size=n * (n - 1) // 2), n)
    one = local_minima(ls, workers=1)
    two = local_minima(ls, workers=3)
    bare = local_minima(ls, basins=False)
    pd.testing.assert_frame_equal(one.minima, two.minima)
    np.testing.assert_array_equal(one.blocs, two.blocs)
    assert sorted(map(_number, bare.blocs)) == sorted(map(_number, one.blocs))
    assert bare.minima["basin"].isna().all() and bare.minima["basin_share"].isna().all()
    assert one.minima["basin"].sum() == 2 ** (n - 1)
    assert one.minima["basin_share"].sum() == pytest.approx(1.0)
    assert list(one.minima.columns) == list(MINIMA_COLUMNS)
    assert found(one) == plain_basins(ls)


def test_every_minimum_is_a_local_minimum_and_nothing_else_is_at_n_16():
    """An independent check at a size brute force in Python is too slow for: all fields by matrix product."""
    rng = np.random.default_rng(3)
    n = 16
    ls = _landscape(rng.uniform(0.5, 2, n), rng.uniform(-1, 1, n * (n - 1) // 2), n)
    result = local_minima(ls)
    sigma = 1.0 - 2.0 * _all_blocs(n)
    change = sigma * (sigma @ ls.weights().T)
    tol = 1e-9 * np.abs(ls.weights()).sum(axis=1).max()
    expected = np.flatnonzero(change.min(axis=1) >= -tol)
    assert sorted(map(_number, result.blocs)) == expected.tolist()


# ---------------------------------------------------------------- hand-built cases


def two_camps(n_each=3):
    """Two camps of friends, hostile across."""
    camp = np.repeat([0, 1], n_each)
    prop = np.where(camp[:, None] == camp[None, :], 1.0, -1.0)
    np.fill_diagonal(prop, 0.0)
    names = tuple(f"W{i}" for i in range(n_each)) + tuple(f"E{i}" for i in range(n_each))
    return Landscape(np.ones(2 * n_each), prop, names), camp


def test_two_clear_blocs_give_one_minimum_with_everything_in_its_basin():
    ls, camp = two_camps()
    result = local_minima(ls)
    assert len(result) == 1
    row = result.minima.iloc[0]
    assert (row["bloc_0"], row["bloc_1"]) == ("W0;W1;W2", "E0;E1;E2")
    np.testing.assert_array_equal(result.blocs[0], camp)
    assert row["basin"] == 2**5 and row["basin_share"] == 1.0
    assert row["energy"] == -9.0  # nine hostile pairs apart, each -1
    assert row["unsatisfied"] == 0.0
    assert bool(row["eigenvector"])
    part = result.partitions()
    assert list(part.columns) == ["minimum", "actor", "bloc", "frustration"]
    assert part.set_index("actor")["bloc"].to_dict() == dict(zip(ls.actors, camp.tolist()))
    assert (part["frustration"] == -3.0).all()  # each actor is apart from its three enemies


def test_energy_sign_convention():
    # A and B are friends, C is their foe.
    prop = np.array([[0, 2, -1], [2, 0, -1], [-1, -1, 0]], float)
    ls = Landscape([1.0, 2.0, 3.0], prop, ("A", "B", "C"))
    assert ls.energy([0, 0, 0]) == 0.0  # all together: nothing counted
    assert ls.energy([0, 1, 1]) == pytest.approx(1 * 2 * 2 + 1 * 3 * -1)  # friends apart +4, foes apart -3
    assert ls.energy({"A": 0, "B": 0, "C": 1}) == pytest.approx(-3 - 6)  # only foes apart: lowest
    assert ls.unsatisfied({"A": 0, "B": 0, "C": 1}) == 0.0
    assert ls.unsatisfied([0, 0, 0]) == pytest.approx(9.0)  # foes together: 3 + 6
    assert ls.unsatisfied([0, 1, 1]) == pytest.approx(4 + 6)
    # switching actor k changes E by s_k times the change in k's frustration (Axelrod & Bennett)
    before, after = [0, 0, 0], [0, 0, 1]
    d_e = ls.energy(after) - ls.energy(before)
    d_f = ls.frustration(after)["C"] - ls.frustration(before)["C"]
    assert d_e == pytest.approx(3.0 * d_f)


def test_balanced_matrix_eigenvector_recovers_the_blocs():
    rng = np.random.default_rng(11)
    n = 12
    groups = rng.integers(0, 2, n)
    groups[0] = 0
    magnitude = rng.uniform(0.1, 1.0, (n, n))
    magnitude = (magnitude + magnitude.T) / 2
    sign = np.where(groups[:, None] == groups[None, :], 1.0, -1.0)
    prop = magnitude * sign
    np.fill_diagonal(prop, 0.0)
    ls = Landscape(rng.uniform(0.5, 2.0, n), prop)
    pred = leading_eigenvector_blocs(ls)
    np.testing.assert_array_equal(pred.blocs, groups)
    assert not pred.degenerate
    assert pred.vector[0] > 0 and pred.eigenvalue > 0
    assert list(pred.frame().columns) == ["actor", "component", "bloc"]
    assert np.array_equal(leading_eigenvector_blocs(ls, weighted=True).blocs, groups)
    result = local_minima(ls)
    assert result.minima.iloc[0]["eigenvector"]  # the balanced split is the global minimum
    assert result.minima.iloc[0]["unsatisfied"] == pytest.approx(0.0, abs=1e-12)


def test_degenerate_leading_eigenvalue_is_flagged():
    ls = Landscape(np.ones(3), np.zeros((3, 3)))
    assert leading_eigenvector_blocs(ls).degenerate


# ------------------------------------------------------------------- multi-start


def test_multistart_finds_the_exhaustive_minima_at_n_14():
    rng = np.random.default_rng(5)
    n = 14
    ls = _landscape(rng.uniform(0.5, 2, n), rng.uniform(-1, 1, n * (n - 1) // 2), n)
    exact = local_minima(ls, method="exhaustive")
    sampled = local_minima(ls, method="multistart", starts=60_000, seed=2)
    assert not sampled.exhaustive and exact.exhaustive
    assert sampled.configurations == 60_000
    assert sorted(map(_number, sampled.blocs)) == sorted(map(_number, exact.blocs))
    shares = dict(zip(map(_number, exact.blocs), exact.minima["basin_share"]))
    for b, share in zip(sampled.blocs, sampled.minima["basin_share"]):
        assert share == pytest.approx(shares[_number(b)], abs=0.01)
    assert sampled.minima["basin"].sum() == 60_000


def test_multistart_is_reproducible_and_takes_a_generator():
    rng = np.random.default_rng(9)
    n = 30
    ls = _landscape(rng.uniform(0.5, 2, n), rng.uniform(-1, 1, n * (n - 1) // 2), n)
    a = local_minima(ls, starts=400, seed=4)
    b = local_minima(ls, starts=400, seed=np.random.default_rng(4))
    assert a.method == "multistart"  # n > EXHAUSTIVE_MAX
    pd.testing.assert_frame_equal(a.minima, b.minima)
    assert n > EXHAUSTIVE_MAX
    sigma = 1.0 - 2.0 * a.blocs
    change = sigma * (sigma @ ls.weights().T)
    assert (change >= -1e-9 * np.abs(ls.weights()).sum(axis=1).max()).all()  # each one is a local minimum


def test_descend_ends_in_the_basin_it_belongs_to():
    rng = np.random.default_rng(21)
    n = 9
    ls = _landscape(rng.uniform(0.5, 2, n), rng.uniform(-1, 1, n * (n - 1) // 2), n)
    expected, _ = brute_force(ls.sizes, ls.propensity)
    result = local_minima(ls)
    minima = set(map(_number, result.blocs))
    counts = dict.fromkeys(minima, 0)
    for b in _all_blocs(n):
        path = descend(ls, b)
        assert (np.diff(path["energy"]) < 0).all()
        end = np.array([0 if str(i) in path.iloc[-1]["bloc_0"].split(";") else 1 for i in range(n)])
        counts[_number(end)] += 1
    assert counts == expected == found(result)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "sizes, prop, field",
    [
        ([1, -1], [[0, 1], [1, 0]], "sizes"),
        ([1, np.nan], [[0, 1], [1, 0]], "sizes"),
        ([1, 1], [[0, 1], [0.5, 0]], "propensity"),
        ([1, 1], [[1, 1], [1, 0]], "propensity"),
        ([1, 1], [[0, 1, 0], [1, 0, 0]], "propensity"),
        ([1, 1], [[0, np.inf], [np.inf, 0]], "propensity"),
        ([], [], "sizes"),
    ],
)
def test_landscape_refuses_bad_arrays(sizes, prop, field):
    with pytest.raises(DataError) as err:
        Landscape(sizes, prop)
    assert err.value.field == field


def test_landscape_refuses_bad_names_and_options():
    with pytest.raises(DataError):
        Landscape([1, 1], [[0, 1], [1, 0]], ("A", "A"))
    ls = Landscape([1, 1], [[0, 1], [1, 0]], ("A", "B"))
    with pytest.raises(ValueError):
        local_minima(ls, method="annealing")
    with pytest.raises(ValueError):
        local_minima(ls, descent="greedy")
    with pytest.raises(RealpolitikError):
        ls.energy([0, 2])
    with pytest.raises(RealpolitikError):
        ls.energy({"A": 0})
    big = Landscape(np.ones(28), np.zeros((28, 28)))
    with pytest.raises(RealpolitikError, match="multistart"):
        local_minima(big, method="exhaustive")


def test_single_actor_and_two_actors():
    one = local_minima(Landscape([2.0], [[0.0]], ("X",)))
    assert len(one) == 1 and one.minima.iloc[0]["basin"] == 1 and one.minima.iloc[0]["bloc_1"] == ""
    foes = local_minima(Landscape([1.0, 1.0], [[0, -1], [-1, 0]], ("X", "Y")))
    assert foes.minima[["bloc_0", "bloc_1", "basin"]].values.tolist() == [["X", "Y", 2]]


# ------------------------------------------------------------------------ CSV


SIZES = "actor,size\nUSA,0.22\nUSSR,0.17\nPRC,0.12\n"
PROPS = "a,b,propensity,note\nUSA,USSR,-0.8,cold war\nUSSR,PRC,0.6,\nUSA,PRC,-0.5,\n"


def test_from_csv_reads_both_files(write_csv):
    ls = Landscape.from_csv(write_csv(PROPS, "p.csv"), write_csv(SIZES, "s.csv"))
    assert ls.actors == ("USA", "USSR", "PRC")
    assert ls.propensity[1, 2] == ls.propensity[2, 1] == 0.6
    assert ls.sizes.tolist() == [0.22, 0.17, 0.12]
    result = local_minima(ls)
    assert result.minima.iloc[0]["bloc_0"] == "USA" and result.minima.iloc[0]["bloc_1"] == "USSR;PRC"


@pytest.mark.parametrize(
    "which, text, line, field",
    [
        ("sizes", "actor,weight\nUSA,1\n", 1, "size"),
        ("sizes", "actor,size\nUSA,0\n", 2, "size"),
        ("sizes", "actor,size\nUSA,big\n", 2, "size"),
        ("sizes", "actor,size\nUSA,nan\n", 2, "size"),
        ("sizes", "actor,size\nUSA,1\nUSA,2\n", 3, "actor"),
        ("sizes", "actor,size\n,1\n", 2, "actor"),
        ("sizes", "actor,size\nUSA,1,2\n", 2, None),
        ("props", "a,b,propensity\nUSA,USSR,-0.8\nUSSR,USA,0.1\n", 3, "b"),
        ("props", "a,b,propensity\nUSA,USA,1\n", 2, "b"),
        ("props", "a,b,propensity\nUSA,ROC,1\n", 2, "b"),
        ("props", "a,b,propensity\nUSA,USSR,inf\n", 2, "propensity"),
        ("props", "a,b\nUSA,USSR\n", 1, "propensity"),
        ("props", 'a,b,propensity\nUSA,"USSR,1\n', 2, None),
    ],
)
def test_from_csv_names_file_line_and_field(write_csv, which, text, line, field):
    sizes = write_csv(text if which == "sizes" else SIZES, "s.csv")
    props = write_csv(text if which == "props" else PROPS, "p.csv")
    with pytest.raises(DataError) as err:
        Landscape.from_csv(props, sizes)
    assert err.value.file == str(sizes if which == "sizes" else props)
    assert err.value.line == line
    assert err.value.field == field


def test_from_csv_refuses_missing_and_non_utf8_files(write_csv, tmp_path):
    with pytest.raises(DataError, match="no such"):
        Landscape.from_csv(tmp_path / "absent.csv", write_csv(SIZES, "s.csv"))
    with pytest.raises(DataError, match="UTF-8") as err:
        Landscape.from_csv(write_csv(PROPS, "p.csv"), write_csv(b"actor,size\n\xff\xfe,1\n", "s.csv"))
    assert err.value.line == 2


# ------------------------------------------------------------------ Relations


def _relations():
    rows = [
        ("1960", "USA", "USSR", -0.8),
        ("1960", "USSR", "USA", -0.6),
        ("1960", "USSR", "PRC", 0.2),
        ("1960", "PRC", "USA", -0.9),
        ("1961", "USA", "USSR", 0.5),
    ]
    frame = pd.DataFrame(rows, columns=["period", "src", "tgt", "stance"])
    frame["period_start"] = pd.to_datetime(frame["period"] + "-01-01")
    return Relations(frame)


def test_from_relations_uses_the_undirected_stance():
    sizes = {"USA": 0.22, "USSR": 0.17, "PRC": 0.12, "GBR": 0.04}
    ls = Landscape.from_relations(_relations(), 1960, sizes=sizes)
    assert ls.actors == ("PRC", "USA", "USSR")
    i = {a: k for k, a in enumerate(ls.actors)}
    assert ls.propensity[i["USA"], i["USSR"]] == pytest.approx(-0.7)
    assert ls.propensity[i["PRC"], i["USA"]] == pytest.approx(-0.9)
    assert ls.sizes[i["USSR"]] == 0.17
    with_gbr = Landscape.from_relations(_relations(), "1960", sizes=pd.Series(sizes), actors=["USA", "GBR"],
                                        missing=0.1)
    assert with_gbr.propensity.tolist() == [[0.0, 0.1], [0.1, 0.0]]
    with pytest.raises(RealpolitikError, match="no size"):
        Landscape.from_relations(_relations(), "1960", sizes={"USA": 1.0})
    with pytest.raises(RealpolitikError, match="no relations"):
        Landscape.from_relations(_relations(), "1970", sizes=sizes)


def test_capability_sizes_from_the_real_nmc_file(shared_data):
    from realpolitik.io.nmc import read_nmc

    path = shared_data / "cow_nmc" / "NMC_5_0.csv"
    if not path.is_file():
        pytest.skip("NMC 5.0 not present")
    nmc = read_nmc(path)
    sizes = capability_sizes(nmc, 1960, ["USA", "USSR", "PRC"])
    assert sizes.index.tolist() == ["USA", "USSR", "PRC"]
    assert sizes["USA"] > sizes["USSR"] > sizes["PRC"] > 0.05
    ls = Landscape.from_relations(_relations(), 1960, sizes=sizes)
    assert ls.sizes.tolist() == [sizes["PRC"], sizes["USA"], sizes["USSR"]]
    with pytest.raises(RealpolitikError, match="no positive"):
        capability_sizes(nmc, 2015, ["USA"])  # v5.0 ends in 2012


def test_module_namespaces_are_sorted_and_honest():
    import realpolitik.io.nmc as nmc
    import realpolitik.structure.blocs as blocs
    import realpolitik.structure.polarity as polarity

    for module in (blocs, polarity, nmc):
        assert module.__all__ == sorted(module.__all__)
        assert all(hasattr(module, name) for name in module.__all__)
