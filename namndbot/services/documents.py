"""Reading a document a secretary hands us: text (UTF-8 or Windows-1252) or PDF."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ..domain.errors import NamndbotError


class DocumentError(NamndbotError):
    pass


MAX_FILE_BYTES = 50 * 1024 * 1024  # a schedule, protocol or roster; a scanned PDF of a year's protocols fits


def file_bytes(path: str | Path) -> bytes:
    """A file's content, or a Swedish message saying why not."""
    p = Path(path)
    if not p.exists():
        raise DocumentError(f"Filen {p} finns inte.")
    if p.is_dir():
        raise DocumentError(f"{p} är en mapp, inte en fil.")
    if not p.is_file():  # /dev/zero, a FIFO, a socket: endless or waiting forever
        raise DocumentError(f"{p} är ingen vanlig fil; ange ett dokument eller en rosterfil.")
    try:
        with p.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DocumentError(f"Filen {p} går inte att läsa ({exc.strerror or exc}).") from None
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(f"Filen {p} är större än {MAX_FILE_BYTES // (1024 * 1024)} MB; det är inget dokument.")
    return data


def read_document(path: str | Path) -> str:
    """A schedule, protocol or svar: text or PDF."""
    return document_text(file_bytes(path), Path(path).name)


def document_text(data: bytes, name: str = "dokumentet") -> str:
    """The text of a document given as bytes (PDF recognised by its signature)."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return pdf_text(data, name)
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name} är varken text eller PDF.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name} går inte att läsa som text.")


def pdf_text(data: bytes, name: str = "PDF-filen") -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf says in English (as log warnings) what we say in Swedish below; its own words add nothing
    # for a secretary, and the CLI would print them.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{name} är lösenordsskyddad; spara den utan lösenord och försök igen.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise DocumentError(
            f"{name} är en trasig eller ovanlig PDF som inte går att läsa ({type(exc).__name__})."
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise DocumentError(f"{name} innehåller ingen text (är den en inskannad bild?).")
    return text
