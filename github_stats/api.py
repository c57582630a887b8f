"""The JSON API over GitHub data: accounts, repositories, history, refresh jobs, the watchlist
and comparisons. Thin: validate, check permission, call one selector or service, return."""

from ninja import Router

router = Router(tags=["github"])
