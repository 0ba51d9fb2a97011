import warnings

import numpy as np

from realpolitik.plots import plot_records_against_history


def test_a_year_without_a_record_is_a_gap_in_the_band_and_raises_no_warning():
    years = np.arange(1960, 1964)
    observed = np.array([[0.2, np.nan, -0.1, 0.3]])
    recorded = np.tile(observed, (5, 1, 1)) + np.linspace(-0.1, 0.1, 5)[:, None, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        fig = plot_records_against_history([("USSR", "PRC")], years, observed, recorded, split=1962, columns=1)
    band = fig.axes[0].collections[0].get_paths()  # fill_between leaves out the NaN year: two pieces
    assert len(band) == 2
