"""Shared fixtures: paths to ../shared, the ontology folder, and a seed build made once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.yaml"
ONTOLOGY = ROOT / "ontology"
EXAMPLES = ROOT / "examples" / "articles"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """`kg build` caches analyses in KG_CACHE_DIR: the tests use their own folder, never the user's."""
    import os

    folder = tmp_path_factory.mktemp("kg-cache")
    old = os.environ.get("KG_CACHE_DIR")
    os.environ["KG_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("KG_CACHE_DIR", None)
    else:
        os.environ["KG_CACHE_DIR"] = old


@contextmanager
def reused_analysers() -> Iterator[None]:
    """Builds inside reuse one Analyser per ontology folder and model: building the spaCy pipeline
    is the slow part of a small build (1 s, where the analysis of a sentence takes milliseconds)."""
    import kg.pipeline as pipeline

    made: dict[tuple[str, str | None], object] = {}
    analyser = pipeline.Analyser

    def cached(resources, spacy_model=None, batch_size=64):  # type: ignore[no-untyped-def]
        key = (str(resources.root), spacy_model)
        if key not in made:
            made[key] = analyser(resources, spacy_model, batch_size)
        return made[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "Analyser", cached)
        yield


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
