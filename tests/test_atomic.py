"""Atomic outputs (issue 7, item 2): a temporary name, then a rename; a killed build changes nothing.

The SIGKILL tests run real processes: one killed while it is half-way through writing a file,
and ``kg build`` killed while it writes its outputs. Afterwards the previous files must be
byte-identical, no output name may hold a partial file, and the next write removes the
temporary files the killed process left.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.config import OUTPUT_FILES
from kg.errors import ExportError
from kg.export.atomic import atomic_group, atomic_path, remove_stale_temps, temp_name_pattern, write_atomic

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"


def _write(path: Path, data: bytes) -> None:
    write_atomic(path, lambda fh: fh.write(data))


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]


def test_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "graph.ttl"
    _write(target, b"old")
    _write(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.ttl"]


def test_a_failing_writer_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    _write(target, b"previous")

    def half_then_fail(fh) -> None:  # type: ignore[no-untyped-def]
        fh.write(b"partial")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"previous"
    assert _temps(tmp_path) == []


def test_permissions_are_those_of_a_plain_open(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        _write(tmp_path / "report.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o644


def test_temporary_names_are_hidden_and_never_output_names(tmp_path: Path) -> None:
    seen = []
    for name in OUTPUT_FILES:
        with atomic_path(tmp_path / name) as tmp:
            seen.append(tmp.name)
            assert tmp.parent == tmp_path  # same folder, so the rename is atomic
            assert tmp.name.startswith(".") and tmp.name.endswith(".tmp") and tmp.name not in OUTPUT_FILES
            assert temp_name_pattern(name).fullmatch(tmp.name).group(1) == str(os.getpid())  # type: ignore[union-attr]
            tmp.write_bytes(b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)


def test_unwritable_target_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(ExportError, match="out/graph.ttl: cannot write"):
        _write(blocker / "graph.ttl", b"x")


def test_group_replaces_every_file_at_its_end_or_none(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.nq"):
        _write(tmp_path / name, b"old " + name.encode())
    with pytest.raises(RuntimeError), atomic_group():
        _write(tmp_path / "a.ttl", b"new a")
        assert (tmp_path / "a.ttl").read_bytes() == b"old a.ttl"  # written, not yet renamed
        raise RuntimeError("the second writer fails")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a.ttl": b"old a.ttl", "b.nq": b"old b.nq"}
    with atomic_group():
        _write(tmp_path / "a.ttl", b"new a")
        _write(tmp_path / "b.nq", b"new b")
        assert (tmp_path / "b.nq").read_bytes() == b"old b.nq"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a.ttl": b"new a", "b.nq": b"new b"}


def test_temporary_files_of_a_live_writer_are_kept(tmp_path: Path) -> None:
    live = tmp_path / f".graph.ttl.{os.getppid()}.abc123.tmp"
    live.write_bytes(b"someone else is writing this")
    assert remove_stale_temps(tmp_path / "graph.ttl") == []
    assert live.exists()


_HALF_WRITER = """
import sys, time
from pathlib import Path
from kg.export.atomic import write_atomic

def write(fh):
    fh.write(b"NEW CONTENT, FIRST HALF ")
    fh.flush()
    print("half", flush=True)
    time.sleep(60)
    fh.write(b"SECOND HALF")

write_atomic(Path(sys.argv[1]), write)
"""


def test_sigkill_half_way_through_a_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    _write(target, b"PREVIOUS GRAPH")
    with subprocess.Popen([sys.executable, "-c", _HALF_WRITER, str(target)], stdout=subprocess.PIPE,
                          text=True) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "half"
            (stale,) = _temps(tmp_path)
            assert stale.read_bytes() == b"NEW CONTENT, FIRST HALF "
        finally:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"PREVIOUS GRAPH"
    assert _temps(tmp_path) == [stale]  # left behind by the killed process, under a hidden name
    _write(target, b"NEXT GRAPH")  # the next write removes it (its writer is dead)
    assert target.read_bytes() == b"NEXT GRAPH" and _temps(tmp_path) == []


def _corpus(folder: Path, records: int) -> Path:
    """The example articles plus a JSONL corpus of varied records, so that writing takes a while."""
    folder.mkdir()
    for path in EXAMPLES.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    places = ["Minsk", "Moscow", "Warsaw", "Vilnius", "Kyiv", "Beijing", "Brussels", "Riga"]
    with (folder / "wire.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(records):
            p, q = places[i % len(places)], places[(i * 3 + 1) % len(places)]
            text = (f"Talks in {p}, round {i}\n\nBelarus and Russia signed a transit agreement in {p} on "
                    f"{1 + i % 28} March 2021, officials said. Alexander Lukashenko met Vladimir Putin in {q} "
                    f"and China pledged {i + 3} loans. NATO did not comment on the talks in {q}.\n")
            fh.write(json.dumps({"id": f"wire-{i}", "text": text, "published": "2021-03-01"}) + "\n")
    return folder


@pytest.mark.slow
def test_kg_build_killed_while_writing_keeps_the_previous_outputs(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "-q"]).exit_code == 0
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    corpus = _corpus(tmp_path / "corpus", records=150)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    caught: list[str] = []
    deadline = time.monotonic() + 300
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            # graph.ttl is written and graph.nq half-way: killed between the first and the last rename,
            # a build that replaced each file as soon as it was written would leave a new graph.ttl
            temps = _temps(out) if out.exists() else []
            if any(p.name.startswith(".graph.nq.") and p.stat().st_size > 0 for p in temps):
                proc.send_signal(signal.SIGKILL)
                caught = sorted(p.name.split(".")[1] + "." + p.name.split(".")[2] for p in temps)
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    assert caught, f"the build ended (rc {proc.returncode}) before it was seen writing; enlarge the corpus"
    assert caught[:2] == ["graph.nq", "graph.ttl"], caught
    assert proc.returncode == -signal.SIGKILL
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before
    left = {p.name for p in out.iterdir()} - set(OUTPUT_FILES)
    assert left and all(n.startswith(".") and n.endswith(".tmp") for n in left), left
    # the next build succeeds, replaces the outputs and removes what the killed one left behind
    result = runner.invoke(app, ["build", str(corpus), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert (out / "graph.ttl").read_bytes() != before["graph.ttl"]
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["counts"]["documents"] == 154


def test_a_build_that_cannot_write_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(app, ["build", str(EXAMPLES), "-o", str(out), "-q"]).exit_code == 0
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    # report.json is a folder now: the last write fails, so none of the four may change
    (out / "report.json").unlink()
    (out / "report.json").mkdir()
    (out / "report.json" / "keep").write_text("x", encoding="utf-8")
    article = tmp_path / "new.txt"
    article.write_text("New Talks\n\nBelarus and China signed a loan agreement in Beijing.\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(article), "-o", str(out), "-q"])
    assert result.exit_code == 2, result.output
    assert "report.json: cannot write" in result.output
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES if name != "report.json"} == {
        name: data for name, data in before.items() if name != "report.json"}
    assert _temps(out) == []
