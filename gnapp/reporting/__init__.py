"""Official documents and tables produced from the commune database (no Qt here)."""
