from django.apps import AppConfig


class GithubStatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "github_stats"
    verbose_name = "GitHub statistics"
