"""Shared fixtures: paths to ../shared, the ontology folder, and a seed build made once."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.yaml"
ONTOLOGY = ROOT / "ontology"
EXAMPLES = ROOT / "examples" / "articles"


def need_seeds() -> Path:
    """The seed folder, or skip the test with the reason."""
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip(f"seed articles not found at {SEEDS} (../shared is not beside the repository)")
    return SEEDS


def need_gold() -> Path:
    """The gold file, or skip the test with the reason."""
    if not GOLD.is_file():
        pytest.skip(f"gold file not found at {GOLD} (../shared is not beside the repository)")
    return GOLD


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory):
    """kg build of the seed articles, run once: (Build, output folder)."""
    from kg.config import Settings
    from kg.export import write_outputs
    from kg.pipeline import build_graph

    seeds = need_seeds()
    out = tmp_path_factory.mktemp("seed-build")
    build = build_graph([str(seeds)], Settings())
    write_outputs(build, out)
    return build, out


@pytest.fixture(scope="session")
def find_mentions():
    """Run the mention stage on a short text: ``find(text, published=None) -> MentionResult``."""
    from kg.mentions import MentionFinder
    from kg.nlp import build_nlp
    from kg.records import Article, OffsetMap
    from kg.resources import load_resources

    res = load_resources(ONTOLOGY)
    nlp = build_nlp(res)
    finder = MentionFinder(res, nlp.vocab)

    def run(text: str, published: str | None = None):
        art = Article("t", "t", "t", text, text, OffsetMap.identity(len(text)), published=published)
        return finder(nlp(text), art)

    return run
