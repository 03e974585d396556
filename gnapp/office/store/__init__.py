"""The office database's storage: every SQL statement of the ``.gnoffice`` file. ``database``
opens and migrates it; ``keys`` holds the office's key, the communes and their keys;
``packages`` the packages received and their files; ``receipts`` every file offered.
Functions take the open ``OfficeDatabase``; writers run in one transaction each (nested inside
a caller's transaction when there is one)."""
