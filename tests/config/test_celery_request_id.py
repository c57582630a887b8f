"""A task queued during a request logs with that request's id, on a real worker.

The worker runs in a fresh process: Celery's test worker reconfigures logging and broker
connections of the process it runs in, so sharing the test process with other worker tests
would make both order-dependent. The broker is Redis when REDIS_URL is set, else in-memory."""

import json
import os

from tests.config.helpers import run_django

_PROBE = """
import json, logging, time
from celery.contrib.testing.worker import start_worker
from config.celery import app
from config.request_id import request_id_clear, request_id_set

seen = []

class Collect(logging.Handler):
    def emit(self, record):
        if record.getMessage().startswith("task ran"):
            seen.append({"message": record.getMessage(), "request_id": record.request_id})

handler = Collect()
for log_filter in logging.getLogger().handlers[0].filters:
    handler.addFilter(log_filter)  # the project's RequestIdFilter, as every handler has it

@app.task(name="probe.log_a_line")
def log_a_line(label):
    logging.getLogger("gitpulse.task").info("task ran %s", label)

app.conf.task_always_eager = False
with start_worker(app, pool="solo", perform_ping_check=False):
    logging.getLogger().addHandler(handler)
    request_id_set("req-queued-task-1")
    log_a_line.delay("in-request")
    request_id_clear()
    log_a_line.delay("outside")
    deadline = time.monotonic() + 20
    while len(seen) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
print(json.dumps(sorted(seen, key=lambda line: line["message"])))
"""


def _task_lines() -> list[dict]:
    env = {name: os.environ[name] for name in ("REDIS_URL",) if name in os.environ}
    result = run_django(_PROBE, settings_module="config.settings.test", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_tasks_log_with_the_id_of_the_request_that_queued_them():
    in_request, outside = _task_lines()
    assert in_request == {"message": "task ran in-request", "request_id": "req-queued-task-1"}
    assert outside == {"message": "task ran outside", "request_id": "-"}
