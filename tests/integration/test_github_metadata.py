"""GitHub metadata against the loopback fake: GraphQL batches, REST fallback, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from curatorbot.github_config import GitHubConfig
from curatorbot.http.client import HttpClient
from curatorbot.http.ratelimit import Pacer
from curatorbot.metadata.base import ProposalReason
from curatorbot.metadata.github import GitHubProvider
from curatorbot.metadata.github_common import GitHubLimits
from curatorbot.metadata.github_graphql import build_query
from curatorbot.metadata.repo import RepoRef
from curatorbot.settings import Settings
from curatorbot.state import SQLiteStore
from tests.fakes.github import TOKEN, FakeGitHub, FakeRepo, serve, validate_document


def _config(fake: FakeGitHub, token: str | None = TOKEN) -> GitHubConfig:
    return GitHubConfig(token=token or "", api_url=fake.api_url, graphql_url=fake.graphql_url)


def _limits(**overrides: object) -> GitHubLimits:
    values: dict[str, object] = {"backoff": 0.0, **overrides}
    return GitHubLimits(**values)  # type: ignore[arg-type]


def recording_pacer(cap: float) -> tuple[Pacer, list[float]]:
    """A pacer that records the waits it is asked for instead of sleeping them."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return Pacer(cap=cap, sleep=sleep), slept


@pytest.fixture
async def session() -> AsyncIterator[HttpClient]:
    async with HttpClient(Settings()) as client:
        yield client


def _world() -> FakeGitHub:
    return FakeGitHub(
        repos=[
            FakeRepo("alice", "tool", stars=1234, license="Apache-2.0"),
            FakeRepo("carol", "tool-ng", default_branch="main", branches=("main",)),
            FakeRepo("dave", "books", default_branch="main", branches=("main",)),
            FakeRepo("erin", "keeps-master", default_branch="main", branches=("main", "master")),
            FakeRepo("frank", "old-lib", archived=True, default_branch="master",
                     branches=("master",)),
        ],
        renames={"bob/tool": "carol/tool-ng"},
    )


LINKS = {
    "plain": "https://github.com/alice/tool",
    "renamed": "https://github.com/bob/tool/blob/main/README.md#usage",
    "master": "https://github.com/dave/books/tree/master/notebooks/book1",
    "keeps": "https://github.com/erin/keeps-master/tree/master/docs",
    "archived": "https://github.com/frank/old-lib.git",
    "missing": "https://github.com/nobody/nothing/",
}


@pytest.mark.parametrize("token", [TOKEN, None], ids=["graphql", "rest"])
async def test_metadata_renames_branches_archived_missing(
        session: HttpClient, token: str | None) -> None:
    async with serve(_world()) as fake:
        provider = GitHubProvider(_config(fake, token), _limits())
        batch = await provider.fetch(session, [*LINKS.values(), "https://github.com/features"])

    links = batch.links
    assert set(links) == set(LINKS.values())  # github.com/features is not a repository
    plain = links[LINKS["plain"]]
    assert plain.repo is not None and plain.repo.stars == 1234
    assert plain.repo.license == "Apache-2.0" and plain.repo.pushed_at == "2024-05-01T12:00:00Z"
    assert plain.proposal is None and not plain.archived and not plain.gone

    renamed = links[LINKS["renamed"]].proposal
    assert renamed is not None and renamed.reason is ProposalReason.RENAMED
    assert renamed.new_url == "https://github.com/carol/tool-ng/blob/main/README.md#usage"

    moved = links[LINKS["master"]].proposal
    assert moved is not None and moved.reason is ProposalReason.DEFAULT_BRANCH
    assert moved.new_url == "https://github.com/dave/books/tree/main/notebooks/book1"

    assert links[LINKS["keeps"]].proposal is None  # master still exists there
    archived = links[LINKS["archived"]]
    assert archived.archived and archived.proposal is None
    missing = links[LINKS["missing"]]
    assert missing.gone and missing.error is None and missing.repo is None
    assert batch.notes == []
    if token:
        assert fake.requests["graphql"] == 1 and fake.requests["rest"] == 0
        assert fake.invalid_documents == []
    else:
        assert fake.requests["graphql"] == 0
        assert all(auth is None for _, auth in fake.auth_seen)  # no token, none sent


async def test_token_only_goes_to_the_graphql_endpoint(session: HttpClient) -> None:
    async with serve(_world()) as fake:
        await GitHubProvider(_config(fake), _limits()).fetch(session, [LINKS["plain"]])
    assert fake.auth_seen == [("/graphql", f"Bearer {TOKEN}")]
    assert TOKEN not in repr(_config(fake))


@pytest.mark.parametrize("size", [1, 50, 100])
def test_every_batch_document_is_valid_against_githubs_schema(size: int) -> None:
    targets = [RepoRef(f"https://github.com/owner-{i}/repo.{i}", f"owner-{i}", f"repo.{i}")
               for i in range(size)]
    document, variables = build_query(targets)
    assert validate_document(document) == []
    assert len(variables) == 2 * size and variables[f"n{size - 1}"] == f"repo.{size - 1}"
    assert validate_document(document.replace("stargazerCount", "stars")) != []


@pytest.mark.parametrize(("batch_size", "expected"), [(100, 10), (50, 20)])
async def test_a_thousand_repository_links_cost_at_most_twenty_requests(
        session: HttpClient, batch_size: int, expected: int) -> None:
    fake = FakeGitHub(repos=[FakeRepo(f"o{i}", f"r{i}", stars=i) for i in range(990)])
    # 1,000 links: 990 repositories, 5 of them linked twice more (paths inside), 5 missing.
    urls = [f"https://github.com/o{i}/r{i}" for i in range(990)]
    urls += [f"https://github.com/o{i}/r{i}/tree/main/docs" for i in range(5)]
    urls += [f"https://github.com/ghost{i}/none" for i in range(5)]
    async with serve(fake):
        provider = GitHubProvider(_config(fake), _limits(batch_size=batch_size))
        batch = await provider.fetch(session, urls)
    assert len(urls) == 1000 and len(batch.links) == 1000
    assert fake.requests["graphql"] == expected <= 20
    assert batch.requests == expected
    assert fake.invalid_documents == []
    assert batch.links["https://github.com/o989/r989"].repo.stars == 989  # type: ignore[union-attr]
    assert sum(link.gone for link in batch.links.values()) == 5
    assert all(link.known for link in batch.links.values())


async def test_a_failing_batch_is_split_and_retried(session: HttpClient) -> None:
    fake = FakeGitHub(repos=[FakeRepo("o", f"r{i}") for i in range(4)])
    fake.script.append((502, {}))
    async with serve(fake):
        batch = await GitHubProvider(_config(fake), _limits(batch_size=4, retries=0)).fetch(
            session, [f"https://github.com/o/r{i}" for i in range(4)])
    assert fake.requests["graphql"] == 3  # the 502, then two halves
    assert all(link.repo is not None for link in batch.links.values())


async def test_graphql_retry_after_is_waited_out_within_the_cap(
        session: HttpClient, caplog: pytest.LogCaptureFixture) -> None:
    fake = _world()
    fake.script.append((429, {"Retry-After": "1"}))
    pacer, slept = recording_pacer(cap=5.0)
    async with serve(fake):
        batch = await GitHubProvider(_config(fake), _limits(), pacer=pacer).fetch(
            session, [LINKS["plain"]])
    assert slept == [1.0] and pacer.waited == 1.0
    assert batch.links[LINKS["plain"]].repo is not None
    assert fake.requests["graphql"] == 2
    assert "waiting 1.0 s" in caplog.text  # never a silent sleep


async def test_graphql_retry_after_beyond_the_cap_stops_and_reports(
        session: HttpClient) -> None:
    fake = _world()
    fake.script.append((403, {"Retry-After": "3600"}))
    pacer = Pacer(cap=2.0)
    async with serve(fake):
        batch = await GitHubProvider(_config(fake), _limits(), pacer=pacer).fetch(
            session, [LINKS["plain"], LINKS["master"]])
    assert pacer.waited == 0.0
    assert fake.requests["graphql"] == 1
    assert all(not link.known for link in batch.links.values())
    assert len(batch.notes) == 1 and "rate limit" in batch.notes[0]
    assert "2 repositories not checked" in batch.notes[0]


async def test_bad_token_stops_with_a_clear_note(session: HttpClient) -> None:
    async with serve(_world()) as fake:
        batch = await GitHubProvider(_config(fake, token="wrong"), _limits()).fetch(
            session, [LINKS["plain"]])
    assert "401" in batch.notes[0] and "wrong" not in batch.notes[0]
    assert batch.links[LINKS["plain"]].error is not None


async def test_rest_etags_make_the_second_run_free(
        session: HttpClient, tmp_path: Path) -> None:
    urls = [LINKS["plain"], LINKS["archived"], LINKS["master"]]
    with SQLiteStore(tmp_path / "state.sqlite") as store:
        async with serve(_world()) as fake:
            first = await GitHubProvider(_config(fake, None), _limits(), etags=store).fetch(
                session, urls)
            used = fake.rest_limit - fake.rest_remaining
            second = await GitHubProvider(_config(fake, None), _limits(), etags=store).fetch(
                session, urls)
        assert store.get_etag(f"{fake.api_url}/repos/alice/tool") is not None
    assert used == 4  # three repositories and dave/books' master branch
    # The 304s cost nothing; only the branch check's 404 (no ETag to send) costs again.
    assert fake.rest_limit - fake.rest_remaining == used + 1
    assert fake.requests["rest_304"] == 3  # repositories; the branch 404 has no ETag
    assert first.links == second.links


async def test_rest_rate_limit_exhaustion_stops_and_keeps_results(
        session: HttpClient) -> None:
    fake = FakeGitHub(repos=[FakeRepo("o", f"r{i}") for i in range(10)], rest_limit=4)
    urls = [f"https://github.com/o/r{i}" for i in range(10)]
    pacer = Pacer(cap=1.0)
    async with serve(fake):
        batch = await GitHubProvider(_config(fake, None), _limits(rest_concurrency=1),
                                     pacer=pacer).fetch(session, urls)
    found = [u for u, link in batch.links.items() if link.repo is not None]
    assert found == urls[:4]  # everything gathered before the limit is kept
    assert all("rate limit exhausted" in (batch.links[u].error or "") for u in urls[4:])
    assert fake.requests["rest"] == 4  # no request was wasted on a known-empty window
    assert len(batch.notes) == 1 and "6 repositories not checked" in batch.notes[0]
    assert "GITHUB_TOKEN" in batch.notes[0]
    assert pacer.waited == 0.0


async def test_rest_403_rate_limit_mid_run_is_waited_out_when_short(
        session: HttpClient) -> None:
    fake = FakeGitHub(repos=[FakeRepo("o", f"r{i}") for i in range(3)])
    fake.script.append((403, {"X-RateLimit-Remaining": "0", "Retry-After": "1"}))
    pacer, slept = recording_pacer(cap=5.0)
    async with serve(fake):
        batch = await GitHubProvider(_config(fake, None), _limits(rest_concurrency=1),
                                     pacer=pacer).fetch(
            session, [f"https://github.com/o/r{i}" for i in range(3)])
    assert slept == [1.0] and pacer.waited == 1.0
    assert all(link.repo is not None for link in batch.links.values())
    assert batch.notes == []


GARBLED = {
    "malformed-json": '{"data": {"r0": {"nameWithOwner": "alice/tool",,',
    "html-with-200": "<!DOCTYPE html><html><body>" + "<p>proxy error</p>" * 100 + "</body>",
    "data-not-an-object": '{"data": [1, 2, 3]}',
    "errors-not-a-list": '{"errors": "boom"}',
    "no-data-no-errors": '{"message": "hello"}',
}


@pytest.mark.parametrize("kind", list(GARBLED))
async def test_graphql_unusable_answers_become_a_note_not_a_crash(
        kind: str, session: HttpClient) -> None:
    fake = _world()
    fake.script_body(GARBLED[kind], times=10)
    async with serve(fake):
        batch = await GitHubProvider(_config(fake), _limits(retries=2)).fetch(
            session, [LINKS["plain"], LINKS["master"]])
    assert fake.requests["graphql"] == 3  # retried like a 5xx, not split into halves
    assert all(not link.known for link in batch.links.values())
    assert len(batch.notes) == 1 and "unusable answer" in batch.notes[0]
    assert "proxy error" not in batch.notes[0] and TOKEN not in batch.notes[0]


async def test_graphql_transient_unusable_answer_is_retried(
        session: HttpClient) -> None:
    fake = _world()
    fake.script_body(GARBLED["html-with-200"], times=2, content_type="text/html")
    async with serve(fake):
        batch = await GitHubProvider(_config(fake), _limits(retries=2)).fetch(
            session, [LINKS["plain"]])
    assert batch.links[LINKS["plain"]].repo is not None and batch.notes == []
    assert fake.requests["graphql"] == 3


async def test_graphql_repository_nodes_of_the_wrong_shape_fail_alone(
        session: HttpClient) -> None:
    fake = _world()
    fake.script_body('{"data": {"r0": "x", "r1": {"nameWithOwner": "dave/books", '
                     '"defaultBranchRef": "main"}, "r2": {"nameWithOwner": "erin/keeps-master",'
                     ' "stargazerCount": 3}}, "errors": [{"path": 7, "message": "odd"}]}')
    links = [LINKS["plain"], LINKS["master"], LINKS["keeps"]]
    async with serve(fake):
        batch = await GitHubProvider(_config(fake), _limits()).fetch(session, links)
    assert "malformed GraphQL answer" in (batch.links[LINKS["plain"]].error or "")
    assert "malformed GraphQL answer" in (batch.links[LINKS["master"]].error or "")
    keeps = batch.links[LINKS["keeps"]].repo
    assert keeps is not None and keeps.stars == 3  # the well-formed one is kept


@pytest.mark.parametrize("kind", ["malformed-json", "html-with-200"])
async def test_rest_unusable_answers_are_retried_never_cached_and_noted_per_repository(
        kind: str, session: HttpClient, tmp_path: Path) -> None:
    body = GARBLED[kind]
    fake = _world()
    fake.script_body(body, times=3)
    with SQLiteStore(tmp_path / "state.sqlite") as store:
        async with serve(fake):
            batch = await GitHubProvider(_config(fake, None), _limits(retries=2),
                                         etags=store).fetch(session, [LINKS["plain"]])
            assert "unusable answer" in (batch.links[LINKS["plain"]].error or "")
            assert store.get_etag(f"{fake.api_url}/repos/alice/tool") is None
            fake.script_body(body, times=1)
            again = await GitHubProvider(_config(fake, None), _limits(retries=2),
                                         etags=store).fetch(session, [LINKS["plain"]])
    assert again.links[LINKS["plain"]].repo is not None  # retried within the run
    assert fake.requests["rest"] == 5


async def test_rest_repository_of_the_wrong_shape_is_failed_not_a_crash(
        session: HttpClient) -> None:
    fake = _world()
    fake.script_body('{"full_name": "alice/tool", "license": "MIT"}')
    fake.script_body('[1, 2]')
    async with serve(fake):
        batch = await GitHubProvider(_config(fake, None), _limits(rest_concurrency=1)).fetch(
            session, [LINKS["plain"], LINKS["archived"], LINKS["master"]])
    errors = [batch.links[u].error or "" for u in (LINKS["plain"], LINKS["archived"])]
    assert all("malformed GitHub REST answer" in e for e in errors), errors
    assert batch.links[LINKS["master"]].proposal is not None  # the third one went on
