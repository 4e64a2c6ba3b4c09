"""floor/printing: settings per station, transports (folder, CUPS lp, raw TCP), the queue."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from floor.config import ConfigError, Settings, load_settings
from floor.printing import (
    InMemoryPrintJobStore,
    JobStatus,
    JsonLinesPrintJobStore,
    PrintError,
    PrintJob,
    PrintService,
    load_printer_settings,
)
from floor.printing.service import ReprintError
from floor.printing.transports import CupsTransport, FolderTransport, TcpTransport, make_transport


def settings(tmp_path: Path, **sections: dict) -> Settings:
    return Settings(station="PACK1", data_dir=str(tmp_path / "data"), sections=sections)


# -- settings -------------------------------------------------------------------------


def test_default_printer_is_a_folder_in_the_data_dir(tmp_path: Path) -> None:
    printer = load_printer_settings(settings(tmp_path))
    assert printer.kind == "folder" and printer.format == "pdf"
    assert printer.folder == tmp_path / "data" / "labels-out"


def test_station_table_overrides_default_printer(tmp_path: Path) -> None:
    s = settings(
        tmp_path,
        printer={"kind": "cups", "queue": "office"},
        printers={"PACK1": {"kind": "tcp", "host": "10.0.0.41"}, "PACK2": {"queue": "x"}},
    )
    pack1 = load_printer_settings(s)
    assert (pack1.kind, pack1.host, pack1.port, pack1.format) == ("tcp", "10.0.0.41", 9100, "zpl")
    other = load_printer_settings(s, "RECV1")
    assert (other.kind, other.queue) == ("cups", "office")


def test_environment_overrides_floor_toml(tmp_path: Path) -> None:
    toml = tmp_path / "floor.toml"
    toml.write_text('station = "PACK1"\n[printer]\nkind = "cups"\nqueue = "office"\n')
    env = {"FLOOR_PRINTER__KIND": "tcp", "FLOOR_PRINTER__HOST": "zebra1"}
    printer = load_printer_settings(load_settings(toml, env=env))
    assert (printer.kind, printer.host, printer.format) == ("tcp", "zebra1", "zpl")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"kind": "fax"}, "printer.kind: expected one of folder, cups, tcp"),
        ({"kind": "tcp"}, "printer.host"),
        ({"kind": "tcp", "host": "h", "format": "pdf"}, "printer.format"),
        ({"kind": "cups"}, "printer.queue"),
        ({"kind": "tcp", "host": "h", "port": 70000}, "printer.port: expected 1 to 65535"),
        ({"port": "nine"}, "printer.port: expected a number"),
        ({"dpi": 250}, "printer.dpi"),
        ({"colour": "red"}, "unknown setting 'colour'"),
    ],
)
def test_bad_printer_settings_are_clear(tmp_path: Path, section: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_printer_settings(settings(tmp_path, printer=section))


# -- transports -----------------------------------------------------------------------


def test_folder_transport_writes_the_document(tmp_path: Path) -> None:
    t = FolderTransport(tmp_path / "out")
    t.deliver(b"%PDF-1.4 test", "shipping-1")
    files = list((tmp_path / "out").iterdir())
    assert len(files) == 1 and files[0].name.endswith("-shipping-1.pdf")
    assert files[0].read_bytes() == b"%PDF-1.4 test"


def _tcp_printer() -> tuple[socket.socket, list[bytes], threading.Thread]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while data := conn.recv(65536):
                chunks.append(data)
            received.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server, received, thread


def test_raw_tcp_printer_receives_exactly_the_bytes() -> None:
    from labels import render_zpl
    from labels.samples import SAMPLES

    document = render_zpl(SAMPLES["shipping"]()).encode("utf-8")
    server, received, thread = _tcp_printer()
    with server:
        TcpTransport("127.0.0.1", server.getsockname()[1], timeout=5).deliver(document, "x")
        thread.join(5)
    assert received == [document]


def test_raw_tcp_printer_unreachable_is_a_print_error() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(PrintError, match=f"127.0.0.1:{port}"):
        TcpTransport("127.0.0.1", port, timeout=2).deliver(b"^XA^XZ", "x")


def _fake_lp(folder: Path, exit_code: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{folder}/args"\n'
        f'cat > "{folder}/stdin"\n'
        + ("echo 'lp: The printer or class does not exist.' >&2\n" if exit_code else "")
        + f"exit {exit_code}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return folder


def test_cups_transport_calls_lp_with_queue_and_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = _fake_lp(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    CupsTransport("zebra_raw", "zpl", ("media=w288h432",)).deliver(b"^XA^XZ", "shipping-7")
    args = (bin_dir / "args").read_text().splitlines()
    assert args == ["-d", "zebra_raw", "-t", "shipping-7", "-o", "media=w288h432", "-o", "raw"]
    assert (bin_dir / "stdin").read_bytes() == b"^XA^XZ"


def test_cups_pdf_is_not_sent_raw() -> None:
    assert CupsTransport("office", "pdf").command("a") == ["lp", "-d", "office", "-t", "a"]


def test_cups_refusal_shows_lp_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = _fake_lp(tmp_path / "bin", exit_code=1)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(PrintError, match="does not exist"):
        CupsTransport("nope").deliver(b"%PDF", "x")


def test_missing_lp_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PrintError, match="lp command is missing"):
        CupsTransport("office").deliver(b"%PDF", "x")


# -- the print queue ------------------------------------------------------------------


class FlakyTransport:
    """Fails the first `failures` deliveries; can block until released."""

    format = "pdf"

    def __init__(self, failures: int = 0, block: threading.Event | None = None) -> None:
        self.failures = failures
        self.block = block
        self.delivered: list[bytes] = []
        self.calls = 0

    def describe(self) -> str:
        return "flaky"

    def deliver(self, document: bytes, name: str) -> None:
        self.calls += 1
        if self.block is not None:
            self.block.wait(10)
        if self.calls <= self.failures:
            raise PrintError(f"paper out ({self.calls})")
        self.delivered.append(document)


def job(reference: str = "SO-1", body: bytes = b"%PDF doc") -> PrintJob:
    return PrintJob(body, "pdf", "shipping", "", (reference,))


def service(transport: FlakyTransport, store=None, **kw) -> PrintService:
    kw.setdefault("backoff_seconds", 0.01)
    return PrintService(transport, store or InMemoryPrintJobStore(), station="PACK1", **kw)


def test_submit_returns_while_the_printer_is_stuck() -> None:
    gate = threading.Event()
    transport = FlakyTransport(block=gate)
    svc = service(transport)
    try:
        ids = [svc.submit(job(f"SO-{i}")) for i in range(3)]
        assert len(set(ids)) == 3
        assert transport.delivered == []  # nothing printed yet: submit did not wait
        assert svc.counts().waiting == 3
        gate.set()
        assert svc.wait_idle(10)
        assert len(transport.delivered) == 3
        assert svc.counts().waiting == 0
    finally:
        gate.set()
        svc.close()


def test_failed_delivery_is_retried_and_each_status_reported() -> None:
    transport = FlakyTransport(failures=2)
    seen: list[tuple[JobStatus, int, str]] = []
    svc = service(transport, max_attempts=5)
    svc.subscribe(lambda j: seen.append((j.status, j.attempts, j.error)))
    try:
        job_id = svc.submit(job())
        assert svc.wait_idle(10)
        final = svc.store.get(job_id)
        assert final is not None and final.status is JobStatus.PRINTED and final.attempts == 3
        statuses = [s for s, _a, _e in seen]
        assert statuses == [
            JobStatus.WAITING,
            JobStatus.PRINTING, JobStatus.WAITING,
            JobStatus.PRINTING, JobStatus.WAITING,
            JobStatus.PRINTING, JobStatus.PRINTED,
        ]  # fmt: skip
        assert seen[2][2] == "paper out (1)"
    finally:
        svc.close()


def test_job_fails_after_bounded_attempts_then_manual_retry_prints() -> None:
    transport = FlakyTransport(failures=3)
    svc = service(transport, max_attempts=3)
    try:
        job_id = svc.submit(job())
        assert svc.wait_idle(10)
        failed = svc.store.get(job_id)
        assert failed is not None and failed.status is JobStatus.FAILED
        assert failed.attempts == 3 and failed.error == "paper out (3)"
        assert svc.counts().failed == 1
        svc.retry(job_id)
        assert svc.wait_idle(10)
        assert svc.store.get(job_id).status is JobStatus.PRINTED
        assert svc.counts().failed == 0
    finally:
        svc.close()


def test_reprint_by_order_or_carton_reference() -> None:
    transport = FlakyTransport()
    svc = service(transport)
    try:
        svc.submit(PrintJob(b"first", "pdf", "shipping", "", ("SO-9", "106141411234567897")))
        svc.submit(PrintJob(b"other", "pdf", "shipping", "", ("SO-10",)))
        assert svc.wait_idle(10)
        again = svc.reprint("106141411234567897")
        assert svc.wait_idle(10)
        assert transport.delivered == [b"first", b"other", b"first"]
        assert svc.store.get(again).reprint_of
        with pytest.raises(ReprintError, match="SO-404"):
            svc.reprint("SO-404")
    finally:
        svc.close()


def test_print_label_renders_for_the_printer_format() -> None:
    from labels import LabelDataError
    from labels.samples import SAMPLES

    transport = FlakyTransport()
    transport.format = "zpl"
    svc = service(transport)
    try:
        label = SAMPLES["shipping"]()
        svc.print_label(label, references=(label.order_reference, label.sscc))
        assert svc.wait_idle(10)
        assert transport.delivered[0].startswith(b"^XA\n^CI28")
        from dataclasses import replace

        with pytest.raises(LabelDataError):
            svc.print_label(replace(label, sscc="1"))
        assert len(svc.store.list()) == 1  # the bad label was never queued
    finally:
        svc.close()


def test_json_lines_store_survives_a_restart_and_resumes_waiting_jobs(tmp_path: Path) -> None:
    gate = threading.Event()
    first = service(FlakyTransport(block=gate), JsonLinesPrintJobStore(tmp_path))
    job_id = first.submit(job("SO-77", b"%PDF keep me"))
    first.close(timeout=0.2)  # station shut down with the printer stuck
    gate.set()
    transport = FlakyTransport()
    store = JsonLinesPrintJobStore(tmp_path)
    assert store.get(job_id).status in (JobStatus.WAITING, JobStatus.PRINTING)
    second = service(transport, store)
    try:
        assert second.wait_idle(10)
        assert b"%PDF keep me" in transport.delivered
        assert (
            JsonLinesPrintJobStore(tmp_path).find_by_reference("SO-77").status is JobStatus.PRINTED
        )
    finally:
        second.close()


def test_make_transport_follows_settings(tmp_path: Path) -> None:
    s = settings(tmp_path, printers={"PACK1": {"kind": "tcp", "host": "h", "port": 9101}})
    t = make_transport(load_printer_settings(s))
    assert isinstance(t, TcpTransport) and (t.host, t.port) == ("h", 9101)
