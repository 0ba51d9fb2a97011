"""GDELT 1.0 exports into the event schema: real sample, malformed rows, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from realpolitik import DataError
from realpolitik.io.gdelt import GDELT1_COLUMNS, read_gdelt


def test_columns_match_gdelts_header_file(shared_data):
    header = (shared_data / "gdelt" / "GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv").read_text()
    names = header.split()[1:]  # one name a line, after a "tableId" label
    assert tuple(names) == (*GDELT1_COLUMNS, "SOURCEURL")


def test_real_sample_accounts_for_every_row(shared_data):
    result = read_gdelt(shared_data / "gdelt" / "gdelt1_events_sample_reed9999.tsv", lenient=True)
    assert result.read == 710 == result.loaded + result.rejected
    ev = result.events.set_index("event_id")
    row = ev.loc["gdelt:1553669"]  # 2 Jan 1982: the US criticizes China
    assert (row["src"], row["tgt"], row["cameo"], row["quad"]) == ("USA", "PRC", "110", 3)
    assert ev["goldstein"].between(-10, 10).all() and (ev["precision"] == "day").all()
    assert {r.field for r in result.rejections} <= {"src", "tgt"}  # non-state or unknown actors


def _row(**values) -> str:
    fields = {name: "" for name in GDELT1_COLUMNS}
    fields.update(GLOBALEVENTID="1", SQLDATE="19820102", Actor1CountryCode="USA", Actor2CountryCode="CHN",
                  EventCode="110", GoldsteinScale="-2.0")
    fields.update(values)
    return "\t".join(fields[name] for name in GDELT1_COLUMNS)


def test_country_codes_resolve_by_date(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text(_row(Actor2CountryCode="RUS") + "\n" + _row(GLOBALEVENTID="2", SQLDATE="19950102",
                                                                   Actor2CountryCode="RUS") + "\n")
    assert list(read_gdelt(path).events["tgt"]) == ["USSR", "RUS"]


@pytest.mark.parametrize(
    "row,field",
    [
        (_row(SQLDATE="19821302"), "date_start"),
        (_row(EventCode="999"), "cameo"),
        (_row(GoldsteinScale="11"), "goldstein"),
        (_row() + "\textra\tmore", "columns"),
    ],
)
def test_malformed_rows_name_line_and_field(tmp_path, row, field):
    path = tmp_path / "g.tsv"
    path.write_text(_row(GLOBALEVENTID="9") + "\n" + row + "\n")
    with pytest.raises(DataError) as info:
        read_gdelt(path)
    assert info.value.line == 2 and info.value.field == field


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.text(st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)),
                                 max_size=8), max_size=60),
                max_size=6))
def test_fuzz_rows_are_loaded_or_refused(tmp_path, rows):
    path = tmp_path / "g.tsv"
    lines = ["\t".join(fields) for fields in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        result = read_gdelt(path, lenient=True)
    except DataError as err:  # only an empty file is refused whole
        assert "empty" in str(err)
    else:
        assert result.read == result.loaded + result.rejected == sum(1 for x in lines if x.strip())
