"""Tests of analysis.pinning: SHA256SUMS only grows, refuses corruption, is never truncated."""
import os
import shutil
import subprocess

import pytest

from analysis import pinning
from analysis.errors import ChecksumError

PAGE = "date 2026-02-03\nUn titre\n\nLe Vietnam et le Laos renforcent leur coopération numérique.\n"


@pytest.fixture
def raw(tmp_path, seed_raw):
    """A pinned copy of the seed pages."""
    folder = tmp_path / "raw"
    shutil.copytree(seed_raw, folder)
    assert pinning.verify(folder) == []
    return folder


def sums(folder):
    return (folder / "SHA256SUMS").read_bytes()


def refused(folder, before, match, **kwargs):
    """pin() raises naming ``match`` and leaves SHA256SUMS byte for byte; return the message."""
    with pytest.raises(ChecksumError) as info:
        pinning.pin(folder, **kwargs)
    assert match in str(info.value)
    assert sums(folder) == before, "a failed pin must leave SHA256SUMS as it was"
    assert not [p for p in os.listdir(folder) if p.endswith(".tmp")], "no temporary file left behind"
    return str(info.value)


def test_pin_adds_new_pages_and_keeps_pinned_lines(raw):
    before = sums(raw)
    (raw / "005_new.txt").write_text(PAGE, encoding="utf-8")
    result = pinning.pin(raw)
    assert result.added == ["005_new.txt"] and result.accepted == [] and len(result.unchanged) == 5
    after = sums(raw)
    assert after.startswith(before)  # old lines untouched, the new page sorts last
    assert b"005_new.txt" in after and pinning.verify(raw) == []
    assert "pinned 1 new page(s)" in result.summary()


def test_pin_creates_the_checksum_file_in_a_new_folder(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a page", encoding="utf-8")
    result = pinning.pin(tmp_path)
    assert result.added == ["a.txt"]
    assert list(pinning.read_checksums(tmp_path / "SHA256SUMS")) == ["a.txt"]


def test_checksum_file_is_sha256sum_compatible(raw):
    (raw / "005_new.txt").write_text(PAGE, encoding="utf-8")
    pinning.pin(raw)
    (raw / "005_new.txt").write_text(PAGE + "Encore.\n", encoding="utf-8")
    pinning.pin(raw, accept_changed=["005_new.txt"], today="2026-11-28")
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=raw, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_changed_pinned_page_is_refused_with_how_to_accept(raw):
    before = sums(raw)
    page = raw / "002_2c011ea8c1d02bdc.txt"
    page.write_bytes(page.read_bytes().replace(b"Vientiane", b"Vientiene", 1))
    (raw / "005_new.txt").write_text(PAGE, encoding="utf-8")  # not pinned either: nothing is
    message = refused(raw, before, "002_2c011ea8c1d02bdc.txt")
    assert "bytes differ" in message
    assert "--accept-changed 002_2c011ea8c1d02bdc.txt" in message
    assert any("002_2c011ea8c1d02bdc.txt" in p and "differ" in p for p in pinning.verify(raw))


def test_accepted_change_is_pinned_and_recorded(raw):
    page = raw / "002_2c011ea8c1d02bdc.txt"
    old = pinning.read_checksums(raw / "SHA256SUMS")[page.name]
    page.write_bytes(page.read_bytes() + b"\n")
    result = pinning.pin(raw, accept_changed=[page.name], today="2026-11-28")
    assert result.accepted == [page.name]
    new = pinning.read_checksums(raw / "SHA256SUMS")[page.name]
    assert new != old and pinning.verify(raw) == []
    record = [line for line in sums(raw).decode().splitlines() if line.startswith("#")]
    assert record == [f"# accepted change of {page.name} on 2026-11-28: {old} -> {new}"]
    # the record survives the next pin
    (raw / "005_new.txt").write_text(PAGE, encoding="utf-8")
    pinning.pin(raw)
    assert record[0] in sums(raw).decode()


def test_removed_page_is_refused_then_accepted(raw):
    before = sums(raw)
    (raw / "004_f5bc68af38e55537.txt").unlink()
    message = refused(raw, before, "004_f5bc68af38e55537.txt")
    assert "missing" in message and "--accept-changed 004_f5bc68af38e55537.txt" in message
    pinning.pin(raw, accept_changed=["004_f5bc68af38e55537.txt"], today="2026-11-28")
    assert "004_f5bc68af38e55537.txt" not in pinning.read_checksums(raw / "SHA256SUMS")
    assert pinning.verify(raw) == []


def test_accepting_an_unchanged_or_unknown_page_is_an_error(raw):
    before = sums(raw)
    refused(raw, before, "000_1a05a85f63068217.txt", accept_changed=["000_1a05a85f63068217.txt"])
    refused(raw, before, "nope.txt", accept_changed=["nope.txt"])


def test_upper_case_suffix_is_a_page_as_for_the_loader(raw):
    (raw / "005_new.TXT").write_text(PAGE, encoding="utf-8")
    assert any("005_new.TXT" in p and "not pinned" in p for p in pinning.verify(raw))
    assert pinning.pin(raw).added == ["005_new.TXT"]
    assert pinning.verify(raw) == []


def test_name_that_is_not_utf8_is_refused_by_name(raw):
    before = sums(raw)
    fd = os.open(os.fsencode(raw) + b"/005_caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, PAGE.encode())
    os.close(fd)
    message = refused(raw, before, "005_caf\\xe9.txt")
    assert "not valid UTF-8" in message
    assert any("005_caf\\xe9.txt" in p for p in pinning.verify(raw))


def test_name_that_is_not_utf8_in_a_new_folder_creates_no_checksum_file(tmp_path):
    fd = os.open(os.fsencode(tmp_path) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(fd)
    (tmp_path / "ok.txt").write_text(PAGE, encoding="utf-8")
    with pytest.raises(ChecksumError, match="not valid UTF-8"):
        pinning.pin(tmp_path)
    assert not (tmp_path / "SHA256SUMS").exists()


@pytest.mark.parametrize("name, what", [("005_a\nb.txt", "line break"), ("005_a\\b.txt", "backslash")])
def test_names_the_checksum_format_cannot_hold_are_refused(raw, name, what):
    before = sums(raw)
    (raw / name).write_text(PAGE, encoding="utf-8")
    message = refused(raw, before, what)
    assert name.replace("\n", "\\n") in message


def test_directory_named_txt_is_refused(raw):
    before = sums(raw)
    (raw / "z.txt").mkdir()
    message = refused(raw, before, "z.txt")
    assert "directory" in message


def test_dangling_link_is_refused(raw):
    before = sums(raw)
    (raw / "005_gone.txt").symlink_to(raw / "nowhere.txt")
    message = refused(raw, before, "005_gone.txt")
    assert "dangling symbolic link" in message


def test_link_to_a_file_outside_the_corpus_is_refused(raw, tmp_path):
    before = sums(raw)
    outside = tmp_path / "secret"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (raw / "x.txt").symlink_to(outside)
    message = refused(raw, before, "x.txt")
    assert "symbolic link" in message
    assert any("x.txt" in p and "symbolic link" in p for p in pinning.verify(raw))


def test_pinned_page_replaced_by_a_link_is_refused_not_reported_missing(raw, tmp_path):
    before = sums(raw)
    page = raw / "000_1a05a85f63068217.txt"
    copy = tmp_path / "copy.txt"
    shutil.copy(page, copy)
    page.unlink()
    page.symlink_to(copy)
    message = refused(raw, before, "000_1a05a85f63068217.txt: is a symbolic link")
    assert "missing" not in message


def test_special_file_is_refused(raw):
    before = sums(raw)
    os.mkfifo(raw / "005_pipe.txt")
    refused(raw, before, "005_pipe.txt")


def test_unreadable_file_is_refused(raw, monkeypatch):
    before = sums(raw)
    (raw / "005_locked.txt").write_text(PAGE, encoding="utf-8")
    real_open = open

    def fake_open(path, *args, **kwargs):  # root reads through chmod 000, so simulate EACCES
        if str(path).endswith("005_locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(pinning, "open", fake_open, raising=False)
    message = refused(raw, before, "005_locked.txt")
    assert "cannot be read" in message


def test_failed_write_leaves_checksum_file_intact(raw, monkeypatch):
    before = sums(raw)
    (raw / "005_new.txt").write_text(PAGE, encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pinning.os, "replace", broken_replace)
    with pytest.raises(OSError):
        pinning.pin(raw)
    assert sums(raw) == before
    assert not [p for p in os.listdir(raw) if p.endswith(".tmp")]


def test_malformed_checksum_line_is_named(raw):
    (raw / "SHA256SUMS").write_bytes(sums(raw) + b"not a checksum line\n")
    with pytest.raises(ChecksumError, match=r"SHA256SUMS line 6"):
        pinning.read_checksums(raw / "SHA256SUMS")
    assert "line 6" in pinning.verify(raw)[0]


def test_command_line_refuses_then_accepts(raw, monkeypatch, capsys):
    monkeypatch.setattr(pinning, "RAW", raw)
    page = raw / "001_850b8497c3c40278.txt"
    page.write_bytes(page.read_bytes() + b" ")
    assert pinning._main(["pin", "--raw", str(raw)]) == 1
    assert "--accept-changed 001_850b8497c3c40278.txt" in capsys.readouterr().err
    assert pinning._main(["pin", "--raw", str(raw), "--accept-changed", page.name]) == 0
    assert pinning._main(["verify", "--raw", str(raw)]) == 0
