"""The fixtures the command-line tests share with the areas they drive."""

from tests.cli.test_cli_language import commune  # noqa: F401  (a copy of the demo, passwords set)
from tests.review.conftest import review_steps  # noqa: F401  (the review's step helpers)
