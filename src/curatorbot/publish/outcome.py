"""What one publishing run did: one line for the log and the job summary."""

from __future__ import annotations

from dataclasses import dataclass

# The actions a run can end with; `held` means a person's commits stopped the bot.
ACTIONS = ("created", "updated", "reopened", "unchanged", "closed", "held", "nothing")


@dataclass(frozen=True)
class Outcome:
    """`kind` is "pull request" or "health issue"; `number` is None when there is none."""

    kind: str
    action: str
    number: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        what = f"{self.kind} #{self.number}" if self.number else self.kind
        return f"{what}: {self.action}" + (f" ({self.detail})" if self.detail else "")
