"""The scoring engine: relevance, direction, commitment clarity, hedging, snap-back and evidence.

    from bot.domain.scoring import RuleScorer
    assessment = RuleScorer().score(article)

Pure: standard library and pydantic only; lexicons are versioned TOML files in ``lexicons/``.
The names below are imported when first used, so that reading a lexicon (``.lexicon``) does not
load the engine.

The modules of this package may also be compiled to C extensions with mypyc
(``python -m bot.native_build``, run by ``./dev setup``): the same code, about a third faster.
The extensions live in ``_native/`` beside a record of the sources they were built from, and are
used only while every source is unchanged; after an edit the package runs as plain Python again
until the next build (``./dev run`` and the other ``./dev`` commands but ``test`` build it
first). ``SIGNALBOT_PURE_PYTHON=1`` keeps them unused.
"""

from __future__ import annotations

import hashlib
import os
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gaps import describe as describe_gap
    from .gaps import given as gap_given
    from .lexicon import versions as lexicon_versions
    from .scorer import RuleScorer

__all__ = ["RuleScorer", "compiled", "describe_gap", "gap_given", "lexicon_versions"]

_WHERE = {
    "RuleScorer": (".scorer", "RuleScorer"),
    "describe_gap": (".gaps", "describe"),
    "gap_given": (".gaps", "given"),
    "lexicon_versions": (".lexicon", "versions"),
}

NATIVE_DIR = "_native"
"""Where the compiled modules are built, beside this file."""
NATIVE_RECORD = "SOURCES"
"""The record in it of the sources they were built from."""


def native_sources(package: Path) -> list[Path]:
    """The modules that are compiled: every ``.py`` here but this one, in name order."""
    return sorted(p for p in package.glob("*.py") if p.name != "__init__.py")


def native_record(package: Path) -> str:
    """A line per compiled module, its SHA-256 and its name; an extension built from other
    sources than these must not be used."""
    return "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()} {p.name}\n" for p in native_sources(package)
    )


def native_dir(package: Path) -> Path | None:
    """The directory of compiled modules to import in place of the sources, or None: when none
    has been built, when a source changed since (the record differs), or when
    ``SIGNALBOT_PURE_PYTHON`` is set."""
    if os.environ.get("SIGNALBOT_PURE_PYTHON"):
        return None
    native = package / NATIVE_DIR
    try:
        built = (native / NATIVE_RECORD).read_text("utf-8")
    except OSError:
        return None
    return native if built == native_record(package) else None


# Submodules are looked up along __path__ in order: the compiled ones first, when they are current.
if (_native := native_dir(Path(__file__).parent)) is not None:
    __path__.insert(0, str(_native))


def compiled() -> bool:
    """Whether the scorer runs compiled (mypyc) rather than as Python source."""
    return _native is not None


def __getattr__(name: str) -> Any:
    try:
        module, attr = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(module, __name__), attr)
    globals()[name] = value
    return value
