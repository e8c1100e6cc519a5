"""Drives lemon24/reader over the feed farm: bench/poll.py runs it with the reference environment's
interpreter (reader is never installed beside signalbot).

python reader_driver.py DB URLS_FILE --workers W [--add]

Prints one JSON object: start-up seconds (import and make_reader), update seconds
(``update_feeds_iter`` over every feed, schedule ignored), feeds updated, unchanged and failed, new entries.
"""

from __future__ import annotations

import argparse
import json
import time

started = time.perf_counter()

from reader import make_reader  # noqa: E402 - start-up is timed from the first line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("urls")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--add", action="store_true", help="add the feeds first (not timed)")
    args = parser.parse_args()
    reader = make_reader(args.db)
    startup = time.perf_counter() - started
    if args.add:
        with open(args.urls, encoding="utf-8") as fh:
            for url in fh.read().split():
                reader.add_feed(url, exist_ok=True)
    counts = {"updated": 0, "unchanged": 0, "failed": 0, "new_entries": 0}
    first_error = ""
    begin = time.perf_counter()
    for result in reader.update_feeds_iter(workers=args.workers, scheduled=False):
        value = result.value
        if isinstance(value, Exception):
            counts["failed"] += 1
            first_error = first_error or repr(value)
        elif value is None:
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
            counts["new_entries"] += value.new
    update = time.perf_counter() - begin
    reader.close()
    print(json.dumps({"startup_s": startup, "update_s": update, **counts, "error": first_error}))


if __name__ == "__main__":
    main()
