"""Reading event files: strict refusal with file/line/field, lenient accounting, fuzzing."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik import DataError
from realpolitik.io import read_events, write_rejections

HEADER = "event_id,date_start,date_end,precision,src,tgt,cameo,description,citation\n"
GOOD = (
    HEADER
    + "e1,1950-02-14,,day,USSR,PRC,057,Alliance treaty signed,luthi2008\n"
    + "e2,1958,,year,Moscow,Beijing,111,Polemics,luthi2008\n"
    + "e3,1953,1957,span,USSR,PRC,071,Five-Year Plan aid,luthi2008\n"
    + "e4,1969-03,,,PRC,USSR,193,Border clash,gerson2010\n"
)


def test_good_file_loads_with_types_and_provenance(write_csv):
    result = read_events(write_csv(GOOD))
    ev = result.events
    assert (result.read, result.loaded, result.rejected) == (4, 4, 0)
    assert list(ev["precision"]) == ["day", "year", "span", "month"]
    assert list(ev["src"]) == ["USSR", "USSR", "USSR", "PRC"]  # "Moscow" resolved at its date
    assert ev.loc[1, "date_start"] == pd.Timestamp("1958-01-01")
    assert ev.loc[1, "date_end"] == pd.Timestamp("1958-12-31")
    assert ev.loc[2, "date_end"] == pd.Timestamp("1957-12-31")
    assert ev.loc[0, "goldstein"] == 8.0 and ev.loc[0, "quad"] == 1
    assert ev.loc[3, "quad"] == 4 and ev.loc[3, "goldstein"] < -9
    assert list(ev["row"]) == [2, 3, 4, 5]
    assert set(ev["dataset"]) == {"events.csv"}


BAD_ROWS = [
    ("e9,1950-02-30,,day,USSR,PRC,057,x,y", "date_start", "day must be"),
    ("e9,50,,year,USSR,PRC,057,x,y", "date_start", "YYYY"),
    ("e9,1950,,year,Atlantis,PRC,057,x,y", "src", "Atlantis"),
    ("e9,1945,,year,USSR,PRC,057,x,y", "tgt", "PRC"),  # the PRC did not exist yet
    ("e9,1950,,year,USSR,PRC,999,x,y", "cameo", "999"),
    ("e9,1950,1949,span,USSR,PRC,057,x,y", "date_end", "before"),
    ("e9,1950-02-14,,year,USSR,PRC,057,x,y", "precision", "disagrees"),
    ("e9,1950,,year,USSR,USSR,057,x,y", "tgt", "same actor"),
    ("e9,1950,,year,USSR,PRC,057,x", "columns", "8 fields"),
    ("e1,1950,,year,USSR,PRC,057,x,y", "event_id", "duplicate"),
]


@pytest.mark.parametrize("row,field,needle", BAD_ROWS)
def test_strict_load_names_file_line_field(write_csv, row, field, needle):
    path = write_csv(GOOD + row + "\n")
    with pytest.raises(DataError) as info:
        read_events(path)
    err = info.value
    assert err.file == str(path) and err.line == 6 and err.field == field
    assert needle in str(err) and "line 6" in str(err) and field in str(err)


@pytest.mark.parametrize("row,field,needle", BAD_ROWS)
def test_lenient_load_keeps_good_rows_and_lists_the_bad(write_csv, tmp_path, row, field, needle):
    result = read_events(write_csv(GOOD + row + "\n" + GOOD.splitlines()[1].replace("e1", "e5") + "\n"), lenient=True)
    assert (result.read, result.loaded, result.rejected) == (6, 5, 1)
    side = pd.read_csv(write_rejections(result, tmp_path / "rej.csv"), dtype=str, keep_default_na=False)
    assert list(side["_line"]) == ["6"] and field in side.loc[0, "_field"] and needle in side.loc[0, "_reason"]


def test_non_utf8_bytes_are_located(write_csv):
    path = write_csv(GOOD.encode() + b"e9,1950,,year,USSR,PRC,057,caf\xe9 talks,luthi2008\n")
    with pytest.raises(DataError) as info:
        read_events(path)
    assert info.value.line == 6 and info.value.field == "description" and "UTF-8" in str(info.value)
    assert read_events(path, lenient=True).rejected == 1


@pytest.mark.parametrize(
    "content,needle",
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("date_start,src,tgt\n", "cameo"),
        ("date_start,src,tgt,cameo,colour\n", "unknown column"),
        ("date_start,src,src,tgt,cameo\n", "twice"),
    ],
)
def test_bad_header_or_empty_file(write_csv, content, needle):
    with pytest.raises(DataError) as info:
        read_events(write_csv(content))
    assert needle in str(info.value) and info.value.line == 1


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_events(tmp_path / "nope.csv")


def test_parquet_round_trip(tmp_path, write_csv):
    frame = pd.read_csv(io.StringIO(GOOD), dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "ev.parquet")
    result = read_events(tmp_path / "ev.parquet")
    assert result.loaded == 4 and list(result.events["event_id"]) == ["e1", "e2", "e3", "e4"]
    frame.loc[2, "cameo"] = "xyz"
    frame.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(DataError, match="row 3"):
        read_events(tmp_path / "bad.parquet")


def test_curated_bibliography_is_enforced(write_csv):
    path = write_csv(GOOD.replace("gerson2010", "nobody1999"))
    with pytest.raises(DataError, match="nobody1999"):
        read_events(path, bibliography={"luthi2008", "gerson2010"})


# -- fuzzing -------------------------------------------------------------------------

VALID = {
    "date_start": st.sampled_from(["1950", "1960-05", "1971-07-09", "1989-05-16"]),
    "src": st.sampled_from(["USA", "USSR", "Washington", "the Kremlin"]),
    "tgt": st.sampled_from(["PRC", "Beijing", "Peking"]),
    "cameo": st.sampled_from(["057", "111", "0211", "19", "46"]),
}
INVALID = {
    "date_start": st.sampled_from(["", "1950-13", "19x0", "1950-02-30", "Jan 1950"]),
    "src": st.sampled_from(["", "Atlantis", "Narnia"]),
    "tgt": st.sampled_from(["", "Atlantis", "PRC "]),
    "cameo": st.sampled_from(["", "999", "abc", "0"]),
}
FREE_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@st.composite
def rows(draw):
    row, valid = {}, True
    for name in VALID:
        if draw(st.booleans()) and draw(st.booleans()):
            row[name] = draw(INVALID[name])
            valid &= row[name] == "PRC "  # trailing space is stripped, still valid
        else:
            row[name] = draw(VALID[name])
    row["description"] = draw(FREE_TEXT)
    return row, valid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(rows(), min_size=1, max_size=25))
def test_fuzz_lenient_load_accounts_for_every_row(tmp_path, drawn):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["date_start", "src", "tgt", "cameo", "description"])
    writer.writeheader()
    for row, _ in drawn:
        writer.writerow(row)
    path = tmp_path / "fuzz.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    result = read_events(path, lenient=True)
    assert result.read == len(drawn) == result.loaded + result.rejected
    assert result.loaded == sum(valid for _, valid in drawn)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_fuzz_arbitrary_bytes_give_a_result_or_a_data_error(tmp_path, payload):
    path = tmp_path / "bytes.csv"
    path.write_bytes(HEADER.encode() + payload)
    result = read_events(path, lenient=True)  # the header is sound: lenient never refuses the file
    assert result.read == result.loaded + result.rejected
    assert result.read <= len(payload.splitlines())
    try:
        strict = read_events(path)
    except DataError as err:
        assert err.file == str(path) and err.line is not None and err.line >= 2
    else:
        assert strict.rejected == 0 and strict.loaded == result.loaded


def test_broken_quote_refuses_only_its_lines_when_lenient(write_csv):
    path = write_csv(GOOD + 'e8,1950,,year,"USSR"x,PRC,057,x,y\n' + "e9,1951,,year,USSR,PRC,057,x,y\n")
    with pytest.raises(DataError, match="line 6.*malformed CSV"):
        read_events(path)
    result = read_events(path, lenient=True)
    assert (result.read, result.loaded, result.rejected) == (6, 5, 1)
    assert result.rejections[0].line == 6 and result.rejections[0].field == "row"


def test_unclosed_quote_refuses_every_line_it_swallows(write_csv):
    path = write_csv(GOOD + 'e8,1950,,year,"USSR,PRC,057,x,y\ne9,1951,,year,USSR,PRC,057,x,y\n')
    result = read_events(path, lenient=True)
    assert result.loaded == 4 and sorted({r.line for r in result.rejections}) == [6, 7]
    assert result.read == 6


def test_year_precision_resolves_actors_over_the_whole_year(write_csv):
    # the PRC was founded on 1949-10-01 and Khrushchev led the USSR from September 1953
    result = read_events(write_csv(HEADER + "a,1949,,year,USSR,PRC,054,recognition,y\n"
                                   "b,1953,,year,Khrushchev,USA,013,thaw,y\n"))
    assert list(result.events["src"]) == ["USSR", "USSR"] and list(result.events["tgt"]) == ["PRC", "USA"]


@pytest.mark.parametrize("quad", ["inf", "1.9", "0", "5", "nan", "²"])
def test_bad_quad_is_a_row_error(write_csv, quad):
    path = write_csv("date_start,src,tgt,cameo,quad\n1950,USSR,PRC,057," + quad + "\n")
    with pytest.raises(DataError, match="quad"):
        read_events(path)


def test_default_ids_differ_between_files_with_the_same_name(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "ev.csv").write_text("date_start,src,tgt,cameo\n1950,USSR,PRC,057\n")
    (tmp_path / "b" / "ev.csv").write_text("date_start,src,tgt,cameo\n1960,USSR,PRC,111\n")
    ids = {read_events(tmp_path / d / "ev.csv").events.loc[0, "event_id"] for d in "ab"}
    assert len(ids) == 2
