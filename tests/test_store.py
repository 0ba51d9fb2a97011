"""EventStore on DuckDB: atomic loads, queries, aggregation, persistence."""

from __future__ import annotations

import pandas as pd
import pytest

from realpolitik import DataError, RealpolitikError
from realpolitik.store import EventStore

HEADER = "event_id,date_start,date_end,precision,src,tgt,cameo,description,citation\n"
ROWS = [
    "a1,1950-02-14,,day,USSR,PRC,057,treaty,luthi2008",
    "a2,1958,,year,USSR,PRC,111,polemic,luthi2008",
    "a3,1969-03-02,,day,PRC,USSR,193,clash,gerson2010",
    "a4,1972-02,,month,USA,PRC,042,visit,mann1999",
    "a5,1953,1956,span,USSR,PRC,071,aid,luthi2008",
    "a6,1962,,year,USSR,IND,072,MiG-21s,chari1979",
]


@pytest.fixture
def events_csv(write_csv):
    return write_csv(HEADER + "\n".join(ROWS) + "\n")


def test_load_and_query(events_csv):
    with EventStore() as store:
        result = store.load(events_csv)
        assert result.loaded == 6 and store.count() == 6
        core = store.events(actors=["USSR", "PRC"])
        assert list(core["event_id"]) == ["a1", "a5", "a2", "a3"]
        sixties = store.events(start=1960, end=1969)
        assert set(sixties["event_id"]) == {"a3", "a6"}
        spanning = store.events(start=1955, end=1955)
        assert list(spanning["event_id"]) == ["a5"]  # a span overlaps the year
        force = store.events(cameo=["19"])
        assert list(force["event_id"]) == ["a3"]
        coop = store.events(quad=[2])
        assert set(coop["event_id"]) == {"a5", "a6"}
        assert store.loads()[["n_read", "n_loaded", "n_rejected"]].values.tolist() == [[6, 6, 0]]


def test_failed_load_leaves_store_unchanged(events_csv, write_csv):
    with EventStore() as store:
        store.load(events_csv)
        before = store.events()
        # a valid file whose ids clash with what is stored: refused whole by DuckDB
        clash = write_csv(HEADER + "b1,1970,,year,USA,USSR,057,x,y\n" + ROWS[0] + "\n", "clash.csv")
        with pytest.raises(DataError, match="store unchanged"):
            store.load(clash)
        # an invalid file: refused whole by validation
        bad = write_csv(HEADER + "c1,1970,,year,USA,USSR,057,x,y\nc2,1970,,year,USA,Nowhere,057,x,y\n", "bad.csv")
        with pytest.raises(DataError, match="Nowhere"):
            store.load(bad)
        assert store.count() == 6
        pd.testing.assert_frame_equal(store.events(), before)
        assert len(store.loads()) == 1


def test_lenient_load_records_rejections(write_csv):
    path = write_csv(HEADER + ROWS[0] + "\nz,1970,,year,USA,Nowhere,057,x,y\n")
    with EventStore() as store:
        result = store.load(path, lenient=True)
        assert (result.read, result.loaded, result.rejected) == (2, 1, 1)
        assert store.loads()[["n_read", "n_loaded", "n_rejected"]].values.tolist() == [[2, 1, 1]]


def test_lenient_load_refuses_rows_already_stored(events_csv, write_csv):
    with EventStore() as store:
        store.load(events_csv)
        again = write_csv(HEADER + ROWS[0] + "\nnew1,1970,,year,USA,USSR,057,x,y\n", "again.csv")
        result = store.load(again, lenient=True)
        assert (result.read, result.loaded, result.rejected) == (2, 1, 1)
        assert result.rejections[0].field == "event_id" and "already" in result.rejections[0].reason
        assert store.count() == 7
        frame = pd.DataFrame({"date_start": ["1950"], "src": ["USSR"], "tgt": ["PRC"], "cameo": ["057"]})
        store.load(frame)
        store.load(frame.assign(date_start="1951"))  # a second DataFrame gets ids of its own
        assert store.count() == 9


def test_file_store_persists(tmp_path, events_csv):
    db = tmp_path / "events.duckdb"
    with EventStore(db) as store:
        store.load(events_csv)
    with EventStore(db) as store:
        assert store.count() == 6
        assert store.sql("SELECT count(DISTINCT src) AS n FROM events")["n"][0] == 3


def test_aggregate_spreads_multi_period_events(events_csv):
    with EventStore() as store:
        store.load(events_csv)
        yearly = store.aggregate(freq="year", actors=["USSR", "PRC"])
        aid = yearly[(yearly["src"] == "USSR") & (yearly["period_start"].dt.year.between(1953, 1956))]
        # an activity spanning 1953-1956 weighs one event per year of its duration
        assert aid["weight"].round(4).tolist() == [round(365 / 365.25, 4)] * 3 + [round(366 / 365.25, 4)]
        quarterly = store.aggregate(freq="quarter", actors=["USSR", "PRC"])
        polemic = quarterly[quarterly["period_start"].dt.year == 1958]
        assert len(polemic) == 4 and polemic["weight"].sum() == pytest.approx(1.0)
        assert polemic["n"].tolist() == [1, 1, 1, 1] and polemic["n_q3"].tolist() == [1, 1, 1, 1]
        monthly = store.aggregate(freq="month")
        # five point events weigh one each; the four-year span one per year
        assert monthly["weight"].sum() == pytest.approx(5.0 + 1461 / 365.25)
        assert len(monthly[(monthly["src"] == "USA") & (monthly["tgt"] == "PRC")]) == 1


def test_short_span_across_a_boundary_is_split_by_its_days(write_csv):
    path = write_csv(HEADER + "s1,1963-06-24,1963-07-07,span,PRC,USSR,046,talks,luthi2008\n")
    with EventStore() as store:
        store.load(path)
        quarterly = store.aggregate(freq="quarter")
        assert quarterly["weight"].round(4).tolist() == [round(7 / 14, 4), round(7 / 14, 4)]
        assert store.aggregate(freq="year")["weight"].tolist() == [1.0]


def test_yearly_weight_is_the_same_whatever_the_period(events_csv):
    with EventStore() as store:
        store.load(events_csv)
        sums = {}
        for freq in ("year", "quarter", "month"):
            agg = store.aggregate(freq=freq)
            sums[freq] = agg.groupby([agg["period_start"].dt.year, "src", "tgt"])[["weight", "net"]].sum()
        pd.testing.assert_frame_equal(sums["year"], sums["quarter"])
        pd.testing.assert_frame_equal(sums["year"], sums["month"])


def test_bad_queries_are_clear(events_csv):
    with EventStore() as store:
        with pytest.raises(RealpolitikError, match="unknown period"):
            store.aggregate(freq="decade")
        with pytest.raises(RealpolitikError, match="query failed"):
            store.sql("SELECT nope FROM events")
        with pytest.raises(RealpolitikError, match="not a year"):
            store.events(start="sometime")
