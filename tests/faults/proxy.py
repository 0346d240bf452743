"""A TCP proxy between the portal and a service (Redis, PostgreSQL) that a test can cut.

Modes: "pass" forwards bytes both ways; "refuse" accepts each connection and closes it at once
(the server is down); "stall" accepts and never answers (the server hangs: only timeouts end
the wait).  Switching mode drops the connections already open, as a server that goes away
does.  Threads only: the shared servers are never touched."""

import socket
import threading


class TcpProxy:
    def __init__(self, target_host, target_port, mode="pass"):
        self.target = (target_host, target_port)
        self.mode = mode
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True, name=f"proxy-{self.port}").start()

    def url_for(self, url):
        """``url`` (redis://host:port/db, postgres://user@host:port/name) through the proxy."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{self.port}"))

    def set_mode(self, mode):
        assert mode in ("pass", "refuse", "stall")
        self.mode = mode
        self._drop_all()

    def close(self):
        self._closed = True
        self._listener.close()
        self._drop_all()

    def _drop_all(self):
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _track(self, sock):
        with self._lock:
            self._sockets.add(sock)

    def _accept_loop(self):
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
            elif self.mode == "stall":
                self._track(client)  # held open, never read from or answered
            else:
                threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client):
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        self._track(client)
        self._track(upstream)
        threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
