"""Clarity on a held-out news set: certain sentences rank above hedged ones, through the eval command.

`tests/fixtures/factuality_news_fresh.jsonl` was written and labelled by an annotator who saw
neither the scorer nor its data; no rule is tuned on it. Its first reading was an AUROC of clarity
of 0.953 against 0.893 for the `hedged` flag (README_factuality_news_fresh.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from bot.cli_eval import eval_command

FRESH = Path(__file__).resolve().parents[1] / "fixtures" / "factuality_news_fresh.jsonl"
CLARITY_FLOOR = 0.90


def _auroc(output: str, what: str) -> float:
    found = re.search(rf"AUROC {what}.*?:\s+([0-9.]+)", output)
    assert found, output
    return float(found.group(1))


def test_clarity_ranks_certain_above_hedged_on_held_out_news() -> None:
    result = CliRunner().invoke(eval_command, [str(FRESH), "--task", "clarity"])
    assert result.exit_code == 0, result.output
    clarity = _auroc(result.output, "clarity")
    flag = _auroc(result.output, "not hedged")
    assert clarity >= CLARITY_FLOOR, result.output
    assert clarity >= flag, result.output
