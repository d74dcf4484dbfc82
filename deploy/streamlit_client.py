"""A browserless Streamlit session: what a browser tab does over the app's websocket, minus drawing.

A browser and Streamlit talk over ``/_stcore/stream``. The browser sends a ``BackMsg``
``rerun_script`` naming the page, the URL's query string and the values of the widgets it
shows (for a widget drawn by an ``st.fragment``, also that fragment's id: only it reruns); the
server runs the page and answers with ``ForwardMsg``\\ s: ``new_session``,
``navigation`` (the app's pages), one ``delta`` per element drawn (widgets included, with their
ids, ranges and defaults), ``page_info_changed`` when the URL's query string changes, and
``script_finished`` when the run is over. A run is *the time from the BackMsg to its
script_finished*; the first run of a session also includes opening the websocket.

    session = Session("http://127.0.0.1:8600")
    first = await session.open("pool_1d")           # connect + first run of /pool_1d
    widget = session.find_widget("kernel_size")      # matches `kernel_size`, `pool_1d__kernel_size`, ...
    change = await session.change(widget, widget.other_value(random.Random(0)))
    await session.close()

Used by ``deploy/warm_up.py`` (serve.sh's warm-up) and ``benchmarks/bench_load.py``.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

_STATUS = ForwardMsg.ScriptFinishedStatus
# A run cut short by a newer rerun request is followed by that newer run: wait for it instead.
_INTERRUPTED = _STATUS.FINISHED_EARLY_FOR_RERUN
# The widgets this client can find and change (see Widget.state for how each value is sent).
CHANGEABLE = ("slider", "number_input", "text_input")
FINISHED_OK = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float  # from the BackMsg (or the connection attempt, for a first view) to script_finished
    status: str  # ScriptFinishedStatus name, or TIMEOUT / DISCONNECTED / CONNECT_FAILED
    exceptions: list[str] = field(default_factory=list)  # messages of exception elements drawn

    @property
    def ok(self) -> bool:
        return self.status in FINISHED_OK and not self.exceptions

    def describe(self) -> str:
        if self.exceptions:
            return f"{self.status} with an exception: {self.exceptions[0][:200]}"
        return self.status


@dataclass
class Widget:
    """A widget of the page as its delta described it."""

    kind: str  # "slider", "number_input" or "text_input"
    id: str  # Streamlit's widget id, e.g. "$$ID-<hash>-kernel_size"
    label: str
    proto: object  # the element's protobuf (streamlit.proto.Slider_pb2.Slider, ...)
    value: object  # the value the client last sent (or the default)
    fragment_id: str = ""  # the st.fragment that drew it: a change reruns only that fragment

    @property
    def user_key(self) -> str:
        """The `key=` the page gave the widget ("" if none): the id's part after its hash."""
        if self.id.startswith("$$ID-"):
            parts = self.id.split("-", 2)
            return parts[2] if len(parts) == 3 else ""
        return self.id

    def matches(self, key: str) -> bool:
        """True for the widget whose key is `key` or ends with it after a `_` or `-` (pages may
        namespace their keys, e.g. ``pool_1d__kernel_size``), or whose label is `key`."""
        user_key = self.user_key
        if user_key == key or user_key.endswith(("_" + key, "-" + key)):
            return True
        return self.label.strip().strip("`*").strip() == key

    def other_value(self, rng: random.Random) -> object:
        """A valid value different from the current one, as a browser user would choose it."""
        proto = self.proto
        if self.kind == "slider":
            step = proto.step or 1
            low, high = proto.min, proto.max
            count = int(round((high - low) / step)) + 1
            candidates = [low + i * step for i in range(count) if abs(low + i * step - self.value) > step / 2]
            chosen = rng.choice(candidates) if candidates else self.value
            return int(chosen) if proto.data_type == proto.INT else chosen
        if self.kind == "number_input":
            step = proto.step or 1
            up = self.value + step
            if proto.has_max and up > proto.max:
                up = self.value - step
            return int(up) if proto.data_type == proto.INT else up
        return text_neighbour(str(self.value))

    def state(self, value: object) -> WidgetState:
        """The WidgetState a browser sends for this widget holding `value`."""
        state = WidgetState(id=self.id)
        if self.kind == "slider":
            state.double_array_value.data.append(float(value))
        elif self.kind == "number_input":
            if self.proto.data_type == self.proto.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        else:
            state.string_value = str(value)
        return state


def text_neighbour(text: str) -> str:
    """Another valid value for a text control holding whole numbers: "2" → "3", "2,3" → "3,4"."""
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    try:
        return ",".join(str(int(part) + 1) for part in parts)
    except ValueError:
        return text + " "


def _initial_value(kind: str, proto) -> object:
    if kind == "slider":
        values = list(proto.value) if proto.set_value and proto.value else list(proto.default)
        value = values[0] if values else proto.min
        return int(value) if proto.data_type == proto.INT else value
    if kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        return int(value) if proto.data_type == proto.INT else value
    return proto.value if proto.set_value else proto.default


class Session:
    """One Streamlit session over one websocket, like one browser tab.

    `open(page)` connects and runs the page; `change(widget, value)` sends a widget's new value
    and the rest of the tab's state (the URL's query string, the page), as the browser would.
    """

    def __init__(self, base_url: str, timeout_s: float = 30.0, cookie: str | None = None) -> None:
        self.url = base_url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        self.url += "/_stcore/stream"
        self.timeout_s = timeout_s
        self.cookie = cookie
        self.socket: ClientConnection | None = None
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> page_script_hash
        self.page_hash = ""
        self.query_string = ""
        self.widgets: dict[str, Widget] = {}  # by widget id

    async def open(self, page: str = "", query_string: str = "") -> Run:
        """Connect and run `page` (its URL path, e.g. "pool_1d"; "" = the default page)."""
        started = time.perf_counter()
        headers = {"Cookie": self.cookie} if self.cookie else None
        try:
            self.socket = await asyncio.wait_for(
                connect(self.url, max_size=None, proxy=None, additional_headers=headers, open_timeout=None),
                self.timeout_s,
            )
        except Exception as error:  # refused, timed out, or a handshake error of websockets' (InvalidStatus, ...)
            return Run(time.perf_counter() - started, "CONNECT_FAILED", [f"{type(error).__name__}: {error}"])
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query_string
        self.query_string = query_string
        return await self._run(message, started)

    def find_widget(self, key: str) -> Widget | None:
        """The changeable widget whose key (or label) is `key`, namespaced or not (see Widget.matches)."""
        found = [widget for widget in self.widgets.values() if widget.matches(key)]
        exact = [widget for widget in found if widget.user_key == key]
        return (exact or found or [None])[0]

    async def change(self, widget: Widget, value: object) -> Run:
        """Send `widget`'s new value with the tab's query string and page; time the rerun."""
        message = BackMsg()
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.query_string = self.query_string
        message.rerun_script.widget_states.widgets.append(widget.state(value))
        if widget.fragment_id:  # as a browser does: a widget of a fragment reruns only its fragment
            message.rerun_script.fragment_id = widget.fragment_id
        widget.value = value
        return await self._run(message, time.perf_counter())

    async def close(self) -> None:
        if self.socket is not None:
            try:
                await asyncio.wait_for(self.socket.close(), 5)
            except (OSError, TimeoutError):
                pass
            self.socket = None

    async def _run(self, message: BackMsg, started: float) -> Run:
        run = Run(0.0, "TIMEOUT")
        deadline = started + self.timeout_s
        try:
            await self.socket.send(message.SerializeToString())
            while True:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    break
                raw = await asyncio.wait_for(self.socket.recv(), remaining)
                if isinstance(raw, str):
                    continue
                forward = ForwardMsg.FromString(raw)
                kind = forward.WhichOneof("type")
                if kind == "delta":
                    self._read_delta(forward, run)
                elif kind == "navigation":
                    self.pages = {page.url_pathname: page.page_script_hash for page in forward.navigation.app_pages}
                    self.page_hash = forward.navigation.page_script_hash
                elif kind == "new_session" and forward.new_session.page_script_hash:
                    self.page_hash = forward.new_session.page_script_hash
                elif kind == "page_info_changed":
                    self.query_string = forward.page_info_changed.query_string
                elif kind == "script_finished" and forward.script_finished != _INTERRUPTED:
                    run.status = _STATUS.Name(forward.script_finished)
                    break
        except TimeoutError:
            run.status = "TIMEOUT"
        except Exception as error:  # the connection closed or broke (websockets.ConnectionClosed, OSError)
            run.status = "DISCONNECTED"
            run.exceptions.append(f"{type(error).__name__}: {error}")
        run.seconds = time.perf_counter() - started
        return run

    def _read_delta(self, forward: ForwardMsg, run: Run) -> None:
        if forward.delta.WhichOneof("type") != "new_element":
            return
        element = forward.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in CHANGEABLE:
            proto = getattr(element, kind)
            known = self.widgets.get(proto.id)
            value = known.value if known is not None else _initial_value(kind, proto)
            self.widgets[proto.id] = Widget(kind, proto.id, proto.label, proto, value, forward.delta.fragment_id)
