"""catalog.readme on real files: the compare-and-swap write and where the page goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from curatorbot.catalog.readme import Readme
from curatorbot.errors import FileWriteError

TEXT = "# R\r\n<!-- curatorbot:begin -->\r\nold\r\n<!-- curatorbot:end -->\r\ntail"


def test_a_readme_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(TEXT.encode())
    readme = Readme.read(path, for_writing=True)
    new = readme.with_page("# Page\n")
    path.write_bytes(TEXT.replace("tail", "a maintainer's edit").encode())
    with pytest.raises(FileWriteError, match=r"README\.md: changed on disk while curatorbot "
                                             r"was running \(edited meanwhile\?\); nothing "
                                             r"was written to it: run the command again"):
        readme.write(new)
    assert path.read_bytes() == TEXT.replace("tail", "a maintainer's edit").encode()


def test_an_unchanged_readme_is_replaced_and_no_temporary_file_is_left(
        tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    path.chmod(0o640)
    readme = Readme.read(path, for_writing=True)
    readme.write(readme.with_page("# Page\n\n- item\n"))
    assert path.read_bytes() == b"\xef\xbb\xbf" + (
        b"# R\r\n<!-- curatorbot:begin -->\r\n\r\n# Page\r\n\r\n- item\r\n\r\n"
        b"<!-- curatorbot:end -->\r\ntail")
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_the_write_compares_bytes_not_text(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(TEXT.encode())
    readme = Readme.read(path, for_writing=True)
    path.write_bytes(TEXT.replace("\r\n", "\n").encode())  # same text, other line endings
    with pytest.raises(FileWriteError):
        readme.write(readme.with_page("# Page\n"))
    assert path.read_bytes() == TEXT.replace("\r\n", "\n").encode()


def test_lone_cr_line_endings_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(b"a\r<!-- curatorbot:begin -->\r<!-- curatorbot:end -->\rb")
    assert Readme.read(path).with_page("x\ny\n") == \
        "a\r<!-- curatorbot:begin -->\r\rx\ry\r\r<!-- curatorbot:end -->\rb"


def test_a_readme_removed_since_it_was_read_is_not_written_back(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_bytes(TEXT.encode())
    readme = Readme.read(path, for_writing=True)
    path.unlink()
    with pytest.raises(FileWriteError, match="changed on disk"):
        readme.write(readme.with_page("# Page\n"))
    assert list(tmp_path.iterdir()) == []
