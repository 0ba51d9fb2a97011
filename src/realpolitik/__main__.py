"""Allow ``python -m realpolitik``."""

from .cli import main

main()
