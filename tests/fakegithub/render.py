"""GitHub's JSON shapes, field for field as in ../shared/github-recordings (users, orgs,
repositories), so the fake's answers validate against GitHub's published schemas."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakegithub.state import FakeAccount, FakeRepo

WEB = "https://github.com"


def iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# None: GitHub's own avatar host, as in the recordings (tests; browser tests stub images).
# The offline demo (`python -m tests.fakegithub`) sets it to serve avatars itself, as GitHub
# Enterprise serves /avatars/ from its own host, so the demo never reaches the internet.
AVATARS_FROM_SELF = False


def avatar_url(account: FakeAccount, api: str) -> str:
    if AVATARS_FROM_SELF:
        return f"{api}/avatars/u/{account.id}?v=4"
    return f"https://avatars.githubusercontent.com/u/{account.id}?v=4"


def avatar_svg(ident: int) -> bytes:
    """A deterministic identicon-like picture: a coloured disc with a 5x5 symmetric pattern."""
    hue = (ident * 47) % 360
    cells = []
    for row in range(5):
        for col in range(3):
            if (ident >> (row * 3 + col)) & 1:
                for x in {col, 4 - col}:
                    x_px, y_px = 10 + x * 16, 10 + row * 16
                    cells.append(f'<rect x="{x_px}" y="{y_px}" width="16" height="16"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" fill="hsl({hue} 45% 92%)"/>'
        f'<g fill="hsl({hue} 55% 45%)">{"".join(cells)}</g></svg>'
    ).encode()


def node_id(kind: str, ident: int) -> str:
    """GitHub's legacy global ids: base64 of "04:User327146" and the like."""
    return base64.b64encode(f"{len(kind):02d}:{kind}{ident}".encode()).decode()


def simple_user(account: FakeAccount, api: str) -> dict[str, Any]:
    login = account.login
    user_api = f"{api}/users/{login}"
    return {
        "login": login,
        "id": account.id,
        "node_id": account.node_id,
        "avatar_url": avatar_url(account, api),
        "gravatar_id": "",
        "url": user_api,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{user_api}/followers",
        "following_url": f"{user_api}/following{{/other_user}}",
        "gists_url": f"{user_api}/gists{{/gist_id}}",
        "starred_url": f"{user_api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{user_api}/subscriptions",
        "organizations_url": f"{user_api}/orgs",
        "repos_url": f"{user_api}/repos",
        "events_url": f"{user_api}/events{{/privacy}}",
        "received_events_url": f"{user_api}/received_events",
        "type": "Organization" if account.kind == "org" else "User",
        "user_view_type": "public",
        "site_admin": False,
    }


def account_json(account: FakeAccount, api: str) -> dict[str, Any]:
    """GET /users/{login} and /user/{id}: the public-user shape, for organisations too."""
    body = simple_user(account, api)
    body.update(
        {
            "name": account.name,
            "company": account.company,
            "blog": account.blog,
            "location": account.location,
            "email": account.email,
            "hireable": None if account.kind == "org" else account.hireable,
            "bio": account.bio if account.kind == "user" else None,
            "twitter_username": account.twitter_username,
            "public_repos": account.public_repos,
            "public_gists": account.public_gists,
            "followers": account.followers,
            "following": account.following,
            "created_at": iso(account.created_at),
            "updated_at": iso(account.updated_at),
        }
    )
    return body


def org_json(account: FakeAccount, api: str) -> dict[str, Any]:
    """GET /orgs/{login}: organization-full."""
    org_api = f"{api}/orgs/{account.login}"
    return {
        "login": account.login,
        "id": account.id,
        "node_id": account.node_id,
        "url": org_api,
        "repos_url": f"{org_api}/repos",
        "events_url": f"{org_api}/events",
        "hooks_url": f"{org_api}/hooks",
        "issues_url": f"{org_api}/issues",
        "members_url": f"{org_api}/members{{/member}}",
        "public_members_url": f"{org_api}/public_members{{/member}}",
        "avatar_url": avatar_url(account, api),
        "description": account.bio,
        "name": account.name,
        "company": account.company,
        "blog": account.blog,
        "location": account.location,
        "email": account.email,
        "twitter_username": account.twitter_username,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": account.public_repos,
        "public_gists": account.public_gists,
        "followers": account.followers,
        "following": account.following,
        "html_url": f"{WEB}/{account.login}",
        "created_at": iso(account.created_at),
        "updated_at": iso(account.updated_at),
        "archived_at": None,
        "type": "Organization",
    }


_REPO_URL_FIELDS = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}


def repo_json(repo: FakeRepo, api: str, *, full: bool = False) -> dict[str, Any]:
    """A repository as listed (minimal-repository) or, with `full`, as GET /repos/{o}/{r}."""
    owner = repo.owner
    full_name = f"{owner.login}/{repo.name}"
    repo_api = f"{api}/repos/{full_name}"
    body: dict[str, Any] = {
        "id": repo.id,
        "node_id": repo.node_id,
        "name": repo.name,
        "full_name": full_name,
        "private": False,
        "owner": simple_user(owner, api),
        "html_url": f"{WEB}/{full_name}",
        "description": repo.description,
        "fork": repo.is_fork,
        "url": repo_api,
    }
    body.update({key: repo_api + suffix for key, suffix in _REPO_URL_FIELDS.items()})
    license_body = (
        {
            "key": repo.license_spdx.lower(),
            "name": f"{repo.license_spdx} License",
            "spdx_id": repo.license_spdx,
            "url": f"{api}/licenses/{repo.license_spdx.lower()}",
            "node_id": node_id("License", len(repo.license_spdx)),
        }
        if repo.license_spdx
        else None
    )
    body.update(
        {
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.updated_at),
            "pushed_at": iso(repo.pushed_at),
            "git_url": f"git://github.com/{full_name}.git",
            "ssh_url": f"git@github.com:{full_name}.git",
            "clone_url": f"{WEB}/{full_name}.git",
            "svn_url": f"{WEB}/{full_name}",
            "homepage": repo.homepage,
            "size": repo.size_kb,
            "stargazers_count": repo.stars,
            "watchers_count": repo.stars,
            "language": repo.language,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": repo.forks,
            "mirror_url": None,
            "archived": repo.archived,
            "disabled": repo.disabled,
            "open_issues_count": repo.open_issues,
            "license": license_body,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": list(repo.topics),
            "visibility": "public",
            "forks": repo.forks,
            "open_issues": repo.open_issues,
            "watchers": repo.stars,
            "default_branch": repo.default_branch,
        }
    )
    if full:
        body.update(
            {
                "temp_clone_token": None,
                "network_count": repo.forks,
                "subscribers_count": repo.subscribers,
            }
        )
        if owner.kind == "org":
            body["organization"] = simple_user(owner, api)
    return body


def not_found() -> dict[str, Any]:
    return {
        "message": "Not Found",
        "documentation_url": "https://docs.github.com/rest",
        "status": "404",
    }
