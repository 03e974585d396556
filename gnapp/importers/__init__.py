"""Importing the commune's existing household lists (xlsx, xls, ods, csv).

reading -> headers (find the header, suggest the mapping) -> plan (parse, group,
check, find duplicates: the preview) -> apply (one undoable batch) and report
(rejected rows to an XLSX the clerk can fix and re-import).
"""
