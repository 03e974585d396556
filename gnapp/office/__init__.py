"""The receiving office (docs/office.md): its database (``store``, every SQL statement of the
``.gnoffice`` file), registered communes and their keys, receiving packages, the board and the
consolidated report."""
