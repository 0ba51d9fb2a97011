"""The curated cold_war_triangle dataset: size, coverage, sources, and the story it tells."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import realpolitik as rp
from realpolitik.citations import bibliography, citation_keys
from realpolitik.report import core_dyad_table

CORE = ["USA", "USSR", "PRC"]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return rp.datasets.cold_war_triangle()


@pytest.fixture(scope="module")
def yearly(events) -> pd.DataFrame:
    rel = rp.relations(events, freq="year", actors=CORE)
    return core_dyad_table(rel, start=1946).set_index("year")


def test_size_span_and_ids(events):
    assert len(events) >= 600
    assert events["date_start"].dt.year.min() == 1945 and events["date_end"].dt.year.max() == 1991
    assert events["event_id"].is_unique
    assert events["event_id"].str.fullmatch(r"cwt-\d{4}-\d{3}").all()
    assert (events["event_id"].str[4:8].astype(int) == events["date_start"].dt.year).all()


def test_third_parties_that_moved_the_triangle_are_present(events):
    actors = set(events["src"]) | set(events["tgt"])
    for code in ["ROC", "IND", "PAK", "JPN", "PRK", "ROK", "VNM", "KHM", "MNG", "ALB", "AFG", "CZE", "POL", "HUN"]:
        assert code in actors, code


def _years(frame: pd.DataFrame) -> set[int]:
    covered: set[int] = set()
    for start, end in zip(frame["date_start"].dt.year, frame["date_end"].dt.year):
        covered.update(range(start, end + 1))
    return covered


@pytest.mark.parametrize("src,tgt", [(a, b) for a in CORE for b in CORE if a != b])
def test_density_of_each_core_direction(events, src, tgt):
    # spans (an activity over several years) are left out: each year needs its own event
    dyad = events[(events["src"] == src) & (events["tgt"] == tgt) & (events["precision"] != "span")]
    years = _years(dyad) & set(range(1949, 1992))
    assert len(years) >= 35, sorted(set(range(1949, 1992)) - years)


def test_every_row_cites_a_shipped_work_in_its_own_words(events):
    bib = bibliography()
    for citation in events["citation"]:
        keys = citation_keys([citation])
        assert keys and all(k in bib for k in keys), citation
        assert not re.search(r"\bpp?\.\s*\d", citation), f"no page numbers unless certain: {citation}"
    assert (events["description"].str.len() >= 20).all()
    assert not events["description"].duplicated().any()


def test_cite_returns_bibtex_for_cited_works(events):
    text = rp.cite()
    cited = set(citation_keys(events["citation"]))
    entries = re.findall(r"^@\w+\{([^,]+),", text, flags=re.M)
    assert set(entries) == cited | {"schrodt2012", "goldstein1992"}
    # the works of the reference article's bibliography are all cited
    for key in ["luthi2008", "sheng2008", "burr2000", "chari1979", "garver1989", "gerson2010", "axelrod2009",
                "osborn2010"]:
        assert key in cited, key


# Every event the reference article names, by id: (year, src, tgt, sign of Goldstein weight).
ARTICLE_EVENTS = {
    "cwt-1950-009": (1950, "USSR", "PRC", +1),  # Treaty of Friendship, Alliance and Mutual Assistance
    "cwt-1950-012": (1950, "USSR", "PRC", +1),  # the $300 million loan
    "cwt-1950-011": (1950, "USSR", "PRC", +1),  # aid promised against Japan
    "cwt-1950-013": (1950, "USSR", "PRC", +1),  # railway, Port Arthur, Dalian to be returned
    "cwt-1952-012": (1952, "USSR", "PRC", +1),  # the railway handed over
    "cwt-1954-013": (1954, "USSR", "PRC", +1),  # Port Arthur handed back
    "cwt-1953-900": (1953, "USSR", "PRC", +1),  # First Five-Year Plan aid
    "cwt-1956-003": (1956, "USSR", "USA", +1),  # peaceful coexistence
    "cwt-1960-004": (1960, "PRC", "USSR", -1),  # Beijing's reaction: Long Live Leninism
    "cwt-1959-008": (1959, "USSR", "PRC", -1),  # nuclear aid halted
    "cwt-1958-008": (1958, "PRC", "ROC", -1),  # Taiwan Strait crisis: Jinmen shelled
    "cwt-1958-009": (1958, "USSR", "PRC", +1),  # Moscow presses Beijing over the crisis (Gromyko)
    "cwt-1959-017": (1959, "USSR", "PRC", -1),  # Khrushchev criticises Mao's Strait policy
    "cwt-1962-008": (1962, "PRC", "IND", -1),  # the Sino-Indian war
    "cwt-1962-025": (1962, "USSR", "IND", +1),  # MiG-21s for India
    "cwt-1962-026": (1962, "PRC", "USSR", -1),  # the 1962 break
    "cwt-1963-015": (1963, "USA", "USSR", +1),  # US sounds Moscow on a joint strike
    "cwt-1963-016": (1963, "USSR", "USA", -1),  # Soviet refusal
    "cwt-1969-014": (1969, "USSR", "USA", +1),  # Soviet request for US neutrality
    "cwt-1969-016": (1969, "USA", "USSR", -1),  # US refusal to stand aside
    "cwt-1969-028": (1969, "USSR", "PRC", -1),  # 16 divisions, 200 aircraft, 120 missiles
    "cwt-1969-002": (1969, "PRC", "USSR", -1),  # Zhenbao Island
    "cwt-1969-003": (1969, "USSR", "PRC", -1),  # Zhenbao Island retaken
    "cwt-1971-008": (1971, "USA", "PRC", +1),  # Kissinger in Beijing
    "cwt-1972-004": (1972, "USA", "PRC", +1),  # Nixon in Beijing: Shanghai Communique
    "cwt-1972-008": (1972, "USA", "USSR", +1),  # Nixon in Moscow
    "cwt-1973-020": (1973, "USSR", "PRC", -1),  # border garrisons doubled
    "cwt-1973-010": (1973, "USSR", "USA", +1),  # Soviet offers to the US
    "cwt-1982-005": (1982, "PRC", "USSR", +1),  # Deng's softening
    "cwt-1989-005": (1989, "PRC", "USSR", +1),  # Gorbachev and Deng shake hands
}

# The rest of the standard history.
STANDARD_EVENTS = {
    "cwt-1950-033": (1950, "PRC", "USA", -1),  # Korean War: Chinese offensive
    "cwt-1960-017": (1960, "USSR", "PRC", -1),  # Soviet experts withdrawn
    "cwt-1963-021": (1963, "PRC", "USSR", -1),  # the polemics
    "cwt-1963-018": (1963, "USSR", "USA", +1),  # Partial Test Ban Treaty
    "cwt-1964-017": (1964, "PRC", "USA", -1),  # China's bomb
    "cwt-1967-001": (1967, "USSR", "PRC", -1),  # Cultural Revolution: Red Square
    "cwt-1971-017": (1971, "UNO", "PRC", +1),  # the UN seat
    "cwt-1972-009": (1972, "USA", "USSR", +1),  # SALT I and ABM
    "cwt-1979-002": (1979, "USA", "PRC", +1),  # normalization
    "cwt-1979-006": (1979, "PRC", "VNM", -1),  # Sino-Vietnamese war
    "cwt-1979-016": (1979, "USSR", "AFG", -1),  # Afghanistan
    "cwt-1980-011": (1980, "PRC", "USSR", -1),  # the treaty lapses
    "cwt-1982-001": (1982, "USSR", "PRC", +1),  # Tashkent speech
    "cwt-1982-008": (1982, "PRC", "USSR", -1),  # the three obstacles
    "cwt-1986-001": (1986, "USSR", "PRC", +1),  # Vladivostok speech
    "cwt-1987-008": (1987, "USA", "USSR", +1),  # INF Treaty
    "cwt-1989-008": (1989, "USA", "PRC", -1),  # Tiananmen sanctions
    "cwt-1991-014": (1991, "USSR", "USA", +1),  # the dissolution
}


@pytest.mark.parametrize("event_id,expected", list({**ARTICLE_EVENTS, **STANDARD_EVENTS}.items()))
def test_named_events_are_in_the_data(events, event_id, expected):
    row = events.set_index("event_id").loc[event_id]
    year, src, tgt, sign = expected
    assert (row["date_start"].year, row["src"], row["tgt"]) == (year, src, tgt)
    assert (row["goldstein"] > 0) == (sign > 0) and row["goldstein"] != 0


def test_ussr_prc_alliance_split_and_normalisation(yearly):
    s = yearly["PRC–USSR"]
    assert (s.loc[1950:1956] > 0.3).all()  # strongly positive
    assert s.loc[1958:1960].mean() < s.loc[1950:1956].mean() - 0.3  # falling
    assert s.loc[1960] < s.loc[1957]
    assert (s.loc[1962:1979] < 0).all()  # negative through the 1960s and 1970s
    assert 1967 <= s.loc[1960:1979].idxmin() <= 1971  # the low around 1969
    assert s.loc[1982:1989].mean() > s.loc[1970:1979].mean() + 0.3  # recovering in the 1980s
    assert s.loc[1989] > 0.3  # positive by 1989


def test_us_prc_hostility_then_rapprochement(yearly):
    s = yearly["PRC–USA"]
    hostile = s.loc[1949:1968]
    assert hostile.mean() < -0.2 and (hostile < 0).mean() >= 0.85
    assert (s.loc[1972:1986] > 0).all()  # positive from 1972 to the late 1980s
    assert s.loc[1989] < s.loc[1979]  # Tiananmen cools it


def test_us_ussr_detente_and_second_cold_war(yearly):
    s = yearly["USA–USSR"]
    assert s.loc[1946:1952].mean() < 0  # early Cold War
    detente, second_cold_war = s.loc[1972:1979].mean(), s.loc[1980:1985].mean()
    assert detente > 0.2 and second_cold_war < detente - 0.2 and second_cold_war < 0.1
    assert (s.loc[1988:1991] > 0.3).all()  # the end of the Cold War
