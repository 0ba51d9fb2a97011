"""Readers of ATOP, MID and COW files: real files, malformed input, and fuzzing."""

from __future__ import annotations

import csv
import io
import time
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik._errors import DataError
from realpolitik.io import cow as cowmod
from realpolitik.io.atop import ATOP_OBLIGATIONS, read_atop
from realpolitik.io.cow import (
    COW_ALLIANCE_LAST_YEAR,
    cow_alliance_years,
    read_cow_alliances,
    read_cow_states,
    read_signed_windows,
)
from realpolitik.io.mid import mid_dyads, read_mid_dyads, read_mid_participants

ATOP = "atop_v5.1/atop_alliance.csv"
MID5 = "cow_mid_v5_peacesciencer"
GML = "gml_mid_v2.2.1"
MID4 = "cow_mid_v4_raw/MIDs_dispute-participants.csv"
STATES = "cow_state_system"
WINDOWS = "doreian_mrvar_cow_signed/cow_signed_windows.csv"

ATOP_HEADER = "ccode1,ccode2,year," + ",".join(ATOP_OBLIGATIONS)


def need(shared_data, relative):
    path = shared_data / relative
    if not path.is_file():
        pytest.skip(f"{relative} not in the shared data")
    return path


def raises_at(fn, path, line, field):
    with pytest.raises(DataError) as info:
        fn(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    return err


# --------------------------------------------------------------------------- the real files


def test_atop_real_file(shared_data):
    path = need(shared_data, ATOP)
    start = time.perf_counter()
    atop = read_atop(path)
    seconds = time.perf_counter() - start
    assert len(atop) == 273_296
    assert list(atop.columns) == ATOP_HEADER.split(",")
    assert atop["ccode1"].dtype == np.int64 and atop["year"].dtype == np.int64
    assert all(atop[c].dtype == np.int8 for c in ATOP_OBLIGATIONS)
    assert atop["year"].min() == 1815 and atop["year"].max() == 2018
    assert atop.attrs["source"] == str(path)
    assert seconds < 5  # about 0.1 s here; generous for a loaded machine

    def row(a, b, year):
        return atop[(atop.ccode1 == a) & (atop.ccode2 == b) & (atop.year == year)]

    usa_ukg = row(2, 200, 1960)
    assert len(usa_ukg) == 1 and usa_ukg["atop_defense"].item() == 1  # NATO
    # The Sino-Soviet treaty of 1950: a defence pact in ATOP every year 1950-1980, none 1981-1991.
    pair = atop[(atop.ccode1 == 365) & (atop.ccode2 == 710)].set_index("year")
    assert (pair.loc[1950:1980, "atop_defense"] == 1).all() and len(pair.loc[1950:1980]) == 31
    assert pair.loc[1981:1991].empty
    # Directed: every row has its mirror.
    mirror = atop.merge(atop, left_on=["ccode1", "ccode2", "year"], right_on=["ccode2", "ccode1", "year"])
    assert len(mirror) == len(atop)


@pytest.mark.parametrize(
    "relative, rows",
    [
        (f"{MID5}/cow_mid_ddydisps.csv", 10_234),
        (f"{MID5}/cow_mid_dirdisps.csv", 11_390),
        (f"{GML}/gml_mid_ddydisps.csv", 9_284),
        (f"{GML}/gml_dirdisp.csv", 10_276),
    ],
)
def test_mid_dyad_files(shared_data, relative, rows):
    mids = read_mid_dyads(need(shared_data, relative))
    assert len(mids) == rows
    for column in ("dispnum", "ccode1", "ccode2", "year"):
        assert mids[column].dtype == np.int64
    assert mids["sidea1"].dtype == np.int8
    # -9 (missing) became <NA>, nothing else did.
    assert mids["fatality1"].dtype == "Int64" and (mids["fatality1"].dropna() >= 0).all()
    assert mids["fatality1"].isna().any()
    sino_soviet = mids[(mids.ccode1 == 365) & (mids.ccode2 == 710) & (mids.year == 1969)]
    if "gml" not in relative:
        assert set(sino_soviet["dispnum"]) == {349}  # the Ussuri border clashes
    else:
        assert len(sino_soviet) >= 1


def test_gml_dirdisp_revision_types_missing(shared_data):
    mids = read_mid_dyads(need(shared_data, f"{GML}/gml_dirdisp.csv"))
    assert mids["revtype21"].dtype == "Int64" and mids["revtype21"].isna().sum() > 0
    assert (mids["version"] == "gml-2.2.1").all()


def test_mid4_participants_and_dyads(shared_data):
    part = read_mid_participants(need(shared_data, MID4))
    assert len(part) == 5_558
    assert part["dispnum3"].dtype == np.int64 and part["ccode"].dtype == np.int64
    assert part["dispnum4"].isna().sum() > 0 and (part["dispnum4"].dropna() > 0).all()
    assert part["stday"].isna().any()  # -9: unknown day
    dyads = mid_dyads(part)
    assert (dyads["sidea1"] == 1).all() and (dyads["sidea2"] == 0).all()
    clash = dyads[(dyads.year == 1969) & dyads.ccode1.isin([365, 710]) & dyads.ccode2.isin([365, 710])]
    assert 349 in set(clash["dispnum"])
    assert not dyads.duplicated(["dispnum", "ccode1", "ccode2", "year"]).any()


def test_mid_dyads_reproduce_gml_dirdisp(shared_data):
    """Side A × side B per overlapping year rebuilds GML's directed dispute-years from its participants."""
    theirs = read_mid_dyads(need(shared_data, f"{GML}/gml_dirdisp.csv"))
    part = read_mid_participants(need(shared_data, f"{GML}/gml_part.csv"))
    assert len(part) == 5_217
    ours = mid_dyads(part, directed=True)
    key = ["dispnum", "ccode1", "ccode2", "year"]
    a = set(map(tuple, theirs[key].to_numpy().tolist()))
    b = set(map(tuple, ours[key].to_numpy().tolist()))
    assert a <= b
    # The only extra dyad-years: states that changed sides in 1944 (dispute 258, the Second World War).
    assert {(d, y) for d, _, _, y in b - a} <= {(258, 1944)}


def test_state_lists(shared_data):
    clean = read_cow_states(need(shared_data, f"{STATES}/cow_states.csv"))
    assert len(clean) == 243
    assert clean.loc[clean.ccode == 365, "stateabb"].unique().tolist() == ["RUS"]
    raw = read_cow_states(need(shared_data, f"{STATES}/states2016.csv"))
    assert len(raw) == 243
    # Empty unnamed columns are dropped; stray values in unnamed columns are kept, not lost.
    assert list(raw.columns[:10]) == list(clean.columns)
    assert "column_16" in raw.columns and "11250" in set(raw["column_16"])
    pd.testing.assert_frame_equal(raw[clean.columns[:9]], clean[clean.columns[:9]])


def test_doreian_mrvar_windows(shared_data):
    frame = read_signed_windows(need(shared_data, WINDOWS))
    assert len(frame) == 41_295
    assert frame["window"].nunique() == 51
    assert frame["window"].iloc[0] == "46-49" and frame["window"].iloc[-1] == "96-99"
    assert set(frame["sign"].unique()) == {-1, 1}


# --------------------------------------------------------------------------- malformed input


def atop_row(a=2, b=200, year=1960, flags=(1, 0, 0, 1, 1)):
    return ",".join(str(x) for x in (a, b, year, *flags))


def test_atop_small_file_values(write_csv):
    path = write_csv(f"{ATOP_HEADER}\n{atop_row()}\n2.0,20.0,1942.0,1.0,1.0,0.0,0.0,0.0\n", "a.csv")
    frame = read_atop(path)
    assert frame.to_dict("list") == {
        "ccode1": [2, 2], "ccode2": [200, 20], "year": [1960, 1942],
        "atop_defense": [1, 1], "atop_offense": [0, 1], "atop_neutral": [0, 0],
        "atop_nonagg": [1, 0], "atop_consul": [1, 0],
    }


def test_header_only_gives_an_empty_typed_frame(write_csv):
    frame = read_atop(write_csv(ATOP_HEADER + "\n", "a.csv"))
    assert len(frame) == 0 and frame["ccode1"].dtype == np.int64 and frame["atop_consul"].dtype == np.int8


def test_bom_crlf_quotes_and_extra_columns(write_csv):
    text = "\ufeff" + ATOP_HEADER + ",note\r\n" + atop_row() + ',"a, quoted"\r\n'
    frame = read_atop(write_csv(text, "a.csv"))
    assert frame["note"].tolist() == ["a, quoted"] and frame["ccode2"].tolist() == [200]


def test_missing_column(write_csv):
    path = write_csv("ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg\n2,20,1950,1,0,0,0\n")
    err = raises_at(read_atop, path, 1, "atop_consul")
    assert "required" in str(err)


def test_duplicate_column(write_csv):
    raises_at(read_atop, write_csv(ATOP_HEADER + ",year\n" + atop_row() + ",1960\n"), 1, "year")


@pytest.mark.parametrize(
    "bad, field",
    [
        ("USA,200,1960,1,0,0,1,1", "ccode1"),
        ("2,,1960,1,0,0,1,1", "ccode2"),
        ("0,200,1960,1,0,0,1,1", "ccode1"),
        ("-2,200,1960,1,0,0,1,1", "ccode1"),
        ("2.5,200,1960,1,0,0,1,1", "ccode1"),
        ("2,200,62,1,0,0,1,1", "year"),
        ("2,200,19600,1,0,0,1,1", "year"),
        ("2,200,NA,1,0,0,1,1", "year"),
        ("2,200,inf,1,0,0,1,1", "year"),
        ("2,200,1960,2,0,0,1,1", "atop_defense"),
        ("2,200,1960,1,0,0,1,-9", "atop_consul"),
        ("2,200,1960,1,0,0,1", "atop_consul"),
        ("2,200,1960,1,0,0,1,1,1", "column 9"),
        ("2,2,1960,1,0,0,1,1", "ccode2"),
    ],
)
def test_bad_rows_name_line_and_field(write_csv, bad, field):
    text = f"{ATOP_HEADER}\n{atop_row()}\n\n{atop_row(20, 2)}\n{bad}\n{atop_row(2, 40)}\n"
    raises_at(read_atop, write_csv(text, "a.csv"), 5, field)  # line 3 is blank: line numbers are physical


def test_quoted_newline_counts_lines(write_csv):
    text = f'{ATOP_HEADER},note\n{atop_row()},"two\nlines"\n{atop_row(20, 2, 1900)},x\n2,40,1700,0,0,0,0,1,y\n'
    raises_at(read_atop, write_csv(text, "a.csv"), 5, "year")


def test_empty_and_blank_files(write_csv):
    raises_at(read_atop, write_csv("", "a.csv"), 1, None)
    raises_at(read_atop, write_csv(" \n\n", "b.csv"), 1, None)


def test_non_utf8(write_csv):
    data = (f"{ATOP_HEADER}\n{atop_row()}\n2,20,1960,1,0,0,1,1\n".encode() + b"2,\xe9\xff,1961,1,0,0,1,1\n")
    err = raises_at(read_atop, write_csv(data, "a.csv"), 4, "ccode2")
    assert "UTF-8" in str(err)


def test_non_utf8_in_header(write_csv):
    raises_at(read_atop, write_csv(b"ccode1,ccode\xff2\n", "a.csv"), 1, "column 2")


def test_no_such_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_atop(tmp_path / "absent.csv")


def test_nul_in_text_field(write_csv):
    text = "window,src,tgt,sign\n46-49,USA,UKG,1\n46-49,US\x00A,RUS,-1\n"
    raises_at(read_signed_windows, write_csv(text, "w.csv"), 3, "src")


def test_signed_windows_rules(write_csv):
    good = "window,src,tgt,sign\n46-49, USA ,UKG,1\n46-49,USA,RUS,-1\n47-50,USA,RUS,1\n"
    frame = read_signed_windows(write_csv(good, "w.csv"))
    assert frame["src"].tolist() == ["USA", "USA", "USA"] and frame["sign"].dtype == np.int8
    raises_at(read_signed_windows, write_csv(good + "47-50,RUS,USA,1\n", "w.csv"), 5, "tgt")
    raises_at(read_signed_windows, write_csv(good + "47-50,RUS,RUS,1\n", "w.csv"), 5, "tgt")
    raises_at(read_signed_windows, write_csv(good + "47-50,RUS,FRN,0\n", "w.csv"), 5, "sign")
    raises_at(read_signed_windows, write_csv(good + "47-50,,FRN,1\n", "w.csv"), 5, "src")
    raises_at(read_signed_windows, write_csv("window,src,sign\n46-49,USA,1\n", "w.csv"), 1, "tgt")


MID_HEADER = "dispnum,ccode1,ccode2,year,sidea1,sidea2,fatality1,hostlev1,version"


def test_mid_dyads_small(write_csv):
    text = f"{MID_HEADER}\n349,365,710,1969,1,0,-9,4,x\n349.0,710.0,365.0,1969.0,0.0,1.0,3.0,,x\n"
    frame = read_mid_dyads(write_csv(text, "m.csv"))
    assert frame["fatality1"].tolist()[1] == 3 and pd.isna(frame["fatality1"].iloc[0])
    assert pd.isna(frame["hostlev1"].iloc[1])
    raises_at(read_mid_dyads, write_csv(f"{MID_HEADER}\n0,365,710,1969,1,0,0,4,x\n", "m.csv"), 2, "dispnum")
    raises_at(read_mid_dyads, write_csv(f"{MID_HEADER}\n1,365,710,1969,1,0,x,4,x\n", "m.csv"), 2, "fatality1")
    raises_at(read_mid_dyads, write_csv(f"{MID_HEADER}\n1,365,710,1969,2,0,1,4,x\n", "m.csv"), 2, "sidea1")
    raises_at(read_mid_dyads, write_csv("dispnum,ccode1,year\n1,2,1900\n", "m.csv"), 1, "ccode2")


PART_HEADER = "dispnum3,dispnum4,stabb,ccode,stday,stmon,styear,endday,endmon,endyear,sidea"


def test_mid_participants_small(write_csv):
    rows = [
        "1,-9,AAA,10,-9,1,1900,1,1,1902,1",
        "1,-9,BBB,20,1,1,1901,1,1,1903,0",
        "1,-9,CCC,30,1,1,1903,1,1,1905,0",
        "2,20001,AAA,10,1,1,1950,1,1,1950,1",
        "2,20001,DDD,40,1,1,1951,1,1,1951,0",  # no year in common with side A: no dyad
        "3,-9,EEE,50,1,1,1940,1,1,1941,0",
        "3,-9,EEE,50,1,1,1941,1,1,1942,1",  # changed sides: never paired with itself
        "3,-9,FFF,60,1,1,1940,1,1,1942,1",
    ]
    part = read_mid_participants(write_csv(PART_HEADER + "\n" + "\n".join(rows) + "\n", "p.csv"))
    assert part["dispnum4"].tolist()[3] == 20001 and pd.isna(part["dispnum4"].iloc[0])
    dyads = mid_dyads(part)
    got = set(map(tuple, dyads[["dispnum", "ccode1", "ccode2", "year"]].to_numpy().tolist()))
    assert got == {(1, 10, 20, 1901), (1, 10, 20, 1902), (3, 60, 50, 1940), (3, 60, 50, 1941)}
    directed = mid_dyads(part, directed=True)
    assert len(directed) == 2 * len(dyads)
    bad = PART_HEADER + "\n1,-9,AAA,10,-9,1,1903,1,1,1902,1\n"
    raises_at(read_mid_participants, write_csv(bad, "p.csv"), 2, "endyear")
    raises_at(read_mid_participants, write_csv("ccode,styear,endyear,sidea\n2,1900,1900,1\n", "p.csv"), 1,
              "dispnum3")


ALLY_HEADER = (
    "version4id,ccode1,state_name1,ccode2,state_name2,dyad_st_day,dyad_st_month,dyad_st_year,"
    "dyad_end_day,dyad_end_month,dyad_end_year,left_censor,right_censor,defense,neutrality,"
    "nonaggression,entente,version"
)


def test_cow_alliances_dyad_file(write_csv):
    rows = [
        "1,200,United Kingdom,255,Germany,1,1,1900,31,12,1903,0,0,1,0,0,1,4.1",
        "2,2,United States of America,20,Canada,-9,-9,2009,,,,0,1,0,0,0,1,4.1",
        '3,2,"United States, of America",200,United Kingdom,1,1,1949,.,.,.,0,1,1,0,0,0,4.1',
    ]
    frame = read_cow_alliances(write_csv(ALLY_HEADER + "\n" + "\n".join(rows) + "\n", "ally.csv"))
    assert frame["dyad_end_year"].dtype == "Int64" and frame["dyad_end_year"].isna().tolist() == [False, True, True]
    assert pd.isna(frame["dyad_st_day"].iloc[1]) and frame["state_name1"].iloc[2] == "United States, of America"
    years = cow_alliance_years(frame)
    assert list(years.columns) == ["version4id", "ccode1", "ccode2", "year", "defense", "neutrality",
                                   "nonaggression", "entente"]
    assert years[years.version4id == 1]["year"].tolist() == [1900, 1901, 1902, 1903]
    assert years[years.version4id == 2]["year"].tolist() == [2009, 2010, 2011, COW_ALLIANCE_LAST_YEAR]
    assert len(years[years.version4id == 3]) == COW_ALLIANCE_LAST_YEAR - 1949 + 1


def test_cow_alliances_yearly_and_errors(write_csv):
    header = ALLY_HEADER + ",year"
    row = "1,200,UK,255,GMY,1,1,1900,31,12,1903,0,0,1,0,0,1,4.1,1901"
    frame = read_cow_alliances(write_csv(f"{header}\n{row}\n", "y.csv"))
    assert cow_alliance_years(frame)["year"].tolist() == [1901]
    raises_at(read_cow_alliances, write_csv(f"{header}\n{row[:-4]}1750\n", "y.csv"), 2, "year")
    backwards = "1,200,UK,255,GMY,1,1,1900,31,12,1899,0,0,1,0,0,1,4.1"
    raises_at(read_cow_alliances, write_csv(f"{ALLY_HEADER}\n{backwards}\n", "d.csv"), 2, "dyad_end_year")
    flag = "1,200,UK,255,GMY,1,1,1900,31,12,1903,0,0,1,0,.,1,4.1"
    raises_at(read_cow_alliances, write_csv(f"{ALLY_HEADER}\n{flag}\n", "d.csv"), 2, "nonaggression")
    raises_at(read_cow_alliances, write_csv("ccode1,ccode2,dyad_st_year,dyad_end_year\n", "d.csv"), 1, "defense")


def test_state_list_errors(write_csv):
    header = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version"
    ok = "USA,2,United States,1816,1,1,2016,12,31,2016"
    raises_at(read_cow_states, write_csv(f"{header}\n{ok}\nUSB,2,US,1816,1,1,2016,12,31,2016\n", "s.csv"), 3,
              "stateabb")
    raises_at(read_cow_states, write_csv(f"{header}\n{ok}\nUSA,3,US,1816,1,1,2016,12,31,2016\n", "s.csv"), 3,
              "ccode")
    raises_at(read_cow_states, write_csv(f"{header}\n{ok}\nCAN,20,C,1920,1,1,1919,12,31,2016\n", "s.csv"), 3,
              "endyear")


# --------------------------------------------------------------------------- fuzzing

ccodes = st.integers(1, 999)
years = st.integers(cowmod.YEAR_RANGE[0], cowmod.YEAR_RANGE[1])
flags = st.integers(0, 1)
junk = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["", "NA", ".", "-9", "nan", "inf", "1e400", "2.5", "0", "-1", " 7 ", '"', "a,b", "x\ny", "1_0",
                     "\x00", "1e3", "+3", "3."]),
)


def numbers_as_written(n, style):
    return f"{n}.0" if style else str(n)


@st.composite
def atop_files(draw):
    n = draw(st.integers(0, 8))
    rows = []
    for _ in range(n):
        a = draw(ccodes)
        b = draw(ccodes.filter(lambda x, a=a: x != a))
        rows.append([a, b, draw(years), *(draw(flags) for _ in ATOP_OBLIGATIONS)])
    style = draw(st.booleans())
    cells = [[numbers_as_written(x, style) for x in r] for r in rows]
    corrupt = draw(st.booleans()) and n > 0
    if corrupt:
        i = draw(st.integers(0, n - 1))
        action = draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            cells[i][draw(st.integers(0, 7))] = draw(junk)
        elif action == "drop":
            cells[i].pop(draw(st.integers(0, 7)))
        else:
            cells[i].insert(draw(st.integers(0, 8)), draw(junk))
    out = io.StringIO()
    out.write(ATOP_HEADER + "\n")
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerows(cells)
    data = out.getvalue().encode()
    if corrupt and draw(st.booleans()):
        at = draw(st.integers(len(ATOP_HEADER) + 1, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80\x80"])) + data[at:]
    return rows, data, corrupt


def outcome(reader, path):
    """What a reader makes of a file: its frame, or the (line, field) of its DataError."""
    try:
        return reader(path)
    except DataError as err:
        assert err.file == str(path) and err.line is not None and err.line >= 1, str(err)
        return (err.line, err.field)


def check_against_row_by_row(reader, path):
    """The fast reader and the row-by-row reader agree on every file: same frame, or same error place."""
    fast = outcome(reader, path)
    with mock.patch.object(cowmod, "_fast", side_effect=cowmod._Fallback):
        slow = outcome(reader, path)
    if isinstance(fast, tuple) or isinstance(slow, tuple):
        assert isinstance(fast, tuple) and isinstance(slow, tuple), f"fast: {type(fast)}, row by row: {slow}"
        assert fast == slow
    else:
        pd.testing.assert_frame_equal(fast, slow)
    return fast


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(atop_files())
def test_fuzz_atop(tmp_path, case):
    rows, data, corrupt = case
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    result = check_against_row_by_row(read_atop, path)
    if not corrupt:
        assert not isinstance(result, tuple), f"valid file refused at {result}"
        assert result[ATOP_HEADER.split(",")].to_numpy().tolist() == rows
    elif not isinstance(result, tuple):
        assert len(result) == len(rows)


@st.composite
def window_files(draw):
    names = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"),
                    min_size=1, max_size=4).filter(lambda s: s.strip() == s and s)
    n = draw(st.integers(0, 6))
    rows, seen = [], set()
    for _ in range(n):
        w, a, b = draw(st.sampled_from(["46-49", "47-50"])), draw(names), draw(names)
        key = (w, min(a, b), max(a, b))
        if a == b or key in seen:
            continue
        seen.add(key)
        rows.append([w, a, b, draw(st.sampled_from([-1, 1]))])
    cells = [[str(x) for x in r] for r in rows]
    corrupt = draw(st.booleans()) and bool(rows)
    if corrupt:
        cells[draw(st.integers(0, len(rows) - 1))][draw(st.integers(0, 3))] = draw(junk)
    out = io.StringIO()
    out.write("window,src,tgt,sign\n")
    csv.writer(out, lineterminator="\n").writerows(cells)
    return rows, out.getvalue().encode(), corrupt


@FUZZ
@given(window_files())
def test_fuzz_signed_windows(tmp_path, case):
    rows, data, corrupt = case
    path = tmp_path / "w.csv"
    path.write_bytes(data)
    result = check_against_row_by_row(read_signed_windows, path)
    if not corrupt:
        assert not isinstance(result, tuple), f"valid file refused at {result}"
        assert result.astype(object).to_numpy().tolist() == rows
    elif not isinstance(result, tuple):
        assert len(result) == len(rows)


@st.composite
def participant_files(draw):
    n = draw(st.integers(0, 6))
    rows = []
    for _ in range(n):
        start = draw(st.integers(1816, 2010))
        rows.append([draw(st.integers(1, 50)), draw(st.sampled_from([-9, 20001])), draw(ccodes), start,
                     draw(st.integers(start, min(start + 3, 2100))), draw(flags), draw(st.sampled_from([-9, 0, 5]))])
    cells = [[str(x) for x in r] for r in rows]
    corrupt = draw(st.booleans()) and n > 0
    if corrupt:
        cells[draw(st.integers(0, n - 1))][draw(st.integers(0, 6))] = draw(junk)
    out = io.StringIO()
    out.write("dispnum3,dispnum4,ccode,styear,endyear,sidea,fatality\n")
    csv.writer(out, lineterminator="\n").writerows(cells)
    return rows, out.getvalue().encode(), corrupt


@FUZZ
@given(participant_files())
def test_fuzz_mid_participants(tmp_path, case):
    rows, data, corrupt = case
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    result = check_against_row_by_row(read_mid_participants, path)
    if isinstance(result, tuple):
        assert corrupt, f"valid file refused at {result}"
        return
    assert len(result) == len(rows)
    if not corrupt:
        got = [[None if pd.isna(x) else int(x) for x in row] for row in result.astype(object).to_numpy().tolist()]
        assert got == [[None if x == -9 else x for x in row] for row in rows]  # -9 means missing
        mid_dyads(result)  # never raises on a valid table


# Every reader, on generated tables of its own format: valid rows all come through, corrupted
# ones give a DataError (or, when the corruption happens to be valid, a frame of the same size).


@st.composite
def mid_dyad_row(draw):
    a = draw(ccodes)
    return [draw(st.integers(1, 5000)), a, draw(ccodes.filter(lambda x, a=a: x != a)), draw(years), draw(flags),
            draw(flags), draw(st.sampled_from([-9, 0, 6]))]


@st.composite
def alliance_row(draw):
    a = draw(ccodes)
    start = draw(st.integers(1816, 2012))
    end = draw(st.one_of(st.none(), st.integers(start, 2012)))
    return [draw(st.integers(1, 400)), a, draw(ccodes.filter(lambda x, a=a: x != a)), start,
            "" if end is None else end, *(draw(flags) for _ in range(4))]


@st.composite
def state_rows(draw):
    codes = draw(st.lists(ccodes, unique=True, max_size=6))
    rows = []
    for k, c in enumerate(codes):
        start = draw(st.integers(1816, 2016))
        rows.append([f"S{k:02d}", c, start, draw(st.integers(start, 2016))])
    return rows


READERS = {
    "mid_dyads": (read_mid_dyads, "dispnum,ccode1,ccode2,year,sidea1,sidea2,fatality1", st.lists(mid_dyad_row(),
                                                                                                   max_size=6)),
    "cow_alliances": (read_cow_alliances,
                      "version4id,ccode1,ccode2,dyad_st_year,dyad_end_year,defense,neutrality,nonaggression,entente",
                      st.lists(alliance_row(), max_size=6)),
    "cow_states": (read_cow_states, "stateabb,ccode,styear,endyear", state_rows()),
}


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("which", sorted(READERS))
def test_fuzz_every_reader(tmp_path, which, data):
    reader, header, rows_strategy = READERS[which]
    rows = data.draw(rows_strategy)
    cells = [[str(x) for x in row] for row in rows]
    corrupt = bool(rows) and data.draw(st.booleans())
    if corrupt:
        i = data.draw(st.integers(0, len(rows) - 1))
        j = data.draw(st.integers(0, len(cells[i]) - 1))
        action = data.draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "replace":
            cells[i][j] = data.draw(junk)
        elif action == "drop":
            cells[i].pop(j)
        else:
            cells[i].insert(j, data.draw(junk))
    out = io.StringIO()
    out.write(header + "\n")
    csv.writer(out, lineterminator="\n").writerows(cells)
    path = tmp_path / f"{which}.csv"
    path.write_bytes(out.getvalue().encode())
    result = check_against_row_by_row(reader, path)
    if isinstance(result, tuple):
        assert corrupt, f"valid file refused at {result}"
        return
    assert len(result) == len(rows)
    if not corrupt:
        got = [[None if pd.isna(x) else x for x in row] for row in result.astype(object).to_numpy().tolist()]
        want = [[None if x in (-9, "") else x for x in row] for row in rows]
        assert got == want
