"""The receiving office's GUI (docs/office.md): the window (``window``) with its areas, one
module each (``communes``, ``receive``, ``board``, ``consolidation``), the session holding the
unlocked office key (``session``), what they share (``common``) and the wizard that creates an
office (``wizard``).

The office database stays open on the GUI thread for reading; receiving and writing the
consolidated files run in jobs (gnapp/ui/jobs.py) that open their own connection. The office
key is unlocked once per session and kept in memory only (never the passphrase).
"""
