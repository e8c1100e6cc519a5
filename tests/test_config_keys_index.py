"""Every key of the config file (the model and the documented example) names the test that shows
it taking effect through the command line; a new key without one fails here."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel

from bot.domain.config import BotConfig, Destination

ROOT = Path(__file__).resolve().parents[1]
FEEDS = "test_config_keys_feeds"
ROUTES = "test_config_keys_routes"
DELIVERY = "test_config_keys_delivery"
CHAT = "test_config_keys_chat"
OPS = "test_config_keys_ops"
SOURCES = "test_config_keys_sources"
OPTIONS = "test_route_options"
SELECT = f"{SOURCES}.test_select_item_title_link_date_and_text_read_an_announcement_page"

KEY_TESTS = {
    "feeds.name": f"{FEEDS}.test_feed_name_and_url_select_what_is_polled_and_how_it_is_known",
    "feeds.url": f"{FEEDS}.test_feed_name_and_url_select_what_is_polled_and_how_it_is_known",
    "feeds.interval": f"{FEEDS}.test_intervals_follow_polling_interval_and_each_feeds_own_interval",
    "feeds.tags": f"{FEEDS}.test_feed_tags_are_listed_with_the_feed",
    "feeds.backlog": f"{FEEDS}.test_backlog_limits_a_new_feeds_first_poll_and_a_feed_can_override_it",
    "feeds.kind": f"{SOURCES}.test_a_feeds_kind_decides_how_its_body_is_read",
    "feeds.select.item": SELECT,
    "feeds.select.title": SELECT,
    "feeds.select.link": SELECT,
    "feeds.select.date": SELECT,
    "feeds.select.text": SELECT,
    "feeds.select.follow": f"{SOURCES}.test_select_follow_reads_each_new_items_page_unless_turned_off",
    "polling.interval": f"{FEEDS}.test_intervals_follow_polling_interval_and_each_feeds_own_interval",
    "polling.min_interval": f"{FEEDS}.test_min_and_max_interval_bound_every_feed",
    "polling.max_interval": f"{FEEDS}.test_min_and_max_interval_bound_every_feed",
    "polling.backlog": f"{FEEDS}.test_backlog_limits_a_new_feeds_first_poll_and_a_feed_can_override_it",
    "polling.max_body_bytes": f"{FEEDS}.test_max_body_bytes_refuses_a_larger_feed",
    "polling.timeout": f"{FEEDS}.test_timeout_abandons_a_feed_that_does_not_answer",
    "polling.per_host": f"{FEEDS}.test_per_host_and_concurrency_limit_requests_in_flight",
    "polling.concurrency": f"{FEEDS}.test_per_host_and_concurrency_limit_requests_in_flight",
    "polling.scoring_workers": f"{FEEDS}.test_scoring_workers_score_a_big_first_poll_in_worker_processes_alike",
    "routes.name": f"{ROUTES}.test_route_names_must_be_unique",
    "routes.to": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.topics": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.actors": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.labels": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.min_escalation": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.clarity": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.feeds": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.mention": f"{ROUTES}.test_route_filters_and_destinations",
    "routes.match": f"{OPTIONS}.test_match_keeps_only_items_whose_title_and_text_satisfy_the_expression",
    "routes.relevant_only": f"{OPTIONS}.test_a_plain_route_posts_every_new_item_escaped_folded_and_once",
    "routes.quiet_hours.start": f"{ROUTES}.test_quiet_hours_hold_alerts_in_the_routes_own_time_zone",
    "routes.quiet_hours.end": f"{ROUTES}.test_quiet_hours_hold_alerts_in_the_routes_own_time_zone",
    "routes.quiet_hours.tz": f"{ROUTES}.test_quiet_hours_hold_alerts_in_the_routes_own_time_zone",
    "routes.digest.at": f"{ROUTES}.test_digest_goes_out_at_its_local_time_covering_its_period",
    "routes.digest.tz": f"{ROUTES}.test_digest_goes_out_at_its_local_time_covering_its_period",
    "routes.digest.period": f"{ROUTES}.test_digest_goes_out_at_its_local_time_covering_its_period",
    "delivery.budget": f"{DELIVERY}.test_budget_and_window_fold_what_exceeds_the_budget",
    "delivery.window": f"{DELIVERY}.test_budget_and_window_fold_what_exceeds_the_budget",
    "delivery.remind_ahead": f"{DELIVERY}.test_remind_ahead_sets_when_a_deadline_is_announced",
    "delivery.story_window": f"{DELIVERY}.test_story_window_bounds_how_far_apart_one_storys_items_can_be",
    "chat.admins": f"{CHAT}.test_admins_admin_groups_and_command_take_effect",
    "chat.admin_groups": f"{CHAT}.test_admins_admin_groups_and_command_take_effect",
    "chat.command": f"{CHAT}.test_admins_admin_groups_and_command_take_effect",
    "ops.to": f"{OPS}.test_ops_to_and_failures_give_one_notice_after_n_failed_polls_and_one_on_recovery",
    "ops.failures": f"{OPS}.test_ops_to_and_failures_give_one_notice_after_n_failed_polls_and_one_on_recovery",
    "ops.silence": f"{OPS}.test_silence_is_the_multiple_of_a_feeds_usual_gap_that_counts_as_silent",
    "ops.min_silence": f"{OPS}.test_min_silence_is_the_shortest_silence_ever_announced",
}


def model_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Dotted paths of every key, into sections and list entries; a destination is one value."""
    keys = set()
    for name, field in model.model_fields.items():
        inner = [
            arg
            for outer in (field.annotation, *get_args(field.annotation))
            for arg in (outer, *get_args(outer))
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not Destination
        ]
        if inner:
            keys |= model_keys(inner[0], f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def yaml_keys(data: Any, prefix: str = "") -> set[str]:
    if isinstance(data, list):
        return set().union(*(yaml_keys(entry, prefix) for entry in data)) if data else set()
    if isinstance(data, dict):
        keys = set()
        for name, value in data.items():
            if isinstance(value, dict | list) and value and not _scalars(value):
                keys |= yaml_keys(value, f"{prefix}{name}.")
            else:
                keys.add(f"{prefix}{name}")
        return keys
    return set()


def _scalars(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def test_every_key_of_the_model_and_the_example_has_a_test() -> None:
    example = yaml.safe_load((ROOT / "deploy" / "signalbot.example.yaml").read_text("utf-8"))
    keys = model_keys(BotConfig) | yaml_keys(example)
    assert keys <= set(KEY_TESTS), sorted(keys - set(KEY_TESTS))
    assert set(KEY_TESTS) <= keys, "a listed key no longer exists"


def test_every_listed_test_exists() -> None:
    for key, where in KEY_TESTS.items():
        module, name = where.split(".")
        assert callable(getattr(importlib.import_module(f"tests.{module}"), name, None)), key
