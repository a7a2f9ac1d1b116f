"""`curatorbot pr` against the stateful fake GitHub: every scenario of the one pull request."""

from __future__ import annotations

from tests.fakes.github_api import FakeGitHub, Repo
from tests.integration.publish.conftest import CATALOG, TOKEN, Bot, changes, updated_catalog

BRANCH = "heads/curatorbot/update"


def open_pulls(repo: Repo) -> list[int]:
    return [t.number for t in repo.pulls("open")]


def test_first_run_creates_branch_commit_labels_and_pull(bot: Bot, repo: Repo) -> None:
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 0, result.output
    assert "pull request #1: created" in result.output
    [pull] = repo.pulls("open")
    assert pull.base == "main" and pull.head == "curatorbot/update"
    assert pull.labels == ["curatorbot"]
    assert pull.title == "curatorbot: catalog update (1 redirect, 1 renamed repository)"
    assert "### Redirects applied (1)" in (pull.body or "")
    assert "### Repositories renamed (1)" in (pull.body or "")
    assert "`https://example.org/book-v1`" in (pull.body or "")
    assert "ignore: true" in (pull.body or "")
    # The branch is one bot commit on top of main with exactly the updated file.
    head = repo.commits[repo.refs[BRANCH]]
    assert head.parents == [repo.refs["heads/main"]]
    assert "Generated-by: curatorbot" in head.message
    assert repo.file_text("curatorbot/update", "catalog.yaml") == updated_catalog()
    assert repo.file_text("main", "catalog.yaml") == CATALOG


def test_second_identical_run_writes_nothing(bot: Bot, repo: Repo,
                                             fake_github: FakeGitHub) -> None:
    assert bot.pr(updated_catalog(), changes()).exit_code == 0
    mark = fake_github.mark()
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 0, result.output
    assert "pull request #1: unchanged" in result.output
    assert fake_github.writes(mark) == []
    assert len(fake_github.log) > mark  # it did look


def test_new_changes_update_the_same_pull_in_place(bot: Bot, repo: Repo,
                                                   fake_github: FakeGitHub) -> None:
    assert bot.pr(updated_catalog(1), changes(1)).exit_code == 0
    first_head = repo.refs[BRANCH]
    result = bot.pr(updated_catalog(2), changes(2))
    assert result.exit_code == 0, result.output
    assert "pull request #1: updated" in result.output
    assert open_pulls(repo) == [1]
    pull = repo.threads[1]
    assert "book-v2" in (pull.body or "") and "book-v1" not in (pull.body or "")
    assert repo.refs[BRANCH] != first_head
    assert repo.commits[repo.refs[BRANCH]].parents == [repo.refs["heads/main"]]
    assert repo.file_text("curatorbot/update", "catalog.yaml") == updated_catalog(2)


def test_branch_is_rebuilt_when_the_default_branch_moves(bot: Bot, repo: Repo) -> None:
    assert bot.pr(updated_catalog(), changes()).exit_code == 0
    new_main = repo.commit_files("main", {"README.md": "# moved on\n"}, "docs")
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 0, result.output
    assert "pull request #1: updated" in result.output
    head = repo.commits[repo.refs[BRANCH]]
    assert head.parents == [new_main]
    assert repo.file_text("curatorbot/update", "README.md") == "# moved on\n"
    assert open_pulls(repo) == [1]


def test_clean_run_closes_the_pull_with_a_comment_and_deletes_the_branch(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    assert bot.pr(updated_catalog(), changes()).exit_code == 0
    repo.commit_files("main", {"catalog.yaml": updated_catalog()}, "Merge the update")
    result = bot.pr(updated_catalog(), [])
    assert result.exit_code == 0, result.output
    assert "pull request #1: closed" in result.output
    pull = repo.threads[1]
    assert pull.state == "closed"
    assert len(pull.comments) == 1 and "closes it" in pull.comments[0][2]
    assert BRANCH not in repo.refs
    # And then there is nothing to do, and nothing is written.
    mark = fake_github.mark()
    again = bot.pr(updated_catalog(), [])
    assert "pull request: nothing" in again.output
    assert fake_github.writes(mark) == []


def test_nothing_to_propose_writes_nothing(bot: Bot, repo: Repo,
                                           fake_github: FakeGitHub) -> None:
    result = bot.pr(CATALOG, [])
    assert result.exit_code == 0, result.output
    assert "pull request: nothing" in result.output
    assert fake_github.writes() == []


def test_a_human_commit_on_the_branch_is_respected(bot: Bot, repo: Repo,
                                                   fake_github: FakeGitHub) -> None:
    assert bot.pr(updated_catalog(1), changes(1)).exit_code == 0
    human = repo.commit_files("curatorbot/update", {"catalog.yaml": "# fixed by hand\n"
                                                    + updated_catalog(1)}, "Fix by hand")
    result = bot.pr(updated_catalog(2), changes(2))
    assert result.exit_code == 0, result.output
    assert "pull request #1: held" in result.output
    assert repo.refs[BRANCH] == human  # not overwritten
    pull = repo.threads[1]
    assert "book-v1" in (pull.body or "")  # not rewritten either
    assert len(pull.comments) == 1 and "did not make" in pull.comments[0][2]
    # A rerun says the same and does not comment twice.
    mark = fake_github.mark()
    assert "held" in bot.pr(updated_catalog(2), changes(2)).output
    assert fake_github.writes(mark) == []


def test_a_502_answered_on_a_get_is_retried_within_the_run(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    fake_github.inject("GET", r"/pulls$", 502, times=2)
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 0, result.output
    assert open_pulls(repo) == [1]
    assert [r.status for r in fake_github.log if r.path.endswith("/pulls")
            and r.method == "GET"] == [502, 502, 200]


def test_a_502_after_github_created_the_pull_then_a_rerun_converges(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    # GitHub creates the pull request, then answers 502: creating calls are not retried.
    fake_github.inject("POST", r"/pulls$", 502, after=True)
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 4
    assert "opening the pull request failed: HTTP 502" in result.output
    assert "Traceback" not in result.output
    rerun = bot.pr(updated_catalog(), changes())
    assert rerun.exit_code == 0, rerun.output
    assert open_pulls(repo) == [1]
    assert repo.threads[1].labels == ["curatorbot"]
    assert len(repo.threads) == 1


def test_a_rate_limit_mid_run_is_waited_out(bot: Bot, repo: Repo,
                                            fake_github: FakeGitHub) -> None:
    fake_github.inject_rate_limit("POST", r"/git/commits$")
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 0, result.output
    assert [r.status for r in fake_github.log if r.path.endswith("/git/commits")] == [403, 201]
    assert open_pulls(repo) == [1]


def test_a_rate_limit_that_does_not_clear_fails_clearly_and_a_rerun_converges(
        bot: Bot, repo: Repo, fake_github: FakeGitHub) -> None:
    fake_github.inject_rate_limit("POST", r"/git/refs$", times=10)
    result = bot.pr(updated_catalog(), changes())
    assert result.exit_code == 4
    assert "rate limit" in result.output and "run again later" in result.output
    assert open_pulls(repo) == []
    fake_github.faults.clear()
    rerun = bot.pr(updated_catalog(), changes())
    assert rerun.exit_code == 0, rerun.output
    assert open_pulls(repo) == [1]
    assert repo.file_text("curatorbot/update", "catalog.yaml") == updated_catalog()


def test_pr_and_issue_never_print_the_token(bot: Bot, repo: Repo,
                                            fake_github: FakeGitHub) -> None:
    fake_github.inject("GET", r"/labels$", 500, times=10)
    failed = bot.pr(updated_catalog(), changes())
    assert failed.exit_code == 4 and "HTTP 500" in failed.output
    outputs = [failed.output, bot.pr(updated_catalog(), changes(), "--dry-run").output]
    assert all(TOKEN not in out for out in outputs)
    # Every request carried the token, and only to this server (the only one there is).
    assert all(r.authorization == f"token {TOKEN}" for r in fake_github.log)


def test_dry_run_prints_exactly_the_body_that_is_then_sent(bot: Bot, repo: Repo) -> None:
    dry = bot.pr(updated_catalog(), changes(), "--dry-run", GITHUB_TOKEN=None)
    assert bot.pr(updated_catalog(), changes()).exit_code == 0
    printed_body = dry.output.split("\n\n", 1)[1]
    assert printed_body == repo.threads[1].body
