"""Phoenix daily files into the event schema: rows written here in the documented format, fuzzing.

There is no real Phoenix file in the shared data, so every fixture is a row of the 26
documented columns (tab-separated, no header, no quoting) written by these tests.
"""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik import DataError, cameo
from realpolitik.io import read_phoenix
from realpolitik.io.phoenix import PHOENIX_COLUMNS
from realpolitik.store import EventStore


def _row(**values: str) -> str:
    fields = {name: "" for name in PHOENIX_COLUMNS}
    fields.update(EventID="p1", Date="20150601", Year="2015", Month="6", Day="1",
                  SourceActorFull="USAGOV", SourceActorEntity="USA", SourceActorRole="GOV",
                  TargetActorFull="CHNGOV", TargetActorEntity="CHN", TargetActorRole="GOV",
                  EventCode="042", EventRootCode="04", QuadClass="1", GoldsteinScore="1.9",
                  Lat="39.9", Lon="116.4", LocationName="Beijing", CountryCode="CHN", SentenceID="p1-1",
                  URLs="http://example.org/a", NewsSources="example")
    fields.update(values)
    return "\t".join(fields[name] for name in PHOENIX_COLUMNS)


# A day's file: three state-to-state events and three rows a state-to-state reader must refuse.
ROWS = [
    _row(),                                                                         # USA -> CHN, 042
    _row(EventID="p2", SourceActorFull="RUS", SourceActorEntity="RUS", SourceActorRole="",
         EventCode="036", EventRootCode="03", GoldsteinScore=""),                   # RUS -> CHN, weight from CAMEO
    _row(EventID="p3", SourceActorFull="CHNMILREB", SourceActorEntity="CHN", SourceActorRole="MIL",
         SourceActorAttribute="REB", TargetActorFull="USAGOVLEG", TargetActorEntity="USA",
         TargetActorRole="GOV", TargetActorAttribute="LEG", EventCode="1411", EventRootCode="14",
         QuadClass="3", GoldsteinScore="-5.0"),                                     # CHN -> USA, Phoenix quad 3
    _row(EventID="p4", TargetActorFull="", TargetActorEntity="", TargetActorRole=""),   # no target
    _row(EventID="p5", SourceActorFull="IGOUNO", SourceActorEntity="IGO"),          # an IGO, not a state
    _row(EventID="p6", TargetActorFull="IMGMUSTAL", TargetActorEntity="IMG"),       # a militant group
]


@pytest.fixture
def day_file(tmp_path):
    path = tmp_path / "events.full.20150601.txt"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def test_columns_are_the_documented_26():
    assert len(PHOENIX_COLUMNS) == 26 == len(set(PHOENIX_COLUMNS))
    assert PHOENIX_COLUMNS[:2] == ("EventID", "Date") and PHOENIX_COLUMNS[-1] == "NewsSources"
    assert PHOENIX_COLUMNS.index("SourceActorEntity") == 6 and PHOENIX_COLUMNS.index("TargetActorEntity") == 10
    assert PHOENIX_COLUMNS.index("EventCode") == 13 and PHOENIX_COLUMNS.index("GoldsteinScore") == 16


def test_a_day_loads_its_state_events_and_refuses_the_rest(day_file):
    result = read_phoenix(day_file, lenient=True)
    assert result.read == 6 == result.loaded + result.rejected and (result.loaded, result.rejected) == (3, 3)
    ev = result.events.set_index("event_id")
    assert list(ev.index) == ["phoenix:p1", "phoenix:p2", "phoenix:p3"]
    assert list(zip(ev["src"], ev["tgt"], ev["cameo"])) == [("USA", "PRC", "042"), ("RUS", "PRC", "036"),
                                                            ("PRC", "USA", "1411")]
    assert (ev["date_start"] == pd.Timestamp("2015-06-01")).all() and (ev["precision"] == "day").all()
    assert list(ev["row"]) == [1, 2, 3] and set(ev["dataset"]) == {day_file.name}
    assert (ev["citation"] == "").all()  # Phoenix rows cite nothing
    assert ev.loc["phoenix:p3", "description"] == "CHNMILREB → USAGOVLEG"
    refused = {(r.line, r.field, r.value) for r in result.rejections}
    assert refused == {(4, "tgt", ""), (5, "src", "IGO"), (6, "tgt", "IMG")}
    assert all(r.reason for r in result.rejections)
    assert list(result.rejections_frame()["_line"]) == ["4", "5", "6"]


def test_quad_and_goldstein_are_the_schemas(day_file):
    ev = read_phoenix(day_file, lenient=True).events.set_index("event_id")
    for event_id, code in [("phoenix:p1", "042"), ("phoenix:p2", "036"), ("phoenix:p3", "1411")]:
        assert ev.loc[event_id, "quad"] == cameo.lookup(code).quad
    assert ev.loc["phoenix:p3", "quad"] == 4  # the CAMEO table's, not Phoenix's QuadClass 3
    assert ev.loc["phoenix:p1", "goldstein"] == 1.9  # the row's GoldsteinScore
    assert ev.loc["phoenix:p2", "goldstein"] == cameo.lookup("036").goldstein  # empty: the table's weight
    assert ev.loc["phoenix:p3", "goldstein"] == -5.0  # given: kept, as for GDELT


def test_country_codes_resolve_by_date(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(_row(Date="19850601", SourceActorEntity="RUS") + "\n"
                    + _row(EventID="p2", SourceActorEntity="RUS") + "\n")
    assert list(read_phoenix(path).events["src"]) == ["USSR", "RUS"]


def test_blank_event_id_gets_one_and_a_repeated_id_is_refused(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text(_row(EventID="") + "\n" + _row(EventID="p7") + "\n" + _row(EventID="p7") + "\n")
    result = read_phoenix(path, lenient=True)
    assert result.events["event_id"].iloc[0].startswith("p.txt:1:")
    assert [(r.line, r.field) for r in result.rejections] == [(3, "event_id")]


@pytest.mark.parametrize(
    "row,field",
    [
        (_row(Date="20150631"), "date_start"),
        (_row(Date="2015061"), "date_start"),
        (_row(Date=""), "date_start"),
        (_row(EventCode="999"), "cameo"),
        (_row(EventCode=""), "cameo"),
        (_row(GoldsteinScore="11"), "goldstein"),
        (_row(GoldsteinScore="high"), "goldstein"),
        (_row() + "\textra", "columns"),
        ("\t".join(_row().split("\t")[:25]), "columns"),
        (_row(SourceActorEntity="IGO"), "src"),
    ],
)
def test_strict_names_file_line_and_field(tmp_path, row, field):
    path = tmp_path / "p.txt"
    path.write_text(_row(EventID="p0") + "\n" + row + "\n")
    with pytest.raises(DataError) as info:
        read_phoenix(path)
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 2, field)
    assert str(path) in str(info.value) and "line 2" in str(info.value)
    lenient = read_phoenix(path, lenient=True)  # lenient: the good row in, the bad one refused
    assert (lenient.read, lenient.loaded, lenient.rejected) == (2, 1, 1)
    assert lenient.rejections[0].line == 2 and lenient.rejections[0].field == field


def test_strict_refuses_a_file_with_any_non_state_row(day_file):
    with pytest.raises(DataError, match=r"line 4, field 'tgt'.*and 2 more problems"):
        read_phoenix(day_file)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_phoenix(tmp_path / "absent.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    with pytest.raises(DataError, match="empty") as info:
        read_phoenix(empty, lenient=True)
    assert info.value.line == 1


def test_crlf_blank_lines_and_bad_bytes(tmp_path):
    path = tmp_path / "p.txt"
    bad = _row(EventID="p2", SourceActorFull="USAGOV\udce9").encode("utf-8", "surrogateescape")  # description
    path.write_bytes(b"\r\n" + _row().encode() + b"\r\n\r\n" + bad + b"\r\n")
    result = read_phoenix(path, lenient=True)
    assert (result.read, result.loaded, result.rejected) == (2, 1, 1)
    assert result.events["row"].iloc[0] == 2 and result.rejections[0].line == 4


def test_store_and_cli_load_end_to_end(tmp_path, day_file):
    with EventStore() as store:
        result = store.load(day_file, format="phoenix", lenient=True)
        assert store.count() == 3 == result.loaded
        assert set(store.events(actors=["USA", "PRC"])["event_id"]) == {"phoenix:p1", "phoenix:p3"}
        again = store.load(day_file, format="phoenix", lenient=True)  # already stored: refused, not doubled
        assert (again.loaded, again.rejected, store.count()) == (0, 6, 3)
        with pytest.raises(DataError):
            store.load(day_file, format="phoenix")  # strict: the whole file refused
        assert list(store.loads()["n_read"]) == [6, 6]
    db, rejects = tmp_path / "p.duckdb", tmp_path / "rej.csv"
    out = subprocess.run([sys.executable, "-m", "realpolitik", "load", str(day_file), "--db", str(db),
                          "--source", "phoenix", "--lenient", "--rejects", str(rejects)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "read 6 = loaded 3 + rejected 3" in out.stdout and "holds 3 events" in out.stdout
    assert list(pd.read_csv(rejects)["_field"]) == ["tgt", "src", "tgt"]
    out = subprocess.run([sys.executable, "-m", "realpolitik", "load", str(day_file), "--db", str(db),
                          "--source", "phoenix"], capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "line 4" in out.stderr and "field 'tgt'" in out.stderr


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.lists(st.text(st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)), max_size=8),
             max_size=30),
    st.lists(st.sampled_from(["", "USA", "CHN", "RUS", "IGO", "042", "1411", "20150601", "19850601", "2.5", "x"]),
             min_size=26, max_size=26),
), max_size=6))
def test_fuzz_rows_are_loaded_or_refused(tmp_path, rows):
    path = tmp_path / "p.txt"
    lines = ["\t".join(fields) for fields in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        result = read_phoenix(path, lenient=True)
    except DataError as err:  # only an empty file is refused whole
        assert "empty" in str(err)
        assert not any(x.strip() for x in lines)
    else:
        assert result.read == result.loaded + result.rejected == sum(1 for x in lines if x.strip())
