"""The one shape of every `python -m …` command of the app.

    commands = CommandLine("python -m ingest", __doc__)
    parse = commands.add("parse", "把文档解析为条款", parse_file)
    parse.add_argument("file")
    sys.exit(commands.main(argv))

    single = CommandLine("python -m some.tool", __doc__, handler=run)
    single.parser.add_argument("file")

A handler takes the parsed arguments and returns the exit status (None counts as 0). Errors meant
for the user (``errors.UserError``), files that cannot be read and mistyped arguments are printed
as "错误:…" in Chinese on stderr, with exit status 2; nothing else is caught.
"""
from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import NoReturn

from errors import UserError

EXIT_USER_ERROR = 2
Handler = Callable[[argparse.Namespace], int | None]

# argparse's own messages (English) and how the commands say them
ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.+)", "缺少参数 {0}。"),
    (r"unrecognized arguments: (.+)", "无法识别的参数 {0}。"),
    (r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)",
     "参数 {0} 的取值「{1}」无效,可选:{2}。"),
    (r"argument (\S+): invalid (?:int|float) value: '?(.*?)'?$", "参数 {0} 需要一个数,而不是「{1}」。"),
    (r"argument (\S+): expected one argument", "参数 {0} 后面需要一个值。"),
    (r"argument (\S+): not allowed with argument (\S+)", "参数 {0} 与 {1} 不能同时使用。"),
)


def fail(message: str) -> int:
    """Print a user-facing error on stderr; the exit status for it."""
    print(f"错误:{message}", file=sys.stderr)
    return EXIT_USER_ERROR


def file_error_message(error: OSError) -> str:
    """A file that cannot be read or written, said in Chinese."""
    name = error.filename or ""
    if isinstance(error, FileNotFoundError):
        return f"找不到文件「{name}」。"
    if isinstance(error, IsADirectoryError):
        return f"「{name}」是文件夹,不是文件。"
    if isinstance(error, PermissionError):
        return f"没有权限读写「{name}」。"
    return f"无法读写「{name}」:{error.strerror or error}。"


def _chinese(message: str) -> str:
    for pattern, template in ARGPARSE_MESSAGES:
        found = re.fullmatch(pattern, message)
        if found:
            return template.format(*found.groups())
    return f"命令行参数有误:{message}"


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法:" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese help headings and usage errors ("错误:…", exit status 2)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"错误:{_chinese(message)}\n")


class CommandLine:
    """A command with subcommands, each run by its handler; or, given a handler, a command
    without subcommands (add its arguments to ``parser``)."""

    def __init__(self, prog: str, doc: str | None, handler: Handler | None = None) -> None:
        first, _, rest = (doc or "").strip().partition("\n")
        self.parser = _Parser(prog=prog, description=first or None,
                              epilog=textwrap.dedent(rest).strip() or None)
        if handler is not None:
            self.parser.set_defaults(handler=handler)
            self._commands = None
        else:
            self._commands = self.parser.add_subparsers(dest="command", required=True,
                                                        metavar="命令")

    def add(self, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        """A subcommand; add its arguments to the parser returned."""
        if self._commands is None:
            raise TypeError("this command line was made with a handler of its own")
        command = self._commands.add_parser(name, help=help, description=help)
        command.set_defaults(handler=handler)
        return command

    def main(self, argv: Sequence[str] | None = None) -> int:
        """Parse the arguments, run the chosen handler, turn user errors into messages."""
        args = self.parser.parse_args(argv)
        try:
            return args.handler(args) or 0
        except UserError as error:
            return fail(str(error))
        except OSError as error:
            if error.filename is None:
                raise
            return fail(file_error_message(error))
        except KeyboardInterrupt:
            print("已中断。", file=sys.stderr)
            return 130
