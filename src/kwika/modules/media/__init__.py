"""Media: every file Kwika stores (uploads, avatars, logos, documents, videos).

Other modules use only what this file exports; see ``documents/modules/media.md``.
"""

from kwika.modules.media.contexts import CONTEXTS, ContextRule
from kwika.modules.media.documents import UsedBy
from kwika.modules.media.public import (
    Dimensions,
    MediaFile,
    attach,
    context_rule,
    count_upload,
    delete,
    delete_by_url,
    get,
    get_many,
    purge_owner,
    release,
    store,
    store_upload,
)

__all__ = [
    "CONTEXTS",
    "ContextRule",
    "Dimensions",
    "MediaFile",
    "UsedBy",
    "attach",
    "context_rule",
    "count_upload",
    "delete",
    "delete_by_url",
    "get",
    "get_many",
    "purge_owner",
    "release",
    "store",
    "store_upload",
]
