"""Settings of the GitHub side (the client, the refresh, the cache's lifetimes, the shared
budget), star-imported by base.py where its "GitHub" section stood: one place to look for what
decides how Gitpulse talks to GitHub. Everything that differs between machines comes from the
environment (README "Configuration", .env.example)."""

from urllib.parse import urlsplit

from config.env import env_bool, env_int, env_str

GITHUB_TOKEN = env_str("GITHUB_TOKEN") or ""
GITHUB_API_URL = (env_str("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
# Avatars come from GitHub's avatar host; GitHub Enterprise (and the offline fake GitHub) serve
# them from the API's own origin, so that origin is allowed too when it is not github.com's.
_github_api = urlsplit(GITHUB_API_URL)
GITHUB_AVATAR_ORIGINS = ["https://avatars.githubusercontent.com"]
if _github_api.hostname != "api.github.com" and _github_api.scheme in ("http", "https"):
    GITHUB_AVATAR_ORIGINS.append(f"{_github_api.scheme}://{_github_api.netloc}")
# Called with every GitHub response (requests response hooks): GitHub answers by status.
GITHUB_RESPONSE_HOOKS = ["github_stats.metrics.github_response_hook"]
GITHUB_CONNECT_TIMEOUT = 3.05
GITHUB_READ_TIMEOUT = 10
# Base of the jittered exponential wait between retries of a 5xx/timeout
# (github_stats/github/transport.py).
GITHUB_RETRY_BASE_SECONDS = 1.0
STATS_TTL = env_int("STATS_TTL", 6 * 60 * 60)
# How long a finished page or API answer stays cached at most (github_stats/caching.py); a change
# to what it shows replaces it sooner. 0 switches the cache off.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 5 * 60)

# Star history (GitHub's stargazers/history, 30 weeks a request): fetched after each refresh
# that finds something new, most-starred repositories first, at most this many requests per
# account and fill; the rest follows on later refreshes. STAR_HISTORY_FETCH=0 switches the
# fetching off (stored histories are still shown).
STAR_HISTORY_FETCH = env_bool("STAR_HISTORY_FETCH", True)
STAR_HISTORY_BUDGET = env_int("STAR_HISTORY_BUDGET", 100)
# Activity (a user's contribution calendar, GraphQL: needs GITHUB_TOKEN): fetched after a
# refresh, the whole life once (about one point a contribution year, at most ACTIVITY_BUDGET
# years a fill), then the current year only when the public events changed or a day passed.
ACTIVITY_FETCH = env_bool("ACTIVITY_FETCH", True)
ACTIVITY_BUDGET = env_int("ACTIVITY_BUDGET", 20)
# A fair share of GitHub (github_stats/services/budget.py), per person and clock hour: accounts
# we did not store yet that one person may have fetched, and GitHub requests their on-demand
# refreshes may spend (the scheduler's background refreshes count against nobody). Site-wide,
# first fetches of new accounts stop while less than this share of the hourly quota is left:
# the rest is kept for the scheduler and for the accounts people already track.
GITHUB_FIRST_FETCHES_PER_PERSON_HOUR = env_int("GITHUB_FIRST_FETCHES_PER_PERSON_HOUR", 30)
GITHUB_REQUESTS_PER_PERSON_HOUR = env_int("GITHUB_REQUESTS_PER_PERSON_HOUR", 500)
GITHUB_QUOTA_RESERVE_PERCENT = env_int("GITHUB_QUOTA_RESERVE_PERCENT", 25)
# What the settings page and GET /api/v1/me show of it (accounts/budget.py).
PERSON_BUDGET_GET = "github_stats.services.budget.budget_person_get"

# --- The shared request limiter (github_stats/github/limiter.py; docs/github-client.md) -------
# GitHub's secondary limits, kept proactively for every web process and worker on every host
# (in REDIS_URL's Redis; in process memory without it): per token, at most this many REST
# requests (a 304 counts too) and GraphQL points (1 charged per query up front) in any minute,
# 80 % of GitHub's 900 and 2,000; and at most GITHUB_CONCURRENT_REQUESTS requests in flight, 1
# because GitHub asks for serial requests per token. For 10 minutes after a secondary limit
# every process runs at half the rate. 0 switches a limit off.
GITHUB_REST_POINTS_PER_MINUTE = env_int("GITHUB_REST_POINTS_PER_MINUTE", 720)
GITHUB_GRAPHQL_POINTS_PER_MINUTE = env_int("GITHUB_GRAPHQL_POINTS_PER_MINUTE", 1600)
GITHUB_CONCURRENT_REQUESTS = env_int("GITHUB_CONCURRENT_REQUESTS", 1)

# --- Cards: the embeddable SVG images (docs/cards.md) -----------------------------------------
# /cards/<login>/<kind>.svg and /cards/<owner>/<repo>/<kind>.svg, anonymous, from stored data
# only; off: every card URL is a 404.
CARDS_ENABLED = env_bool("CARDS_ENABLED", True)
# What image proxies (GitHub's camo) and browsers may keep a card for, and serve while they ask
# again; a card of an account we do not have (or do not show) is kept briefly, so it turns into
# the real card soon after the account is added.
CARDS_MAX_AGE = env_int("CARDS_MAX_AGE", 60 * 60)
CARDS_STALE_WHILE_REVALIDATE = env_int("CARDS_STALE_WHILE_REVALIDATE", 24 * 60 * 60)
CARDS_PLACEHOLDER_MAX_AGE = env_int("CARDS_PLACEHOLDER_MAX_AGE", 5 * 60)
# Per client address. Generous on purpose: a README's images are fetched by GitHub's image proxy
# from a handful of addresses on behalf of every reader, so one address stands for many people.
CARDS_RATE_LIMIT = env_str("CARDS_RATE_LIMIT") or "600/m"
# The site's address in the embed snippets (https://gitpulse.example.com); empty: the address
# the page was asked under.
PUBLIC_BASE_URL = (env_str("PUBLIC_BASE_URL") or "").rstrip("/")
