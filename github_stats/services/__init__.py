"""Writes and workflows: keyword-only, typed functions named <entity>_<action>.

    jobs.py        refresh_request() — the one way anything asks for a refresh (pages, the API,
                   the scheduler, the admin, backfill_accounts) — and the job that runs it
    refresh.py     account_refresh(): GitHub → PostgreSQL for one account, in one transaction
    scheduling.py  the beat tick: stale tracked accounts within GitHub's quota
    tracking.py    the watchlist
    moderation.py  hiding, unhiding, refreshing and retrying on an operator's behalf

Services raise the domain exceptions of github_stats.exceptions and queue Celery tasks by name
after the commit, so nothing here imports the tasks that call it.
"""
