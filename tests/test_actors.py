"""Tests of the actor registry: shipped tables, date-aware resolution, errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realpolitik._errors import DataError, UnknownActorError
from realpolitik.actors import (
    ACTOR_COLUMNS,
    ALIAS_COLUMNS,
    Actor,
    ActorRegistry,
    get_registry,
    normalize_name,
    resolve,
)

CANONICAL_CODES = {
    "USA", "USSR", "RUS", "PRC", "ROC", "IND", "PAK", "JPN", "PRK", "ROK", "VNM", "RVN", "KHM", "LAO",
    "MNG", "ALB", "AFG", "POL", "GDR", "FRG", "DEU", "CZE", "HUN", "ROM", "BUL", "YUG", "GBR", "FRA",
    "IDN", "CUB", "EGY", "ISR", "THA", "PHL", "UNO",
}  # fmt: skip


def _read_shipped(name: str) -> pd.DataFrame:
    with resources.files("realpolitik").joinpath("data", name).open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@pytest.fixture(scope="module")
def actors_csv() -> pd.DataFrame:
    return _read_shipped("actors.csv")


@pytest.fixture(scope="module")
def aliases_csv() -> pd.DataFrame:
    return _read_shipped("aliases.csv")


@pytest.fixture(scope="module")
def registry() -> ActorRegistry:
    return get_registry()


def _actor_spans(actors_csv: pd.DataFrame) -> dict[str, list[tuple[dt.date, dt.date | None]]]:
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for row in actors_csv.itertuples(index=False):
        spans[row.code].append((_date(row.start), _date(row.end)))
    return {code: sorted(periods, key=lambda p: p[0]) for code, periods in spans.items()}


# ------------------------------------------------------------------------ the tables


def test_csv_columns(actors_csv, aliases_csv):
    assert tuple(actors_csv.columns) == ACTOR_COLUMNS == (
        "code", "name", "kind", "cow_ccode", "cow_abb", "iso3", "start", "end",
    )  # fmt: skip
    assert tuple(aliases_csv.columns) == ALIAS_COLUMNS == ("alias", "code", "start", "end", "note")


def test_canonical_codes(actors_csv, registry):
    assert set(actors_csv["code"]) == CANONICAL_CODES
    assert set(registry.codes()) == CANONICAL_CODES
    assert registry.codes() == sorted(CANONICAL_CODES)


def test_actor_rows_are_well_formed(actors_csv):
    for row in actors_csv.itertuples(index=False):
        assert row.kind in {"state", "igo"}, row
        start, end = _date(row.start), _date(row.end)
        assert start is not None, row
        assert end is None or start <= end, row
        if row.kind == "state":
            assert row.cow_ccode.isdigit() and len(row.cow_abb) == 3, row
    for code, periods in _actor_spans(actors_csv).items():
        for (_, end), (start, _) in zip(periods, periods[1:]):
            assert end is not None and end < start, f"periods of {code} overlap"


@pytest.mark.parametrize(
    ("code", "ccode", "abb", "start", "end"),
    [
        ("USSR", 365, "RUS", "1922-12-30", "1991-12-25"),
        ("RUS", 365, "RUS", "1991-12-26", ""),
        ("PRC", 710, "CHN", "1949-10-01", ""),
        ("GDR", 265, "GDR", "1949-10-07", "1990-10-02"),
        ("FRG", 260, "GFR", "1949-05-23", "1990-10-02"),
        ("DEU", 255, "GMY", "1990-10-03", ""),
        ("RVN", 817, "RVN", "1954-06-04", "1975-04-30"),
    ],
)
def test_key_actor_facts(actors_csv, code, ccode, abb, start, end):
    rows = actors_csv[actors_csv["code"] == code]
    assert set(rows["cow_ccode"].astype(int)) == {ccode}
    assert set(rows["cow_abb"]) == {abb}
    assert rows["start"].min() == start
    assert (rows["end"].iloc[-1]) == end


def test_roc_has_two_periods(registry):
    nationalist, taiwan = registry.periods("ROC")
    assert (nationalist.cow_ccode, nationalist.cow_abb) == (710, "CHN")
    assert (nationalist.start, nationalist.end) == (dt.date(1912, 1, 1), dt.date(1949, 12, 7))
    assert (taiwan.cow_ccode, taiwan.cow_abb, taiwan.start, taiwan.end) == (713, "TAW", dt.date(1949, 12, 8), None)
    assert registry.actor("ROC") == taiwan
    assert registry.actor("roc") == taiwan


def test_every_alias_code_exists_and_lies_within_the_actor(actors_csv, aliases_csv):
    spans = _actor_spans(actors_csv)
    for row in aliases_csv.itertuples(index=False):
        assert row.code in spans, f"alias {row.alias!r} names unknown code {row.code!r}"
        assert normalize_name(row.alias), row
        periods = spans[row.code]
        start = _date(row.start) or periods[0][0]
        end = _date(row.end) if row.end else periods[-1][1]
        assert end is None or start <= end, row
        # The alias period lies within the actor's existence (its periods are contiguous).
        assert periods[0][0] <= start, row
        last_end = periods[-1][1]
        assert last_end is None or (end is not None and end <= last_end), row
        for (_, e), (s, _) in zip(periods, periods[1:]):
            assert e is not None and s == e + dt.timedelta(days=1), f"{row.code} has a gap"


def test_no_alias_names_two_actors_at_once(registry):
    table = registry.aliases()  # the shipped aliases plus the implicit code and name entries
    table["key"] = [normalize_name(a).replace(" ", "") for a in table["alias"]]
    far = pd.Timestamp("2262-01-01")
    clashes = []
    for key, group in table.groupby("key"):
        rows = list(group.itertuples(index=False))
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if a.code == b.code:
                    continue
                a_end = far if pd.isna(a.end) else a.end
                b_end = far if pd.isna(b.end) else b.end
                if a.start <= b_end and b.start <= a_end:
                    clashes.append((key, a.code, b.code))
    assert clashes == []


def test_alias_dates_are_iso(aliases_csv):
    for row in aliases_csv.itertuples(index=False):
        for value in (row.start, row.end):
            if value:
                assert len(value) == 10 and dt.date.fromisoformat(value), row


def test_every_code_name_and_cow_abbreviation_resolves(registry):
    rows = [p for code in registry.codes() for p in registry.periods(code)]
    checked_cow = 0
    for period in rows:
        last = period.end or dt.date(2020, 1, 1)
        for day in (period.start, period.start + (last - period.start) / 2, last):
            assert registry.resolve(period.code, date=day) == period.code
            assert registry.resolve(period.name, date=day) == period.code
            sharing = {p.code for p in rows if p.cow_abb == period.cow_abb and p.is_valid(day)}
            if period.cow_abb and sharing == {period.code}:  # unambiguous at that date
                assert registry.resolve(period.cow_abb, date=day) == period.code, (period, day)
                checked_cow += 1
    assert checked_cow > 3 * 30


# ------------------------------------------------------------------------ resolving


@pytest.mark.parametrize(
    ("name", "date", "code"),
    [
        ("Russia", "1960-01-01", "USSR"),
        ("Russia", "1995-01-01", "RUS"),
        ("Russians", dt.date(1991, 12, 25), "USSR"),
        ("Russians", dt.date(1991, 12, 26), "RUS"),
        ("China", "1947-01-01", "ROC"),
        ("China", "1955-01-01", "PRC"),
        ("Chinese", "1949-09-30", "ROC"),
        ("Chinese", "1949-10-01", "PRC"),
        ("Mao", "1960-01-01", "PRC"),
        ("Mao Tse-tung", "1960-01-01", "PRC"),
        ("mao tse tung", "1960-01-01", "PRC"),
        ("Chou En-lai", "1972-02-21", "PRC"),
        ("Khrushchev", "1960-01-01", "USSR"),
        ("Stalin", "1950-02-14", "USSR"),
        ("Gorbachev", "1991-12-25", "USSR"),
        ("the Kremlin", "1962-10-22", "USSR"),
        ("  THE   kremlin ", "2000-01-01", "RUS"),
        ("Moscow", "1969-03-02", "USSR"),
        ("Peking", "1969-03-02", "PRC"),
        ("Peiping", "1955-01-01", "PRC"),
        ("Beijing", "1979-01-01", "PRC"),
        ("Kuomintang", "1947-01-01", "ROC"),
        ("KMT", "1960-01-01", "ROC"),
        ("Taiwan", "1958-08-23", "ROC"),
        ("Formosa", "1955-01-01", "ROC"),
        ("Chiang Kai-shek", "1945-01-01", "ROC"),
        ("Chiang Kai-shek", "1960-01-01", "ROC"),
        ("Washington", "1972-02-21", "USA"),
        ("the White House", "1972-02-21", "USA"),
        ("U.S.", "1972-02-21", "USA"),
        ("Nixon", "1972-02-21", "USA"),
        ("Kissinger", "1971-07-09", "USA"),
        ("Bush", "1990-01-01", "USA"),
        ("Germany", "1995-01-01", "DEU"),
        ("Federal Republic of Germany", "1980-01-01", "FRG"),
        ("Federal Republic of Germany", "1995-01-01", "DEU"),
        ("Kohl", "1989-01-01", "FRG"),
        ("Kohl", "1991-01-01", "DEU"),
        ("East Berlin", "1961-08-13", "GDR"),
        ("Bonn", "1961-08-13", "FRG"),
        ("North Vietnam", "1965-01-01", "VNM"),
        ("Hanoi", "1979-02-17", "VNM"),
        ("Vietnam", "1979-02-17", "VNM"),
        ("South Vietnam", "1965-01-01", "RVN"),
        ("Saigon", "1965-01-01", "RVN"),
        ("Pol Pot", "1977-01-01", "KHM"),
        ("Khmer Rouge", "1977-01-01", "KHM"),
        ("Kim Il-sung", "1950-06-25", "PRK"),
        ("Kim Il Sung", "1950-06-25", "PRK"),
        ("Ho Chi Minh", "1965-01-01", "VNM"),
        ("Nehru", "1962-10-20", "IND"),
        ("New Delhi", "1971-08-09", "IND"),
        ("Ulan Bator", "1966-01-15", "MNG"),
        ("Ulaanbaatar", "1966-01-15", "MNG"),
        ("Tirana", "1961-01-01", "ALB"),
        ("Havana", "1962-10-22", "CUB"),
        ("United Nations", "1971-10-25", "UNO"),
        ("UN", "1971-10-25", "UNO"),
        ("Wałęsa", "1992-01-01", "POL"),
        ("Ceaușescu", "1970-01-01", "ROM"),
    ],
)
def test_resolve_by_date(registry, name, date, code):
    assert registry.resolve(name, date=date) == code
    assert resolve(name, date=date) == code


@pytest.mark.parametrize(
    ("name", "code"),
    [("Peking", "PRC"), ("Kuomintang", "ROC"), ("Washington", "USA"), ("Soviets", "USSR"), ("USSR", "USSR")],
)
def test_resolve_without_date_when_unambiguous(name, code):
    assert resolve(name) == code


def test_date_types(registry):
    for day in ("1960-06-01", dt.date(1960, 6, 1), dt.datetime(1960, 6, 1, 12), pd.Timestamp("1960-06-01")):
        assert registry.resolve("Russia", date=day) == "USSR"


def test_partial_dates_stand_for_their_period(registry):
    assert registry.resolve("Nixon", date="1969-03") == "USA"
    assert registry.resolve("China", date="1958") == "PRC"
    with pytest.raises(UnknownActorError, match="ambiguous"):
        registry.resolve("China", date="1949")  # ROC until 1949-09-30, PRC from 1949-10-01
    assert registry.resolve("Gorbachev", date="1991-12") == "USSR"


def test_name_outside_its_validity(registry):
    with pytest.raises(UnknownActorError) as info:
        registry.resolve("Mao", date="1980-01-01")
    message = str(info.value)
    assert "1949-10-01" in message and "1976-09-09" in message and "PRC" in message
    with pytest.raises(UnknownActorError, match="1991-12-26"):
        registry.resolve("Gorbachev", date="1991-12-26")
    with pytest.raises(UnknownActorError, match="1976-07-02"):
        registry.resolve("Vietnam", date="1965-01-01")


def test_unknown_name_suggests_close_matches(registry):
    with pytest.raises(UnknownActorError) as info:
        registry.resolve("Moskow", date="1960-01-01")
    assert "moscow" in str(info.value).lower()
    with pytest.raises(UnknownActorError) as info:
        registry.resolve("Kruschev")
    assert "khrushchev" in str(info.value).lower()


def test_unknown_name_without_close_matches(registry):
    with pytest.raises(UnknownActorError, match="unknown actor name"):
        registry.resolve("zzqxjv wbpfk")
    with pytest.raises(UnknownActorError):
        registry.resolve("")
    with pytest.raises(UnknownActorError):
        registry.resolve(" - . ' ")
    with pytest.raises(UnknownActorError, match="unknown actor name"):
        registry.resolve("Mosc\udcffow")  # an undecodable byte is not punctuation to drop


def test_ambiguous_without_date(registry):
    with pytest.raises(UnknownActorError) as info:
        registry.resolve("Russia")
    message = str(info.value)
    assert "ambiguous" in message
    assert "USSR" in message and "RUS" in message
    assert "1991-12-25" in message and "1991-12-26" in message


def test_bad_arguments(registry):
    with pytest.raises(ValueError, match="invalid date"):
        registry.resolve("Russia", date="1960-13-01")
    with pytest.raises(ValueError):
        registry.resolve("Russia", date="sometime")
    with pytest.raises(TypeError):
        registry.resolve(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        registry.resolve("Russia", date=1960)  # type: ignore[arg-type]


def test_candidates(registry):
    frame = registry.candidates("the Kremlin")
    assert {"alias", "code", "start", "end"} <= set(frame.columns)
    assert list(frame["code"]) == ["USSR", "RUS"]
    assert frame["start"].iloc[0] == pd.Timestamp("1922-12-30")
    assert frame["end"].iloc[0] == pd.Timestamp("1991-12-25")
    assert pd.isna(frame["end"].iloc[1])
    assert registry.candidates("Moskow").empty


# --------------------------------------------------------------------- other queries


def test_actor_and_validity(registry):
    ussr = registry.actor("USSR")
    assert isinstance(ussr, Actor)
    assert (ussr.name, ussr.kind, ussr.cow_ccode, ussr.cow_abb) == ("Soviet Union", "state", 365, "RUS")
    assert registry.actor("UNO").kind == "igo" and registry.actor("UNO").cow_ccode is None
    with pytest.raises(AttributeError):
        ussr.code = "XXX"  # type: ignore[misc]
    assert registry.is_valid("GDR", "1980-01-01")
    assert not registry.is_valid("GDR", "1990-10-03")
    assert registry.is_valid("DEU", dt.date(1990, 10, 3))
    assert not registry.is_valid("PRC", "1949-09-30")
    assert registry.is_valid("ROC", "1949-12-07") and registry.is_valid("ROC", "1949-12-08")
    with pytest.raises(UnknownActorError, match="USSR"):
        registry.actor("USSRR")


def test_from_cow(registry):
    assert registry.from_cow(2) == "USA"
    assert registry.from_cow(365, date="1970-01-01") == "USSR"
    assert registry.from_cow(365, date="2000-01-01") == "RUS"
    assert registry.from_cow(710, date="1930-01-01") == "ROC"
    assert registry.from_cow(710, date="1960-01-01") == "PRC"
    assert registry.from_cow(713) == "ROC"
    with pytest.raises(UnknownActorError, match="ambiguous"):
        registry.from_cow(365)
    with pytest.raises(UnknownActorError):
        registry.from_cow(255, date="1960-01-01")
    with pytest.raises(UnknownActorError):
        registry.from_cow(999)


def test_table_is_a_copy(registry):
    table = registry.table()
    assert tuple(table.columns) == ACTOR_COLUMNS
    assert len(table) == len(_read_shipped("actors.csv"))
    table.loc[:, "name"] = "changed"
    assert registry.actor("USA").name == "United States"
    assert registry.table()["name"].iloc[0] != "changed"


def test_default_is_cached():
    assert ActorRegistry.default() is ActorRegistry.default() is get_registry()


def test_import_has_no_side_effects():
    code = (
        "import realpolitik.actors as a; "
        "print(a._default_registry.cache_info().currsize, a._read_data.cache_info().currsize)"
    )
    src = Path(__file__).resolve().parents[1] / "src"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src)},
    )
    assert out.stdout.split() == ["0", "0"]


def test_normalize_name():
    assert normalize_name("  The  U.S.S.R. ") == "ussr"
    assert normalize_name("Kim Il-sung") == normalize_name("kim il sung")
    assert normalize_name("People's Republic") == normalize_name("Peoples Republic")
    assert normalize_name("Wałęsa") == "walesa"


# ------------------------------------------------------------------ custom registries


def _small_actors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["AAA", "BBB", "BBB"],
            "name": ["Aland", "Bland", "Bland"],
            "kind": ["state", "state", "state"],
            "cow_ccode": [1, 2, 3],
            "cow_abb": ["AAA", "BBB", "BBX"],
            "iso3": ["", None, "BBB"],
            "start": ["1900-01-01", "1900-01-01", "1950-01-01"],
            "end": ["1949-12-31", "1949-12-31", ""],
        }
    )


def test_custom_registry():
    aliases = pd.DataFrame(
        {
            "alias": ["Capital", "Capital", "Leader"],
            "code": ["AAA", "BBB", "BBB"],
            "start": ["", "1950-01-01", "1960-01-01"],
            "end": ["", "", "1970-12-31"],
        }
    )
    registry = ActorRegistry(_small_actors(), aliases)
    assert registry.codes() == ["AAA", "BBB"]
    assert registry.resolve("Capital", date="1920-01-01") == "AAA"
    assert registry.resolve("Capital", date="1960-01-01") == "BBB"
    assert registry.resolve("Aland") == "AAA"  # names resolve without being listed
    assert registry.resolve("bbb") == "BBB"  # and so do codes
    assert registry.resolve("Leader", date="1965") == "BBB"
    assert registry.from_cow(3) == "BBB"
    assert [p.cow_ccode for p in registry.periods("BBB")] == [2, 3]
    assert ActorRegistry(_small_actors()).resolve("Bland") == "BBB"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: a.assign(kind=["state", "nation", "state"]), "kind"),
        (lambda a: a.assign(start=["1900-01-01", "1900-01-01", "1940-01-01"]), "start"),
        (lambda a: a.assign(end=["1949-12-31", "1849-12-31", ""]), "end"),
        (lambda a: a.assign(start=["1900-01-01", "1900-13-01", "1950-01-01"]), "start"),
        (lambda a: a.drop(columns=["iso3"]), None),
    ],
)
def test_bad_actor_tables(change, field):
    with pytest.raises(DataError) as info:
        ActorRegistry(change(_small_actors()))
    assert info.value.field == field


def test_bad_alias_tables():
    unknown = pd.DataFrame({"alias": ["X"], "code": ["ZZZ"], "start": [""], "end": [""]})
    with pytest.raises(DataError, match="unknown actor"):
        ActorRegistry(_small_actors(), unknown)
    outside = pd.DataFrame({"alias": ["X"], "code": ["AAA"], "start": ["1890-01-01"], "end": [""]})
    with pytest.raises(DataError, match="not within"):
        ActorRegistry(_small_actors(), outside)


def test_csv_errors_name_file_and_line(tmp_path):
    actors = tmp_path / "actors.csv"
    _small_actors().assign(kind=["state", "state", "nation"]).to_csv(actors, index=False)
    with pytest.raises(DataError) as info:
        ActorRegistry.from_csv(actors)
    assert info.value.line == 4 and info.value.field == "kind"
    assert str(actors) in str(info.value)


# -------------------------------------------------------------------- the COW list


def test_cow_codes_agree_with_cow_state_list(shared_data, actors_csv):
    path = shared_data / "cow_state_system" / "cow_states.csv"
    if not path.is_file():
        pytest.skip(f"COW state list not present at {path}")
    cow = pd.read_csv(path)
    periods: dict[tuple[int, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for row in cow.itertuples(index=False):
        start = dt.date(int(row.styear), int(row.stmonth), int(row.stday))
        end = dt.date(int(row.endyear), int(row.endmonth), int(row.endday))
        periods[(int(row.ccode), row.stateabb)].append((start, end))
    states = actors_csv[actors_csv["kind"] == "state"]
    assert len(states) > 0
    for row in states.itertuples(index=False):
        key = (int(row.cow_ccode), row.cow_abb)
        assert key in periods, f"{row.code}: COW has no state {key}"
        start, end = _date(row.start), _date(row.end) or dt.date.max
        assert any(s <= end and start <= e for s, e in periods[key]), (
            f"{row.code} ({row.start} to {row.end or 'now'}) never overlaps COW's {key}"
        )


# ---------------------------------------------------------------------- robustness


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=60), date=st.none() | st.dates(min_value=dt.date(1700, 1, 1)))
def test_resolve_raises_only_unknown_actor_error(name, date):
    registry = get_registry()
    try:
        code = registry.resolve(name, date=date)
    except UnknownActorError:
        return
    assert code in registry.codes()


@settings(max_examples=100, deadline=None)
@given(
    name=st.sampled_from(sorted(_read_shipped("aliases.csv")["alias"].unique())),
    decoration=st.sampled_from([("", ""), ("  ", " "), ("the ", ""), ("THE  ", ""), ("", "."), ("'", "'")]),
)
def test_resolve_ignores_case_and_decoration(name, decoration):
    registry = get_registry()
    before, after = decoration
    plain = registry.candidates(name)
    varied = registry.candidates(before + name.upper() + after)
    assert not plain.empty
    pd.testing.assert_frame_equal(plain, varied)
