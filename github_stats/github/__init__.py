"""GitHub transport: the HTTP client, GitHub's naming rules, typed payloads and the shared quota.

It knows HTTP and GitHub, not our tables: nothing here imports the rest of github_stats (an
import-linter contract in `make lint` holds that), only Django's settings and cache.
"""
