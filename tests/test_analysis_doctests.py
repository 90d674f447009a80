"""The docstring examples of the analysis modules run."""
import doctest

import pytest

from kg.analysis import centrality, communities


@pytest.mark.parametrize("module", [centrality, communities])
def test_analysis_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
