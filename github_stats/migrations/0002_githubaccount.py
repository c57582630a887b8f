"""The GitHub account model is GitHubAccount (the person is accounts.User), with the figures every
refresh now sums over the repositories, and the cache version its cached responses record."""

import github_stats.models.accounts
from django.db import migrations, models

_ACTIONS = ("add", "change", "delete", "view")


def _rename_permissions_and_audit_targets(apps, schema_editor):
    """Staff keep what they were allowed to do, and old audit rows keep naming their target."""
    Permission = apps.get_model("auth", "Permission")
    for action in _ACTIONS:
        Permission.objects.filter(
            content_type__app_label="github_stats", codename=f"{action}_account"
        ).update(codename=f"{action}_githubaccount", name=f"Can {action} GitHub account")
    AuditLog = apps.get_model("accounts", "AuditLog")
    AuditLog.objects.filter(target_type="github_stats.account").update(
        target_type="github_stats.githubaccount"
    )


def _sum_stored_repositories(apps, schema_editor):
    """What the next refresh would write: totals over own repositories, languages over the
    non-forks (the same rule as services/refresh.py, restated so this migration never changes)."""
    GitHubAccount = apps.get_model("github_stats", "GitHubAccount")
    Repository = apps.get_model("github_stats", "Repository")
    for account in GitHubAccount.objects.only("pk").iterator():
        stars = forks = 0
        by_bytes: dict[str, int] = {}
        by_repos: dict[str, int] = {}
        rows = Repository.objects.filter(owner_id=account.pk).values_list(
            "stars", "forks", "is_fork", "language", "language_bytes"
        )
        for repo_stars, repo_forks, is_fork, language, sizes in rows:
            stars += repo_stars
            forks += repo_forks
            if is_fork:
                continue
            if language:
                by_repos[language] = by_repos.get(language, 0) + 1
            for name, size in (sizes or {}).items():
                if isinstance(size, int):
                    by_bytes[name] = by_bytes.get(name, 0) + size
        GitHubAccount.objects.filter(pk=account.pk).update(
            total_stars=stars, total_forks=forks, language_bytes=by_bytes, language_repos=by_repos
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_audit_log_and_sessions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("github_stats", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="Account", new_name="GitHubAccount"),
        migrations.AlterModelOptions(
            name="githubaccount",
            options={"ordering": ["login"], "verbose_name": "GitHub account"},
        ),
        migrations.RunPython(_rename_permissions_and_audit_targets, migrations.RunPython.noop),
        migrations.AddField(
            model_name="githubaccount",
            name="total_stars",
            field=models.PositiveIntegerField(default=0, help_text="Over all own repositories."),
        ),
        migrations.AddField(
            model_name="githubaccount",
            name="total_forks",
            field=models.PositiveIntegerField(default=0, help_text="Over all own repositories."),
        ),
        migrations.AddField(
            model_name="githubaccount",
            name="language_bytes",
            field=models.JSONField(
                blank=True, default=dict, help_text="{language: bytes} over non-fork repositories."
            ),
        ),
        migrations.AddField(
            model_name="githubaccount",
            name="language_repos",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="{language: repositories} by primary language, non-fork repositories.",
            ),
        ),
        migrations.AddField(
            model_name="githubaccount",
            name="cache_version",
            field=models.CharField(
                default=github_stats.models.accounts.new_cache_version,
                editable=False,
                max_length=32,
            ),
        ),
        migrations.RunPython(_sum_stored_repositories, migrations.RunPython.noop),
    ]
