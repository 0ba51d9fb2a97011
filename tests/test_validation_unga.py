"""The curated history against an independent measure: UN General Assembly voting.

Bailey, Strezhnev & Voeten (2017) estimate each state's ideal point per year from its UN
votes. If the shipped events code the triangle's relations right, the yearly stance of a
dyad should fall as the distance between the two states' ideal points grows. The events were
curated from histories, not from UN votes, so this is a check from outside the dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import realpolitik as rp

#: COW state codes of the triangle and its neighbours in the ideal-point file.
COW = {"USA": 2, "USSR": 365, "PRC": 710, "ROC": 713, "IND": 750, "PAK": 770, "JPN": 740, "PRK": 731, "ROK": 732,
       "VNM": 816, "KHM": 811, "MNG": 712, "AFG": 700}
#: The weakest negative correlation that counts as agreement.
AGREEMENT = -0.2


@pytest.fixture
def ideal_points(shared_data):
    path = shared_data / "unga_votes" / "voeten_idealpoints_July2025.csv"
    if not path.is_file():
        pytest.skip(f"UN ideal points not present at {path}")
    frame = pd.read_csv(path, usecols=["ccode", "year", "idealpointall"])
    return frame[frame["ccode"].isin(COW.values())].pivot_table(index="year", columns="ccode",
                                                                 values="idealpointall")


@pytest.fixture(scope="module")
def history():
    relations = rp.relations(rp.datasets.cold_war_triangle(), actors=list(COW)).frame
    pair = np.where(relations["src"] < relations["tgt"], relations["src"] + "-" + relations["tgt"],
                    relations["tgt"] + "-" + relations["src"])
    undirected = relations.assign(pair=pair, year=relations["period"].astype(int))
    return undirected.groupby(["pair", "year"])["stance"].mean()


@pytest.mark.parametrize("a, b", [("USA", "USSR"), ("PRC", "USA"), ("PRC", "USSR")])
def test_the_stance_falls_as_un_voting_drifts_apart(ideal_points, history, a, b):
    distance = (ideal_points[COW[a]] - ideal_points[COW[b]]).abs().dropna()
    stance = history.loc[f"{a}-{b}"]
    years = [y for y in stance.index if y in distance.index and y <= 1991]
    assert len(years) >= 15  # the PRC holds China's UN seat from 1971 only
    corr = np.corrcoef(stance.loc[years], distance.loc[years])[0, 1]
    assert corr < AGREEMENT, f"{a}–{b}: correlation {corr:.2f} over {years[0]}–{years[-1]}"


def test_the_neighbours_stances_agree_with_un_voting_too(ideal_points, history):
    # the curated events of the neighbour dyads are an independent record of the same relations:
    # most of them, not only the triangle, should fall as the two states' UN votes drift apart
    correlations = {}
    for pair in history.index.get_level_values("pair").unique():
        a, b = pair.split("-")
        if COW[a] not in ideal_points or COW[b] not in ideal_points:
            continue
        distance = (ideal_points[COW[a]] - ideal_points[COW[b]]).abs().dropna()
        stance = history.loc[pair]
        years = [y for y in stance.index if y in distance.index and y <= 1991]
        if len(years) >= 12:
            correlations[pair] = np.corrcoef(stance.loc[years], distance.loc[years])[0, 1]
    assert len(correlations) >= 20
    values = np.array([v for v in correlations.values() if np.isfinite(v)])  # a flat series has no correlation
    assert np.median(values) < AGREEMENT and (values < 0).mean() >= 0.7, correlations
