"""Reads: one function per figure, shared by pages and the API.

    accounts.py      lookups by login, the profile header, search suggestions, jobs
    dashboard.py     figure cards, languages and history of one account (or many)
    repositories.py  an account's repository table (a page of it, or any window) and one repository
    watchlist.py     a person's watchlist with figures and trends
    compare.py       several accounts side by side

What pages and the API show are dataclasses, never model instances for templates to walk, so a
template cannot run a query and the API (whose schemas are these very types) and the pages never
compute a figure twice; the lookups (account_find, repository_find, refresh_job_get) return the
rows views and services work on. They read the database; the one cache layer sits in front of
them, around whole responses (github_stats/caching.py). Selectors never write and never call
GitHub.
"""
