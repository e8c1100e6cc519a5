"""The scorer compiled with mypyc: used only while it matches its sources, and scoring alike.

``./dev setup`` compiles ``bot/domain/scoring`` (``python -m bot.native_build``). The comparison
with the Python source runs through ``signalbot analyze --jsonl`` in fresh interpreters, one with
``SIGNALBOT_PURE_PYTHON=1``; it is skipped where no compiled scorer is built (no C compiler) and
required where ``SIGNALBOT_REQUIRE_NATIVE=1`` (CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.scoring import NATIVE_DIR, NATIVE_RECORD, compiled, native_dir, native_record

FIXTURES = Path(__file__).parent / "fixtures"

needs_native = pytest.mark.skipif(
    not compiled() and not os.environ.get("SIGNALBOT_REQUIRE_NATIVE"),
    reason="no current compiled scorer (python -m bot.native_build needs mypy and a C compiler)",
)


@pytest.fixture(autouse=True)
def _no_pure_python_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALBOT_PURE_PYTHON", raising=False)


def _package(root: Path) -> Path:
    package = root / "scoring"
    package.mkdir()
    (package / "__init__.py").write_text("# the package itself is never compiled\n")
    (package / "engine.py").write_text("X = 1\n")
    (package / "text.py").write_text("Y = 2\n")
    return package


def _built(package: Path) -> Path:
    native = package / NATIVE_DIR
    native.mkdir()
    (native / NATIVE_RECORD).write_text(native_record(package))
    return native


def test_a_build_is_used_while_its_sources_are_unchanged(tmp_path: Path) -> None:
    package = _package(tmp_path)
    assert native_dir(package) is None  # nothing built yet
    native = _built(package)
    assert native_dir(package) == native
    (package / "__init__.py").write_text("# edited: not compiled, so the build stays current\n")
    assert native_dir(package) == native


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: (p / "engine.py").write_text("X = 3\n"),  # a module edited
        lambda p: (p / "dates.py").write_text("Z = 0\n"),  # a module added
        lambda p: (p / "text.py").unlink(),  # a module removed
    ],
    ids=["edited", "added", "removed"],
)
def test_a_build_from_other_sources_is_not_used(
    tmp_path: Path, edit: Callable[[Path], object]
) -> None:
    package = _package(tmp_path)
    _built(package)
    edit(package)
    assert native_dir(package) is None


def test_pure_python_setting_keeps_a_current_build_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _package(tmp_path)
    _built(package)
    monkeypatch.setenv("SIGNALBOT_PURE_PYTHON", "1")
    assert native_dir(package) is None


def _run(args: list[str], pure: bool) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SIGNALBOT_PURE_PYTHON"}
    if pure:
        env["SIGNALBOT_PURE_PYTHON"] = "1"
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, check=False)


@needs_native
def test_the_compiled_scorer_is_in_use_and_says_so() -> None:
    assert compiled(), "SIGNALBOT_REQUIRE_NATIVE is set but the scorer runs as Python source"
    check = _run(["-m", "bot.native_build", "--check"], pure=False)
    assert check.returncode == 0
    assert b"runs compiled" in check.stdout
    pure = _run(["-m", "bot.native_build", "--check"], pure=True)
    assert pure.returncode == 1
    assert b"Python source" in pure.stdout
    again = _run(["-m", "bot.native_build"], pure=False)
    assert again.returncode == 0
    assert b"up to date" in again.stdout


@needs_native
def test_compiled_and_source_scorers_write_the_same_analysis(tmp_path: Path) -> None:
    # Element-labelled beat sentences, general-news factuality and direction examples: every
    # reading the scorer makes, compared byte for byte through the command users run.
    batch = tmp_path / "batch.jsonl"
    with batch.open("w") as out:
        for name in ("clarity_elements", "factuality_news_fresh", "direction_dev"):
            out.write((FIXTURES / f"{name}.jsonl").read_text())
    args = ["-m", "bot", "analyze", "--jsonl", str(batch), "--workers", "1"]
    native, source = _run(args, pure=False), _run(args, pure=True)
    assert native.returncode == source.returncode == 0, native.stderr + source.stderr
    assert native.stdout.count(b"\n") == len(batch.read_text().splitlines())
    assert native.stdout == source.stdout


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """``python -m bot.native_build`` on a package of its own, the compiler replaced by a
    recorder that writes the record a real build would."""
    import bot.native_build as native_build

    package = _package(tmp_path)
    done: list[Path] = []

    def build(where: Path, log: Path) -> None:
        done.append(where)
        (where / NATIVE_DIR).mkdir(exist_ok=True)
        (where / NATIVE_DIR / NATIVE_RECORD).write_text(native_record(where))

    monkeypatch.setattr(native_build, "package_dir", lambda: package)
    monkeypatch.setattr(native_build, "missing_tools", lambda: None)
    monkeypatch.setattr(native_build, "build", build)
    return done


def test_refresh_builds_nothing_where_nothing_was_built(
    builds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.native_build import main

    assert main(["--refresh"]) == 0
    assert builds == []
    assert capsys.readouterr().err == ""  # a machine without a compiler hears nothing each run


def test_refresh_builds_again_only_a_build_that_is_out_of_date(
    builds: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.native_build import main, package_dir

    assert main([]) == 0  # the first build
    assert main(["--refresh"]) == 0  # current: nothing to do
    assert len(builds) == 1
    (package_dir() / "engine.py").write_text("X = 2  # edited, as after a pull\n")
    assert main(["--refresh"]) == 0
    assert len(builds) == 2
    assert "changed since it was compiled" in capsys.readouterr().err
    assert native_dir(package_dir()) is not None
