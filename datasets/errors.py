"""Exceptions with messages a student can act on.

Every error raised on purpose by this package derives from ``DatasetError``; the command line
prints its message (what went wrong, where, what to try) without a traceback.
"""

from __future__ import annotations


class DatasetError(Exception):
    """Base class: an expected problem whose message says what to do next."""


class DataNotFoundError(DatasetError, FileNotFoundError):
    """The imported CIFAR-10 file is missing; the message names the command that creates it."""


class SourceNotFoundError(DatasetError, FileNotFoundError):
    """The folder or archive given to ``get --from`` does not exist."""


class DataFormatError(DatasetError, ValueError):
    """A source (image tree, archive, batch file) or the stored file is not in the expected form."""


class DownloadError(DatasetError, OSError):
    """The official archive could not be downloaded completely."""


class ChecksumError(DownloadError):
    """A file's md5 differs from the published one (corrupt, truncated or not the right file)."""
