"""The JSON API over GitHub data (/api/v1/, config/api.py mounts `router`). Thin: validate,
check permission, call one selector or service, return. The output types are the selectors'
own dataclasses (selectors/), composed in schemas.py: the API shows exactly what the pages show.

    accounts.py   /accounts/{login}, /repos, /history, /refresh, /repos/{owner}/{repo}
    jobs.py       /jobs/{id}
    stars.py      /accounts/{login}/stars: star history
    watchlist.py  /watchlist, /watchlist/{login}, /compare
    exports.py    ?format=csv|json downloads of /repos, /history and /compare (one call)
    activity.py   /accounts/{login}/activity, /activity/summary
    stars.py      /repos/{owner}/{repo}/stars, /accounts/{login}/stars, /compare/repos
    errors.py     how GitHub's and our own errors answer (registered by config/api.py)
"""

from ninja import Router

from github_stats.api import accounts, activity, jobs, stars, watchlist
from github_stats.api.errors import EXCEPTION_HANDLERS

__all__ = ["EXCEPTION_HANDLERS", "router"]

router = Router(tags=["github"])
router.add_router("", accounts.router)
router.add_router("", activity.router)
router.add_router("", jobs.router)
router.add_router("", stars.router)
router.add_router("", watchlist.router)
