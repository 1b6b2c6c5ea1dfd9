# This file is part of the property-management suite.
"""E-mails the suite sends, through Tryton's notification_email

Each kind of e-mail (a ticket's escalation, a parcel waiting at the desk)
is a ``notification.email`` record shipped as data by the addon that sends
it (which depends on ``notification_email``): its subject, its body (a text
report) and the field holding its recipients are the office's to adapt
in Administration > Models > Email Notifications. Tryton sends those on its
triggers; the suite sends them from its own code, when the office acts, in
the recipients' language and from the company's address, and logs each
e-mail sent in ``ir.email`` as the triggers do."""
import smtplib

from trytond.config import config
from trytond.pool import Pool
from trytond.sendmail import (
    get_smtp_server, send_message, send_message_transactional)
from trytond.tools.email_ import has_rcpt
from trytond.transaction import without_check_access


def send_notification_email(xml_id, record, sender):
    """Send the notification.email of xml_id ('module.id') for record from
    sender (an address) with the mail of the transaction: the message
    leaves when the transaction commits, and not if it rolls back.
    Return the message, or None when the record has no recipient."""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Notification = pool.get('notification.email')
    Email = pool.get('ir.email')
    # The mail is the suite's act, whoever's action sends it: the clerk
    # may neither read the notification's setup nor write the mail log
    with without_check_access():
        notification = Notification(ModelData.get_id(*xml_id.split('.')))
        to, to_languages = notification._get_to(record)
        cc, cc_languages = notification._get_cc(record)
        bcc, bcc_languages = notification._get_bcc(record)
        msg = notification.get_email(record, sender, to, cc, bcc,
            to_languages | cc_languages | bcc_languages)
        if not has_rcpt(msg):
            return None
        send_message_transactional(msg)
        Email.from_message(msg, resource=record,
            notification_email=notification).save()
    return msg


def company_sender(company):
    "The company's e-mail address, else the server's ([email] from)"
    return company.party.email or config.get('email', 'from')


class SendOneByOne:
    """Send messages one by one, each to a single address, through one
    connection to Tryton's mail server, reused from one to the next (a
    context manager that closes it). A refused address or a failing server
    is the answer of `send` for that message (the server's words) and the
    next message is tried on a new connection."""

    def __init__(self):
        self.server = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def send(self, msg, sender, address):
        "Send msg to address: None when sent, else why it was not"
        try:
            if self.server is None:
                self.server = get_smtp_server(strict=True)
            self.server = send_message(msg, sender, [address],
                server=self.server, strict=True)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            return smtp_error(error, address)
        return None

    def close(self):
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.server = None


def smtp_error(error, address):
    "The mail server's answer for the address, as text"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = error.recipients.get(address, (None, b''))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, answer = error.smtp_code, error.smtp_error
    else:
        return str(error)[:200] or error.__class__.__name__
    if isinstance(answer, bytes):
        answer = answer.decode('utf-8', 'replace')
    return f'{code} {answer}'.strip()[:200]
