#!/usr/bin/env python
import os
import sys

# Keep Python's bytecode cache even where PYTHONDONTWRITEBYTECODE is set (container and CI
# images set it): without it every process compiles Django, Celery and the project again,
# about 2 s of each command's start.
sys.dont_write_bytecode = False


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "equity_portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
