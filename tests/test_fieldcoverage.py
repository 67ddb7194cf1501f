"""The field-coverage step: per parsed article, which of title, date, body and
thumbnail are missing, as stats the monitors and runs.jsonl read."""

from __future__ import annotations

from newsbot.extensions.report import summarize_stats
from newsbot.fieldcoverage import FieldCoveragePipeline
from newsbot.items import Article
from tests.conftest import make_crawler


def test_counts_missing_fields_and_passes_items_on():
    crawler = make_crawler()
    step = FieldCoveragePipeline.from_crawler(crawler)
    full = Article(id="1", title="t", date="2026-12-01 10:00:00", body_html="<p>x</p>",
                   thumbnail="https://e/i.jpg")  # fmt: skip
    no_date = Article(id="2", title="t", date=" ", body="text")
    as_dict = {"id": "3", "title": "", "date": "2026-12-01", "body": "", "body_html": ""}
    for item in (full, no_date, as_dict):
        assert step.process_item(item) is item

    stats = crawler.stats.get_stats()
    assert stats["newsbot/fields/items"] == 3
    assert stats["newsbot/fields/date/missing"] == 1
    assert stats["newsbot/fields/title/missing"] == 1
    assert stats["newsbot/fields/body/missing"] == 1
    assert stats["newsbot/fields/thumbnail/missing"] == 2


def test_run_report_carries_the_coverage_numbers():
    report = summarize_stats(
        {"newsbot/fields/items": 4, "newsbot/fields/date/missing": 4,
         "newsbot/monitors/failed/Date coverage": "date in 0% of 4 articles"}
    )  # fmt: skip
    assert report["parsed"] == 4
    assert report["missing"] == {"date": 4}
    assert report["monitors_failed"] == {"Date coverage": "date in 0% of 4 articles"}


def test_the_step_runs_before_validation_in_the_project_settings():
    from newsbot import settings

    pipelines = settings.ITEM_PIPELINES
    assert pipelines["newsbot.fieldcoverage.FieldCoveragePipeline"] < min(
        v for k, v in pipelines.items() if "fieldcoverage" not in k
    )
