"""Publishing on GitHub: one pull request for the catalog update, one health issue.

    markdown.py      escaping of web-sourced text, code spans, tables, the size budget
    pr_body.py       the pull request's title and body, built from the plan of changes
    health.py        `HealthRow` (one failing link), read from a check report; the issue body
    github.py        the only module that talks to PyGithub: settings from the environment,
                     paced clients, retries (tenacity) and translation into `GitHubError`
    pull_request.py  keeps exactly one open pull request on the update branch
    health_issue.py  keeps exactly one open health issue, found by its label
"""
