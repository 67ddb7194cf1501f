"""Every declared source's fixture cases, served at the URLs their meta.json names."""

from __future__ import annotations

import re
from collections import defaultdict

from tests.support.cases import Case, all_cases, local_path
from tests.support.server import FixtureSite, Hit, Reply


def add(site: FixtureSite) -> None:
    routes: defaultdict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in all_cases():
        routes[(case.method, local_path(case.url))].append(case)
    for (method, path), cases in routes.items():
        site.add(method, re.escape(path), _answer(cases))


def _answer(cases: list[Case]):
    def answer(site: FixtureSite, match: re.Match[str], hit: Hit) -> Reply:
        query = hit.path.split("?", 1)[1] if "?" in hit.path else ""
        for case in cases:
            if case.matches(hit.method, query, hit.body, hit.headers):
                status = int(case.meta.get("status", 200))
                headers = case.meta.get("headers", {})
                return Reply(status, case.body(), case.content_type, headers=headers)
        return Reply.not_found()

    return answer
