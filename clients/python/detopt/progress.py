"""Progress display for Study.wait: tqdm when it is installed, else one line redrawn with a carriage return."""
from __future__ import annotations

import sys
from typing import Optional, TextIO


class Progress:
    def __init__(self, total: int, description: str, stream: Optional[TextIO] = None, use_tqdm: bool = True):
        self.total = max(0, int(total))
        self.description = description
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.status = ""
        self._bar = None
        if use_tqdm:
            try:
                from tqdm.auto import tqdm  # optional
                self._bar = tqdm(total=self.total, desc=description, unit="step", file=self.stream)
            except ImportError:
                self._bar = None

    def update(self, done: int, status: str, loss: Optional[float] = None) -> None:
        done = min(max(done, 0), self.total) if self.total else max(done, 0)
        if self._bar is not None:
            self._bar.update(done - self.done)
            self._bar.set_postfix_str(status + ("" if loss is None else f" loss={loss:.6g}"))
        else:
            self.stream.write("\r" + self.line(done, status, loss))
            self.stream.flush()
        self.done, self.status = done, status

    def line(self, done: int, status: str, loss: Optional[float]) -> str:
        width = 30
        filled = int(width * done / self.total) if self.total else 0
        text = f"{self.description} [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} steps {status}"
        if loss is not None:
            text += f" loss={loss:.6g}"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            self.stream.write("\n")
            self.stream.flush()
