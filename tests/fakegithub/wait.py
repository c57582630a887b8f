"""`python -m tests.fakegithub.wait PORT`: wait (up to 10 s) until the fake GitHub started in the
background by `make demo` accepts connections, so the demo's first fetch does not race it."""

from __future__ import annotations

import socket
import sys
import time


def wait_for(port: int, *, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            time.sleep(0.1)
        else:
            return True
    return False


if __name__ == "__main__":
    if not wait_for(int(sys.argv[1])):
        sys.exit(f"Nothing answers on 127.0.0.1:{sys.argv[1]}.")
