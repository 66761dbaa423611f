"""The ranked candidate list: filters, sorting, search, pagination, isolation, bulk stage."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from screening.db import db
from screening.models.candidate import Candidate, StageChange
from tests import factories
from tests.conftest import csrf_token, login
from tests.integration.recruiter.conftest import scored_candidate

ROW_RE = re.compile(r'<tr data-candidate-id="(\d+)">')


def listed(client: FlaskClient, query: str = "") -> list[int]:
    """Candidate ids of the list page, in the order shown."""
    response = client.get(f"/recruiter/candidates{query}")
    assert response.status_code == 200, response.text
    return [int(i) for i in ROW_RE.findall(response.text)]


@dataclass
class World:
    email: str
    viewer: str
    job1: int
    job2: int
    foreign_job: int
    ids: dict[str, int]


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        org, other = factories.org(), factories.org()
        user = factories.user(org)
        viewer = factories.user(org, role="viewer")
        job1, job2 = factories.job(org, "Inbound"), factories.job(org, "Chat")
        foreign = factories.job(other, "Foreign")
        ids = {
            "ann": scored_candidate(job1, "Ann Able", email="ann@example.com", composite=91.5,
                                    sections={"typing": 80, "grammar": 95, "math": 70,
                                              "voice": None},
                                    state="TX", stage="scored", recommendation="advance",
                                    checks={"criminal": "complete"}, applied_days=1).id,
            "bob": scored_candidate(job1, "Bob Baker", email="bob@example.com", composite=62.0,
                                    sections={"typing": 95, "grammar": 40},
                                    state="CA", stage="interview", recommendation="review",
                                    flagged=True,
                                    checks={"criminal": "pending", "credit": "not_started"},
                                    applied_days=3).id,
            "cid": scored_candidate(job2, "Cid Carter", email="CID@Example.org", composite=75.0,
                                    sections={"typing": 60, "grammar": 75, "math": 90},
                                    state="TX", stage="scored", recommendation="advance",
                                    applied_days=2).id,
            "dee": scored_candidate(job2, "Dee Dunn", email="dee@example.com",
                                    state="FL", checks={"criminal": "not_started"},
                                    applied_days=4).id,
            "foreign": scored_candidate(foreign, "Ann Foreign", email="ann.f@example.com",
                                        composite=99.0, sections={"typing": 99},
                                        state="TX", recommendation="advance").id,
        }
        return World(user.email, viewer.email, job1.id, job2.id, foreign.id, ids)


def names(world: World, ids: list[int]) -> list[str]:
    reverse = {v: k for k, v in world.ids.items()}
    return [reverse[i] for i in ids]


def test_default_order_is_composite_desc_unscored_last_and_own_org_only(
        world: World, client: FlaskClient) -> None:
    login(client, world.email)
    assert names(world, listed(client)) == ["ann", "cid", "bob", "dee"]
    assert names(world, listed(client, "?dir=asc")) == ["bob", "cid", "ann", "dee"]


def test_sort_by_section_and_applied_date(world: World, client: FlaskClient) -> None:
    login(client, world.email)
    # typing: bob 95, ann 80, cid 60, dee none (last in both directions)
    assert names(world, listed(client, "?sort=typing")) == ["bob", "ann", "cid", "dee"]
    assert names(world, listed(client, "?sort=typing&dir=asc")) == ["cid", "ann", "bob", "dee"]
    # math: cid 90, ann 70; bob and dee have none (ties broken by id, same direction)
    assert names(world, listed(client, "?sort=math")) == ["cid", "ann", "dee", "bob"]
    # voice is pending for ann, missing for everyone else
    assert names(world, listed(client, "?sort=voice&dir=asc")) == ["ann", "bob", "cid", "dee"]
    assert names(world, listed(client, "?sort=applied")) == ["dee", "bob", "cid", "ann"]
    assert names(world, listed(client, "?sort=applied&dir=asc")) == ["ann", "cid", "bob", "dee"]


FILTER_CASES = [
    ("?job={job1}", ["ann", "bob"]),
    ("?job={job2}", ["cid", "dee"]),
    ("?stage=scored", ["ann", "cid"]),
    ("?stage=interview", ["bob"]),
    ("?state=tx", ["ann", "cid"]),
    ("?state=FL", ["dee"]),
    ("?bg=complete", ["ann"]),
    ("?bg=pending", ["bob"]),
    ("?bg=not_started", ["cid", "dee"]),  # none, or none started (bob has one pending)
    ("?recommendation=advance", ["ann", "cid"]),
    ("?recommendation=review", ["bob"]),
    ("?flagged=yes", ["bob"]),
    ("?flagged=no", ["ann", "cid", "dee"]),
    ("?q=ANN", ["ann"]),
    ("?q=example.org", ["cid"]),
    ("?q=%25", []),
    ("?q=bAK", ["bob"]),
    ("?job={job1}&stage=scored&state=TX&recommendation=advance", ["ann"]),
    ("?recommendation=advance&sort=typing&dir=asc", ["cid", "ann"]),
]


def test_filters(world: World, client: FlaskClient) -> None:
    login(client, world.email)
    for query, expected in FILTER_CASES:
        q = query.format(job1=world.job1, job2=world.job2)
        assert names(world, listed(client, q)) == expected, query


def test_bad_filters_are_400_and_foreign_job_is_404(world: World, client: FlaskClient) -> None:
    login(client, world.email)
    for query in ("?stage=lunch", "?sort=height", "?dir=up", "?flagged=maybe", "?state=Texas",
                  "?bg=done", "?page=0", "?job=abc"):
        response = client.get(f"/recruiter/candidates{query}")
        assert response.status_code == 400, query
    assert client.get(f"/recruiter/candidates?job={world.foreign_job}").status_code == 404
    assert client.get(f"/recruiter/candidates.csv?job={world.foreign_job}").status_code == 404


def test_unscored_sections_show_not_available_never_zero(world: World,
                                                          client: FlaskClient) -> None:
    login(client, world.email)
    html = client.get("/recruiter/candidates?q=dee").text
    row = html[html.index(f'data-candidate-id="{world.ids["dee"]}"'):]
    row = row[:row.index("</tr>")]
    # composite + four sections are all missing for Dee
    assert row.count("not available") == 5
    assert ">0<" not in row and "0.0" not in row


def test_pagination_50_per_page(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        org = factories.org()
        user = factories.user(org)
        job = factories.job(org)
        made = [scored_candidate(job, f"P{i:03d}", composite=float(i % 100), applied_days=i).id
                for i in range(55)]
        email = user.email
    login(client, email)
    first, second = listed(client), listed(client, "?page=2")
    assert len(first) == 50 and len(second) == 5
    assert set(first) | set(second) == set(made) and not set(first) & set(second)
    assert listed(client, "?page=3") == []
    page1 = client.get("/recruiter/candidates").text
    assert "55 candidates" in page1 and "page 1 of 2" in page1
    assert 'rel="next"' in page1


def _stages(app: Flask, ids: list[int]) -> list[str]:
    with app.app_context():
        return [db.session.get(Candidate, i).stage for i in ids]


def test_bulk_stage_change_records_who_and_when(app: Flask, world: World,
                                               client: FlaskClient) -> None:
    login(client, world.email)
    token = csrf_token(client.get("/recruiter/candidates").text)
    targets = [world.ids["ann"], world.ids["cid"], world.ids["dee"]]
    response = client.post("/recruiter/candidates/stage", data={
        "candidate_id": [str(i) for i in targets], "stage": "interview", "csrf_token": token,
        "next": "/recruiter/candidates?stage=scored"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/recruiter/candidates?stage=scored")
    assert _stages(app, targets) == ["interview"] * 3
    assert _stages(app, [world.ids["bob"]]) == ["interview"]  # untouched (already there)
    with app.app_context():
        from screening.models.org import User

        user_id = db.session.scalar(select(User.id).where(User.email == world.email))
        changes = db.session.scalars(select(StageChange).where(
            StageChange.candidate_id.in_(targets), StageChange.to_stage == "interview")).all()
        assert sorted(c.candidate_id for c in changes) == sorted(targets)
        assert {c.user_id for c in changes} == {user_id}
        assert all(c.at is not None for c in changes)


def test_bulk_stage_with_a_foreign_id_is_404_and_changes_nothing(
        app: Flask, world: World, client: FlaskClient) -> None:
    login(client, world.email)
    token = csrf_token(client.get("/recruiter/candidates").text)
    response = client.post("/recruiter/candidates/stage", data={
        "candidate_id": [str(world.ids["ann"]), str(world.ids["foreign"])],
        "stage": "rejected", "csrf_token": token})
    assert response.status_code == 404
    assert _stages(app, [world.ids["ann"], world.ids["foreign"]]) == ["scored", "applied"]


def test_viewer_cannot_bulk_change(app: Flask, world: World, client: FlaskClient) -> None:
    login(client, world.viewer)
    page = client.get("/recruiter/candidates")
    assert page.status_code == 200
    assert "Change stage" not in page.text and 'name="candidate_id"' not in page.text
    response = client.post("/recruiter/candidates/stage", data={
        "candidate_id": [str(world.ids["ann"])], "stage": "rejected",
        "csrf_token": csrf_token(page.text)})
    assert response.status_code == 403
    assert _stages(app, [world.ids["ann"]]) == ["scored"]


def test_paged_reads_match_the_single_sorted_query(app: Flask, world: World) -> None:
    """page() reads scored and unscored rows separately (index-friendly); page by page, the
    result must equal the one-query order used by the export, for every sort and direction."""
    from screening.models.org import User
    from screening.services import ranking_queries
    from screening.services.ranking_queries import SORTS, CandidateFilters

    with app.app_context():
        org_id = db.session.scalar(select(User.org_id).where(User.email == world.email))
        assert org_id is not None
        for sort in SORTS:
            for direction in ("asc", "desc"):
                for extra in ({}, {"state": "TX"}, {"bg": "not_started"}, {"q": "a"}):
                    f = CandidateFilters.from_args({"sort": sort, "dir": direction, **extra})
                    expected = [c.id for c, _ in
                                db.session.execute(ranking_queries.filtered_query(org_id, f))]
                    paged: list[int] = []
                    for number in range(1, 5):
                        result = ranking_queries.page(db.session, org_id, f, number, per_page=1)
                        assert result.total == len(expected)
                        paged += [r.candidate.id for r in result.rows]
                    assert paged == expected, (sort, direction, extra)
                    three = ranking_queries.page(db.session, org_id, f, 1, per_page=3)
                    assert [r.candidate.id for r in three.rows] == expected[:3]
