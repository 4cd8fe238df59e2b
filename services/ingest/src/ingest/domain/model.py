"""Plain values ingest's rules pass around."""

from dataclasses import dataclass, field

BATCH_NOTE = " A batch is all-or-nothing: nothing from it was accepted; fix it and send it again."


@dataclass(frozen=True)
class ReceivedBody:
    """A request body as read: all of it when within the limit, else only its first bytes."""

    raw: bytes
    size: int  # bytes seen; a lower bound when not `complete`
    complete: bool = True  # False when reading stopped early (a body far beyond the limit)
    content_type: str | None = None
    content_encoding: str | None = None

    @property
    def size_text(self) -> str:
        return f"{self.size}" if self.complete else f"at least {self.size}"


@dataclass(frozen=True)
class Refusal:
    """Why a body was refused: the HTTP status, a title, and words a person can act on."""

    status: int
    title: str
    reason: str
    errors: list[dict] = field(default_factory=list)
