"""Screenshots of the web page for the docs: start the app, drive the page in chromium, write PNGs.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--width 1400] [--runs 200]

Writes ``page.png`` (the whole page as it loads), ``triangle-1950.png`` and
``triangle-1972.png`` (the triangle section with the slider at those years),
``counterfactual.png`` (a finished counterfactual ensemble against history),
``drivers-hover.png`` (its drivers, the hover naming the third states behind each pull) and
``balance.png`` (a year's structural balance). Needs the ``playwright`` package and
Debian's chromium at /usr/bin/chromium (``--chromium`` to point elsewhere); downloads
nothing. PNGs are reduced to a 256-colour palette to stay small.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import sync_playwright

from realpolitik.web import create_app
from realpolitik.web.background import BackgroundServer

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
#: The counterfactual shown: no Soviet border build-up of 1969, and faster alignment.
DROP_SHOCK = "soviet-border-1969"
SET_PARAMETER = ("speed", "0.3")
#: The year whose pulls the hover screenshot shows.
HOVER_YEAR = 1979
#: Waits for an element's text to begin so (a function: the page's CSP forbids evaluating strings).
STARTS = "([id, text]) => document.getElementById(id).textContent.startsWith(text)"


def save(png: bytes, path: Path) -> None:
    """Write a screenshot reduced to a 256-colour palette (the page's flat colours survive)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {image.width}×{image.height}, "
          f"{path.stat().st_size / 1024:.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--runs", type=int, default=200, help="runs of the counterfactual ensemble")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    with BackgroundServer(create_app()) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": args.width, "height": 900})
        context.set_default_timeout(60_000)
        local = urlsplit(server.url).netloc
        outside: list[str] = []

        def gate(route):  # the page is meant to fetch nothing else; refuse anything that tries
            if urlsplit(route.request.url).netloc == local or route.request.url.startswith("data:"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", gate)
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_selector('body[data-ready="true"]')
        page.wait_for_timeout(300)  # let plotly finish its transitions
        save(page.screenshot(full_page=True, animations="disabled"), args.out / "page.png")

        for year in (1950, 1972):
            page.locator("#year-slider").fill(str(year))
            page.wait_for_function(STARTS, arg=["triangle-caption", f"{year}:"])
            page.wait_for_timeout(300)
            save(page.locator("#triangle").screenshot(animations="disabled"), args.out / f"triangle-{year}.png")

        page.locator(f"#shock-{DROP_SHOCK}").uncheck()
        page.locator(f"#param-{SET_PARAMETER[0]}").fill(SET_PARAMETER[1])
        page.locator("#sim-runs").fill(str(args.runs))
        page.locator("#run-sim").click()
        page.wait_for_function(STARTS, arg=["sim-status", "Done"])
        page.wait_for_timeout(500)
        save(page.locator("#simulation").screenshot(animations="disabled"), args.out / "counterfactual.png")

        # the hover over Beijing's stance toward Moscow in 1979 names the third states behind each pull
        page.locator("#sim-drivers").scroll_into_view_if_needed()
        panel = page.locator("#sim-drivers .cartesianlayer .subplot").nth(2).bounding_box()
        first, last = page.evaluate("() => document.getElementById('sim-drivers').layout.xaxis.range")
        page.mouse.move(panel["x"] + panel["width"] * (HOVER_YEAR + 0.5 - first) / (last - first),
                        panel["y"] + panel["height"] / 2)
        page.wait_for_timeout(500)
        save(page.locator("#sim-drivers").screenshot(animations="disabled"), args.out / "drivers-hover.png")

        page.locator("#balance-year").fill("1972")
        page.locator("#balance-show").click()
        page.wait_for_function(STARTS, arg=["balance-summary", "1972:"])
        page.wait_for_timeout(300)
        save(page.locator("#balance").screenshot(animations="disabled"), args.out / "balance.png")
        browser.close()
    if outside:
        print(f"the page asked for something outside the server: {outside}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
