import pytest

from tests.wordpress.exports import write_jpeg, wxr


@pytest.fixture
def export_file(tmp_path):
    def write(*items, **kwargs):
        path = tmp_path / "export.xml"
        path.write_text(wxr(*items, **kwargs), encoding="utf-8")
        return path

    return write


@pytest.fixture
def media_dir(tmp_path):
    root = tmp_path / "uploads"
    write_jpeg(root / "2024/03/frigate.jpg", 1200, 800)
    write_jpeg(root / "2024/03/crew.jpg", 640, 480, (120, 40, 40))
    (root / "2024/03/broken.jpg").write_bytes(b"this is not a picture")
    return root
