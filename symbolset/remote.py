"""Files under an fsspec URL (``s3://bucket/prefix``, ``gs://...``, ``memory://...``, any fsspec
protocol): the few operations a dataset writer and reader need, each failure one line.

- Whole-object writes: an object store's PUT is atomic (an object appears under its name only
  complete, multipart uploads included), so :meth:`Store.put_file` / :meth:`Store.write_bytes`
  PUT straight to the final name there; on any other file system (``file://``, ``sftp://``...)
  they write a hidden ``.NAME.tmp-...`` object and move it into place.
- :meth:`Store.create`: a conditional create (``False`` when the object exists). Atomic where the
  store offers one: S3 (``If-None-Match: *``, through s3fs ``mode="create"``) and the local and
  memory file systems; on other stores fsspec falls back to check-then-write, which two clients
  can both pass (said in docs/scale.md).
- :class:`Lease`: an exclusive lock object with a heartbeat, so two runs never write into one
  prefix and a dead run's lock does not block the next one forever.

Credentials and endpoints come from the backend's usual settings (for S3: ``AWS_ACCESS_KEY_ID``,
``AWS_PROFILE``, ``AWS_ENDPOINT_URL``...; fsspec's ``FSSPEC_<PROTOCOL>_<OPTION>`` variables).
Ground floor: depends only on ``errors``, fsspec and pyarrow.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import threading
import time
import uuid

from .errors import SymbolSetError

# Protocols whose PUT makes an object visible only once complete (no rename needed, none offered).
OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss", "memory"})


def is_url(path) -> bool:
    """True for an fsspec URL (``PROTOCOL://...``), False for a local path."""
    return isinstance(path, str) and "://" in path


def join(base, rel: str) -> str:
    """``base/rel`` for a URL or a local path (``pathlib`` would fold ``s3://`` into ``s3:/``)."""
    return f"{str(base).rstrip('/')}/{rel}" if is_url(base) else os.path.join(base, rel)


def reason(exc: BaseException) -> str:
    """A short account of a store error: missing credentials, unreachable endpoint, denied, or the error's first line."""
    name = type(exc).__name__
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else name
    if name in ("NoCredentialsError", "PartialCredentialsError", "DefaultCredentialsError"):
        return "no credentials found (set them as the store expects, e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE)"
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError", "ClientConnectorError") or isinstance(
        exc, ConnectionError
    ):
        return f"cannot reach the endpoint: {text}"
    if isinstance(exc, PermissionError):
        return f"access denied: {text}"
    return text if name in text else f"{name}: {text}"


class Store:
    """The files under one fsspec URL; every method raises :class:`SymbolSetError` naming the URL."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        try:
            import fsspec

            self.fs, root = fsspec.core.url_to_fs(self.url)
        except ImportError as exc:
            raise SymbolSetError(f"{url}: this URL needs a file system package that is not installed ({exc})") from None
        except Exception as exc:  # unknown protocol (ValueError), malformed URL
            raise SymbolSetError(f"{url}: not a usable fsspec URL ({reason(exc)})") from None
        self.root = root.rstrip("/")
        self.protocol = self.fs.protocol if isinstance(self.fs.protocol, str) else self.fs.protocol[0]
        self.atomic_put = self.protocol in OBJECT_STORES
        if self.protocol in ("s3", "s3a") and not self.root.split("/")[0]:
            raise SymbolSetError(f"{url}: no bucket in the URL (expected s3://BUCKET/PREFIX)")

    def path(self, rel: str) -> str:
        """The backend path of ``rel`` (relative to the URL)."""
        return f"{self.root}/{rel}" if rel else self.root

    def where(self, rel: str = "") -> str:
        """The URL of ``rel``, for messages."""
        return f"{self.url}/{rel}" if rel else self.url

    @contextlib.contextmanager
    def errors(self, action: str, rel: str = ""):
        """Turn any backend error in the block into one line: ``URL: cannot ACTION (reason)``."""
        try:
            yield
        except SymbolSetError:
            raise
        except Exception as exc:
            raise SymbolSetError(f"{self.where(rel)}: cannot {action} ({reason(exc)})") from None

    def files(self) -> dict[str, int]:
        """Every object under the URL: relative path -> size (empty when there is none)."""
        with self.errors("list"):
            self.fs.invalidate_cache()  # s3fs caches listings; other processes (workers, a killed run) write here
            found = self.fs.find(self.root, withdirs=False, detail=True)
        out = {}
        for path, info in found.items():
            rel = path.rstrip("/")[len(self.root) + 1 :] if path.startswith(self.root + "/") else None
            if rel:
                out[rel] = int(info.get("size") or 0)
        return out

    def read_bytes(self, rel: str) -> bytes | None:
        """The bytes of ``rel``; None when it does not exist."""
        with self.errors("read", rel):
            try:
                self.fs.invalidate_cache()  # its size is looked up in the (maybe stale) listing cache
                return self.fs.cat_file(self.path(rel))
            except FileNotFoundError:
                return None

    def read_many(self, rels: list[str]) -> dict[str, bytes]:
        """The bytes of each of ``rels`` that exists, fetched concurrently where the backend can (s3fs, gcsfs)."""
        if not rels:
            return {}
        with self.errors("read files under"):
            self.fs.invalidate_cache()
            found = self.fs.cat([self.path(r) for r in rels], on_error="omit")
        by_path = {self.fs._strip_protocol(p): data for p, data in found.items()}
        return {r: by_path[self.path(r)] for r in rels if self.path(r) in by_path}

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Replace ``rel`` with ``data`` whole (see the module docstring)."""
        with self.errors("write", rel):
            self._whole(rel, lambda target: self.fs.pipe_file(target, data))

    def put_file(self, local: str, rel: str) -> None:
        """Upload the local file ``local`` to ``rel`` whole (see the module docstring)."""
        with self.errors("upload to", rel):
            self._whole(rel, lambda target: self.fs.put_file(local, target))

    def _whole(self, rel: str, send) -> None:
        """``send(target)`` straight to ``rel`` on a store whose PUTs are atomic, else to a temporary
        name moved onto ``rel`` once complete."""
        if self.atomic_put:
            send(self.path(rel))
            return
        tmp = self._tmp(rel)
        try:
            self._parent(rel)
            send(tmp)
            self.fs.mv(tmp, self.path(rel))
        finally:
            self._remove_quietly(tmp)

    def create(self, rel: str, data: bytes) -> bool:
        """Create ``rel`` holding ``data`` only if it does not exist; False when it does."""
        with self.errors("create", rel):
            try:
                if self.protocol in ("file", "local"):  # O_EXCL
                    self._parent(rel)
                    with self.fs.open(self.path(rel), "xb") as f:
                        f.write(data)
                else:  # s3fs: If-None-Match; backends without a conditional write fall back to check-then-write
                    self.fs.pipe_file(self.path(rel), data, mode="create")
            except FileExistsError:
                return False
        return True

    def remove(self, rels) -> None:
        """Delete the objects ``rels`` (missing ones are fine)."""
        paths = [self.path(r) for r in rels]
        if paths:
            with self.errors("delete files under"):
                if (
                    self.atomic_put and self.protocol != "memory"
                ):  # an object store: batched deletes (S3: 1000 a request), missing ones ignored
                    self.fs.rm(paths)
                    return
                for path in paths:
                    with contextlib.suppress(FileNotFoundError):
                        self.fs.rm_file(path)

    def parquet_rows(self, rel: str) -> int | None:
        """Rows recorded in the Parquet footer of ``rel`` (a ranged read); None when it is missing or unreadable."""
        import pyarrow.parquet as pq

        try:
            self.fs.invalidate_cache()
            with self.fs.open(self.path(rel), "rb") as f:
                return pq.read_metadata(f).num_rows
        except Exception:  # missing, truncated, not Parquet: the caller redoes it
            return None

    def sha256(self, rel: str) -> tuple[int, str]:
        """``(bytes, sha256 hex)`` of ``rel``, streamed."""
        h, size = hashlib.sha256(), 0
        with self.errors("read", rel), self.fs.open(self.path(rel), "rb", block_size=8 << 20) as f:
            while chunk := f.read(8 << 20):
                h.update(chunk)
                size += len(chunk)
        return size, h.hexdigest()

    def _parent(self, rel: str) -> None:
        """Make the folder of ``rel`` (a file system has folders; an object store needs none)."""
        self.fs.makedirs(self.path(rel).rpartition("/")[0], exist_ok=True)

    def _tmp(self, rel: str) -> str:
        head, _, name = rel.rpartition("/")
        return self.path(f"{head}/.{name}.tmp-{uuid.uuid4().hex[:12]}" if head else f".{name}.tmp-{uuid.uuid4().hex[:12]}")

    def _remove_quietly(self, path: str) -> None:
        with contextlib.suppress(Exception):
            if self.fs.exists(path):
                self.fs.rm_file(path)


# ---------------------------------------------------------------------------------------- the lock

def _lease_seconds() -> float:
    try:
        return max(float(os.environ.get("SYMBOLSET_LOCK_LEASE_S") or 300), 1.0)
    except ValueError:  # a malformed setting: the default, rather than a traceback at import
        return 300.0


LEASE_S = _lease_seconds()  # a lock not renewed for this long is a dead run's


class Lease:
    """An exclusive lock object ``rel`` under a :class:`Store`, renewed while held.

    Taken by a conditional create of a small JSON object (host, pid, a random token, the time of
    its last renewal); a thread renews it every ``LEASE_S / 5`` seconds. A lock is stale, and is
    taken over, when its holder is a dead process of this host or it was not renewed for
    ``LEASE_S`` seconds (a killed run on another machine); otherwise the claim is refused with one
    line. :meth:`held` says whether the lock is still ours (another client took over a lease we
    failed to renew in time); check it before the write that completes the run.
    """

    def __init__(self, store: Store, rel: str, what: str):
        self.store, self.rel, self.what = store, rel, what
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _body(self) -> bytes:
        return json.dumps(
            {"host": socket.gethostname(), "pid": os.getpid(), "token": self.token, "renewed": time.time(), "what": self.what}
        ).encode()

    def acquire(self) -> Lease:
        """Take the lock (taking over a stale one); :class:`SymbolSetError` when a live run holds it."""
        for _ in range(2):
            if self.store.create(self.rel, self._body()):
                break
            holder = _parse(self.store.read_bytes(self.rel))
            if holder is not None and not _stale(holder):
                since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(holder.get("renewed", 0)))
                raise SymbolSetError(
                    f"{self.store.url}: another symbolset run (host {holder.get('host')}, pid {holder.get('pid')}, "
                    f"alive at {since}) is writing to it; wait for it to finish, or if it is dead delete {self.store.where(self.rel)}"
                )
            self.store.remove([self.rel])  # stale or unreadable: a dead run's lock
        else:
            raise SymbolSetError(f"{self.store.url}: another symbolset run took the lock at the same moment; try again")
        self._thread = threading.Thread(target=self._renew, daemon=True, name="symbolset-lease")
        self._thread.start()
        return self

    def _renew(self) -> None:
        while not self._stop.wait(LEASE_S / 5):
            with contextlib.suppress(Exception):  # a failed renewal is retried; held() is checked before the run completes
                if self.held():
                    self.store.write_bytes(self.rel, self._body())

    def held(self) -> bool:
        """True while the lock object still carries this lease's token."""
        holder = _parse(self.store.read_bytes(self.rel))
        return holder is not None and holder.get("token") == self.token

    def release(self) -> None:
        """Stop renewing and delete the lock object (only if it is still ours)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            with contextlib.suppress(SymbolSetError):
                if self.held():
                    self.store.remove([self.rel])

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _parse(data: bytes | None) -> dict | None:
    try:
        value = json.loads(data) if data else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _stale(holder: dict) -> bool:
    if time.time() - float(holder.get("renewed") or 0) > LEASE_S:
        return True
    if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
        try:
            os.kill(holder["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False
