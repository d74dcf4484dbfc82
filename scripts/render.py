"""Render a page's picture as a PNG (one step) or a GIF (every step) from its link, without the
app or a browser: the same bytes as the page's own download buttons.

    python scripts/render.py "pool_1d?kernel_size=3&stride=1&padding=1" --out max_pool1d.gif
    python scripts/render.py "pool_1d?kernel_size=3&stride=1&padding=1&step=4" --out step.png
    python scripts/render.py "http://127.0.0.1:8501/pool_2d?kernel_size=2,3" --out docs/ --theme dark
    python scripts/render.py "images?cells=12&kernel_size=1" --out zoom.gif --width 800

The link is the page's own URL query (copy it from the address bar, whole or from the page's
name on). ``--out`` ending in ``.png`` or ``.gif`` chooses the format; a directory (or a path ending
in ``/``) takes the file name the page's download has (``max_pool1d_k3_s1_p1.gif``) and needs
``--format``. ``--step N`` is the link's step unless given (0-based, as in ``?step=``; Channels:
a frame of the GIF, every plane pooled without it; Invariance: the shift t). A bad value in the
link is reported on stderr and replaced by its default, as the page does; a page without
exports, a call torch refuses or an unreadable input exits with status 1 and says why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from ui import export  # noqa: E402
from ui.export.pages import LinkError, from_link  # noqa: E402
from ui.palette import THEMES  # noqa: E402


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="render.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("link", help='the page and its query, e.g. "pool_1d?kernel_size=3&step=4"')
    parser.add_argument("--out", required=True, help="FILE.png, FILE.gif, or a directory")
    parser.add_argument("--format", choices=("png", "gif"), help="with --out DIRECTORY: which file to write")
    parser.add_argument("--step", type=int, help="the step to draw in a PNG (default: the link's)")
    parser.add_argument("--width", type=int, default=export.SLIDES,
                        help=f"pixels (default {export.SLIDES}, a slide; {export.WEB} for the web)")  # fmt: skip
    parser.add_argument("--theme", choices=tuple(THEMES), default="light", help="the page's light or dark palette")
    parser.add_argument("--ms-per-frame", type=int, default=export.MS_PER_FRAME, help="GIF frame duration")
    return parser.parse_args(argv)


def output_path(out: str, chosen_format: str | None, subject, step: int | None) -> tuple[Path, str]:
    """Where to write and which format: from ``--out``'s extension, or a directory and ``--format``."""
    path = Path(out)
    if out.endswith(("/", "\\")) or path.is_dir():
        if chosen_format is None:
            raise LinkError(f"--out {out} is a directory: say --format png or --format gif")
        return path / export.filename_of(subject, chosen_format, step), chosen_format
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("png", "gif"):
        raise LinkError(f"--out must end in .png or .gif (or be a directory), but got {out!r}")
    if chosen_format is not None and chosen_format != suffix:
        raise LinkError(f"--format {chosen_format} does not match --out {out}")
    return path, suffix


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        linked = from_link(arguments.link)
        for notice in linked.notices:
            print(f"notice: {notice}", file=sys.stderr)
        step = linked.step if arguments.step is None else arguments.step
        path, kind = output_path(arguments.out, arguments.format, linked.subject, step)
        palette = THEMES[arguments.theme]
        if kind == "png":
            data = export.render_png(linked.subject, step, palette, arguments.width, show_outputs=linked.show_outputs)
        else:
            data = export.render_gif(linked.subject, palette, arguments.width, arguments.ms_per_frame,
                                     show_outputs=linked.show_outputs)  # fmt: skip
    except (LinkError, ValueError) as error:
        print(f"render.py: error: {error}", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
