"""The names a refresh found changed (an account's login, a repository's name), kept as
FormerName rows so that links and embedded cards under the old name are redirected. Written in
the refresh's own transaction (services/refresh.py); no query unless something was renamed."""

from __future__ import annotations

from datetime import datetime

from github_stats.models import FormerName, GitHubAccount, Repository


def repositories_renamed(
    *, account: GitHubAccount | None, stored: dict[int, Repository], rows: list[Repository]
) -> list[tuple[str, int]]:
    """("owner/old-name", github id) of the stored repositories GitHub now lists under another
    name: their old links and cards are redirected (FormerName)."""
    if account is None:
        return []
    return [
        (f"{account.login}/{stored[row.github_id].name}".lower(), row.github_id)
        for row in rows
        if row.github_id in stored and stored[row.github_id].name.lower() != row.name.lower()
    ]


def former_names_store(
    *,
    account: GitHubAccount | None,
    account_row: GitHubAccount,
    renamed: list[tuple[str, int]],
    now: datetime,
) -> None:
    """The names this refresh found changed, kept for redirects. No query unless something was
    renamed (then one, plus one to find the renamed repositories' rows)."""
    former: list[FormerName] = []
    if account is not None and account.login.lower() != account_row.login.lower():
        former.append(
            FormerName(
                kind=FormerName.Kind.ACCOUNT,
                name=account.login.lower(),
                account=account_row,
                renamed_at=now,
            )
        )
    if renamed:
        ids = dict(
            Repository.objects.filter(github_id__in=[gid for _, gid in renamed]).values_list(
                "github_id", "pk"
            )
        )
        former += [
            FormerName(
                kind=FormerName.Kind.REPOSITORY,
                name=name,
                account=account_row,
                repository_id=ids[gid],
                renamed_at=now,
            )
            for name, gid in renamed
            if gid in ids
        ]
    if former:
        FormerName.objects.bulk_create(
            former,
            update_conflicts=True,
            unique_fields=["kind", "name"],
            update_fields=["account", "repository", "renamed_at"],
        )
