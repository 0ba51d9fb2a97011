"""ICEWS event files into the event schema: real sample, malformed rows, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik import DataError
from realpolitik.io.icews import ICEWS_REQUIRED, read_icews

HEADER = "\t".join(ICEWS_REQUIRED)


def _row(**values) -> str:
    row = {"Event ID": "1", "Event Date": "2018-06-01", "Source Name": "Government (Japan)",
           "Source Country": "Japan", "CAMEO Code": "036", "Intensity": "4.0", "Target Name": "Government (China)",
           "Target Country": "China"}
    row.update(values)
    return "\t".join(row[c] for c in ICEWS_REQUIRED)


def test_real_sample_accounts_for_every_row(shared_data):
    result = read_icews(shared_data / "icews" / "events.2018.sample.tab", lenient=True)
    assert result.read == 3705 == result.loaded + result.rejected
    ev = result.events
    assert ev["date_start"].dt.year.eq(2018).all() and ev["goldstein"].between(-10, 10).all()
    assert {"USA", "RUS", "PRC", "JPN", "IND"} <= set(ev["src"]) | set(ev["tgt"])
    assert {r.field for r in result.rejections} <= {"src", "tgt"}


def test_names_resolve_and_na_is_refused(tmp_path):
    path = tmp_path / "e.tab"
    path.write_text(HEADER + "\n" + _row() + "\n" + _row(**{"Event ID": "2", "Target Country": "NA"}) + "\n")
    result = read_icews(path, lenient=True)
    assert list(result.events[["src", "tgt"]].iloc[0]) == ["JPN", "PRC"]
    assert result.rejected == 1 and result.rejections[0].field == "tgt"


@pytest.mark.parametrize(
    "content,line,field",
    [
        (HEADER + "\n" + _row(**{"Event Date": "2018-02-30"}) + "\n", 2, "date_start"),
        (HEADER + "\n" + _row(**{"CAMEO Code": "abc"}) + "\n", 2, "cameo"),
        (HEADER + "\n" + _row() + "\textra\n", 2, "columns"),
        (HEADER.replace("CAMEO Code", "Code") + "\n" + _row() + "\n", 1, "CAMEO Code"),
    ],
)
def test_malformed_input_names_line_and_field(tmp_path, content, line, field):
    path = tmp_path / "e.tab"
    path.write_text(content)
    with pytest.raises(DataError) as info:
        read_icews(path)
    assert info.value.line == line and info.value.field == field


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)),
                                 max_size=10), min_size=7, max_size=9), max_size=6))
def test_fuzz_rows_are_loaded_or_refused(tmp_path, rows):
    path = tmp_path / "e.tab"
    lines = ["\t".join(fields) for fields in rows]
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = read_icews(path, lenient=True)
    assert result.read == result.loaded + result.rejected == sum(1 for x in lines if x.strip())
