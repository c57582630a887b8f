#!/usr/bin/env python
import os
import sys


def main() -> None:
    # Unset means a server (config/__init__.py says why); `make run` asks for development.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
