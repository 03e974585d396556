"""Official tables: one model (``model``), laid out for the PDF (``pdf``) and written as XLSX
(``gnapp.reporting.xlsx``)."""

from gnapp.reporting.tables.model import Column, Group, Row, Table, Total, heading, summary

__all__ = ["Column", "Group", "Row", "Table", "Total", "heading", "summary"]
