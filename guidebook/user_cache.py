"""The guide's folder in the user's cache (``$XDG_CACHE_HOME/guidebook``, else ``~/.cache/guidebook``).

What the builds keep there is named by the SHA-256 of what it is made from, so
any project on the machine may share it, and a changed input makes a new entry.
"""

import os
from pathlib import Path


def cache_folder(kind: str) -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "guidebook" / kind


def keep(data: bytes, cached: Path) -> None:
    """Store data as cached; two builds may write it at once: each writes its own file, then renames it."""
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(cached)
    except OSError:
        pass  # no cache folder: make it again next time
