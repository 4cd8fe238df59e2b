"""A handler's time budget, so that no message can wedge a consumer.

A handler that awaits past its budget (a statement that never returns) is stopped by asyncio's
timeout. Pure-Python work that never awaits (an endless loop on some input) holds the event
loop, where no timeout can fire: a watchdog thread sees the deadline pass and signals the main
thread, whose signal handler raises `OverBudget` only when a budgeted call is on the stack being
run, so it interrupts that handler and nothing else. Either way the caller rolls the transaction
back and dead-letters the message (`lead_runtime.group`).

Work that sits in one C call (a regular expression, a driver) is interrupted once it returns.
"""

import asyncio
import logging
import signal
import sys
import threading
import time
import traceback
from collections.abc import Awaitable
from typing import TypeVar

from .logs import fields

log = logging.getLogger(__name__)
T = TypeVar("T")
_SIGNAL = signal.SIGUSR2
TICK_SECONDS = 0.1


class OverBudget(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the handler ran past its time budget of {seconds:g} s")
        self.seconds = seconds


class _Deadlines:
    """Deadlines of the budgeted calls in flight, read by the watchdog thread."""

    def __init__(self) -> None:
        self.active: dict[int, float] = {}
        self._next = 0
        self.watchdog: threading.Thread | None = None
        self._lock = threading.Lock()

    def add(self, deadline: float) -> int:
        self._next += 1
        self.active[self._next] = deadline
        return self._next

    def start_watchdog(self) -> None:
        """Once per process, from the main thread (only it may set a signal handler)."""
        with self._lock:
            if self.watchdog is not None or threading.current_thread() is not threading.main_thread():
                return
            signal.signal(_SIGNAL, _interrupt_if_over)
            self.watchdog = threading.Thread(target=_watch, args=(self, threading.main_thread().ident),
                                              name="handler-budget-watchdog", daemon=True)
            self.watchdog.start()


DEADLINES = _Deadlines()


async def within_budget(call: Awaitable[T], seconds: float) -> T:
    """`await call`, or OverBudget once it has taken `seconds`."""
    if DEADLINES.watchdog is None:
        DEADLINES.start_watchdog()
    deadline = time.monotonic() + seconds
    token = DEADLINES.add(deadline)  # a local: the signal handler finds this frame by its code
    try:
        async with asyncio.timeout(seconds) as timeout:
            return await call
    except TimeoutError as exc:
        if timeout.expired():
            raise OverBudget(seconds) from exc
        raise  # the handler's own timeout (a connect, say): not ours to judge
    finally:
        DEADLINES.active.pop(token, None)


_BUDGETED = within_budget.__code__


def _interrupt_if_over(signum, frame) -> None:
    """Runs in the main thread between two bytecodes of whatever runs there."""
    now = time.monotonic()
    while frame is not None:
        if frame.f_code is _BUDGETED:
            token = frame.f_locals.get("token")
            deadline = DEADLINES.active.get(token)
            if deadline is not None and now >= deadline:
                DEADLINES.active.pop(token, None)  # raised once; the caller takes it from here
                raise OverBudget(frame.f_locals.get("seconds", 0.0))
            return
        frame = frame.f_back


def _watch(deadlines: _Deadlines, main_thread: int) -> None:
    """Every tick: a deadline passed and still active means its call holds the loop (an awaiting
    call is ended by its asyncio timeout, which removes the deadline)."""
    warned: set[int] = set()
    while True:
        time.sleep(TICK_SECONDS)
        now = time.monotonic()
        late = [token for token, deadline in list(deadlines.active.items()) if now >= deadline + TICK_SECONDS]
        if not late:
            continue
        warned &= set(deadlines.active)
        if late[0] not in warned:
            warned.add(late[0])
            frame = sys._current_frames().get(main_thread)
            where = "".join(traceback.format_stack(frame, limit=8)) if frame is not None else "?"
            log.error("a handler holds the event loop past its budget; interrupting it", extra=fields(stack=where))
        signal.pthread_kill(main_thread, _SIGNAL)
