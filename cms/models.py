"""Model registry of the content app; each concern lives in its own module."""

from .disclosure import IndexSequence, Validity  # noqa: F401
from .listing import ColumnListing  # noqa: F401
from .pages import (  # noqa: F401
    ArticleAttachment,
    ArticlePage,
    ColumnPage,
    ColumnType,
    HomePage,
    TopicPage,
    UpdateFrequency,
)
from .snippets import Organisation, SubjectCategory  # noqa: F401
from .workflow import NoSelfApprovalTask  # noqa: F401
