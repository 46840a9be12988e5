#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "defenceblog.settings")
    # manage.py is the developer's tool: with no SECRET_KEY it means local development.
    # Production sets SECRET_KEY (and DEBUG=0); the WSGI/ASGI entry points never default.
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
