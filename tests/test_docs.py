"""The README and the command line agree (as datasette keeps its docs in sync with its code): every
command-line example in the README parses, and every subcommand and option the parser has is in
the README."""
from __future__ import annotations

import argparse
import re
import shlex

import pytest

from geo.apps.cli import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
PROGRAMS = {"python -m geo": build_parser}


def _examples(program: str) -> list[str]:
    """Every line of the README's code blocks that runs `program` (comments stripped)."""
    out = []
    for block in re.findall(r"```(?:sh|bash|console)?\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = re.split(r"\s+(?:#|>|<|\||2>|&&)", line)[0].strip()   # comments, redirections
            if line.startswith(program + " "):
                out.append(line[len(program):].strip())
    return out


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(actions[0].choices) if actions else {}


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_every_readme_example_parses(program):
    examples = _examples(program)
    assert len(examples) >= 5, f"the README shows few examples of {program}"
    for args in examples:
        try:
            PROGRAMS[program]().parse_args(shlex.split(args))
        except SystemExit:
            pytest.fail(f"README example does not parse: {program} {args}")


@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_every_subcommand_and_option_is_in_the_readme(program):
    parser = PROGRAMS[program]()
    missing = []
    for name, sub in _subparsers(parser).items():
        if f"{program} {name}" not in README:
            missing.append(name)
        for action in sub._actions:
            if action.help == argparse.SUPPRESS:
                continue
            longs = [o for o in action.option_strings if o.startswith("--") and o != "--help"]
            if longs and not any(o in README for o in longs):
                missing.append(f"{name} {longs[0]}")
    assert not missing, f"not in the README: {missing}"


def test_a_readme_example_with_a_wrong_option_is_caught():
    # the check itself can fail: an option the parser lacks is refused
    with pytest.raises(SystemExit):
        build_parser().parse_args(["parse", "x.txt", "--no-such-option"])
