"""Polarity (Ray-Singer CON, poles) and the COW capability readers, on real files and malformed ones."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik import DataError
from realpolitik.io.nmc import NMC_COLUMNS, read_major_powers, read_nmc
from realpolitik.structure.polarity import POLARITY_COLUMNS, concentration, effective_poles, polarity

# ------------------------------------------------------------------ measures


@pytest.mark.parametrize("n", [2, 3, 5, 40])
def test_con_is_zero_for_equal_shares(n):
    assert concentration([0.3] * n) == pytest.approx(0.0, abs=1e-7)
    assert effective_poles([0.3] * n) == pytest.approx(n)


def test_con_tends_to_one_as_one_power_dominates():
    values = [concentration([1.0, eps, eps, eps]) for eps in (0.5, 0.1, 0.01, 1e-6)]
    assert values == sorted(values) and values[-1] == pytest.approx(1.0, abs=1e-5)
    assert concentration([1, 0, 0]) == 1.0
    assert effective_poles([1, 0, 0]) == 1.0


def test_con_formula_and_edge_cases():
    caps = np.array([4.0, 3.0, 2.0, 1.0])
    s = caps / caps.sum()
    expected = math.sqrt((np.sum(s**2) - 1 / 4) / (1 - 1 / 4))
    assert concentration(caps) == pytest.approx(expected)
    assert concentration(caps * 7.5) == pytest.approx(expected)  # shares, not levels
    assert effective_poles(caps) == pytest.approx(1 / np.sum(s**2))
    assert math.isnan(concentration([0.2]))
    assert math.isnan(concentration([0.0, 0.0]))
    for bad in ([1, -1], [1, np.nan], [[1, 2]]):
        with pytest.raises(DataError):
            concentration(bad)


def test_polarity_by_year_over_a_set_of_states():
    caps = pd.DataFrame(
        {
            "ccode": [2, 365, 710, 200, 2, 365, 710, 200, 2, 365],
            "year": [1960] * 4 + [1961] * 4 + [1962] * 2,
            "cinc": [0.4, 0.4, 0.1, 0.1, 0.7, 0.1, 0.1, np.nan, 0.5, 0.5],
        }
    )
    out = polarity(caps)
    assert list(out.columns) == list(POLARITY_COLUMNS)
    assert out["year"].tolist() == [1960, 1961, 1962]
    assert out["states"].tolist() == [4, 3, 2]
    assert out["missing"].tolist() == [0, 1, 0]
    assert out.loc[0, "con"] == pytest.approx(concentration([0.4, 0.4, 0.1, 0.1]))
    assert out.loc[2, "con"] == pytest.approx(0.0, abs=1e-7)
    assert out["poles"].tolist() == [2, 1, 2]
    assert out.loc[1, "largest"] == 2 and out.loc[1, "largest_share"] == pytest.approx(0.7 / 0.9)
    only = polarity(caps, states=[2, 365], years=[1960])
    assert only["states"].tolist() == [2] and only.loc[0, "con"] == pytest.approx(0.0, abs=1e-7)
    spells = pd.DataFrame({"ccode": [2, 710], "styear": [1961, 1950], "endyear": [2016, 2016]})
    by_spell = polarity(caps, states=spells)
    assert by_spell["states"].tolist() == [1, 2, 1]
    with pytest.raises(DataError, match="read_nmc"):
        polarity(caps.drop(columns="cinc"))
    with pytest.raises(DataError, match="twice"):
        polarity(pd.concat([caps, caps.iloc[:1]]))


# ------------------------------------------------------------------ real files


def _nmc(shared_data, name):
    path = shared_data / "cow_nmc" / name
    if not path.is_file():
        pytest.skip(f"{name} not present")
    return path


@pytest.mark.parametrize("name, rows, fmt, last", [("NMC_5_0.csv", 15_171, "cow", 2012),
                                                    ("cow_nmc_v6.0.csv", 17_121, "peacesciencer", 2022)])
def test_real_nmc_files(shared_data, name, rows, fmt, last):
    nmc = read_nmc(_nmc(shared_data, name))
    assert len(nmc) == rows
    assert nmc.attrs["read"] == nmc.attrs["loaded"] == rows and nmc.attrs["rejected"] == 0
    assert nmc.attrs["format"] == fmt
    assert list(nmc.columns) == list(NMC_COLUMNS)
    assert nmc["year"].min() == 1816 and nmc["year"].max() == last
    assert nmc["ccode"].dtype == np.int64
    y1960 = nmc[nmc["year"] == 1960].sort_values("cinc", ascending=False)
    assert y1960["ccode"].tolist()[:2] == [2, 365]  # the USA, then the USSR
    usa = y1960.iloc[0]
    assert 0.15 < usa["cinc"] < 0.3 and usa["milex"] > 1e7
    assert nmc["milex"].isna().sum() > 1000  # -9 and blanks became missing, not numbers
    assert (nmc[list(NMC_COLUMNS[3:9])].fillna(0) >= 0).all().all()
    if fmt == "cow":
        assert usa["stateabb"] == "USA" and usa["version"] == 2011


def test_polarity_of_the_major_powers_in_1960(shared_data):
    nmc = read_nmc(_nmc(shared_data, "NMC_5_0.csv"))
    majors_path = shared_data / "cow_state_system" / "cow_majors.csv"
    if not majors_path.is_file():
        pytest.skip("cow_majors.csv not present")
    majors = read_major_powers(majors_path)
    assert len(majors) == 14 and majors.attrs["rejected"] == 0
    france = majors[majors["ccode"] == 220]
    assert france["endyear"].tolist() == [1940, 2016]
    assert str(france["end"].iloc[0].date()) == "1940-06-22"
    out = polarity(nmc, states=majors).set_index("year")
    assert out.loc[1960, "states"] == 5  # USA, UK, France, USSR, PRC
    assert out.loc[1960, "largest"] == 2
    assert 0.2 < out.loc[1960, "con"] < 0.45
    assert 3 < out.loc[1960, "effective_poles"] < 4.5


# ------------------------------------------------------------------ malformed

HEADER = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version\n"
GOOD_ROW = '"USA",2,1960,45380000,2306,90067,1421218,180671,50966,.2154438,2011\n'
GOOD = HEADER + GOOD_ROW + '"RUS",365,1960,-9,3600,65294,629705,214329,51252,.17179,2011\n'


def test_small_good_file(write_csv):
    nmc = read_nmc(write_csv(GOOD, "nmc.csv"))
    assert len(nmc) == 2 and math.isnan(nmc.loc[1, "milex"])
    ps = read_nmc(write_csv("ccode,year,cinc,milex\n2.0,1960.0,0.2154,\n365.0,1960.0,0.17179,NA\n", "ps.csv"))
    assert ps["ccode"].tolist() == [2, 365] and ps["milex"].isna().all() and ps["stateabb"].isna().all()


@pytest.mark.parametrize(
    "text, line, field",
    [
        (HEADER.replace("cinc,", "") + GOOD_ROW.replace(".2154438,", ""), 1, "cinc"),
        (HEADER + GOOD_ROW.replace(",2,", ",two,"), 2, "ccode"),
        (HEADER + GOOD_ROW.replace(",2,", ",2.5,"), 2, "ccode"),
        (HEADER + GOOD_ROW.replace(",2,", ",1200,"), 2, "ccode"),
        (HEADER + GOOD_ROW.replace(",1960,", ",60,"), 2, "year"),
        (HEADER + GOOD_ROW.replace(",1960,", ",,"), 2, "year"),
        (HEADER + GOOD_ROW.replace(",2306,", ",-5,"), 2, "milper"),
        (HEADER + GOOD_ROW.replace(",2306,", ",nan,"), 2, "milper"),
        (HEADER + GOOD_ROW.replace(",2306,", ",1e999,"), 2, "milper"),
        (HEADER + GOOD_ROW.replace(".2154438", "1.5"), 2, "cinc"),
        (HEADER + GOOD_ROW.replace('"USA"', '"U1"'), 2, "stateabb"),
        (HEADER + GOOD_ROW.replace(",2011", ",v5"), 2, "version"),
        (HEADER + GOOD_ROW.replace(",2011", ",1e30"), 2, "version"),
        (HEADER + GOOD_ROW.replace(",2011", ",9007199254740992"), 2, "version"),  # 2**53
        (HEADER + GOOD_ROW.replace(",2011", ",-1"), 2, "version"),
        (HEADER + GOOD_ROW + GOOD_ROW, 3, "year"),
        (HEADER + GOOD_ROW + "\n" + GOOD_ROW.replace(",2306,", ",x,"), 4, "milper"),
        (HEADER + GOOD_ROW.replace(",2011", ",2011,7"), 2, None),
        (HEADER + '"USA,2,1960\n', 2, None),
        ("stateabb,ccode,ccode,year,cinc\n", 1, "ccode"),
        ("ccode,,year,cinc\n", 1, "column 2"),
        ("", 1, None),
    ],
)
def test_malformed_nmc_names_line_and_field(write_csv, text, line, field):
    path = write_csv(text, "bad.csv")
    with pytest.raises(DataError) as err:
        read_nmc(path)
    assert err.value.file == str(path)
    assert err.value.line == line
    assert err.value.field == field


def test_strict_reports_the_earliest_line_and_lenient_accounts_for_every_row(write_csv):
    text = HEADER + GOOD_ROW + GOOD_ROW.replace(",2306,", ",x,").replace(",2,", ",3,") + GOOD_ROW.replace(",2,", ",zz,")
    path = write_csv(text, "bad.csv")
    with pytest.raises(DataError) as err:
        read_nmc(path)
    assert (err.value.line, err.value.field) == (3, "milper")
    assert "1 more problem" in str(err.value)
    nmc = read_nmc(path, lenient=True)
    assert (nmc.attrs["read"], nmc.attrs["loaded"], nmc.attrs["rejected"]) == (3, 1, 2)
    assert [r[:2] for r in nmc.attrs["rejections"]] == [(3, "milper"), (4, "ccode")]


def test_missing_and_non_utf8_files(write_csv, tmp_path):
    with pytest.raises(DataError, match="no such"):
        read_nmc(tmp_path / "absent.csv")
    with pytest.raises(DataError, match="UTF-8") as err:
        read_nmc(write_csv((HEADER + GOOD_ROW).encode() + b'"R\xffS",365,1960,1,1,1,1,1,1,.1,2011\n', "b.csv"))
    assert err.value.line == 3


@pytest.mark.parametrize(
    "text, line, field",
    [
        ("ccode,styear\n2,1898\n", 1, "endyear"),
        ("ccode,styear,stmonth,stday,endyear\n2,1898,13,1,2016\n", 2, "stmonth"),
        ("ccode,styear,stmonth,stday,endyear\n2,1898,2,30,2016\n", 2, "stday"),
        ("ccode,styear,endyear\n2,1898,1890\n", 2, "endyear"),
    ],
)
def test_malformed_major_powers(write_csv, text, line, field):
    with pytest.raises(DataError) as err:
        read_major_powers(write_csv(text, "majors.csv"))
    assert (err.value.line, err.value.field) == (line, field)


# ------------------------------------------------------------------ fuzzing

_ROWS = [GOOD_ROW, '"RUS",365,1960,-9,3600,65294,629705,214329,51252,.17179,2011\n']
_PIECES = st.sampled_from(
    [",", '"', "\n", "\r\n", "-9", "", "1e5", "-1", "nan", "NA", "2.0", "\x00", "\xff", "é", "  ", "1960", "year",
     "cinc", ".5", "9" * 40]
)


@st.composite
def mangled(draw):
    text = draw(st.sampled_from([HEADER, "ccode,year,cinc\n", "CCODE , Year,CINC,milex\n", ""]))
    text += "".join(draw(st.lists(st.sampled_from(_ROWS + ["2.0,1816.0,0.04,\n"]), max_size=4)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(_PIECES) + text[at + cut :]
    return text.encode("utf-8", errors="surrogatepass") if draw(st.booleans()) else text.encode("latin-1", "replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=mangled(), lenient=st.booleans())
def test_fuzzed_nmc_files_raise_only_data_error(write_csv, data, lenient):
    path = write_csv(data, "fuzz.csv")
    try:
        nmc = read_nmc(path, lenient=lenient)
    except DataError as err:
        assert err.file == str(path)
        return
    assert list(nmc.columns) == list(NMC_COLUMNS)
    assert nmc.attrs["read"] == nmc.attrs["loaded"] + nmc.attrs["rejected"]
    assert not nmc.duplicated(["ccode", "year"]).any()
    assert ((nmc["cinc"] >= 0) & (nmc["cinc"] <= 1) | nmc["cinc"].isna()).all()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_raise_only_data_error(write_csv, data):
    try:
        read_nmc(write_csv(b"ccode,year,cinc\n" + data, "fuzz.csv"))
        read_major_powers(write_csv(b"ccode,styear,endyear\n" + data, "fuzz2.csv"))
    except DataError:
        pass
