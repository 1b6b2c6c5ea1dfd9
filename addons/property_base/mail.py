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
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
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
