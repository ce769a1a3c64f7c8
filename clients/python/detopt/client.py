"""The detopt REST client: studies, their lifecycle, live progress and results (standard library only)."""
from __future__ import annotations

import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Union

from .errors import DetoptError, MissingDependency, TransportError, error_for
from .progress import Progress
from .sse import ServerSentEvent, read_events

TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELLED"})

#: Columns of ``GET /studies/{id}/export?format=csv`` (and of :meth:`Study.to_pandas`) before θ and gradients.
STEP_COLUMNS = ("step", "physics", "physics_stderr", "cost", "penalty", "total", "gradient_norm", "events",
                "events_total", "lambda")


@dataclass(frozen=True)
class Me:
    """Who a token is (``GET /api/v1/me``). ``id`` is None for tokens from configuration."""

    id: Optional[str]
    name: str
    role: str
    can_read: bool
    can_write: bool
    can_manage_tokens: bool
    can_work: bool


@dataclass(frozen=True)
class Best:
    """The best step so far by total loss (all None before the first step)."""

    study_id: str
    step: Optional[int]
    total: Optional[float]
    theta: Optional[Dict[str, float]]


class Client:
    """A connection to one detopt service.

    ``url`` is the service's base URL (``http://localhost:8080``; a trailing ``/api/v1`` is
    accepted), ``token`` a bearer token (default: the ``DETOPT_TOKEN`` environment variable).
    """

    def __init__(self, url: str = "http://localhost:8080", token: Optional[str] = None, *, timeout: float = 30.0):
        base = url.rstrip("/")
        if base.endswith("/api/v1"):
            base = base[: -len("/api/v1")]
        self.url = base
        self.token = token if token is not None else os.environ.get("DETOPT_TOKEN")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"Client({self.url!r})"

    # -- HTTP ---------------------------------------------------------------------------------

    def _open(self, method: str, path: str, body: Any = None, params: Optional[Dict[str, Any]] = None,
              accept: str = "application/json", timeout: Optional[float] = None):
        query = {k: v for k, v in (params or {}).items() if v is not None}
        url = self.url + "/api/v1" + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = None
        headers = {"Accept": accept + ", application/problem+json", "User-Agent": "detopt-python"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if body is not None:
            data = (body if isinstance(body, (bytes, str)) else json.dumps(body, allow_nan=False))
            data = data.encode("utf-8") if isinstance(data, str) else data
            headers["Content-Type"] = "application/json"
        elif method == "POST":
            data = b""
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout if timeout is None else timeout)
        except urllib.error.HTTPError as e:
            with e:
                raise error_for(e.code, e.read(), e.reason, method, url) from None
        except (urllib.error.URLError, socket.timeout, ConnectionError) as e:
            raise TransportError(f"{method} {url}: {getattr(e, 'reason', e)}") from e

    def _call(self, method: str, path: str, body: Any = None, params: Optional[Dict[str, Any]] = None) -> Any:
        with self._open(method, path, body, params) as response:
            content = response.read()
        return json.loads(content.decode("utf-8")) if content else None

    def _bytes(self, path: str, params: Optional[Dict[str, Any]] = None, accept: str = "*/*") -> bytes:
        with self._open("GET", path, None, params, accept=accept) as response:
            return response.read()

    # -- who am I -----------------------------------------------------------------------------

    def me(self) -> Me:
        """The token's identity and what its role may do."""
        m = self._call("GET", "/me")
        return Me(id=m.get("id"), name=m.get("name"), role=m.get("role"), can_read=bool(m.get("canRead")),
                  can_write=bool(m.get("canWrite")), can_manage_tokens=bool(m.get("canManageTokens")),
                  can_work=bool(m.get("canWork")))

    # -- studies ------------------------------------------------------------------------------

    def create_study(self, spec: Union[Dict[str, Any], str, os.PathLike]) -> "Study":
        """Creates a study from a spec: a dict, a JSON string, or the path of a JSON file.

        Raises :class:`~detopt.errors.ValidationError` (422) listing every invalid field.
        """
        if isinstance(spec, os.PathLike) or (isinstance(spec, str) and not spec.lstrip().startswith("{")):
            with open(spec, "rb") as f:
                spec = f.read()
        return Study(self, self._call("POST", "/studies", spec))

    def study(self, study_id: str) -> "Study":
        """An existing study by id."""
        return Study(self, self._call("GET", f"/studies/{_segment(study_id)}"))

    def studies(self, status: Optional[str] = None, page_size: int = 100) -> List["Study"]:
        """All studies, newest first (optionally only those with ``status``)."""
        found: List[Study] = []
        page = 0
        while True:
            answer = self._call("GET", "/studies", params={"status": status, "page": page, "size": page_size})
            found.extend(Study(self, item) for item in answer["items"])
            page += 1
            if not answer["items"] or page * page_size >= answer["total"]:
                return found

    # -- simulators ---------------------------------------------------------------------------

    def simulators(self) -> List[Dict[str, Any]]:
        """The simulators a study may name: built-in ones and the programs registered by the operators,
        each ``{name, external, description, parameters, observables, estimators}``."""
        return self._call("GET", "/simulators")

    def studies_tagged(self, tag: Optional[str] = None, text: Optional[str] = None, page_size: int = 100) -> List["Study"]:
        """Studies carrying ``tag`` and/or with ``text`` in their name or description, newest first."""
        found: List[Study] = []
        page = 0
        while True:
            answer = self._call("GET", "/studies", params={"tag": tag, "q": text, "page": page, "size": page_size})
            found.extend(Study(self, item) for item in answer["items"])
            page += 1
            if not answer["items"] or page * page_size >= answer["total"]:
                return found

    def compare(self, *studies: Union["Study", str]) -> Dict[str, Any]:
        """``GET /api/v1/studies/compare``: ``{studies, byStep, byEvents}``: loss series aligned by step
        and by events simulated (``x`` and, per study id, ``total`` and ``physics`` with None where a
        study has no value), and each study's final and best θ."""
        ids = [s.id if isinstance(s, Study) else str(s) for s in studies]
        return self._call("GET", "/studies/compare", params={"ids": ",".join(ids)})

    # -- groups -------------------------------------------------------------------------------

    def create_group(self, base: Dict[str, Any], vary: Dict[str, List[Any]], start: bool = False,
                     name: Optional[str] = None) -> "Group":
        """``POST /api/v1/groups``: one study per combination of ``vary`` (spec path → values, e.g.
        ``{"seed": [1, 2, 3], "cost.budget": [5e4, 1e5]}``) over the ``base`` spec; ``start`` starts them.

        Raises :class:`~detopt.errors.ValidationError` naming ``vary.<path>`` for an unknown path or a
        value of the wrong type, or ``vary`` when the sweep exceeds the service's member limit.
        """
        body: Dict[str, Any] = {"baseSpec": base, "vary": vary, "start": start}
        if name is not None:
            body["name"] = name
        return Group(self, self._call("POST", "/groups", body))

    def group(self, group_id: str) -> "Group":
        """``GET /api/v1/groups/{id}``: members, status summary, seed bands, Pareto front."""
        return Group(self, self._call("GET", f"/groups/{_segment(group_id)}"))

    def groups(self, page_size: int = 100) -> List[Dict[str, Any]]:
        """Every group's summary (id, name, vary, member count, status summary), newest first."""
        found: List[Dict[str, Any]] = []
        page = 0
        while True:
            answer = self._call("GET", "/groups", params={"page": page, "size": page_size})
            found.extend(answer["items"])
            page += 1
            if not answer["items"] or page * page_size >= answer["total"]:
                return found

    def group_action(self, group_id: str, action: str) -> "Group":
        """``POST /api/v1/groups/{id}/{start|pause|resume|cancel}``: acts on every member whose status allows it."""
        if action not in ("start", "pause", "resume", "cancel"):
            raise ValueError("action must be start, pause, resume or cancel")
        return Group(self, self._call("POST", f"/groups/{_segment(group_id)}/{action}"))


class Group:
    """A study group (a sweep). ``info`` is the group as last read: ``members``, ``statusSummary``,
    ``seedBands`` (per set of members differing only in seed: median and quartiles of the loss per
    step), ``points`` (each member's best physics loss and cost) and ``paretoFront`` (member ids)."""

    def __init__(self, client: Client, info: Dict[str, Any]):
        self.client = client
        self.info: Dict[str, Any] = info
        self.id: str = info["id"]

    def __repr__(self) -> str:
        return f"Group(id={self.id!r}, name={self.info.get('name')!r}, members={len(self.info.get('members', []))})"

    def refresh(self) -> "Group":
        self.info = self.client._call("GET", f"/groups/{_segment(self.id)}")
        return self

    @property
    def status_summary(self) -> Dict[str, int]:
        return self.refresh().info["statusSummary"]

    def studies(self) -> List["Study"]:
        """The members as studies (each read afresh)."""
        return [self.client.study(member["id"]) for member in self.info["members"]]

    def accounting(self) -> Dict[str, Any]:
        """``GET /api/v1/groups/{id}/accounting``: ``accounting``, the members' totals (``cpuSeconds``,
        ``cpuSecondsLost``, ``preemptions``, ``leaseExpiries``, ``failures`` and, with prices configured,
        ``estimatedCost`` and ``onDemandCost``), and ``members``, each member's own account by id."""
        return self.client._call("GET", f"/groups/{_segment(self.id)}/accounting")

    def pareto_front(self) -> List[Dict[str, Any]]:
        """The points on the physics-vs-cost front, by increasing cost."""
        return [point for point in self.info["points"] if point["onFront"]]

    def wait(self, timeout: Optional[float] = None) -> "Group":
        """Waits until every member has ended (COMPLETED, FAILED or CANCELLED)."""
        for study in self.studies():
            study.wait(progress=False, timeout=timeout)
        return self.refresh()

    def _act(self, action: str) -> "Group":
        self.info = self.client.group_action(self.id, action).info
        return self

    def start(self) -> "Group":
        return self._act("start")

    def pause(self) -> "Group":
        return self._act("pause")

    def resume(self) -> "Group":
        return self._act("resume")

    def cancel(self) -> "Group":
        return self._act("cancel")


class Study:
    """One study on the service. ``info`` is the study as last read (``refresh()`` reads it again)."""

    def __init__(self, client: Client, info: Dict[str, Any]):
        self.client = client
        self.info: Dict[str, Any] = info
        self.id: str = info["id"]

    def __repr__(self) -> str:
        return (f"Study(id={self.id!r}, name={self.info.get('name')!r}, status={self.info.get('status')!r}, "
                f"step={self.info.get('step')})")

    def _path(self, tail: str = "") -> str:
        return f"/studies/{self.id}{tail}"

    @property
    def name(self) -> str:
        return self.info.get("name")

    @property
    def status(self) -> str:
        """The status now (reads the study)."""
        return self.refresh().info["status"]

    def refresh(self) -> "Study":
        self.info = self.client._call("GET", self._path())
        return self

    # -- lifecycle ----------------------------------------------------------------------------

    def _act(self, action: str) -> "Study":
        self.info = self.client._call("POST", self._path("/" + action))
        return self

    def start(self) -> "Study":
        """CREATED → RUNNING: queues step 0's batches."""
        return self._act("start")

    def pause(self) -> "Study":
        """RUNNING → PAUSED."""
        return self._act("pause")

    def resume(self) -> "Study":
        """PAUSED → RUNNING."""
        return self._act("resume")

    def cancel(self) -> "Study":
        """CREATED, RUNNING or PAUSED → CANCELLED."""
        return self._act("cancel")

    def delete(self) -> None:
        """Deletes the study with its steps, tasks and log (not while RUNNING)."""
        self.client._call("DELETE", self._path())

    # -- campaigns ----------------------------------------------------------------------------

    def fork(self, from_step: int, spec_patch: Optional[Dict[str, Any]] = None, reset_optimizer: bool = False,
             start: bool = True) -> "Study":
        """A new study from this one's state after ``from_step``, its spec changed by ``spec_patch`` (a
        JSON merge patch, RFC 7396: ``None`` removes a field). With no patch it repeats this study's
        later steps bit for bit."""
        body: Dict[str, Any] = {"fromStep": from_step, "resetOptimizer": reset_optimizer, "start": start}
        if spec_patch is not None:
            body["specPatch"] = spec_patch
        return Study(self.client, self.client._call("POST", self._path("/fork"), body))

    def extend(self, max_steps: Optional[int] = None, max_events: Optional[int] = None) -> "Study":
        """A study that stopped at its step or event limit continues with the larger limit (COMPLETED → RUNNING)."""
        body = {k: v for k, v in (("maxSteps", max_steps), ("maxEvents", max_events)) if v is not None}
        self.info = self.client._call("POST", self._path("/extend"), body)
        return self

    def set_notes(self, description: Any = ..., tags: Optional[List[str]] = None) -> "Study":
        """Sets the description (``None`` clears it; left out: unchanged) and/or replaces the tags."""
        body: Dict[str, Any] = {}
        if description is not ...:
            body["description"] = description
        if tags is not None:
            body["tags"] = list(tags)
        self.info = self.client._call("PATCH", self._path(), body)
        return self

    # -- watching -----------------------------------------------------------------------------

    def events(self, from_step: int = 0, after_event: int = 0, timeout: float = 60.0) -> Iterator[ServerSentEvent]:
        """The study's live event stream (``study``, ``step``, ``tasks``, ``log``, ``deleted``), raw.

        Ends after a terminal status. ``data`` is JSON text. ``timeout``: longest silence (the
        service sends a keep-alive every 15 s).
        """
        response = self.client._open("GET", self._path("/stream"),
                                     params={"fromStep": from_step, "afterEvent": after_event},
                                     accept="text/event-stream", timeout=timeout)
        with response:
            yield from read_events(response)

    def wait(self, progress: bool = True, timeout: Optional[float] = None, stream=None) -> "Study":
        """Follows the event stream until the study is COMPLETED, FAILED or CANCELLED.

        With ``progress`` a one-line progress bar (tqdm when installed) shows steps, status and
        the last loss on ``stream`` (default stderr). A dropped stream is reopened where it
        stopped. Raises ``TimeoutError`` after ``timeout`` seconds. Returns the study, refreshed.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        bar = Progress(int(self.info.get("maxSteps") or 0), (self.name or self.id)[:30], stream) if progress else None
        next_step, last_event, status = 0, 0, self.info.get("status")
        try:
            while status not in TERMINAL:
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError(f"study {self.id} still {status} after {timeout} s")
                silence = 60.0 if deadline is None else max(0.1, min(60.0, deadline - time.monotonic()))
                try:
                    for event in self.events(next_step, last_event, timeout=silence):
                        payload = json.loads(event.data) if event.data else None
                        if event.event == "study":
                            summary = payload["study"]
                            self.info.update({k: v for k, v in summary.items() if v is not None or k in self.info})
                            status = summary["status"]
                            if bar:
                                bar.update(int(summary.get("step") or 0), status, summary.get("lastTotal"))
                        elif event.event == "step":
                            next_step = int(payload["step"]) + 1
                        elif event.event == "log":
                            last_event = int(payload["id"])
                        elif event.event == "deleted":
                            raise DetoptError(f"study {self.id} was deleted while waiting")
                        if deadline is not None and time.monotonic() > deadline:
                            raise TimeoutError(f"study {self.id} still {status} after {timeout} s")
                except (TransportError, OSError) as e:  # a dropped or silent stream (socket.timeout is an OSError)
                    if deadline is not None and time.monotonic() > deadline:
                        raise TimeoutError(f"study {self.id} still {status} after {timeout} s") from e
                    if isinstance(e, TransportError):
                        time.sleep(1.0)
                    status = self.refresh().info["status"]
        finally:
            if bar:
                bar.close()
        return self.refresh()

    # -- results ------------------------------------------------------------------------------

    def steps(self, page_size: int = 500) -> List[Dict[str, Any]]:
        """Every completed step's record in order, exactly as stored (θ, loss terms, gradient ± stderr, events)."""
        records: List[Dict[str, Any]] = []
        page = 0
        while True:
            answer = self.client._call("GET", self._path("/steps"), params={"page": page, "size": page_size})
            records.extend(item["record"] for item in answer["items"])
            page += 1
            if not answer["items"] or page * page_size >= answer["total"]:
                return records

    def best(self) -> Best:
        """The best step so far by total loss."""
        b = self.client._call("GET", self._path("/best"))
        return Best(study_id=b.get("studyId"), step=b.get("step"), total=b.get("total"), theta=b.get("theta"))

    def export(self, format: str = "json", path: Optional[Union[str, os.PathLike]] = None) -> Any:
        """The whole history: ``json`` → a dict ``{study, spec, state, steps}``; ``csv`` → the CSV text.

        With ``path`` the download is written there unchanged and the path is returned.
        """
        if format not in ("json", "csv"):
            raise ValueError("format must be 'json' or 'csv'")
        content = self.client._bytes(self._path("/export"), params={"format": format})
        if path is not None:
            with open(path, "wb") as f:
                f.write(content)
            return path
        text = content.decode("utf-8")
        return json.loads(text) if format == "json" else text

    def rows(self) -> List[Dict[str, Any]]:
        """The steps as flat rows with the CSV export's columns (``theta.<p>``, ``gradient.<p>``, …,
        ``theta_after.<p>``: the design after the step's update; the last row's is the final design;
        ``probability.<categorical>.<choice>`` for categorical parameters)."""
        records = self.steps()
        final = ((self.refresh().info.get("state") or {}).get("theta")) if records else None
        observables = list(dict.fromkeys(name for r in records for name in (r.get("observables") or {})))
        return [step_row(record, records[i + 1]["theta"] if i + 1 < len(records) else final, observables)
                for i, record in enumerate(records)]

    def to_pandas(self):
        """The steps as a pandas DataFrame indexed by step (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise MissingDependency("Study.to_pandas() needs pandas, which is not installed: "
                                    "pip install pandas (or pip install 'detopt[pandas]'); "
                                    "Study.rows() gives the same table as a list of dicts") from None
        return pandas.DataFrame(self.rows(), columns=None).set_index("step", drop=False)


def step_row(record: Dict[str, Any], theta_after: Optional[Dict[str, float]] = None,
             observables: Optional[List[str]] = None) -> Dict[str, Any]:
    """One step record as a flat row with the CSV export's column names.

    ``theta_after`` is the design after the step's update (the next step's θ, or the study's final
    θ for the last step); None leaves those cells None. ``observables`` names the
    ``observable_mean.<o>``/``observable_stderr.<o>`` columns (the record's own when None); an
    observable the record lacks (records made before observables were kept) gives None.
    """
    row: Dict[str, Any] = {
        "step": record["step"], "physics": record["physics"], "physics_stderr": record["physicsStderr"],
        "cost": record["cost"], "penalty": record["penalty"], "total": record["total"],
        "gradient_norm": record["gradientNorm"], "events": record["events"], "events_total": record["eventsTotal"],
        "lambda": record.get("lambda"),
    }
    for prefix, key in (("theta", "theta"), ("gradient", "gradient"), ("gradient_stderr", "gradientStderr")):
        for name, value in (record.get(key) or {}).items():
            row[f"{prefix}.{_column(name)}"] = value
    for name in record.get("theta") or {}:
        row[f"theta_after.{_column(name)}"] = None if theta_after is None else theta_after.get(name)
    estimates = record.get("observables") or {}
    names = list(estimates) if observables is None else observables
    for column, key in (("observable_mean", "mean"), ("observable_stderr", "stderr")):
        for name in names:
            row[f"{column}.{_column(name)}"] = estimates[name][key] if name in estimates else None
    # categorical parameters: the probability of each choice the step's events drew from
    for name, estimate in (record.get("categoricals") or {}).items():
        for choice, probability in zip(estimate["choices"], estimate["probabilities"]):
            row[f"probability.{_column(name)}.{_column(choice)}"] = probability
    return row


def _column(name: str) -> str:
    """A parameter name as the CSV export spells it: anything but letters, digits, '_', '.', '-' becomes '_'."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _segment(value: str) -> str:
    return urllib.parse.quote(str(value), safe="")
