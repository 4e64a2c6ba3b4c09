"""`floor print` and `floor labels` commands, run in-process with floor.cli.main."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import pytest

from floor.cli import main


@pytest.fixture
def floor_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "floor.toml"
    config.write_text('station = "PACK1"\n')
    monkeypatch.setenv("FLOOR_CONFIG", str(config))
    monkeypatch.setenv("FLOOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_print_test_to_the_default_folder_printer(
    floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["print", "test"]) == 0
    out = capsys.readouterr().out
    assert "printed job" in out
    files = list((floor_env / "data" / "labels-out").glob("*.pdf"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"%PDF")
    assert main(["print", "jobs"]) == 0
    assert "printed" in capsys.readouterr().out


def test_print_test_to_a_raw_tcp_printer(
    floor_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    got: list[bytes] = []

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            chunks = []
            while data := conn.recv(65536):
                chunks.append(data)
            got.append(b"".join(chunks))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    (floor_env / "floor.toml").write_text(
        f'station = "PACK1"\n[printers.PACK1]\nkind = "tcp"\nhost = "127.0.0.1"\n'
        f"port = {server.getsockname()[1]}\n"
    )
    with server:
        assert main(["print", "test"]) == 0
        thread.join(5)
    assert len(got) == 1 and got[0].startswith(b"^XA") and b"TEST-PACK1" in got[0]


def test_print_test_reports_a_dead_printer(
    floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    (floor_env / "floor.toml").write_text(
        f'station = "PACK1"\n[printer]\nkind = "tcp"\nhost = "127.0.0.1"\nport = {port}\n'
        "max_attempts = 2\nbackoff_seconds = 0.01\ntimeout_seconds = 1\n"
    )
    assert main(["print", "test"]) == 1
    err = capsys.readouterr().err
    assert "failed after 2 attempt(s)" in err and "not reachable" in err
    assert main(["print", "jobs", "--status", "failed"]) == 0
    assert "failed" in capsys.readouterr().out


def test_bad_printer_settings_exit_with_the_setting_named(
    floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (floor_env / "floor.toml").write_text('[printer]\nkind = "fax"\n')
    assert main(["print", "test"]) == 1
    assert "printer.kind" in capsys.readouterr().err


def test_reprint_by_reference(floor_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "test"]) == 0
    assert main(["print", "reprint", "TEST-PACK1"]) == 0
    assert len(list((floor_env / "data" / "labels-out").glob("*.pdf"))) == 2
    assert main(["print", "reprint", "SO-NOPE"]) == 1
    assert "SO-NOPE" in capsys.readouterr().err


def test_labels_render_from_json_data(floor_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from labels.loader import to_dict
    from labels.samples import SAMPLES

    data = to_dict(SAMPLES["shipping"]())
    data["order_reference"] = "SO-JSON-1"
    (floor_env / "ship.json").write_text(json.dumps(data, ensure_ascii=False))
    assert (
        main(
            [
                "labels",
                "render",
                "shipping",
                "--data",
                "ship.json",
                "-o",
                "out/ship.pdf",
                "--size",
                "a6",
            ]
        )
        == 0
    )
    assert (floor_env / "out" / "ship.pdf").read_bytes().startswith(b"%PDF")
    assert main(["labels", "render", "shipping", "--data", "ship.json", "--format", "zpl"]) == 0
    assert "SO-JSON-1" in (floor_env / "shipping.zpl").read_text(encoding="utf-8")


def test_labels_render_bad_json_names_the_field(
    floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from labels.loader import to_dict
    from labels.samples import SAMPLES

    data = to_dict(SAMPLES["shipping"]())
    del data["ship_to"]["city"]
    (floor_env / "bad.json").write_text(json.dumps(data))
    assert main(["labels", "render", "shipping", "--data", "bad.json"]) == 1
    assert "ship_to.city: is required" in capsys.readouterr().err
    data = to_dict(SAMPLES["shipping"]())
    data["sscc"] = "106141411234567890"
    (floor_env / "bad.json").write_text(json.dumps(data))
    assert main(["labels", "render", "shipping", "--data", "bad.json"]) == 1
    assert "sscc: SSCC 106141411234567890 has check digit 0, expected 7" in capsys.readouterr().err
    assert not (floor_env / "shipping.pdf").exists()


def test_labels_sample_writes_every_template(floor_env: Path) -> None:
    from labels.render import TEMPLATES

    assert main(["labels", "sample", "--out-dir", "s", "--json"]) == 0
    from labels.render import PDF_ONLY

    for name in TEMPLATES:
        assert (floor_env / "s" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        zpl = floor_env / "s" / f"{name}.zpl"
        if name in PDF_ONLY:
            assert not zpl.exists()
            continue
        assert zpl.read_text(encoding="utf-8").startswith("^XA")
        assert json.loads((floor_env / "s" / f"{name}.json").read_text(encoding="utf-8"))


def test_labels_locations_from_codes(floor_env: Path) -> None:
    from pypdf import PdfReader

    from floor.gs1 import location_check_digits

    assert main(["labels", "locations", "--code", "B-01-1", "--code", "B-01-2", "-o", "b.pdf"]) == 0
    text = PdfReader(str(floor_env / "b.pdf")).pages[0].extract_text()
    assert "B-01-1" in text and location_check_digits("B-01-1") in text


def test_labels_locations_needs_aisle_or_codes(
    floor_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["labels", "locations"]) == 1
    assert "expected --aisle" in capsys.readouterr().err
