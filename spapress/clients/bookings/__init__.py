"""Booking-system exports: the day's appointments as a booking system writes them, made into visits.

    reader.py     CSV (any common separator and encoding) and Excel .xlsx files as a table
    profiles.py   handouts/imports/*.yaml: which column holds what, and how dates are written
    services.py   handouts/services.yaml: the handout (and picks) each booked service gets
    exports.py    open_visits(): a file of visits -> an Export, read row by row (read_visits: all at once)

May import spapress.errors, content/ and the clients modules visits.py and batch.py.
"""

from .exports import Export, Import, Skipped, Unmatched, open_visits, read_visits

__all__ = ["Export", "Import", "Skipped", "Unmatched", "open_visits", "read_visits"]
