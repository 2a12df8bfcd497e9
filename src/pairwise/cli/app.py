"""The `pairwise` command line: a thin shell over the API (parse, call, print).

Each command lives in its own module under `pairwise.cli.commands` and is loaded only when used, so
`pairwise --help` stays fast and one command's imports never slow another.
"""

from __future__ import annotations

import importlib
import sys

import click

from pairwise.errors import InputError, PairwiseError
from pairwise.version import __version__

# command name -> (module under pairwise.cli.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "solve": ("solve", "Solve a roster and write the optimal plan."),
    "replan": ("replan", "Re-plan the rest of the year from a date with the fewest changes."),
    "validate": ("validate", "Read and validate a roster; print what it holds."),
    "check": ("check", "Check a plan against every hard rule and recompute its objective."),
    "explain": ("explain", "Explain why a roster has no plan, and what to relax."),
    "whatif": ("whatif", "Solve variants of a roster's policy and compare their terms."),
    "history": ("history", "Rotation variety across years: the coaching network."),
    "export": ("export", "Write calendars, spreadsheets and an HTML report for a plan."),
    "generate": ("generate", "Generate a realistic synthetic roster."),
    "schema": ("schema", "Print the JSON Schema of the roster or plan format."),
    "template": ("template", "Write a workbook to fill in (optionally from a roster)."),
    "import": ("import_roster", "Read a workbook, CSV folder or OneRoster export into a roster."),
    "survey": ("survey", "Write the spring feedback form for a plan's year."),
    "rollover": ("rollover", "Next year's roster from this year's roster, plan and feedback."),
    "serve": ("serve", "Serve the JSON API and the admin page over HTTP."),
}

EXIT_DONE = 0
EXIT_BROKEN_RULE = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN_IN_TIME = 4
EXIT_INTERRUPTED = 130


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, short_help = COMMANDS[cmd_name]
        try:
            module = importlib.import_module(f"pairwise.cli.commands.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"pairwise.cli.commands.{module_name}":
                raise

            @click.command(cmd_name, short_help=f"{short_help} (not available in this build)")
            def unavailable() -> None:
                raise click.ClickException(f"'{cmd_name}' is not available in this build")

            return unavailable
        command: click.Command = module.command
        command.short_help = command.short_help or short_help
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InputError as error:
            report_input_error(error)
            sys.exit(EXIT_BAD_INPUT)
        except PairwiseError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            # a command that keeps a best result on Ctrl-C handles it itself; anywhere else (while a
            # roster loads, or after the plan is written) every output is either whole or absent,
            # since each is written atomically
            click.echo("interrupted")
            sys.exit(EXIT_INTERRUPTED)


def report_input_error(error: InputError) -> None:
    """Print every problem of bad input to stderr, one `path: message` per line."""
    source = f"{error.source}: " if error.source else ""
    count = len(error.problems)
    click.echo(f"error: {source}{count} problem{'s' if count != 1 else ''}", err=True)
    for problem in error.problems:
        click.echo(f"  {problem}", err=True)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pairwise")
def main() -> None:
    """pairwise: optimal peer-coaching partnerships, visits, tables and sabbaticals."""
