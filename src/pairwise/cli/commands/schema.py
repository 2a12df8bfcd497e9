"""`pairwise schema roster|plan`: print the JSON Schema of a format."""

from __future__ import annotations

import click

from pairwise.roster.schemas import schema_text


@click.command("schema")
@click.argument("which", type=click.Choice(["roster", "plan"]))
def command(which: str) -> None:
    """Print the JSON Schema of the roster or plan format."""
    click.echo(schema_text(which), nl=False)
