"""Test helper: several instances of a background worker at once, as several processes run them."""

import asyncio
from collections.abc import Awaitable, Callable


async def rounds_at_once(*rounds: Callable[[], Awaitable[int]]) -> int:
    """Runs one round of each side by side, again until no round finds work; returns what they did in all."""
    done = 0
    while found := sum(await asyncio.gather(*(round_() for round_ in rounds))):
        done += found
    return done
