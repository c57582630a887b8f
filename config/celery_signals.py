"""Carry the request id from the request that queued a task into the task's log lines.

The id travels as a message header (set when the task is published) and is put back in the
request-id context variable while the worker runs the task, so a refresh can be followed from
the page that asked for it to the worker that did it."""

from typing import Any

from celery import signals

from config.request_id import NO_REQUEST, request_id_clear, request_id_get, request_id_set

HEADER = "request_id"


@signals.before_task_publish.connect(dispatch_uid="config.request_id.publish")
def _add_request_id_header(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = request_id_get()
    if headers is not None and request_id != NO_REQUEST:
        headers.setdefault(HEADER, request_id)


@signals.task_prerun.connect(dispatch_uid="config.request_id.prerun")
def _restore_request_id(task: Any = None, **kwargs: Any) -> None:
    # Custom headers become attributes of task.request on the worker. Eager tasks run inside
    # the request, whose id is already set.
    request_id = getattr(getattr(task, "request", None), HEADER, None)
    if isinstance(request_id, str) and request_id:
        request_id_set(request_id)


@signals.task_postrun.connect(dispatch_uid="config.request_id.postrun")
def _forget_request_id(task: Any = None, **kwargs: Any) -> None:
    if getattr(getattr(task, "request", None), "is_eager", False):
        return  # still inside the request that ran it
    request_id_clear()
