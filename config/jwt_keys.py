"""The RSA key that signs the API's access and refresh tokens (django-allauth headless, JWT).

Production passes the PEM in HEADLESS_JWT_PRIVATE_KEY, the same on every machine. The embedded
default and the tests generate one key once into a git-ignored file, so tokens survive a restart
of `make run` without anyone handling key material."""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured


def jwt_private_key_from_env(value: str) -> str:
    # A PEM in an env file is often written on one line with literal "\n" separators.
    pem = value.replace("\\n", "\n").strip()
    return pem + "\n" if pem else ""


def jwt_private_key_load_or_create(path: Path) -> str:
    """Read the PEM at `path`, creating it (mode 0600) the first time."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jwt-", suffix=".pem")
        with os.fdopen(fd, "w") as handle:
            handle.write(pem)
        try:
            # link() fails if the file exists: two processes starting at once both end up
            # with whichever complete key was linked first.
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text()
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot create the token signing key at {path} ({exc}); "
            "set HEADLESS_JWT_PRIVATE_KEY to an RSA private key in PEM form."
        ) from exc
    return pem
