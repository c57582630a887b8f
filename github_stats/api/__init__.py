"""The JSON API over GitHub data (/api/v1/, config/api.py mounts `router`). Thin: validate,
check permission, call one selector or service, return. The output types are the selectors'
own dataclasses (selectors/), composed in schemas.py: the API shows exactly what the pages show.

    accounts.py   /accounts/{login}, /repos, /history, /refresh, /repos/{owner}/{repo}
    jobs.py       /jobs/{id}
    watchlist.py  /watchlist, /watchlist/{login}, /compare
    errors.py     how GitHub's and our own errors answer (registered by config/api.py)
"""

from ninja import Router

from github_stats.api import accounts, jobs, watchlist
from github_stats.api.errors import EXCEPTION_HANDLERS

__all__ = ["EXCEPTION_HANDLERS", "router"]

router = Router(tags=["github"])
router.add_router("", accounts.router)
router.add_router("", jobs.router)
router.add_router("", watchlist.router)
