"""gunicorn's production settings: `gunicorn -c config/gunicorn_conf.py config.wsgi:application`
(the Dockerfile's CMD; tests/ops/test_slow_clients.py starts gunicorn with this very file).

Why threads (gthread), not sync workers: a sync worker serves one connection at a time, from the
first byte to the response, so a client that sends its request slowly holds the whole process.
Four sockets sending one header line every 3 s stalled both sync workers (/health/live timed out
at 40 s). A gthread worker waits for a new connection's first bytes in its main loop, and a client
dripping its headers holds one thread while the others go on serving. That bounds the damage to
`threads` slow clients per worker; a proxy that buffers whole requests (docs/deployment.md) is
what keeps a flood of them away from gunicorn.

Each thread has its own PostgreSQL connection (CONN_MAX_AGE 60 s): WEB_CONCURRENCY x WEB_THREADS
connections per machine at most (16 by default), within PostgreSQL's max_connections.
"""

import os

# bind: the Dockerfile's CMD (--bind 0.0.0.0:$PORT); tests bind a loopback port of their own.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
# Past this many open connections (kept-alive ones included) a worker stops accepting and leaves
# new ones to the other workers: it bounds how many it queues behind busy threads.
worker_connections = threads * 4
# gthread's heartbeat comes from the main loop, so this kills a worker whose loop is stuck; a
# slow request or client holds only its own thread.
timeout = 30
graceful_timeout = 30
# Idle kept-alive connections cost no thread in gthread (they wait in the poller); 5 s covers a
# page and its static files, and a proxy in front keeps its own pool.
keepalive = 5
# The heartbeat file on tmpfs: a disk-backed /tmp can stall it under I/O load (gunicorn's docs).
# (Not a temporary file of ours: gunicorn's own heartbeat, one per worker.)
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  # nosec B108
# No access log: request lines carry query strings, which our (redacting) log filters never see.
accesslog = None
