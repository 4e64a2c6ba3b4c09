"""Device plumbing without devices: framing, scan ids, serial and scanner settings, evdev keys."""

from __future__ import annotations

import uuid
from datetime import UTC

import pytest

from floor.config import ConfigError, Settings
from floor.devices import RawScan, ScannerSettings, new_scan_id, open_scan_source
from floor.devices.evdev_keys import KeyDecoder, key_to_char
from floor.devices.framing import Framer
from floor.devices.serial_port import SerialSettings, resolve_port
from floor.devices.simulator import encode_scan


def test_scan_ids_are_unique_time_ordered_uuid7() -> None:
    ids = [new_scan_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert ids[0][:8] <= ids[-1][:8]


def test_raw_scan_now_is_utc_and_keeps_bytes() -> None:
    scan = RawScan.now(b"01\x1d10A", "test")
    assert scan.received_at.tzinfo is UTC
    assert scan.raw == b"01\x1d10A"


@pytest.mark.parametrize(("terminator", "suffix"), [(b"\r", b"\r"), (b"\r\n", b"\r\n")])
def test_framer_joins_split_reads_and_keeps_gs(terminator: bytes, suffix: bytes) -> None:
    framer = Framer(terminator)
    data = b"]C101\x1d10AB" + suffix + b"LPN1" + suffix
    frames = []
    for index in range(len(data)):
        frames += framer.feed(data[index : index + 1], float(index))
    assert frames == [b"]C101\x1d10AB", b"LPN1"]
    assert framer.pending == 0


def test_framer_without_terminator_ends_scans_after_idle() -> None:
    framer = Framer(None, idle_timeout=0.05)
    assert framer.feed(b"LPN", 1.0) == []
    framer.feed(b"42", 1.01)
    assert framer.poll(1.03) is None
    assert framer.poll(1.07) == b"LPN42"
    assert framer.poll(2.0) is None


def test_serial_settings_from_section_and_errors() -> None:
    settings = SerialSettings.from_section(
        {"port": "usb:0c2e:0b61:ABC", "baudrate": 115200, "parity": "even", "terminator": "crlf"}
    )
    assert settings.parity == "E"
    assert settings.terminator_bytes == b"\r\n"
    usb = settings.usb_id
    assert usb is not None and (usb.vid, usb.pid, usb.serial_number) == (0x0C2E, 0x0B61, "ABC")
    for section, key in [
        ({"baudrate": -1}, "scanner.baudrate"),
        ({"parity": "X"}, "scanner.parity"),
        ({"terminator": "SEMICOLON"}, "scanner.terminator"),
        ({"bytesize": 9}, "scanner.bytesize"),
        ({"speed": 1}, "scanner.speed"),
        ({"exclusive": "yes"}, "scanner.exclusive"),
    ]:
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            SerialSettings.from_section(section)


def test_resolve_port_names_what_is_missing() -> None:
    assert resolve_port("/tmp/some-link") == "/tmp/some-link"
    with pytest.raises(LookupError, match="no port configured"):
        resolve_port("")
    with pytest.raises(LookupError, match="not found"):
        resolve_port("usb-Nobody_Scanner_0000-if00")
    with pytest.raises(LookupError, match="usb:ffff:fffe"):
        resolve_port("usb:ffff:fffe")


def test_scanner_settings_and_factory() -> None:
    assert ScannerSettings.from_section({}).kind == "wedge"
    assert ScannerSettings.from_section({"port": "/dev/ttyACM0"}).kind == "serial"
    with pytest.raises(ConfigError, match=r"scanner\.kind"):
        ScannerSettings.from_section({"kind": "laser"})
    with pytest.raises(ConfigError, match=r"scanner\.port"):
        ScannerSettings.from_section({"kind": "serial"})
    with pytest.raises(ConfigError, match=r"scanner\.device"):
        ScannerSettings.from_section({"kind": "evdev"})
    serial_settings = Settings(sections={"scanner": {"kind": "serial", "port": "/tmp/x"}})
    source = open_scan_source(serial_settings)
    assert source is not None and source.name == "/tmp/x"
    assert open_scan_source(Settings(sections={"scanner": {"kind": "none"}})) is None


def test_evdev_key_codes_with_shift_and_ctrl() -> None:
    decoder = KeyDecoder()
    typed = []
    # shift down, A, shift up, 1, -, ctrl down, ], ctrl up, enter
    for code, value in [(42, 1), (30, 1), (30, 0), (42, 0), (2, 1), (12, 1), (29, 1), (27, 1),
                        (29, 0), (28, 1)]:  # fmt: skip
        char = decoder.event(code, value)
        if char is not None:
            typed.append(char)
    assert typed == ["A", "1", "-", "\x1d", "\r"]
    assert key_to_char(39, shift=True, ctrl=False) == ":"
    assert key_to_char(999, shift=False, ctrl=False) is None


def test_evdev_source_is_skipped_with_a_reason_without_evdev() -> None:
    pytest.importorskip("evdev", reason="evdev not installed: the source itself is not testable")
    from floor.devices.evdev_source import find_device

    with pytest.raises(Exception, match="no input device"):
        find_device("no-such-scanner-name-xyz")


def test_evdev_missing_gives_a_clear_reason() -> None:
    try:
        import evdev  # noqa: F401
    except ImportError:
        from floor.devices.base import DeviceUnavailable
        from floor.devices.evdev_source import EvdevScanSource

        with pytest.raises(DeviceUnavailable, match="evdev is not installed"):
            EvdevScanSource("/dev/input/event0")
    else:
        pytest.skip("evdev is installed here")


def test_encode_scan_turns_gs_markers_into_gs_and_adds_aim_and_suffix() -> None:
    assert encode_scan("01<GS>10A", aim="]C1", terminator="CRLF") == b"]C101\x1d10A\r\n"
    assert encode_scan("01\\x1d10A", terminator="NONE") == b"01\x1d10A"
    assert encode_scan("]d201", aim="]C1") == b"]d201\r"
