"""The scanner self-test read back from captured scans: GS, AIM, suffix, keyboard layout."""

from __future__ import annotations

import pytest

from floor.scanning.selftest import (
    GS,
    SHEET,
    Capture,
    advice,
    infer_profile,
    read_capture,
    summary,
)

AIM = {code.key: code.aim for code in SHEET}
SENT = {code.key: code.sent for code in SHEET}
US_TO_AZERTY = str.maketrans(
    {"1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-", "7": "è", "8": "_", "9": "ç",
     "0": "à", "-": ")", "q": "a", "a": "q", "w": "z", "z": "w", "Q": "A", "A": "Q", "W": "Z",
     "Z": "W", "]": "$"}
)  # fmt: skip
US_TO_QWERTZ = str.maketrans({"y": "z", "z": "y", "Y": "Z", "Z": "Y", "-": "ß", "]": "+"})


def sheet_scans(
    gs: str = GS, aim: bool = False, suffix: str = "\r", typed=lambda text: text
) -> list[Capture]:
    out = []
    for code in SHEET:
        text = (code.aim if aim else "") + code.sent.replace(GS, gs)
        out.append(Capture(typed(text).encode() + suffix.encode()))
    return out


def test_a_scanner_that_sends_gs():
    profile = infer_profile(sheet_scans(aim=True))
    assert profile.sends_gs is True
    assert profile.gs_substitute is None
    assert profile.aim == "all"
    assert profile.terminator == "CR"
    assert profile.layout == ""
    assert profile.missing == ()
    assert advice(profile, "CR") == []
    assert {r.code for r in profile.readings} == {code.key for code in SHEET}


def test_a_scanner_that_drops_gs_is_told_how_to_fix_it():
    profile = infer_profile(sheet_scans(gs=""))
    assert profile.sends_gs is False
    assert profile.gs_substitute == ""
    assert "GS separator: dropped" in summary(profile)
    assert any("transmit FNC1 as GS" in line for line in advice(profile))


def test_a_substitute_for_gs_is_named():
    profile = infer_profile(sheet_scans(gs="^]"))
    assert profile.sends_gs is False
    assert profile.gs_substitute == "^]"
    assert "GS separator: ^] sent instead" in summary(profile)
    assert any("sends ^]" in line for line in advice(profile))


def test_gs_sent_by_one_symbology_only_is_not_sending_gs():
    scans = sheet_scans()
    scans[1] = Capture(SENT["gs1-datamatrix"].replace(GS, "").encode() + b"\r")
    profile = infer_profile(scans)
    assert profile.sends_gs is False
    assert profile.readings[0].gs == GS and profile.readings[1].gs == ""


@pytest.mark.parametrize(("aim", "expected"), [(True, "all"), (False, "none")])
def test_aim_prefixes(aim, expected):
    profile = infer_profile(sheet_scans(aim=aim))
    assert profile.aim == expected
    readings = {r.code: r.aim for r in profile.readings}
    assert readings == ({k: AIM[k] for k in AIM} if aim else dict.fromkeys(AIM))
    assert any("AIM" in line for line in advice(profile)) is (not aim)


def test_aim_for_some_barcodes_only():
    scans = sheet_scans()
    scans[2] = Capture(b"]E0" + SENT["ean13"].encode() + b"\r")
    assert infer_profile(scans).aim == "some"


def test_gs1_128_read_as_plain_code_128_is_named():
    scans = sheet_scans(aim=True)
    scans[0] = Capture(b"]C0" + SENT["gs1-128"].encode() + b"\r")
    profile = infer_profile(scans)
    assert profile.wrong_aim == (("gs1-128", "]C0"),)
    assert any("does not read it as GS1" in line for line in advice(profile))


@pytest.mark.parametrize(
    ("suffix", "name"),
    [("\r", "CR"), ("\n", "LF"), ("\r\n", "CRLF"), ("\t", "TAB"), ("", "NONE")],
)
def test_terminators(suffix, name):
    profile = infer_profile(sheet_scans(suffix=suffix))
    assert profile.terminator == name
    told = any("suffix to Enter" in line for line in advice(profile, "CR"))
    assert told is (name in ("TAB", "NONE"))


def test_a_suffix_the_station_does_not_expect():
    profile = infer_profile(sheet_scans(suffix="\n", aim=True))
    assert any('terminator = "LF"' in line for line in advice(profile, "CR"))
    assert advice(profile, "LF") == []


def test_suffix_not_seen_when_the_reader_cut_it():
    captures = [Capture(c.raw[:-1], terminated=False) for c in sheet_scans()]
    profile = infer_profile(captures)
    assert profile.terminator is None
    assert profile.sends_gs is True


def test_azerty_damage():
    scans = sheet_scans(aim=True, typed=lambda text: text.translate(US_TO_AZERTY))
    assert scans[2].raw.startswith("$Eà(çà&é\"'".encode())
    profile = infer_profile(scans)
    assert profile.layout == "AZERTY"
    assert profile.missing == ()
    assert profile.sends_gs is True and profile.aim == "all"
    assert any("keyboard country" in line for line in advice(profile))


def test_qwertz_damage():
    profile = infer_profile(sheet_scans(typed=lambda text: text.translate(US_TO_QWERTZ)))
    assert profile.layout == "QWERTZ"
    assert profile.missing == ()


def test_caps_lock():
    profile = infer_profile(sheet_scans(typed=str.swapcase))
    assert profile.layout == "caps lock"


def test_a_scan_of_something_else_decides_nothing():
    reading = read_capture(Capture(b"LPN000123\r"))
    assert reading.code is None
    profile = infer_profile([reading, *sheet_scans()[:1]])
    assert profile.missing == ("gs1-datamatrix", "ean13", "code128")
    assert profile.sends_gs is True


def test_no_gs1_barcode_read_leaves_gs_unknown():
    profile = infer_profile(sheet_scans()[2:])
    assert profile.sends_gs is None
    assert "GS separator: not tested (no GS1 barcode read)" in summary(profile)


def test_an_ean_13_without_its_check_digit_is_named():
    scans = sheet_scans(aim=True)
    scans[2] = Capture(b"]E0" + SENT["ean13"][:-1].encode() + b"\r")
    profile = infer_profile(scans)
    assert profile.missing == ()
    assert profile.ean_check_digit is False
    assert "EAN-13: sent without its check digit" in summary(profile)
    assert any("transmit EAN-13 check digit" in line for line in advice(profile))
    assert infer_profile(sheet_scans()).ean_check_digit is True
