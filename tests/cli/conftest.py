"""The fixtures the command-line tests share with the areas they drive."""

from tests.review.conftest import review_steps  # noqa: F401  (the review's step helpers)
