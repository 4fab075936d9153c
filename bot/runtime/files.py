"""Writing the generated configuration files (credentials, endpoints)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private_file(path: Path, content: str) -> Path:
    """Write `content` to `path` readable by the owner only, whole or not at all:
    written to a temporary file and renamed, so a server (or a second replica sharing
    the directory) never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
