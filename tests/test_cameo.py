"""Tests of the CAMEO table: against GDELT's own lookup files, its structure, and the API."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import pytest

from realpolitik import cameo
from realpolitik._errors import RealpolitikError, UnknownCameoCodeError


def _shared_data() -> Path:
    env = os.environ.get("REALPOLITIK_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


GDELT = _shared_data() / "gdelt"


def _gdelt_file(name: str) -> Path:
    path = GDELT / name
    if not path.is_file():
        pytest.skip(f"GDELT reference file not available: {path}")
    return path


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


@pytest.fixture(scope="module")
def table():
    return cameo.cameo_table()


@pytest.fixture(scope="module")
def by_code(table):
    return {row.code: row for row in table.itertuples(index=False)}


# --- (a) GDELT's Goldstein weights -------------------------------------------------


def test_every_gdelt_goldstein_code_is_ours_with_the_same_weight(by_code):
    rows = _read_tsv(_gdelt_file("CAMEO.goldsteinscale.txt"))
    assert rows[0] == ["CAMEOEVENTCODE", "GOLDSTEINSCALE"]
    body = rows[1:]
    assert len(body) > 300
    missing = [code for code, _ in body if code not in by_code]
    assert missing == []
    wrong = [
        (code, float(weight), by_code[code].goldstein)
        for code, weight in body
        if by_code[code].goldstein != pytest.approx(float(weight), abs=1e-9)
    ]
    assert wrong == []


# --- (b) GDELT 1.0 events: quad class and Goldstein per event ------------------------


def _gdelt_events() -> list[dict[str, str]]:
    names = [
        line.strip()
        for line in _gdelt_file("GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    # The header file starts with a BigQuery "tableId" column that the exports lack.
    if names[0].lower() == "tableid":
        names = names[1:]
    events = []
    for number, row in enumerate(_read_tsv(_gdelt_file("gdelt1_events_sample_reed9999.tsv")), 1):
        # Events before April 2013 carry no SOURCEURL: one column fewer, at the end.
        assert len(row) in (len(names), len(names) - 1), f"line {number}: {len(row)} fields"
        events.append(dict(zip(names, row)))
    return events


def test_gdelt_events_agree_on_quad_class_and_goldstein():
    events = _gdelt_events()
    assert len(events) > 100
    disagreements = []
    for event in events:
        code = event["EventCode"]
        ours = cameo.lookup(code)
        if (
            ours.code != code
            or cameo.quad_class(code, scheme="gdelt") != int(event["QuadClass"])
            or ours.goldstein != pytest.approx(float(event["GoldsteinScale"]), abs=1e-9)
            or ours.root != event["EventRootCode"]
            or not cameo.is_valid(event["EventBaseCode"])
        ):
            disagreements.append((event["GLOBALEVENTID"], code, event["QuadClass"], event["GoldsteinScale"]))
    assert disagreements == []


def test_gdelt_events_differ_from_cameo_quads_only_for_roots_09_and_14():
    """GDELT's QuadClass files root 09 under 2 and root 14 under 3; nothing else differs."""
    events = _gdelt_events()
    differing = {
        (event["EventRootCode"], int(event["QuadClass"]))
        for event in events
        if cameo.quad_class(event["EventCode"]) != int(event["QuadClass"])
    }
    assert differing <= {("09", 2), ("14", 3)}
    roots = {event["EventRootCode"] for event in events}
    assert {"09", "14"} <= roots  # the sample does exercise both exceptions
    assert differing == {("09", 2), ("14", 3)}


def test_gdelt_events_cover_all_four_quads():
    quads = {int(event["QuadClass"]) for event in _gdelt_events()}
    assert quads == {1, 2, 3, 4}


# --- (e) GDELT's code list ------------------------------------------------------------


def test_every_gdelt_event_code_is_ours(by_code):
    rows = _read_tsv(_gdelt_file("CAMEO.eventcodes.txt"))
    assert rows[0][0] == "CAMEOEVENTCODE"
    codes = [row[0] for row in rows[1:]]
    assert len(codes) > 300
    assert [code for code in codes if code not in by_code] == []
    # CAMEO 1.1b3 is exactly GDELT's list: nothing extra either.
    assert sorted(set(by_code) - set(codes)) == []


# --- (c) structure ----------------------------------------------------------------------


def test_columns_and_types(table):
    assert list(table.columns) == ["code", "name", "quad", "goldstein"]
    assert all(isinstance(code, str) for code in table["code"])
    assert table["quad"].dtype.kind == "i"
    assert table["goldstein"].dtype.kind == "f"
    assert table["name"].str.len().min() > 0
    assert 280 <= len(table) <= 330


def test_codes_are_unique_digit_strings(table):
    assert table["code"].is_unique
    assert table["code"].str.fullmatch(r"\d{2,4}").all()


def test_roots_are_01_to_20(table):
    roots = sorted(code for code in table["code"] if len(code) == 2)
    assert roots == [f"{n:02d}" for n in range(1, 21)]


def test_every_code_has_its_parents(by_code):
    for code in by_code:
        assert code[:2] in by_code, code
        if len(code) == 4:
            assert code[:3] in by_code, code


def test_every_root_has_an_unspecified_child(by_code):
    for code in by_code:
        if len(code) == 2:
            assert code + "0" in by_code, code


def test_quad_follows_root_ranges(table):
    expected = {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 9), 2)}
    expected |= {**dict.fromkeys(range(9, 14), 3), **dict.fromkeys(range(14, 21), 4)}
    for code, quad in zip(table["code"], table["quad"]):
        assert quad == expected[int(code[:2])], code


def test_weights_in_range(table):
    assert table["goldstein"].between(-10, 10).all()
    assert table["goldstein"].notna().all()


def test_cameo_table_returns_a_copy():
    first = cameo.cameo_table()
    first.loc[0, "goldstein"] = 99.0
    second = cameo.cameo_table()
    assert second.loc[0, "goldstein"] != 99.0
    assert second is not first


# --- (d) API ----------------------------------------------------------------------------


def test_lookup_sign_agreement():
    code = cameo.lookup("057")
    assert code == cameo.CameoCode(code="057", name=code.name, quad=1, goldstein=8.0, root="05")
    assert code.quad_name == "verbal cooperation"
    with pytest.raises(AttributeError):
        code.goldstein = 0.0  # type: ignore[misc]


def test_gdelt_quad_scheme(table):
    for code in table["code"]:
        cameo_quad = cameo.quad_class(code)
        gdelt_quad = cameo.quad_class(code, scheme="gdelt")
        if code.startswith("09"):
            assert (cameo_quad, gdelt_quad) == (3, 2), code
        elif code.startswith("14"):
            assert (cameo_quad, gdelt_quad) == (4, 3), code
        else:
            assert cameo_quad == gdelt_quad, code
    with pytest.raises(ValueError, match="quad scheme"):
        cameo.quad_class("057", scheme="icews")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cameo.quad_class("057", "gdelt")  # type: ignore[misc]


def test_known_weights_and_quads():
    assert cameo.goldstein("0874") == 10.0
    assert cameo.goldstein("20") == -10.0
    assert cameo.goldstein("130") == -4.4
    assert cameo.goldstein("13") == -6.0
    assert cameo.quad_class("0834") == 2
    assert cameo.quad_class("173") == 4
    assert cameo.quad_class("09") == 3
    assert cameo.root("1823") == "18"
    assert cameo.root("04") == "04"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("057", "057"),
        ("  057\n", "057"),
        ("57", "057"),
        (57, "057"),
        ("0211", "0211"),
        ("211", "0211"),
        (211, "0211"),
        (874, "0874"),
        ("01", "01"),
        ("1", "01"),
        (1, "01"),
        (9, "09"),
        ("10", "10"),  # a root, never "010"
        (10, "10"),
        (20, "20"),
        ("010", "010"),
        ("020", "020"),
        (100, "100"),
        (204, "204"),
        ("2042", "2042"),
        (2042, "2042"),
        (21, "021"),
        (94, "094"),
    ],
)
def test_normalize_code(given, expected):
    assert cameo.normalize_code(given) == expected


def test_normalize_accepts_numpy_integers():
    numpy = pytest.importorskip("numpy")
    assert cameo.normalize_code(numpy.int64(57)) == "057"


@pytest.mark.parametrize("bad", ["", "abc", "0", "00", "99", "205", "0215", "00057", "5.7", "-57", -57, 95, 2043])
def test_unknown_codes_raise(bad):
    with pytest.raises(UnknownCameoCodeError) as info:
        cameo.normalize_code(bad)
    assert repr(bad) in str(info.value)
    assert isinstance(info.value, LookupError)
    assert isinstance(info.value, RealpolitikError)
    assert not cameo.is_valid(bad)
    with pytest.raises(UnknownCameoCodeError):
        cameo.lookup(bad)
    with pytest.raises(UnknownCameoCodeError):
        cameo.goldstein(bad)


@pytest.mark.parametrize("bad", [5.7, None, True, b"057", ["057"]])
def test_wrong_types_raise_type_error(bad):
    with pytest.raises(TypeError):
        cameo.normalize_code(bad)
    assert not cameo.is_valid(bad)


def _suggestions(code) -> list[str]:
    with pytest.raises(UnknownCameoCodeError) as info:
        cameo.lookup(code)
    message = str(info.value)
    assert "closest valid codes: " in message
    return message.split("closest valid codes: ", 1)[1].split(", ")


def test_error_suggests_siblings_in_the_same_root():
    suggestions = _suggestions("0215")
    assert suggestions[0] == "0214"
    assert set(suggestions) <= {"021", "0211", "0212", "0213", "0214"}
    assert all(cameo.is_valid(code) for code in suggestions)


def test_error_suggests_codes_of_the_same_root():
    suggestions = _suggestions("197")
    assert suggestions[0] == "196"
    assert all(code.startswith("19") for code in suggestions)
    assert 1 <= len(suggestions) <= 5


def test_error_message_names_the_code():
    with pytest.raises(UnknownCameoCodeError, match=r"^unknown CAMEO code '0589'; closest valid codes: 057, "):
        cameo.lookup("0589")


def test_error_for_a_bad_root_reads_a_dropped_zero():
    # "99" has no root 99, so it is read as "099": codes of root 09 are offered.
    suggestions = _suggestions("99")
    assert suggestions[0] == "094"
    assert all(code.startswith("09") for code in suggestions)


@pytest.mark.parametrize("bad", ["abc", "x1", ""])
def test_error_for_non_codes_suggests_roots(bad):
    suggestions = _suggestions(bad)
    assert suggestions == ["01", "02", "03", "04", "05"]


def test_error_for_a_far_number_suggests_nearest_roots():
    assert _suggestions("2500")[0] == "20"


def test_is_valid():
    assert cameo.is_valid("057")
    assert cameo.is_valid(57)
    assert cameo.is_valid("01")
    assert not cameo.is_valid("058")


def test_quad_names():
    assert cameo.QUAD_NAMES == {
        1: "verbal cooperation",
        2: "material cooperation",
        3: "verbal conflict",
        4: "material conflict",
    }
    assert set(cameo.cameo_table()["quad"]) == set(cameo.QUAD_NAMES)


def test_import_is_lazy():
    """Importing the module must not read the table: it is loaded on first use."""
    import subprocess

    code = (
        "import realpolitik.cameo as c; "
        "assert c._load.cache_info().currsize == 0; "
        "c.goldstein('057'); "
        "assert c._load.cache_info().currsize == 1"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
