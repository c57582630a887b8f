"""Pages, one module per page, and the helpers they share. Thin: parse input, check permission,
call one selector or service, render. Each page is one template; an htmx request gets the
partial it targets.

    /, /home/, /search/, /search/suggest/   home.py
    /u/<login> (+ /refresh, /track, /untrack) dashboard.py
    /r/<owner>/<repo>                        repository.py
    /watchlist/                              watchlist.py
    /compare/                                compare.py

Shared: htmx.py (the request type, login for htmx, poll answers), problems.py (what a person is
told when something is wrong), fetching.py (an account we may first have to fetch from GitHub).
"""
