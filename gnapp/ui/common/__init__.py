"""What every area of the GUI shares: the Qt gate (qt.py), widgets, table models, background
jobs, message boxes and file choosers, print preview, the interface language, the household
list. Nothing here imports an area or the main window."""
