"""Compile the scorer (``bot/domain/scoring``) to C extensions with mypyc.

    python -m bot.native_build            build, unless the build on disk is current
    python -m bot.native_build --force    build again
    python -m bot.native_build --check    say whether the compiled scorer is in use; exit 1 if not
    python -m bot.native_build --refresh  build again if an earlier build is out of date (./dev run)

The scorer is plain, fully typed Python; mypyc (part of mypy) turns its modules into C extensions
that give the same results about a third faster. ``./dev setup`` runs this. It needs mypy,
setuptools and a C compiler (the ``dev`` extra and gcc); without them it says what is missing and
the scorer runs as Python source, as it does after any edit of its modules until the next build
(see ``bot.domain.scoring``). The extensions go to ``bot/domain/scoring/_native/`` with a record
of the sources they were built from, written last, so that a build that fails half way is never
used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

GROUP = "bot.domain.scoring.native"
"""The name of the shared library the compiled modules call into (``native__mypyc``)."""


def package_dir() -> Path:
    """Where ``bot.domain.scoring``'s sources are (in this tree, or where it is installed)."""
    return Path(__file__).resolve().parent / "domain" / "scoring"


def missing_tools() -> str | None:
    """Why a build cannot run here, or None."""
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as exc:
        return (
            f"{exc.name} is not installed (pip install 'signalbot[dev]' brings mypy and setuptools)"
        )
    compiler = os.environ.get("CC", "cc").split()[0]
    if shutil.which(compiler) is None and shutil.which("gcc") is None:
        return "no C compiler found (install gcc, or set CC)"
    return None


def build(package: Path, log: Path) -> None:
    """Compile every module of ``package`` but ``__init__`` into ``package/_native``; the
    compiler's own output goes to ``log``. Raises ``RuntimeError`` when the build fails."""
    from mypyc.build import mypycify
    from setuptools import Distribution

    from bot.domain.scoring import NATIVE_DIR, NATIVE_RECORD, native_record, native_sources

    record = native_record(package)
    sources = [str(p) for p in native_sources(package)]
    native = package / NATIVE_DIR
    with tempfile.TemporaryDirectory(prefix="signalbot-native-") as tmp, log.open("w") as out:
        work = Path(tmp)
        try:
            with redirect_stdout(out):
                extensions = mypycify(
                    sources, opt_level="3", group_name=GROUP, target_dir=str(work / "c")
                )
                dist = Distribution({"name": "signalbot-native", "ext_modules": extensions})
                command = dist.get_command_obj("build_ext")
                command.build_lib = str(work / "lib")
                command.build_temp = str(work / "obj")
                dist.run_command("build_ext")
        except (SystemExit, Exception) as exc:  # setuptools reports a compiler error by exiting
            raise RuntimeError(f"mypyc could not compile the scorer: {exc} (see {log})") from exc
        built = sorted((work / "lib" / Path(*GROUP.split(".")[:-1])).glob("*.so"))
        if not built:
            raise RuntimeError(f"mypyc built no extension (see {log})")
        # The record goes last: until it is written, the old extensions are not used either.
        (native / NATIVE_RECORD).unlink(missing_ok=True)
        native.mkdir(exist_ok=True)
        for stale in native.glob("*.so"):
            stale.unlink()
        for path in built:  # by rename: a process running the old extension keeps its file
            shutil.copy2(path, native / f"{path.name}.new")
            os.replace(native / f"{path.name}.new", native / path.name)
        (native / NATIVE_RECORD).write_text(record, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.native_build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--force", action="store_true", help="build even if the build is current")
    parser.add_argument("--check", action="store_true", help="only say whether it is in use")
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="build again only where an earlier build is out of date; say nothing otherwise",
    )
    args = parser.parse_args(argv)

    from bot.domain.scoring import NATIVE_DIR, NATIVE_RECORD, compiled, native_dir

    package = package_dir()
    if args.check:
        if compiled():
            print(f"the scorer runs compiled ({package / NATIVE_DIR})")
            return 0
        reason = (
            "SIGNALBOT_PURE_PYTHON is set"
            if os.environ.get("SIGNALBOT_PURE_PYTHON")
            else "no current build; python -m bot.native_build"
        )
        print(f"the scorer runs as Python source ({reason})")
        return 1
    if args.refresh:  # `./dev run` after a pull or an edit: keep a compiled scorer current
        if not (package / NATIVE_DIR / NATIVE_RECORD).exists() or native_dir(package) is not None:
            return 0
        print("the scorer changed since it was compiled", file=sys.stderr)
    elif not args.force and native_dir(package) is not None:
        print("the compiled scorer is up to date")
        return 0
    if (why := missing_tools()) is not None:
        print(f"the scorer stays Python source: {why}", file=sys.stderr)
        return 1
    print("compiling the scorer with mypyc (about a minute) …", file=sys.stderr)
    start = time.monotonic()
    try:
        build(package, Path(tempfile.gettempdir()) / "signalbot-native-build.log")
    except RuntimeError as exc:
        print(f"the scorer stays Python source: {exc}", file=sys.stderr)
        return 1
    print(f"compiled the scorer in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
