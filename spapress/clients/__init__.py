"""Stage 4, clients: a client's visit -> a personal aftercare sheet -> printed or emailed.

    visits.py     a visit's declared fields, every value a person typed checked
    batch.py      a day's visits from a YAML list, row by row (and the Row every reader returns)
    bookings/     a day's visits from a booking system's export: profiles, services, CSV and Excel
    sheets.py     a handout personalised for one visit; batches on the pool
    names.py      client file names: readable ASCII from any script, never shared by two clients
    records.py    every sheet kept as a version, and where each went (SQLite)
    commits.py    group commit: the writes of a batch's threads share transactions
    frontdesk.py  the front desk's work: check, make, keep, print and email (one way to do each)
    settings.py   delivery.yaml: the mail server and printer of this computer
    printing.py   the system's print queue (CUPS lp; the print verb on Windows)
    letter.py     the email that carries a sheet (text and HTML from layouts/email/)
    smtp.py       handing a message to the mail server, within deadlines
    outbox.py     nothing lost, nothing doubled, with any number of senders: claimed messages, uncertain and failed ones
    sendlog.py    who was sent what, and when (SQLite)
    keychain.py   the mail password in the system keychain (keyring)

May import spapress.errors, content/, render/ and builds/.
"""
