"""The reference feed reader (lemon24/reader) in its own virtualenv under the cache directory.

It is installed once by the benchmark and never beside signalbot: the bot neither depends on it
nor imports it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def reader_python(cache_dir: Path, version: str) -> Path:
    """The interpreter of a virtualenv with ``reader=={version}`` (or the nearest 3.x release
    when that one is not available), created on first use."""
    venv = cache_dir / f"reader-{version}"
    python = venv / "bin" / "python"
    marker = venv / ".installed"
    if marker.exists() and python.exists():
        return python
    print(f"installing reader {version} into {venv} (once)", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # reader's vendored feedparser imports ``sgmllib``, which feedparser itself no longer installs
    # (it moved to feedparser-sgmllib); sgmllib3k provides it.
    for requirement in (f"reader=={version}", f"reader>={version},<4"):
        if subprocess.run([*pip, requirement, "sgmllib3k"], check=False).returncode == 0:
            marker.write_text(requirement + "\n")
            return python
    raise SystemExit(f"error: could not install reader {version} into {venv}")
