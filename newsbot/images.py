"""Images kept with the site (NEWSBOT_IMAGES): the modes, where copies go, what a
download must be to be kept, optional conversion, and the rewrite of an article's
image links to its local copies.

The download itself is :class:`newsbot.pipelines.LocalImagesPipeline` (Scrapy's
FilesPipeline); nothing here needs Scrapy.

- ``remote`` (default): the articles link the sources' images; nothing is downloaded.
- ``bundle``: each article is a Hugo page bundle, ``{lang}/news/{source}/{id}/index.{lang}.md``,
  with its images beside it as ``img-<sha1>.<ext>``, linked by that relative name.
- ``static``: images go to ``{NEWSBOT_STATIC_DIR}/images/{source}/<sha1>.<ext>`` (the
  site's ``static/`` folder by default) and are linked as ``/images/{source}/<sha1>.<ext>``;
  an image used by several articles is stored once.

The cover (front matter ``thumbnail``) is different: the site's theme (Mainroad) shows
it as ``{{ .Params.thumbnail | relURL }}``, which cannot address a page bundle's file
(a bare name becomes ``/<name>``, and where Hugo publishes a bundle's files depends on
its version: 0.147.8 puts those of ``index.zh-CN.md`` under a nested path). So in both
local modes the cover is a static file, ``images/{source}/<sha1>.<ext>`` (in bundle mode
a copy of the bundle's), written without a leading slash: ``relURL`` then makes it
``/images/...`` below the site's baseURL path, whatever that is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from newsbot.exporter import DEFAULT_PATH_TEMPLATE, safe_component
from newsbot.html import IMAGE_SCHEMES, replace_image_sources, safe_url
from newsbot.items import Article

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

REMOTE, BUNDLE, STATIC = "remote", "bundle", "static"
MODES = (REMOTE, BUNDLE, STATIC)
BUNDLE_PATH_TEMPLATE = "{lang}/news/{source}/{id}/index.{lang}.md"
BUNDLE_PREFIX = "img-"
STATIC_FOLDER = "images"
# Formats NEWSBOT_IMAGES_CONVERT may name (converted with Pillow, an optional extra).
CONVERTIBLE = ("webp", "gif")
PILLOW_HINT = "pip install 'newsbot[images]' (or pip install pillow)"
# The attribute of an Article that holds its remote → local image links during the
# pipeline (not a field: items and feeds keep the sources' URLs).
LOCAL_ATTR = "_newsbot_local_images"
COVER_ATTR = "_newsbot_local_cover"  # the cover's static path (see the module doc)

# What a browser sends for an <img>; servers pick the format from it.
ACCEPT = "image/avif,image/webp,image/apng,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5"

# ![alt](url) or ![alt](url "title"), as markdownify writes images.
_MARKDOWN_IMAGE_RE = re.compile(r"!\[(?:\\.|[^\]\\])*\]\((?P<url>[^\s)]+)(?:\s+\"[^\"]*\")?\)")


class ImageFailed(Exception):
    """An image that is not kept; ``reason`` is the last part of its stats key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(detail or reason)


# --- settings -------------------------------------------------------------------


def images_mode(settings: BaseSettings) -> str:
    raw = settings.get("NEWSBOT_IMAGES")
    value = str(raw if raw is not None else REMOTE).strip().lower() or REMOTE
    if value not in MODES:
        raise ValueError(
            f"NEWSBOT_IMAGES {raw!r} is not a known mode: use one of {', '.join(MODES)}"
        )
    return value


def export_path_template(settings: BaseSettings) -> str:
    """The file path template of the exporter: a page bundle's index file in
    ``bundle`` mode."""
    template = settings.get("NEWSBOT_PATH_TEMPLATE") or DEFAULT_PATH_TEMPLATE
    if images_mode(settings) != BUNDLE:
        return template
    if template == DEFAULT_PATH_TEMPLATE:
        return BUNDLE_PATH_TEMPLATE
    if PurePosixPath(template).name.startswith("index."):
        return template
    raise ValueError(
        f"NEWSBOT_IMAGES='bundle' needs a NEWSBOT_PATH_TEMPLATE whose file is a page "
        f"bundle's index (like {BUNDLE_PATH_TEMPLATE!r}), not {template!r}"
    )


def static_dir(settings: BaseSettings) -> Path:
    """Where ``static`` mode's ``images/`` folder goes: NEWSBOT_STATIC_DIR, else the
    ``static`` folder beside the export folder (``<site>/static`` for ``<site>/content``)."""
    configured = settings.get("NEWSBOT_STATIC_DIR")
    if configured:
        return Path(configured).resolve()
    return Path(settings.get("NEWSBOT_EXPORT_DIR") or "exports").resolve().parent / "static"


def convert_formats(settings: BaseSettings) -> frozenset[str]:
    """The formats NEWSBOT_IMAGES_CONVERT asks to convert; Pillow must be installed then."""
    wanted = {
        value.strip().lower().lstrip(".")
        for value in settings.getlist("NEWSBOT_IMAGES_CONVERT")
        if value and value.strip()
    }
    unknown = sorted(wanted - set(CONVERTIBLE))
    if unknown:
        raise ValueError(
            f"NEWSBOT_IMAGES_CONVERT: cannot convert {', '.join(unknown)}: "
            f"formats are {', '.join(CONVERTIBLE)}"
        )
    if wanted:
        try:
            import PIL.Image  # noqa: F401
        except ImportError:
            raise ValueError(
                f"NEWSBOT_IMAGES_CONVERT={','.join(sorted(wanted))} needs Pillow: {PILLOW_HINT}"
            ) from None
    return frozenset(wanted)


# --- content --------------------------------------------------------------------


def sniff(data: bytes) -> str | None:
    """The file extension of a raster image's bytes, or None for anything else
    (HTML error pages, SVG with scripts ...: never stored on the site)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    return None


def convert(data: bytes, ext: str, formats: frozenset[str]) -> tuple[bytes, str]:
    """The image in a format every browser shows, if ``formats`` asks for its own:
    WebP becomes JPEG (PNG if it has transparency), GIF becomes PNG. Animated
    images are kept as they are (the animation is the content)."""
    if ext not in formats:
        return data, ext
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as image:
            if getattr(image, "is_animated", False):
                return data, ext
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            out = BytesIO()
            if ext == "gif" or alpha:
                image.convert("RGBA" if alpha else "RGB").save(out, "PNG", optimize=True)
                return out.getvalue(), "png"
            image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            return out.getvalue(), "jpg"
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageFailed("bad_image", f"cannot convert {ext}: {exc}") from exc


def content_name(data: bytes, ext: str) -> str:
    """``<sha1 of the bytes>.<ext>``: the same image under any URL gets one name."""
    return f"{hashlib.sha1(data).hexdigest()}.{ext}"


def store_path(mode: str, name: str, item: Article, bundle_dir: PurePosixPath) -> str:
    """Path of an image file below the store's root: the export folder (``bundle``,
    ``bundle_dir`` being the article's folder there) or the static folder."""
    if mode == BUNDLE:
        return str(bundle_dir / f"{BUNDLE_PREFIX}{name}")
    return f"{STATIC_FOLDER}/{safe_component(item.source, 'unknown')}/{name}"


def link_of(mode: str, path: str) -> str:
    """How the article links an image stored at ``path``."""
    if mode == BUNDLE:
        return PurePosixPath(path).name
    return "/" + path


# --- the article's images -------------------------------------------------------


def markdown_images(markdown: str) -> list[str]:
    return [m["url"] for m in _MARKDOWN_IMAGE_RE.finditer(markdown or "")]


def wanted_images(item: Article) -> list[str]:
    """The cover, then the body's images, each once, absolute http(s) URLs only."""
    candidates = [item.thumbnail, *(item.images or [])]
    if not item.body_html and not item.images:
        candidates += markdown_images(item.body)
    urls: list[str] = []
    for value in candidates:
        url = safe_url(value, item.url, IMAGE_SCHEMES) if isinstance(value, str) else ""
        if url and url == value and url not in urls:
            urls.append(url)
    return urls


def set_local_images(item: Article, links: dict[str, str]) -> None:
    setattr(item, LOCAL_ATTR, dict(links))


def local_images(item: Article) -> dict[str, str]:
    return getattr(item, LOCAL_ATTR, None) or {}


def cover_path(name: str, item: Article) -> str:
    """The static path of an article's cover image ``name`` (``<sha1>.<ext>``), which is
    also its front matter value: ``images/{source}/<name>``, no leading slash."""
    return store_path(STATIC, name, item, PurePosixPath())


def set_local_cover(item: Article, link: str) -> None:
    setattr(item, COVER_ATTR, link)


def local_cover(item: Article) -> str:
    return getattr(item, COVER_ATTR, None) or ""


def rewrite_markdown(markdown: str, links: dict[str, str]) -> str:
    """Links to the images (``![alt](url)``, ``![alt](url "title")``) to the local copies.

    By exact URL after ``](``, whatever the alt text holds: the URLs come from the
    body the Markdown was made of, and markdownify writes them unchanged.
    """
    for url, local in links.items():
        markdown = markdown.replace(f"]({url})", f"]({local})")
        markdown = markdown.replace(f']({url} "', f']({local} "')
    return markdown


def with_local_images(item: Article) -> Article:
    """The article as its file shows it: a copy whose body (Markdown and HTML) and
    cover link the local copies; the article itself when it has none."""
    links = local_images(item)
    cover = local_cover(item)
    if not links and not cover:
        return item
    return replace(
        item,
        body=rewrite_markdown(item.body, links),
        body_html=replace_image_sources(item.body_html, links),
        thumbnail=cover or item.thumbnail,
    )
