"""How a document reaches a printer: a folder, a CUPS queue (`lp`) or raw TCP port 9100."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Protocol

from floor.i18n import _
from floor.printing.settings import PrinterSettings


class PrintError(Exception):
    """The printer did not take the document; the message says why, for the operator."""


class Transport(Protocol):
    format: str

    def deliver(self, document: bytes, name: str) -> None:
        """Hand the whole document to the printer, or raise PrintError."""

    def describe(self) -> str: ...


class FolderTransport:
    """Writes each document as a file into a folder (the demo printer, or a hot folder)."""

    def __init__(self, folder: Path, format: str = "pdf") -> None:
        self.folder = Path(folder)
        self.format = format

    def describe(self) -> str:
        return f"folder:{self.folder}"

    def deliver(self, document: bytes, name: str) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self.folder / f"{stamp}-{name}.{self.format}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            tmp.write_bytes(document)
            os.replace(tmp, target)
        except OSError as exc:
            raise PrintError(
                _(
                    "Cannot write to the label folder {folder}: {error}",
                    folder=self.folder,
                    error=exc.strerror or exc,
                )
            ) from exc
        self.last_path = target


class CupsTransport:
    """`lp -d QUEUE` with the document on stdin; ZPL goes to a raw queue with `-o raw`."""

    def __init__(
        self, queue: str, format: str = "pdf", options: tuple[str, ...] = (), timeout: float = 30.0
    ) -> None:
        self.queue = queue
        self.format = format
        self.options = options
        self.timeout = timeout

    def describe(self) -> str:
        return f"cups:{self.queue}"

    def command(self, name: str) -> list[str]:
        cmd = ["lp", "-d", self.queue, "-t", name]
        options = list(self.options)
        if self.format == "zpl" and "raw" not in options:
            options.append("raw")
        for option in options:
            cmd += ["-o", option]
        return cmd

    def deliver(self, document: bytes, name: str) -> None:
        cmd = self.command(name)
        lp = shutil.which(cmd[0])
        if lp is None:
            raise PrintError(
                _("The lp command is missing: install cups-client or choose another printer kind")
            )
        try:
            done = subprocess.run(
                [lp, *cmd[1:]],
                input=document,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PrintError(
                _("lp did not answer within {seconds} s", seconds=self.timeout)
            ) from None
        if done.returncode != 0:
            detail = (
                done.stderr.decode(errors="replace").strip() or f"exit status {done.returncode}"
            )
            raise PrintError(
                _("CUPS queue {queue} refused the job: {detail}", queue=self.queue, detail=detail)
            )


class TcpTransport:
    """Raw socket printing (JetDirect, port 9100): ZPL bytes, nothing added."""

    format = "zpl"

    def __init__(self, host: str, port: int = 9100, timeout: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout

    def describe(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def deliver(self, document: bytes, name: str) -> None:
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                sock.sendall(document)
                sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            raise PrintError(
                _(
                    "Printer {address} not reachable: {error}",
                    address=f"{self.host}:{self.port}",
                    error=exc.strerror or exc,
                )
            ) from exc


def make_transport(printer: PrinterSettings) -> Transport:
    if printer.kind == "tcp":
        return TcpTransport(printer.host, printer.port, printer.timeout_seconds)
    if printer.kind == "cups":
        return CupsTransport(
            printer.queue, printer.format, printer.lp_options, printer.timeout_seconds
        )
    return FolderTransport(printer.folder, printer.format)
