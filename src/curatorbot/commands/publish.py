"""`curatorbot pr` and `curatorbot issue`: publish the update and the health report on GitHub.

`pr` takes the catalog as `update` wrote it plus the plan file (`update --plan-out`), and
keeps one pull request for it (with the README re-rendered from the catalog in the same
commit when the catalog's `readme` setting or `--readme` names one); `issue` takes a JSON
check report and keeps one health issue.
Both read GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL (their `--help` lists every
variable and exit code: `PUBLISH_EPILOG`); `--dry-run` prints exactly what
would be sent and needs no token. Both print one outcome line (created, updated, reopened,
unchanged, closed, held, nothing) and append it to GITHUB_STEP_SUMMARY when that is set.
A report of a run without network (nothing was verified) makes `issue` leave the issue
alone ("nothing", with the reason on stderr) instead of rewriting it.
A GitHub API failure exits 4; a rerun converges to the same single pull request and issue.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

import click

from curatorbot.catalog import parse_catalog
from curatorbot.catalog.load import read_text
from curatorbot.catalog.readme import Readme
from curatorbot.catalog.render import render_markdown
from curatorbot.commands.common import within
from curatorbot.errors import UsageError
from curatorbot.files import append_step_summary
from curatorbot.github_config import GitHubConfig
from curatorbot.jsonfile import read_json
from curatorbot.plan import Change, plan_from_data
from curatorbot.publish.health import issue_body, issue_title, load_report
from curatorbot.publish.health_issue import KIND as ISSUE_KIND
from curatorbot.publish.health_issue import HealthIssueSpec, sync_health_issue
from curatorbot.publish.outcome import Outcome
from curatorbot.publish.pr_body import pr_body, pr_title
from curatorbot.publish.pull_request import PullRequestSpec, commit_message, sync_pull_request
from curatorbot.settings import HOUR, Limit, Settings

if TYPE_CHECKING:
    from curatorbot.publish.github import GitHubRepo

F = TypeVar("F", bound=Callable[..., Any])

HEALTH_LABEL = "curatorbot-health"

# The end of `pr --help` and `issue --help`: what they read and how they end.
PUBLISH_EPILOG = """\b
Environment:
  GITHUB_TOKEN               token with contents, pull-requests and issues: write
                             (not needed with --dry-run); sent to GITHUB_API_URL only
  GITHUB_REPOSITORY          OWNER/NAME of the repository to publish to
  GITHUB_API_URL             GitHub's REST API (default https://api.github.com;
                             GitHub Enterprise: https://HOST/api/v3)
  GITHUB_STEP_SUMMARY        when set, the outcome is appended to this file
  CURATORBOT_WRITE_INTERVAL  default of --write-interval
  CURATORBOT_MAX_WAIT        default of --max-wait
  CURATORBOT_DEBUG=1         show the traceback of an unexpected error

\b
Exit codes:
  0    published (or nothing to do); the outcome line is on stdout
  1    unexpected error
  3    invalid catalog, plan, report, settings or arguments; GITHUB_TOKEN or
       GITHUB_REPOSITORY missing or unusable
  4    GitHub API failure after retries (errors, rate limits, unusable answers)
  130  interrupted (Ctrl-C)
"""


# The ranges of the pacing options (finite: an infinite interval or wait would hang the run).
_WRITE_INTERVAL = Limit(0, HOUR, "seconds")
_MAX_WAIT = Limit(0, 6 * HOUR, "seconds")
_BACKOFF = Limit(0, 60, "seconds")
# The variables behind those options: the `Pacing` field each sets, and its range (read by
# `update --history-branch` too, which has no such options).
PACING_ENV = {"CURATORBOT_WRITE_INTERVAL": ("seconds_between_writes", _WRITE_INTERVAL),
              "CURATORBOT_MAX_WAIT": ("max_wait", _MAX_WAIT),
              "CURATORBOT_RETRY_BACKOFF": ("backoff", _BACKOFF)}


def github_options(func: F) -> F:
    """Pacing and retry options shared by `pr` and `issue` (each also read from the env)."""
    options = [
        click.option("--dry-run", is_flag=True,
                     help="Print what would be sent to GitHub; send nothing, need no token."),
        click.option("--write-interval", type=click.FLOAT, default=1.0,
                     show_default=True, envvar="CURATORBOT_WRITE_INTERVAL",
                     callback=within(_WRITE_INTERVAL),
                     help="Seconds between write requests (GitHub's secondary rate limits; "
                          f"{_WRITE_INTERVAL.describe()})."),
        click.option("--max-wait", type=click.FLOAT, default=300.0,
                     show_default=True, envvar="CURATORBOT_MAX_WAIT",
                     callback=within(_MAX_WAIT),
                     help="Most seconds a run spends waiting to retry 5xx and rate limits "
                          f"({_MAX_WAIT.describe()})."),
        click.option("--backoff", type=click.FLOAT, default=2.0, hidden=True,
                     callback=within(_BACKOFF), envvar="CURATORBOT_RETRY_BACKOFF"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _connect(write_interval: float, max_wait: float, backoff: float) -> GitHubRepo:
    # PyGithub costs ~170 ms to import: only a run that talks to GitHub pays for it.
    from curatorbot.publish.github import GitHubRepo, Pacing

    config = GitHubConfig.from_env(os.environ, need_token=True)
    return GitHubRepo(config, Pacing(seconds_between_writes=write_interval, max_wait=max_wait,
                                     backoff=backoff))


def _report(outcome: Outcome, title: str = "", body: str = "") -> None:
    """The outcome line on stdout; in GitHub Actions also the text in the job summary."""
    click.echo(str(outcome))
    append_step_summary(f"## curatorbot {outcome}\n"
                        + (f"\n**{title}**\n\n{body}\n" if title else ""))


def _dry_run(command: str, fields: Sequence[tuple[str, str]], body: str) -> None:
    click.echo(f"# curatorbot {command} --dry-run: nothing was sent")
    for name, value in fields:
        click.echo(f"{name}: {value}")
    click.echo("")
    click.echo(body, nl=False)


def _publish(command: str, fields: Sequence[tuple[str, str]], title: str, body: str,
             sync: Callable[[GitHubRepo], Outcome], *, dry_run: bool, write_interval: float,
             max_wait: float, backoff: float) -> None:
    """The end of `pr` and `issue`: print what would be sent (`fields` after the repository,
    then `body`), or connect, `sync` and report the outcome."""
    if dry_run:
        _dry_run(command, [("repository", os.environ.get("GITHUB_REPOSITORY") or "(unset)"),
                           *fields], body)
        return
    gh = _connect(write_interval, max_wait, backoff)
    try:
        _report(sync(gh), title, body)
    finally:
        gh.close()


def _repo_path(local: Path, given: str | None, option: str = "--path-in-repo") -> str:
    """A file's path inside the repository, with forward slashes: `given`, else `local`
    relative to the working directory (the repository's root)."""
    if given:
        path = PurePosixPath(given)
    else:
        try:
            path = PurePosixPath(local.resolve().relative_to(Path.cwd().resolve()).as_posix())
        except ValueError:
            raise UsageError(f"{local} is outside the working directory; run from the "
                             f"repository's root or give {option}") from None
    if path.is_absolute() or ".." in path.parts or not path.name:
        raise UsageError(f"{option} {given!r} must be a relative path inside the repository")
    return str(path)


def _readme_file(catalog: Path, catalog_in_repo: str, readme: Path | None,
                 setting: str) -> tuple[Path, str] | None:
    """The README to render into (local path, path in the repository): `--readme` (relative
    to the working directory), else the catalog's `readme` setting (relative to the
    catalog), else none."""
    if readme is not None:
        local, in_repo = readme, _repo_path(readme, None, "--readme")
    elif setting:
        local = catalog.parent / setting
        in_repo = posixpath.normpath(posixpath.join(posixpath.dirname(catalog_in_repo),
                                                    setting))
        if in_repo == ".." or in_repo.startswith("../"):
            raise UsageError(f"readme: {setting!r} leads outside the repository from "
                             f"{catalog_in_repo}; give a path relative to the catalog inside it")
    else:
        return None
    if in_repo == catalog_in_repo:
        raise UsageError(f"the README to render into is the catalog itself ({in_repo}); "
                         "name the README in the `readme` setting or --readme")
    return local, in_repo


def _read_plan(path: Path | None) -> list[Change]:
    if path is None:
        return []
    data = read_json(path, "plan", "curatorbot update --plan-out PATH")
    try:
        return plan_from_data(data)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}; it should be what `update --plan-out` wrote") from None


@click.command(epilog=PUBLISH_EPILOG)
@click.option("--catalog", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("catalog.yaml"), show_default=True,
              help="The catalog as `update` wrote it.")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The plan of changes written by `curatorbot update --plan-out PATH`.")
@click.option("--path-in-repo", help="The catalog's path in the repository "
              "(default: --catalog, relative to the working directory).")
@click.option("--readme", type=click.Path(dir_okay=False, path_type=Path),
              help="A README with curatorbot's markers to re-render from the catalog and "
              "commit with it (default: the catalog's `readme` setting).")
@click.option("--branch", help="Branch of the pull request (default: the catalog's "
              "`branch` setting, curatorbot/update).")
@click.option("--label", "labels", multiple=True,
              help="Label of the pull request, repeatable (default: the `labels` setting).")
@github_options
def pr(catalog: Path, plan_path: Path | None, path_in_repo: str | None, readme: Path | None,
       branch: str | None, labels: tuple[str, ...], dry_run: bool, write_interval: float,
       max_wait: float, backoff: float) -> None:
    """Keep one pull request with the catalog update on its branch.

    The branch is rebuilt from the default branch and force-updated; the pull request is
    closed (and the branch deleted) once the default branch has the update, and left alone
    with a comment when a person pushed to its branch (outcome "held"). With a README
    (`--readme` or the `readme` setting), the same commit re-renders it between its markers.
    """
    text = read_text(catalog)
    loaded = parse_catalog(text, str(catalog))
    settings = Settings().merged(loaded.settings)
    changes = _read_plan(plan_path)
    path = _repo_path(catalog, path_in_repo)
    files = {path: text}
    fields = [("file", path)]
    readme_file = _readme_file(catalog, path, readme, settings.readme)
    if readme_file is not None:
        local, in_repo = readme_file
        files[in_repo] = Readme.read(local).with_page(render_markdown(loaded))
        fields.append(("readme", in_repo))
    branch = branch or settings.branch
    labels = labels or settings.labels
    readme_in_repo = readme_file[1] if readme_file else ""
    title = pr_title(changes, readme_in_repo)
    body = pr_body(changes, path, readme=readme_in_repo)
    spec = PullRequestSpec(files=files, title=title, body=body, branch=branch,
                           labels=tuple(labels), commit_message=commit_message(title))
    _publish("pr", [*fields, ("branch", branch), ("labels", ", ".join(labels)),
                    ("title", title)], spec.title, spec.body,
             lambda gh: sync_pull_request(gh, spec),
             dry_run=dry_run, write_interval=write_interval, max_wait=max_wait, backoff=backoff)


@click.command(epilog=PUBLISH_EPILOG)
@click.option("--report", "report_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="JSON check report (`check --format json --output FILE`).")
@click.option("--health-label", default=HEALTH_LABEL, show_default=True,
              help="The label that finds the one health issue.")
@click.option("--label", "labels", multiple=True, default=Settings().labels,
              show_default=True, help="More labels for the issue, repeatable.")
@github_options
def issue(report_path: Path, health_label: str, labels: tuple[str, ...], dry_run: bool,
          write_interval: float, max_wait: float, backoff: float) -> None:
    """Keep one health issue listing dead, erroring, timing-out and blocked links.

    Updated in place, closed with a comment when all links are healthy, reopened when
    problems return. The issue is found by its label, never by search. A host that did not
    answer at all is named once, not its links one by one; a report of a run without
    network leaves the issue as it is.
    """
    report = load_report(report_path)
    if report.network_down:
        click.echo(f"curatorbot: {report_path} is from a run without network: nothing was "
                   "verified, so the health issue is left as it is", err=True)
        outcome = Outcome(ISSUE_KIND, "nothing", detail="no network: nothing was verified")
        if dry_run:
            click.echo(str(outcome))  # a dry run writes no job summary
        else:
            _report(outcome)
        return
    today = dt.datetime.now(dt.UTC).date()
    spec = HealthIssueSpec(title=issue_title(report.rows, report.outages),
                           body=issue_body(report.rows, today, outages=report.outages,
                                           history=report.history),
                           label=health_label,
                           labels=tuple(dict.fromkeys((health_label, *labels))),
                           problems=report.problems)
    state = "open" if spec.problems else "closed (all links healthy)"
    _publish("issue", [("labels", ", ".join(spec.labels)), ("state", state),
                       ("title", spec.title)], spec.title, spec.body,
             lambda gh: sync_health_issue(gh, spec),
             dry_run=dry_run, write_interval=write_interval, max_wait=max_wait, backoff=backoff)
