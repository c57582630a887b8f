from django.apps import AppConfig


class GithubStatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "github_stats"
    verbose_name = "GitHub statistics"

    def ready(self) -> None:
        # Services queue tasks by name (services/jobs.py); registering them here makes that
        # name resolve to the task in every process, so inline runs (no Redis) stay inline.
        import github_stats.tasks  # noqa: F401
