"""The fake GitHub's REST answers conform to GitHub's OpenAPI description (contract subset).

So that the REST client is tested against GitHub's shapes, not against the fake's guesses:
each answer the client relies on (200, 301 for a renamed repository, 404, a branch, the 403
of an exhausted rate limit) is fetched over loopback and validated with openapi-core.
"""

from __future__ import annotations

import aiohttp
import pytest
from openapi_core.testing import MockRequest, MockResponse

from tests.fakes.github import FakeGitHub, FakeRepo, serve
from tests.fakes.github_api import SPEC_SERVER as SPEC_HOST
from tests.fakes.github_api import openapi


@pytest.mark.parametrize(("path", "pattern", "status"), [
    ("/repos/alice/tool", "/repos/{owner}/{repo}", 200),
    ("/repos/bob/tool", "/repos/{owner}/{repo}", 301),
    ("/repos/nobody/nothing", "/repos/{owner}/{repo}", 404),
    ("/repos/alice/tool/branches/main", "/repos/{owner}/{repo}/branches/{branch}", 200),
    ("/repos/alice/tool/branches/master", "/repos/{owner}/{repo}/branches/{branch}", 404),
    ("/repos/alice/tool", "/repos/{owner}/{repo}", 403),
])
async def test_rest_answers_match_githubs_openapi(path: str, pattern: str, status: int) -> None:
    fake = FakeGitHub(repos=[FakeRepo("alice", "tool", license=None),
                             FakeRepo("carol", "tool-ng")],
                      renames={"bob/tool": "carol/tool-ng"},
                      rest_limit=0 if status == 403 else 60)
    async with serve(fake), aiohttp.ClientSession() as session, \
            session.get(fake.api_url + path, allow_redirects=False) as resp:
        body = await resp.read()
        headers = dict(resp.headers)
        assert resp.status == status
    request = MockRequest(SPEC_HOST, "GET", path, path_pattern=pattern)
    response = MockResponse(body, status_code=status,
                            content_type=headers.get("Content-Type", "application/json")
                            .split(";")[0], headers=headers)
    openapi().validate_response(request, response)  # raises on any contract violation
