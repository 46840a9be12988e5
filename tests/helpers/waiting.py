"""Waiting for something another thread or process does: poll a condition, never sleep a
guessed time."""

import time


def wait_until(condition, timeout=10.0, interval=0.02, message=None):
    """Call `condition` until it returns something true, and return that; fail the test
    with `message` (or the condition's name) when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(
                message or f"{getattr(condition, '__name__', 'condition')} within {timeout} s"
            )
        time.sleep(interval)
