"""Writes and workflows: keyword-only, typed functions named <entity>_<action>.

    jobs.py        the one refresh entry point: a RefreshJob per account (refresh_request() for
                   pages, the API and the admin, refresh_job_create() for the scheduler,
                   refresh_run_now() for backfill_accounts) and the run of a job
    refresh.py     account_refresh(): GitHub → PostgreSQL for one account, in one transaction
    scheduling.py  the beat tick: stale tracked accounts within GitHub's quota
    tracking.py    the watchlist
    moderation.py  hiding, unhiding, refreshing and retrying on an operator's behalf

    shown.py       a write that changes what is shown: fields, a new cache version, its publication

Services raise ShownErrors (github_stats/exceptions.py and github/errors.py) and queue Celery
tasks by name after the commit, so nothing here imports the tasks that call it.
"""
