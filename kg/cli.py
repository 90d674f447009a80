"""The ``kg`` command line. Library code raises KGError; this module turns it into ``Error: ...`` and exit 1."""
from __future__ import annotations

import sys

import click

from kg import commands as extraction_commands
from kg.analysis import commands as analysis_commands
from kg.errors import KGError
from kg.query import commands as query_commands
from kg.views import commands as views_commands


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="fintech-kg")
def main() -> None:
    """fintech-kg: turn Chinese fintech news into a knowledge graph.

    Example: kg build corpus --out build
    """


# --- command registration: one line per command module -----------------------
# (each module exposes `commands`, a list of click commands)
for _module in (extraction_commands, analysis_commands, views_commands, query_commands):
    for _cmd in _module.commands:
        main.add_command(_cmd)


if __name__ == "__main__":
    main()
