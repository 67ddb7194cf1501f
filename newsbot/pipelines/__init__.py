"""The item pipeline: validate, normalise, images, convert, export (one module
per step).

Every drop is counted as ``newsbot/dropped/<reason>`` and every write as
``newsbot/exported/<result>``; images (NEWSBOT_IMAGES) as ``newsbot/images/<what>``.

Each step is a module of this package; the classes keep their names here, so
``ITEM_PIPELINES`` entries such as ``newsbot.pipelines.ExportPipeline`` work.
"""

from newsbot.pipelines.base import TRANSIENT_DROPS, ArticleDropped, as_article
from newsbot.pipelines.convert import ConvertPipeline
from newsbot.pipelines.export import ExportPipeline
from newsbot.pipelines.images import ImageNotKept, ImageStore, LocalImagesPipeline
from newsbot.pipelines.normalise import NormalisePipeline
from newsbot.pipelines.validate import ValidatePipeline

__all__ = [
    "TRANSIENT_DROPS",
    "ArticleDropped",
    "ConvertPipeline",
    "ExportPipeline",
    "ImageNotKept",
    "ImageStore",
    "LocalImagesPipeline",
    "NormalisePipeline",
    "ValidatePipeline",
    "as_article",
]
