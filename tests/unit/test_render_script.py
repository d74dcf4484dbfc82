"""scripts/render.py: the command's contract (formats, names, --step, --width, --theme, errors on
stderr with status 1), and its files equal to the page's own downloads for the same link: the
page is run in AppTest and the callables it gives its download buttons are called."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from PIL import Image
from streamlit.runtime.media_file_manager import MediaFileManager

from scripts import render
from tests.app.conftest import open_app
from ui.export.pages import split_link

ROOT = Path(__file__).resolve().parents[2]


def run(link: str, *options: str, capsys=None) -> tuple[int, str, str]:
    code = render.main([link, *options])
    captured = capsys.readouterr() if capsys else None
    return code, captured.out if captured else "", captured.err if captured else ""


def downloads(link: str) -> dict[str, bytes]:
    """File name → bytes of each download button the page draws when opened with ``link``."""
    page, query = split_link(link)
    made = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **options):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **options)

    with mock.patch.object(MediaFileManager, "add_deferred", spy):
        opened = open_app(page, **query)
    assert [button.label for button in opened.at.download_button], f"no download button on {link}"
    return {name: make() for name, make in made.items()}


LINKS = [
    "pool_1d?kernel_size=3&stride=1&padding=1&step=4",
    "pool_1d?function=avg_pool1d&kernel_size=3&stride=2&padding=1&ceil_mode=true&step=2",
    "pool_1d?mode=predict&step=1",
    "pool_2d?kernel_size=2,3&padding=1&step=4",
    "channels",
    "channels?tensor=random&N=1&C=2&H=5&W=5&kernel_size=2&padding=1&function=avg_pool2d",
    "images?kernel_size=3&stride=2&padding=1&step=7",
    "images?sample=scene.jpg&colour=grayscale&cells=9&pixels_per_cell=2&centre_x=40&centre_y=30&step=3",
    "invariance?kernel_size=3&shift=2&direction=diagonal&fill=zero",
    "fractional?step=5",
    "fractional?by=output_ratio&output_ratio=0.6,0.6&seed=3&kernel_size=3&mode=predict&step=2",
    "backward?step=3",
    "backward?dims=2-D&function=avg_pool2d&kernel_size=3&stride=2&padding=1&upstream=random+integers"
    "&gradient_seed=7&step=4",
    "backward?function=lp_pool1d&norm_type=1&kernel_size=3&stride=1&upstream=typed&gradient=1,0,-2,3,1,0,2,1&step=2",
    "backward?dims=2-D&function=avg_pool1d&upstream=one-hot&cell=40&seed=3",  # a 1-D function, a cell past y's last
    "backward?mode=predict&step=2",  # predicting: x under the window beside g, not x.grad
    "unpool?step=1",
    "unpool?dims=2-D&mode=predict&step=1",  # predicting: the pooling, not z
    "unpool?dims=2-D&kernel_size=3&stride=2&padding=1&seed=2&step=3",
    "unpool?x=1,4,-1,3,2,0,5&kernel_size=2&output_size=7&step=2",
    "pool_3d?step=2",
    "pool_3d?function=avg_pool3d&kernel_size=1,2,2&padding=0,1,1&ceil_mode=true&count_include_pad=false&step=5",
    "pool_3d?volume=arange&D=3&H=5&W=5&kernel_size=2,2,3&stride=2&padding=1,0,1&ceil_mode=true&mode=predict&step=1",
]


@pytest.mark.parametrize("link", LINKS)
def test_the_command_writes_the_pages_own_downloads(link, tmp_path, capsys):
    expected = downloads(link)
    assert len(expected) == 2
    for name, content in expected.items():
        code, out, err = run(link, "--out", str(tmp_path) + "/", "--format", name.rsplit(".", 1)[1], capsys=capsys)
        assert code == 0, err
        written = Path(out.strip())
        assert written.name == name  # the same file name as the button's
        assert written.read_bytes() == content, f"{name}: render.py differs from the page's download"


def test_a_png_and_a_gif_by_extension_with_step_width_and_theme(tmp_path, capsys):
    link = "pool_1d?kernel_size=3&stride=1&padding=1&step=4"
    assert run(link, "--out", str(tmp_path / "a.png"), capsys=capsys)[0] == 0
    assert run(link, "--out", str(tmp_path / "b.png"), "--step", "4", capsys=capsys)[0] == 0
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()  # --step defaults to the link's
    assert run(link, "--out", str(tmp_path / "c.png"), "--step", "0", capsys=capsys)[0] == 0
    assert (tmp_path / "c.png").read_bytes() != (tmp_path / "a.png").read_bytes()
    assert run(link, "--out", str(tmp_path / "web.gif"), "--width", "800", "--theme", "dark", capsys=capsys)[0] == 0
    gif = Image.open(tmp_path / "web.gif")
    assert gif.format == "GIF" and gif.size[0] == 800 and gif.n_frames == 10
    assert gif.convert("RGB").getpixel((1, 1)) == (14, 17, 23)  # the dark theme's background
    assert Image.open(tmp_path / "a.png").size[0] == 1600


def test_a_copied_url_works_as_the_pages_own_query(tmp_path, capsys):
    url = "http://127.0.0.1:8501/pool_2d?kernel_size=2%2C3&padding=1&step=4&embed=true"
    assert run(url, "--out", str(tmp_path / "u.png"), capsys=capsys)[0] == 0
    assert run("pool_2d?kernel_size=2,3&padding=1&step=4", "--out", str(tmp_path / "p.png"), capsys=capsys)[0] == 0
    assert (tmp_path / "u.png").read_bytes() == (tmp_path / "p.png").read_bytes()


@pytest.mark.parametrize(
    "link, options, message",
    [
        ("nope", (), "there is no page 'nope'; pages with exports: pool_1d, pool_2d, channels, images, invariance, "
                     "fractional, backward, unpool, pool_3d"),
        ("torch_api", (), "the torch_api page has nothing to export"),
        ("pool_1d?kernel_size=3&padding=2", (),
         "torch's rule: max_pool1d() padding should be at most half of kernel_size, but got padding=2 and "
         "kernel_size=3"),
        ("pool_1d?x=1,a", (), '"a" (the 2nd value) is not a number'),
        ("pool_2d?function=avg_pool2d&divisor_override=2,3", (),
         "divisor_override takes one whole number (or None), but you typed '2,3'."),
        ("pool_1d", ("--width", "100"), "width must be from 320 to 4000 px"),
        ("invariance?mode=predict", (), "in predict mode the Invariance page shows no translation"),
        ("fractional?output_size=0", (), "No windows along an axis with output size 0: torch returns an empty output"),
        ("backward?upstream=typed&gradient=1,2", (), "The typed gradient has 2 values; the output y has 5 cells"),
        ("backward?dims=2-D&grid=1 2;3", (), "The rows have different lengths (2, 1); a grid needs equal rows."),
        ("unpool?output_size=9", (), "torch's rule: max_unpool1d() invalid output_size"),
        ("pool_3d?kernel_size=3&padding=2", (), "torch's rule: max_pool3d() padding should be at most half of "
                                                "kernel_size"),
    ],
    ids=["no_page", "no_export", "torch_refuses", "bad_input", "bad_size", "width", "predict_invariance",
         "empty_fractional", "bad_gradient", "ragged_grid", "unpool_size", "refused_3d"],
)  # fmt: skip
def test_errors_exit_1_and_say_why(link, options, message, tmp_path, capsys):
    code, _, err = run(link, "--out", str(tmp_path / "x.png"), *options, capsys=capsys)
    assert code == 1
    assert err.startswith("render.py: error: ") and message in err, err
    assert not (tmp_path / "x.png").exists()


def test_bad_link_values_are_noticed_and_replaced_like_the_page_does(tmp_path, capsys):
    code, _, err = run("pool_1d?kernel_size=99&step=4", "--out", str(tmp_path / "n.png"), capsys=capsys)
    assert code == 0
    assert "notice: kernel_size=99 from the link is not a whole number from 1 to 10; using 2." in err
    code, _, err = run("invariance?shift=9", "--out", str(tmp_path / "i.png"), capsys=capsys)
    assert code == 0 and "shift=9 from the link is not a whole number from 0 to 4; using 1." in err


def test_out_must_say_the_format(tmp_path, capsys):
    assert "--out must end in .png or .gif" in run("pool_1d", "--out", str(tmp_path / "x.jpg"), capsys=capsys)[2]
    assert "say --format png or --format gif" in run("pool_1d", "--out", str(tmp_path), capsys=capsys)[2]


def test_the_command_runs_alone_without_streamlit_or_a_browser(tmp_path):
    """As a user runs it: a fresh process, from another directory; Streamlit is never imported."""
    script, out = str(ROOT / "scripts" / "render.py"), str(tmp_path / "s.png")
    probe = (f"import runpy, sys\nsys.argv = ['render.py', 'pool_1d?step=2', '--out', {out!r}]\n"
             f"try:\n    runpy.run_path({script!r}, run_name='__main__')\n"
             "except SystemExit as end:\n    assert end.code == 0, end.code\n"
             "assert 'streamlit' not in sys.modules and 'playwright' not in sys.modules, 'imported'\n")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Image.open(io.BytesIO((tmp_path / "s.png").read_bytes())).format == "PNG"
    failed = subprocess.run([sys.executable, script, "nope", "--out", "x.png"], cwd=tmp_path, capture_output=True,
                            text=True)  # fmt: skip
    assert failed.returncode == 1 and "render.py: error: there is no page 'nope'" in failed.stderr


README_GIFS = {
    "max_pool1d_k3_s1_p1.gif": ("pool_1d?kernel_size=3&stride=1&padding=1", "light"),
    "max_pool2d_k3_s2_p1_ceil.gif": ("pool_2d?kernel_size=3&stride=2&padding=1&ceil_mode=true", "dark"),
}


@pytest.mark.parametrize("name", README_GIFS)
def test_the_readmes_gifs_are_what_the_command_makes(name, tmp_path, capsys):
    link, theme = README_GIFS[name]
    code, out, err = run(link, "--out", str(tmp_path) + "/", "--format", "gif", "--width", "800", "--theme", theme,
                         capsys=capsys)  # fmt: skip
    assert code == 0, err
    assert Path(out.strip()).name == name
    assert Path(out.strip()).read_bytes() == (ROOT / "docs" / "exports" / name).read_bytes()
    assert f"docs/exports/{name}" in (ROOT / "README.md").read_text(encoding="utf-8")
