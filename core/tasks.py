"""Background tasks that retry with backoff (django-tasks, Django 6's tasks API).

django-tasks runs a task once: if it raises, its result is FAILED and nothing runs it
again. `retrying_task` adds what the site needs on top: a failing run re-enqueues the same
call to run after `backoff · 2^(attempt - 1)` seconds, up to `attempts` runs in all. Every
failed run still raises, so each one is kept with its traceback in the task results (the
"Task results" list in the admin); the last one is logged as given up. Nothing is dropped
silently.

    @retrying_task(attempts=5, backoff=30)
    def send_something(pk): ...

    send_something.enqueue(pk)  # a django_tasks Task: enqueue, using(), call() as usual

Backends that cannot defer a task (the immediate backend the tests use) run the retries
straight away, one after the other.
"""

import functools
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "retry_attempt"


def retry_delay(attempt, backoff):
    """Seconds to wait before the run after failed run number `attempt` (1, 2, …)."""
    return backoff * 2 ** (attempt - 1)


def retrying_task(*, attempts=5, backoff=30, **task_options):
    """Like `django_tasks.task`, with up to `attempts` runs spaced by exponential backoff
    (`backoff` seconds, then twice that, …). The wrapped function must be safe to run
    again after a failure part-way through."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            try:
                return func(*args, **kwargs)
            except Exception:
                name = f"{func.__module__}.{func.__qualname__}"
                if attempt >= attempts:
                    logger.exception(
                        "Task %s gave up after %s attempts (arguments %r, %r)",
                        name,
                        attempt,
                        args,
                        kwargs,
                    )
                else:
                    delay = retry_delay(attempt, backoff)
                    logger.warning(
                        "Task %s failed on attempt %s of %s; retrying in %s s",
                        name,
                        attempt,
                        attempts,
                        delay,
                        exc_info=True,
                    )
                    again = the_task
                    if the_task.get_backend().supports_defer:
                        again = the_task.using(run_after=timezone.now() + timedelta(seconds=delay))
                    again.enqueue(*args, **kwargs, **{ATTEMPT_KWARG: attempt + 1})
                raise  # this run is kept as failed, with its error

        the_task = task(**task_options)(run)
        return the_task

    return decorator


def enqueue_on_commit(task, *args):
    """Enqueue `task` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(task.enqueue, *args))
