"""A small Server-Sent Events reader (the WHATWG event-stream format) over a file-like byte stream."""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Iterator, Optional


@dataclass(frozen=True)
class ServerSentEvent:
    event: str
    data: str
    id: Optional[str] = None


def read_events(stream: BinaryIO) -> Iterator[ServerSentEvent]:
    """Yields each dispatched event; comments (keep-alives) are skipped. Ends when the stream ends."""
    event, data, last_id = "", [], None
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield ServerSentEvent(event or "message", "\n".join(data), last_id)
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            last_id = value
    # An event not ended by a blank line is incomplete and dropped, as the WHATWG rules say.
