from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        # allauth 65.21's jwkkit uses cryptography's serialization module without importing it;
        # importing it here stops the first headless JWT login failing (TOOLCHAIN.md).
        import cryptography.hazmat.primitives.serialization  # noqa: F401

        # Signal receivers of security events (failed staff logins) for the audit log.
        import accounts.audit

        # The deploy check that refuses a deployment without email (accounts.E001).
        import accounts.checks  # noqa: F401
