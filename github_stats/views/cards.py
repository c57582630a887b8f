"""/cards/<login>/<kind>.svg and /cards/<owner>/<repo>/<kind>.svg: embeddable SVG cards for a
README, anonymous, from stored data only (docs/cards.md).

A card request never calls GitHub and never queues a refresh. An account we have not stored gets
a card saying how to add it; a stale one gets its stored figures: when someone here tracks it,
the scheduler refreshes it anyway (services/scheduling.py), and an untracked one is refreshed by
the next person who opens it. Answers an image proxy should show are 200 (camo drops the rest),
placeholders with a short max-age.

The finished SVG is kept in the one cache layer (caching.CachedResponse, shared by everyone,
under the account's version like the API's answers): a hit costs no SQL query, a miss at most
three (the account, the repository of a repository card, the snapshots of the history card).
A hit is answered before the session/auth middleware (card_cached_answer, named in
settings.EARLY_RESPONDERS) by the same lookup the view starts with (_lookup).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
)
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.http import http_date, parse_etags
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails

from config.ratelimits import (
    CacheRead,
    RateLimitExceeded,
    RateLimitUnavailable,
    rate_limit_hit,
)
from github_stats.caching import CachedResponse, Shown, release_digest
from github_stats.exceptions import AccountHidden
from github_stats.github.errors import InvalidName
from github_stats.github.names import validate_login, validate_repo_name
from github_stats.models import today_utc
from github_stats.selectors.accounts import account_find, former_name_find, repository_find
from github_stats.selectors.card_kinds import CardKind, card_kind_get
from github_stats.ui.card_layouts import notice_layout
from github_stats.ui.card_themes import theme_get
from github_stats.ui.cards import CardOptions
from github_stats.views.fetching import canonical_redirect
from github_stats.views.htmx import HtmxHttpRequest

SVG = "image/svg+xml; charset=utf-8"
# The card opened on its own is a document: no script may run in it, it loads nothing, and the
# <style> it carries is its only styling. Set here, so the site-wide policy (config/settings,
# django-csp, which keeps a header a view has set) never applies to it.
CARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"
_KEPT_HEADERS = ("ETag", "Last-Modified")


@require_safe
def account_card(request: HtmxHttpRequest, login: str, kind: str) -> HttpResponseBase:
    return _card(request, scope="account", name=kind, login=login)


@require_safe
def repository_card(request: HtmxHttpRequest, owner: str, repo: str, kind: str) -> HttpResponseBase:
    return _card(request, scope="repository", name=kind, login=owner, repo=repo)


def card_cached_answer(request: HttpRequest) -> HttpResponseBase | None:
    """settings.EARLY_RESPONDERS' entry for /cards/: a card answered from the cache alone, before
    the session, CSRF, auth and messages middleware run (config/middleware.py), or None, and the
    normal stack and view then answer (a miss, an unknown kind, cards off, a placeholder, a
    redirect, any other path). The view calls the same lookup, so the two cannot differ."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    scope = _SCOPES.get(match.url_name or "")
    if scope is None or request.method not in ("GET", "HEAD"):
        return None
    # What HtmxMiddleware gives every request: CachedResponse leaves htmx requests to the view.
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    found = _lookup(
        request,
        scope=scope,
        name=match.kwargs["kind"],
        login=match.kwargs.get("login") or match.kwargs["owner"],
        repo=match.kwargs.get("repo", ""),
    )
    return found.answer


_SCOPES: dict[str, Literal["account", "repository"]] = {
    "account_card": "account",
    "repository_card": "repository",
}


@dataclass(frozen=True)
class _Lookup:
    """What a card request learns before any SQL query: its kind and options, and either the
    answer (a hit, a 304, a 429) or the cache's place to store the drawn card in."""

    key: tuple[str, ...]
    kind: CardKind | None
    options: CardOptions | None = None
    cached: CachedResponse | None = None
    answer: HttpResponseBase | None = None


_LOOKUP_ATTRIBUTE = "_card_lookup"


def _lookup(
    request: HttpRequest,
    *,
    scope: Literal["account", "repository"],
    name: str,
    login: str,
    repo: str,
) -> _Lookup:
    """Once per request: the early answer's miss hands its lookup to the view, so a card is
    counted against the rate limit once and its entry read from the cache once."""
    key = (scope, name, login, repo)
    done: _Lookup | None = getattr(request, _LOOKUP_ATTRIBUTE, None)
    if done is not None and done.key == key:
        return done
    kind = card_kind_get(scope=scope, name=name)
    if not settings.CARDS_ENABLED or kind is None:
        found = _Lookup(key=key, kind=None)
    else:
        found = _lookup_cached(request, key=key, kind=kind, login=login, repo=repo)
    setattr(request, _LOOKUP_ATTRIBUTE, found)
    return found


def _lookup_cached(
    request: HttpRequest, *, key: tuple[str, ...], kind: CardKind, login: str, repo: str
) -> _Lookup:
    options = CardOptions.parse(request.GET)
    path = f"{login}/{repo}" if repo else login
    # The names as typed: another spelling of them misses, and is redirected by the view.
    cached = CachedResponse(
        request,
        name=f"cards/{path}/{kind.name}",
        state=options.state(),
        logins=[login],
        personal=False,
        stale_ok=True,
        headers=_KEPT_HEADERS,
        compress=False,
    )
    # Counted first; on Redis the entry is read in the counter's round trip.
    read = CacheRead(keys=cached.reads())
    try:
        rate_limit_hit(request, scope="cards", read=read)
    except (RateLimitExceeded, RateLimitUnavailable) as exc:
        return _Lookup(key=key, kind=kind, answer=_too_many(options, retry_after=exc.retry_after))
    hit = cached.hit(found=read.values)
    answer = None if hit is None else _finished(request, hit, max_age=settings.CARDS_MAX_AGE)
    return _Lookup(key=key, kind=kind, options=options, cached=cached, answer=answer)


def _card(
    request: HtmxHttpRequest,
    *,
    scope: Literal["account", "repository"],
    name: str,
    login: str,
    repo: str = "",
) -> HttpResponseBase:
    found = _lookup(request, scope=scope, name=name, login=login, repo=repo)
    if found.answer is not None:
        return found.answer
    kind, options, cached = found.kind, found.options, found.cached
    if kind is None or options is None or cached is None:  # only a kind is looked up
        raise Http404("No such card.")
    path = f"{login}/{repo}" if repo else login

    try:
        login = validate_login(login)
        repo = validate_repo_name(repo) if repo else ""
    except InvalidName:
        return _notice(options, "Not a GitHub name", ["There is no card for this name."])
    try:
        account = account_find(login=login)
    except AccountHidden:
        return _unavailable(options)
    if account is None:
        return _renamed(request, kind, login=login, repo=repo) or _not_stored(
            request, options, login=login
        )
    if not account.cards_enabled:
        return _unavailable(options)
    repository = None
    if scope == "repository":
        repository = repository_find(owner=account, name=repo)
        if repository is None:
            return _renamed(request, kind, login=account.login, repo=repo) or _not_stored(
                request, options, login=account.login, repo=repo
            )
    stored = f"{account.login}/{repository.name}" if repository else account.login
    if stored != path:
        canonical = _card_path(kind, stored)
        moved = canonical_redirect(request, canonical, as_stored=False)
        if moved is not None:
            return _cache_headers(moved, max_age=settings.CARDS_PLACEHOLDER_MAX_AGE)

    etag = card_etag(version=account.cache_version, kind=kind, path=stored, options=options)
    if _matches(request, etag):
        return _not_modified(etag, max_age=settings.CARDS_MAX_AGE)
    card = kind.read(account=account, options=options, repository=repository)
    context = {
        "card": card,
        "d": kind.draw(card, options),
        "theme": theme_get(options.theme),
        "options": options,
        "label": kind.alt(stored),
    }
    # No request: a card cannot pick up anything personal (a CSRF token, the user).
    response = HttpResponse(render_to_string(kind.template, context), content_type=SVG)
    response["ETag"] = etag
    if account.fetched_at is not None:
        response["Last-Modified"] = http_date(account.fetched_at.timestamp())
    shown = Shown(login=account.login, version=account.cache_version, stale_at=account.stale_at())
    cached.store(response, shown=[shown])
    return _cache_headers(response, max_age=settings.CARDS_MAX_AGE)


def card_etag(*, version: str, kind: CardKind, path: str, options: CardOptions) -> str:
    """Strong: the same bytes for the same account version, card, options, release and UTC day
    (a history card's window ends today)."""
    parts = [version, kind.scope, kind.name, path.lower(), options.state()]
    parts += [release_digest(), today_utc().isoformat()]
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def _renamed(
    request: HttpRequest, kind: CardKind, *, login: str, repo: str
) -> HttpResponseBase | None:
    """A README's card under a name GitHub has since changed: a 301 to the card under the new
    one (the old login's repository cards follow their account), with the same options."""
    moved_to = former_name_find(login=login, repo=repo) if repo else None
    if moved_to is None:
        owner = former_name_find(login=login)
        if owner is None:
            return None
        moved_to = f"{owner}/{repo}" if repo else owner
    target = _card_path(kind, moved_to)
    if request.META.get("QUERY_STRING"):
        target += f"?{request.META['QUERY_STRING']}"
    return _cache_headers(HttpResponsePermanentRedirect(target), max_age=settings.CARDS_MAX_AGE)


def _card_path(kind: CardKind, path: str) -> str:
    if kind.scope == "repository":
        owner, repo = path.split("/", 1)
        return reverse("repository_card", kwargs={"owner": owner, "repo": repo, "kind": kind.name})
    return reverse("account_card", kwargs={"login": path, "kind": kind.name})


def _finished(request: HttpRequest, response: HttpResponse, *, max_age: int) -> HttpResponseBase:
    etag = response.get("ETag", "")
    if etag and _matches(request, etag):
        return _not_modified(etag, max_age=max_age, last_modified=response.get("Last-Modified"))
    return _cache_headers(response, max_age=max_age)


def _matches(request: HttpRequest, etag: str) -> bool:
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag in wanted


def _not_modified(etag: str, *, max_age: int, last_modified: str | None = None) -> HttpResponseBase:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = last_modified
    return _cache_headers(response, max_age=max_age)


def _cache_headers(response: HttpResponseBase, *, max_age: int) -> HttpResponseBase:
    """What every card answer carries: a public lifetime (the real card's with a window to be
    served while it is asked again), the card's own CSP, no sniffing, and a resource policy that
    lets any site show it."""
    control = f"public, max-age={max_age}"
    if max_age == settings.CARDS_MAX_AGE and max_age > 0:
        # Only the real card: a placeholder should turn into the card soon, not be served on.
        control += f", stale-while-revalidate={settings.CARDS_STALE_WHILE_REVALIDATE}"
    response["Cache-Control"] = control
    response["Content-Security-Policy"] = CARD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# --- Placeholders ---------------------------------------------------------------------------


def _not_stored(
    request: HtmxHttpRequest, options: CardOptions, *, login: str, repo: str = ""
) -> HttpResponse:
    """Nothing is fetched for it: a card request never calls GitHub."""
    site = settings.PUBLIC_BASE_URL or request.get_host()
    if repo:
        lines = [
            f"We have no repository {login}/{repo} stored.",
            f"To add it, sign in at {site} and open {login}.",
        ]
    else:
        lines = [
            f"We have no data for {login} yet.",
            f"To add it, sign in at {site} and search for {login}.",
        ]
    return _notice(options, "Not on this Gitpulse yet", lines)


def _unavailable(options: CardOptions) -> HttpResponse:
    # Hidden by moderation and opted out read the same: the card says neither.
    return _notice(options, "Card not available", ["This card is not available."])


def _notice(
    options: CardOptions,
    title: str,
    lines: list[str],
    *,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    drawing = notice_layout(title=title, lines=lines, options=options)
    context = {"d": drawing, "theme": theme_get(options.theme), "options": options, "label": title}
    response = HttpResponse(
        render_to_string("cards/notice.svg", context), content_type=SVG, status=status
    )
    _cache_headers(response, max_age=settings.CARDS_PLACEHOLDER_MAX_AGE)
    return response


def _too_many(options: CardOptions, *, retry_after: int) -> HttpResponse:
    lines = [f"Too many card requests from this address. Try again in {retry_after} s."]
    drawing = notice_layout(title="Slow down", lines=lines, options=options)
    context = {"d": drawing, "theme": theme_get(options.theme), "options": options, "label": ""}
    response = HttpResponse(
        render_to_string("cards/notice.svg", context),
        content_type=SVG,
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    _cache_headers(response, max_age=0)
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(retry_after)
    return response
