"""ui.views.frame.send_without_delay: every TCP socket of the process gets TCP_NODELAY."""

from __future__ import annotations

import socket
import sys

from ui.views.frame import send_without_delay


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_sets_nodelay_on_listening_and_open_sockets_and_leaves_them_working():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # not TCP: untouched, no error
        try:
            assert _nodelay(listener) == 0 and _nodelay(accepted) == 0  # the default we fix
            assert send_without_delay() >= 3
            assert _nodelay(listener) and _nodelay(accepted) and _nodelay(client)
            # The sockets were reached through duplicates: the originals still work.
            client.sendall(b"ping")
            assert accepted.recv(4) == b"ping"
            if sys.platform == "linux":  # Linux copies the option to connections accepted later
                late_client = socket.create_connection(listener.getsockname())
                late, _ = listener.accept()
                with late_client, late:
                    assert _nodelay(late)
        finally:
            for sock in (client, accepted, other):
                sock.close()
