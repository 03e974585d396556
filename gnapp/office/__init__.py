"""The receiving office (docs/office.md): its database, registered communes and their keys,
receiving packages, the board and the consolidated report."""
