"""GNApp: the commune office's offline tool for the poverty-reduction programme."""

__version__ = "0.1.0"
