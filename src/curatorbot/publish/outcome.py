"""What one publishing run did: one line for the log and the job summary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """`kind` is "pull request" or "health issue"; `number` is None when there is none.

    `action` is one of created, updated, reopened, unchanged, closed, held (a person's
    commits stopped the bot) and nothing.
    """

    kind: str
    action: str
    number: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        what = f"{self.kind} #{self.number}" if self.number else self.kind
        return f"{what}: {self.action}" + (f" ({self.detail})" if self.detail else "")
