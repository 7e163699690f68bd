"""Profile the tagging pipeline with cProfile: where a model's time goes on the ~8,000-character API report.

    .venv/bin/python bench/profiling.py [--model tfidf|encoder|ensemble] [--reports N] [--top N]

Trains the model type into a temporary MLflow store, tags one report to warm up,
then profiles ``Tagger.tag_document`` on N new reports and prints the functions
with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``bench`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import _isolated, load_tagger, train_each  # noqa: E402
from bench.workload import api_report  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="tfidf", choices=("tfidf", "encoder", "ensemble"))
    parser.add_argument("--reports", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policytag-profile-") as tmp, _isolated(Path(tmp)):
        home = Path(tmp) / "home"
        tagger = load_tagger(home, train_each(home, (args.model,))[args.model]["version"])
        tagger.tag_document(api_report(0))
        profile = cProfile.Profile()
        profile.enable()
        for n in range(1, args.reports + 1):
            tagger.tag_document(api_report(n))
        profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
