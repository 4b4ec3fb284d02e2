"""A real SMTP server on loopback that fails where a test asks: at the greeting, STARTTLS, AUTH,
or by dropping the connection during DATA. The happy path is aiosmtpd's (tests/conftest.py);
this one speaks just enough SMTP to fail the ways real servers do."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Script:
    fail_at: str = ""  # "greeting", "starttls", "auth", "data-cut" or "" (accept everything)
    messages: list[bytes] = field(default_factory=list)
    connections: int = 0


def _handler(script: Script) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def handle(self) -> None:
            script.connections += 1
            if script.fail_at == "greeting":
                self.reply("554 5.7.1 No SMTP service here")
                return
            self.reply("220 test ESMTP")
            while line := self.rfile.readline():
                verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250-test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS")
                elif verb == "STARTTLS":
                    self.reply("454 4.7.0 TLS not available due to local problem")
                elif verb == "AUTH":
                    if script.fail_at == "auth":
                        self.reply("535 5.7.8 Authentication credentials invalid")
                    else:
                        self.reply("235 2.7.0 Authentication successful")
                elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    body = b""
                    while (chunk := self.rfile.readline()) and chunk != b".\r\n":
                        body += chunk
                    if script.fail_at == "data-cut":
                        return  # the connection drops before the server's answer: it may have gone
                    script.messages.append(body)
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")

    return Handler


@contextmanager
def scripted_smtp_server(fail_at: str = "") -> Iterator[tuple[int, Script]]:
    script = Script(fail_at)
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], script
    finally:
        server.shutdown()
        server.server_close()
