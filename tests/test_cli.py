"""The command line, run as a user runs it: output formats, one-line errors, exit codes."""

from __future__ import annotations

import html
import io
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from realpolitik.sim.calibrate import TARGETS


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "realpolitik", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_relations_csv_columns_and_bounds():
    out = run("relations", "--actors", "USA,USSR,PRC", "--by", "year", "--from", "1955", "--to", "1965",
              "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == ["period", "src", "tgt", "stance", "goldstein", "n"]
    assert frame["period"].between(1955, 1965).all()
    assert set(frame["src"]) == {"USA", "USSR", "PRC"} and frame["stance"].between(-1, 1).all()


def test_events_json_filtered_by_actors_and_years():
    out = run("events", "--actors", "USSR,PRC", "--from", "1969", "--to", "1969", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows and all({r["src"], r["tgt"]} == {"USSR", "PRC"} for r in rows)
    assert all(r["date_start"][:4] <= "1969" <= r["date_end"][:4] for r in rows)
    assert all(r["citation"] for r in rows)


def test_events_table_renders():
    out = run("events", "--actors", "USA,PRC", "--from", "1972", "--to", "1972")
    assert out.returncode == 0 and "events" in out.stdout


def test_actors_resolve_is_date_aware():
    assert run("actors", "resolve", "Russia", "--date", "1960-01-01").stdout.startswith("USSR")
    assert run("actors", "resolve", "Russia", "--date", "1995-01-01").stdout.startswith("RUS")
    bad = run("actors", "resolve", "Moskow")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "moscow" in bad.stderr.lower()
    assert "Traceback" not in bad.stderr


def test_load_strict_then_lenient(tmp_path):
    good = "date_start,src,tgt,cameo\n1950,USSR,PRC,057\n"
    bad = good + "1950-13,USSR,PRC,057\n"
    (tmp_path / "good.csv").write_text(good)
    (tmp_path / "bad.csv").write_text(bad)
    db = str(tmp_path / "ev.duckdb")
    ok = run("load", str(tmp_path / "good.csv"), "--db", db)
    assert ok.returncode == 0 and "read 1 = loaded 1 + rejected 0" in ok.stdout
    refused = run("load", str(tmp_path / "bad.csv"), "--db", db)
    assert refused.returncode == 1 and "line 3" in refused.stderr and "date_start" in refused.stderr
    assert "Traceback" not in refused.stderr
    lenient = run("load", str(tmp_path / "bad.csv"), "--db", db, "--lenient")
    assert lenient.returncode == 0 and "read 2 = loaded 1 + rejected 1" in lenient.stdout
    side = pd.read_csv(tmp_path / "bad.csv.rejected.csv", dtype=str)
    assert side.loc[0, "_line"] == "3" and side.loc[0, "_field"] == "date_start"
    assert "holds 2 events" in lenient.stdout  # the strict failure left the store as it was


def test_data_option_uses_a_users_file(tmp_path):
    (tmp_path / "mine.csv").write_text("date_start,src,tgt,cameo\n1960,USA,USSR,111\n1961,USA,USSR,111\n")
    out = run("relations", "--data", str(tmp_path / "mine.csv"), "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame["period"]) == [1960, 1961] and (frame["stance"] < 0).all()


@pytest.mark.parametrize(
    "args,needle",
    [
        (("relations", "--from", "1970", "--to", "1960"), "before"),
        (("events", "--data", "/no/such/file.csv"), "no such file"),
        (("relations", "--actors", "Atlantis"), "Atlantis"),
        (("relations", "--by", "week"), "week"),
        (("relations", "--from", "abc"), "--from"),
        (("load",), "Missing argument"),
        (("actors", "resolve", "Moscow", "--date", "1960-13-01"), "invalid date"),
    ],
)
def test_errors_are_one_line(args, needle):
    out = run(*args)
    assert out.returncode != 0 and needle in out.stderr and "Traceback" not in out.stderr


def test_report_writes_html(tmp_path):
    out = run("report", "--out", str(tmp_path / "r"))
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "r" / "index.html").read_text()
    assert "<img" in page and (tmp_path / "r" / "stance.png").stat().st_size > 10_000
    assert "PRC–USSR" in page and "1969" in page
    assert "History against the model" in page
    assert "met (at least 70 %)" in page and all(html.escape(d) in page for d in TARGETS.values())
    assert "share with the 12 refits&#x27; weights" in page or "share with the 12 refits' weights" in page
    assert "The neighbours" in page and "Median correlation" in page
    assert "The scenario&#x27;s ideology" in page or "The scenario's ideology" in page
    for figure in ("triangle.png", "network.png", "triangle-1975.png", "model.png", "neighbours.png", "ideology.png"):
        assert (tmp_path / "r" / figure).stat().st_size > 5_000, figure
    assert "Structural balance" in page and "romantic_triangle" in page and "stable_marriage" in page


def test_triangle_csv_columns_and_runs():
    out = run("triangle", "USA", "USSR", "PRC", "--by", "year", "--from", "1972", "--to", "1978", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout), keep_default_na=False)
    assert list(frame.columns) == ["period", "pattern", "pivot", "outcast", "sign_ab", "sign_ac", "sign_bc"]
    assert frame["period"].tolist() == list(range(1972, 1979))
    assert set(frame["pattern"]) == {"romantic_triangle"} and set(frame["pivot"]) == {"USA"}
    runs = run("triangle", "Washington", "Moscow", "Beijing", "--from", "1972", "--to", "1978", "--runs",
               "--format", "json")
    assert json.loads(runs.stdout)[0]["pattern"] == "romantic_triangle"


def test_report_without_the_core_dyads_is_a_clear_error(tmp_path):
    (tmp_path / "ipk.csv").write_text("date_start,src,tgt,cameo\n1965,IND,PAK,190\n")
    out = run("report", "--out", str(tmp_path / "r"), "--data", str(tmp_path / "ipk.csv"))
    assert out.returncode == 1 and "core dyads" in out.stderr and "Traceback" not in out.stderr


def test_markup_like_text_is_printed_as_is(tmp_path):
    (tmp_path / "m.csv").write_text('date_start,src,tgt,cameo,description\n1960,USA,USSR,111,"Speech [/] and [bold]"\n')
    out = run("events", "--data", str(tmp_path / "m.csv"))
    assert out.returncode == 0 and "[/]" in out.stdout


def test_balance_on_an_edge_file_with_windows_and_partition(tmp_path):
    edges = tmp_path / "e.csv"
    # window a: a balanced square; window b: an odd cycle of negatives (frustration 1)
    edges.write_text("w,src,tgt,sign\na,A,B,1\na,B,C,-1\na,C,D,1\na,D,A,-1\nb,A,B,-1\nb,B,C,-1\nb,C,A,-1\n")
    out = run("balance", str(edges), "--window", "w", "--partition", str(tmp_path / "p.csv"), "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == ["window", "nodes", "edges", "negative", "triangles", "unbalanced_triangles",
                                   "frustration", "normalized", "optimal", "seconds"]
    assert frame["frustration"].tolist() == [0, 1] and frame["optimal"].all()
    assert frame["unbalanced_triangles"].tolist() == [0, 1]
    sides = pd.read_csv(tmp_path / "p.csv")
    a = sides[sides["window"] == "a"].set_index("node")["side"]
    assert a["A"] == a["B"] != a["C"] == a["D"]


def test_balance_rejects_bad_edges_with_line_and_field(tmp_path):
    edges = tmp_path / "e.csv"
    edges.write_text("src,tgt,sign\nA,B,1\nB,C,2\n")
    out = run("balance", str(edges))
    assert out.returncode == 1 and "line 3" in out.stderr and "sign" in out.stderr


def test_balance_and_blocs_of_a_historical_year():
    out = run("balance", "--year", "1969", "--format", "json")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)[0]
    assert row["window"] == "1969" and row["optimal"] and row["edges"] > 5
    blocs = run("blocs", "--year", "1969", "--actors", "USA,USSR,PRC,IND,PAK,VNM", "--format", "json")
    assert blocs.returncode == 0, blocs.stderr
    minima = json.loads(blocs.stdout)
    assert minima and abs(sum(m["basin_share"] for m in minima) - 1) < 1e-9


def test_simulate_csv_parquet_and_counterfactual_options(tmp_path):
    out = run("simulate", "--runs", "6", "--seed", "3", "--from", "1960", "--to", "1961", "--format", "csv",
              "--out", str(tmp_path / "runs.parquet"), "--set", "noise=0.1", "--drop-shock", "soviet-aid-india")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == ["period", "src", "tgt", "mean", "p05", "p50", "p95"]
    assert set(frame["period"]) == {1960, 1961} and (frame["p05"] <= frame["p95"]).all()
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert list(runs.columns) == ["run", "period", "src", "tgt", "stance"] and runs["run"].nunique() == 6
    again = run("simulate", "--runs", "6", "--seed", "3", "--from", "1960", "--to", "1961", "--format", "csv",
                "--set", "noise=0.1", "--drop-shock", "soviet-aid-india")
    assert again.stdout == out.stdout  # one seed, one result


@pytest.mark.parametrize(
    "args,needle",
    [
        (("simulate", "--set", "speed"), "NAME=VALUE"),
        (("simulate", "--set", "speed=fast"), "not a number"),
        (("simulate", "--set", "speed=3"), "speed"),
        (("simulate", "--drop-shock", "nope"), "no shock"),
        (("compare",), "say what differs"),
        (("calibrate", "--dyads", "all"), "'core' or 'observed'"),
        (("profile", "threat", "--values", "0,x"), "comma-separated numbers"),
        (("profile", "charisma"), "unknown parameter 'charisma'"),
    ],
)
def test_simulation_options_are_checked(args, needle):
    out = run(*args)
    assert out.returncode == 1 and needle in out.stderr and "Traceback" not in out.stderr


def test_calibrate_on_every_observed_dyad_prints_the_fit():
    out = run("calibrate", "--runs", "2", "--maxiter", "1", "--train-to", "1951", "--evaluate", "0",
              "--dyads", "observed", "--min-events", "3")
    assert out.returncode == 0, out.stderr
    assert "USSR–PRC" in out.stdout and "IND–PAK" in out.stdout  # the method names the dyads it fitted
    assert "[parameters]" in out.stdout and "training CRPS" in out.stdout


def test_calibrate_with_a_test_window_inside_the_training_years_shows_nothing_later():
    out = run("calibrate", "--runs", "2", "--maxiter", "1", "--train-to", "1953", "--test-to", "1956",
              "--evaluate", "4", "--dyads", "core")
    assert out.returncode == 0, out.stderr
    assert "# forecast 1954-1956 (4 runs; nothing later simulated): CRPS 0." in out.stdout
    assert "Share of runs" not in out.stdout and "Triangle" not in out.stdout  # no target reaches past 1956
    late = run("calibrate", "--runs", "2", "--maxiter", "1", "--train-to", "1953", "--test-to", "1953")
    assert late.returncode != 0 and "--test-to must be after --train-to (1953)" in late.stderr


def test_calibrate_keeps_a_prior_ordering_and_refuses_a_malformed_one():
    args = ("calibrate", "--runs", "2", "--maxiter", "1", "--train-to", "1952", "--evaluate", "0", "--dyads", "core")

    def weights(stdout: str) -> dict[str, float]:
        lines = [line.split(" = ") for line in stdout.splitlines() if line.startswith(("threat =", "ideology ="))]
        return {name: float(value) for name, value in lines}

    free = run(*args)
    assert free.returncode == 0, free.stderr
    assert weights(free.stdout)["threat"] < weights(free.stdout)["ideology"]  # the same search breaks it unheld
    out = run(*args, "--ordering", "threat,ideology")
    assert out.returncode == 0, out.stderr
    assert "subject to threat ≥ ideology" in out.stdout
    assert weights(out.stdout)["threat"] >= weights(out.stdout)["ideology"]
    bad = run("calibrate", "--runs", "2", "--maxiter", "1", "--train-to", "1952", "--ordering", "threat>=ideology")
    assert bad.returncode != 0 and "--ordering must read A,B" in bad.stderr


def test_profile_prints_each_dyads_training_loss_per_value():
    out = run("profile", "threat", "--values", "0,1,1", "--runs", "4", "--train-to", "1955", "--dyads", "core",
              "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == ["dyad", "threat=0", "threat=1"]
    assert list(frame["dyad"]) == ["USSR–PRC", "USA–PRC", "USA–USSR", "all"]
    assert (frame[["threat=0", "threat=1"]] > 0).all().all()


def test_profile_directed_names_each_direction():
    out = run("profile", "threat", "--values", "0,1", "--runs", "4", "--train-to", "1955", "--dyads", "core",
              "--directed", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame["dyad"]) == ["USSR→PRC", "PRC→USSR", "USA→PRC", "PRC→USA", "USA→USSR", "USSR→USA", "all"]


def test_profile_by_year_puts_the_dyad_years_a_change_hurts_most_first():
    out = run("profile", "threat", "--values", "0,2", "--runs", "4", "--train-to", "1955", "--dyads", "core",
              "--by-year", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns[:3]) == ["dyad", "year", "observed"]
    assert {"crps@threat=0", "crps@threat=2", "record@threat=0", "record@threat=2"} <= set(frame.columns)
    assert len(frame) == len(frame[["dyad", "year"]].drop_duplicates()) and frame["year"].max() <= 1955
    assert frame["change"].tolist() == sorted(frame["change"], reverse=True)
    assert np.allclose(frame["change"], frame["crps@threat=2"] - frame["crps@threat=0"], atol=2e-4)  # printed rounded
    close = run("profile", "threat", "--values", "1.0000001,1.0000002", "--runs", "2", "--train-to", "1951",
                "--dyads", "core", "--by-year", "--format", "csv")
    assert close.returncode == 0, close.stderr  # values that differ get labels that differ
    assert "crps@threat=1.0000001" in close.stdout and "crps@threat=1.0000002" in close.stdout


def test_profile_refit_holds_the_parameter_at_each_value_and_prints_the_refitted_weights():
    out = run("profile", "threat", "--values", "0,0.8", "--refit", "--runs", "2", "--maxiter", "1", "--train-to",
              "1951", "--dyads", "core", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert frame["threat"].tolist() == [0.0, 0.8] and list(frame.columns[:3]) == ["threat", "training_crps", "nfev"]
    assert len(frame.columns) == len(set(frame.columns)) == 3 + 10  # every other weight once
    assert (frame["training_crps"] > 0).all() and {"ideology", "pivot", "sponsorship"} <= set(frame.columns)
    both = run("profile", "threat", "--refit", "--by-year")
    assert both.returncode != 0 and "cannot be combined with --by-year" in both.stderr


def test_compare_gives_pattern_probabilities():
    out = run("compare", "--drop-shock", "soviet-aid-india", "--runs", "8", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert list(frame.columns) == ["period", "pattern", "base", "alternative", "difference"]
    totals = frame.groupby("period")[["base", "alternative"]].sum()
    assert ((totals - 1).abs() < 1e-9).all().all()


def test_load_a_gdelt_export_leniently(tmp_path, shared_data):
    sample = shared_data / "gdelt" / "gdelt1_events_sample_reed9999.tsv"
    out = run("load", str(sample), "--db", str(tmp_path / "g.duckdb"), "--source", "gdelt", "--lenient",
              "--rejects", str(tmp_path / "rej.csv"))
    assert out.returncode == 0, out.stderr
    assert "read 710 = loaded" in out.stdout
    assert len(pd.read_csv(tmp_path / "rej.csv")) == 710 - int(out.stdout.split("loaded ")[1].split()[0])


def test_calibrate_bootstrap_prints_each_parameters_spread_and_simulate_runs_its_refits(tmp_path):
    table_path = tmp_path / "refits.csv"
    out = run("calibrate", "--runs", "2", "--maxiter", "1", "--train-to", "1952", "--evaluate", "0",
              "--dyads", "core", "--bootstrap", "2", "--bootstrap-out", str(table_path))
    assert out.returncode == 0, out.stderr
    refits = pd.read_csv(table_path)
    assert list(refits["replicate"]) == [0, 1] and {"threat", "loss", "dyads"} <= set(refits.columns)
    assert "# bootstrap: 2 refits on the 3 dyads drawn with replacement" in out.stdout
    table = out.stdout.split("# bootstrap:")[1].splitlines()[1:]
    assert table[0].split() == ["fit", "p05", "p50", "p95"]
    assert {line.split()[0] for line in table[1:]} == {"ideology", "coexistence", "threat", "balance", "patronage",
                                                       "patronage_cost", "reciprocity", "speed", "noise", "pivot",
                                                       "sponsorship"}
    many = run("simulate", "--runs", "6", "--seed", "3", "--weights", str(table_path), "--format", "csv")
    assert many.returncode == 0, many.stderr
    band = pd.read_csv(io.StringIO(many.stdout))
    assert list(band.columns) == ["period", "src", "tgt", "mean", "p05", "p50", "p95"]
    plain = pd.read_csv(io.StringIO(run("simulate", "--runs", "6", "--seed", "3", "--format", "csv").stdout))
    assert not np.allclose(band["mean"], plain["mean"])  # the refits' weights, not the scenario's
    bad = tmp_path / "bad.csv"
    bad.write_text("threat,speed\n1.0,0.5\n2.0,fast\n")
    refused = run("simulate", "--runs", "2", "--weights", str(bad))
    assert refused.returncode == 1
    assert "bad.csv, line 3, field 'speed': must be a number (value 'fast')" in refused.stderr
    alone = run("calibrate", "--runs", "2", "--maxiter", "1", "--bootstrap-out", str(table_path))
    assert alone.returncode != 0 and "--bootstrap-out needs --bootstrap N" in alone.stderr
    nowhere = run("calibrate", "--runs", "2", "--maxiter", "1", "--bootstrap", "1", "--bootstrap-out",
                  str(tmp_path / "no-such-folder" / "refits.csv"))
    assert nowhere.returncode == 1 and "--bootstrap-out: cannot write" in nowhere.stderr
    assert "calibrating" not in nowhere.stdout
    left = tmp_path / "left.csv"  # a run that fails after the early check leaves no empty file behind
    failed = run("calibrate", "--runs", "2", "--maxiter", "1", "--bootstrap", "1", "--bootstrap-out", str(left),
                 "--dyads", "USA-XXX")
    assert failed.returncode == 1 and not left.exists()


def test_compare_with_weights_runs_both_scenarios_over_the_same_parameter_sets(tmp_path):
    sets = tmp_path / "sets.csv"
    sets.write_text("threat,pivot\n0.5,5\n3.0,2\n")
    args = ("compare", "--drop-shock", "soviet-aid-india", "--runs", "4", "--seed", "2", "--format", "csv")
    weighted = run(*args, "--weights", str(sets))
    plain = run(*args)
    assert weighted.returncode == 0 and plain.returncode == 0, weighted.stderr + plain.stderr
    a, b = pd.read_csv(io.StringIO(weighted.stdout)), pd.read_csv(io.StringIO(plain.stdout))
    assert list(a.columns) == list(b.columns) and not a.equals(b)
    odd = run("compare", "--drop-shock", "soviet-aid-india", "--runs", "3", "--weights", str(sets))
    assert odd.returncode == 1 and "must be a multiple of the 2 parameter sets" in odd.stderr


def test_scenario_lists_every_shock_with_its_source_and_filters_by_kind_and_actor():
    from realpolitik.sim.scenario import SHOCK_KINDS, load_scenario

    out = run("scenario", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert sorted(frame["id"]) == sorted(s.id for s in load_scenario().shocks)
    assert set(frame["kind"]) <= set(SHOCK_KINDS) and frame["citation"].notna().all()
    wars = pd.read_csv(io.StringIO(run("scenario", "--kind", "war", "--actors", "vnm", "--format", "csv").stdout))
    assert len(wars) and (wars["kind"] == "war").all()
    assert ((wars["actor"] == "VNM") | (wars["target"] == "VNM")).all()
    table = run("scenario", "--kind", "ideology", "--actors", "VNM")  # a terminal's view: what each shock sets
    assert table.returncode == 0 and "sets" in table.stdout and "0.65" in table.stdout
    assert "description" not in table.stdout


def test_scenario_positions_show_a_line_set_apart_from_the_militancy():
    out = run("scenario", "--positions", "--actors", "VNM", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["actor"] for r in rows} == {"VNM"} and rows[0]["from"] == "1949-01"
    assert any(r["line"] != r["militancy"] for r in rows)  # Hanoi between Moscow and Beijing


@pytest.mark.parametrize("args,needle", [
    (("--kind", "invasion"), "--kind 'invasion'"),
    (("--actors", "XYZ"), "XYZ is not an actor"),
    (("--actors", " , "), "names no actor"),
    (("--positions", "--kind", "war"), "one or the other"),
])
def test_scenario_refuses_what_it_cannot_show_in_one_line(args, needle):
    out = run("scenario", *args)
    assert out.returncode != 0 and needle in out.stderr and len(out.stderr.strip().splitlines()) == 1
