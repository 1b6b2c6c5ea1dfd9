# This file is part of the property-management suite.
"""Bills by e-mail: the fee notices of a billing run e-mailed to the
payers who agreed to receive their bills by e-mail (the party's "Bills by
E-mail", set by the front desk on the party's Property page)

Once the run is done, finance's "E-mail Fee Notices" queues the sending
(a task of Tryton's queue, after the click is committed): each consenting
payer gets one e-mail with the PDF fee notice of each of their invoices
of the run, through Tryton's mail sending, from the company's address.
The result is kept on each invoice: when it was e-mailed, or the mail
server's answer. A refused address or a failing server for one payer is
recorded and the next payer tried; a second click sends only to the
payers not reached yet. Each e-mail sent is logged in Tryton's e-mail
log as Tryton logs the e-mails it sends."""
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.property_base.common import clock
from trytond.modules.property_base.mail import SendOneByOne, company_sender
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    bills_by_email = fields.Boolean("Bills by E-mail",
        help="The payer agreed to receive the fee notices by e-mail "
        "(at the party's e-mail address) instead of on paper.")

    @classmethod
    def default_bills_by_email(cls):
        return False


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'
    notice_emailed_at = fields.DateTime("Notice E-mailed at",
        readonly=True,
        help="When the fee notice was e-mailed to the payer.")
    notice_email_error = fields.Char("Notice E-mail Failure", readonly=True,
        help="Why the fee notice could not be e-mailed: the mail "
        "server's answer.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._check_modify_exclude |= {
            'notice_emailed_at', 'notice_email_error'}

    @classmethod
    def copy(cls, invoices, default=None):
        default = dict(default or {})
        default.setdefault('notice_emailed_at', None)
        default.setdefault('notice_email_error', None)
        return super().copy(invoices, default=default)


class Run(metaclass=PoolMeta):
    __name__ = 'property.billing.run'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'email_notices': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button
    def email_notices(cls, runs):
        """Queue the e-mail of the runs' fee notices to the payers who
        agreed to bills by e-mail"""
        for run in runs:
            if run.state != 'done':
                raise UserError(gettext(
                        'property_billing.msg_notices_email_run_not_done',
                        run=run.rec_name))
        with Transaction().set_context(queue_name='property_billing'):
            cls.__queue__.send_notice_emails(runs)

    def notice_email_recipients(self):
        """[(party, address, invoices)]: the consenting payers of the run
        not e-mailed yet, with their invoices in the order of the notices"""
        by_party = defaultdict(list)
        for invoice in self.notice_invoices():
            party = invoice.party
            if party.bills_by_email and not invoice.notice_emailed_at:
                by_party[party].append(invoice)
        return [(p, p.email, i) for p, i in by_party.items()]

    def notice_email_message(self, party, address, sender, invoices):
        "The e-mail to the payer with the PDF fee notice of each invoice"
        pool = Pool()
        Report = pool.get('property.fee.notice', type='report')
        language = party.lang.code if party.lang else None
        with Transaction().set_context(language=language):
            msg = EmailMessage()
            msg['From'] = sender
            msg['To'] = formataddr((party.rec_name, address))
            msg['Subject'] = gettext(
                'property_billing.msg_notice_email_subject',
                company=self.company.rec_name,
                month=self.month.strftime('%Y-%m'))
            msg.set_content(gettext(
                    'property_billing.msg_notice_email_body',
                    party=party.rec_name,
                    month=self.month.strftime('%Y-%m'),
                    company=self.company.rec_name) + '\n')
            for invoice in invoices:
                _, content, _, _ = Report.execute([invoice.id], {})
                msg.add_attachment(bytes(content), maintype='application',
                    subtype='pdf',
                    filename=f'fee-notice-{invoice.number or invoice.id}.pdf')
        return msg

    def notice_email_sender(self):
        "The company's e-mail address, else the server's"
        return company_sender(self.company)

    @classmethod
    def send_notice_emails(cls, runs):
        """E-mail each consenting payer of the runs, one message each; a
        refused address, a payer without address or a failing server is
        recorded on the payer's invoices and the next payer tried.
        Returns {invoice id: error or None}."""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        IrEmail = pool.get('ir.email')
        results = {}
        with without_check_access():
            runs = cls.browse([r.id for r in runs])
            logged = []
            with SendOneByOne() as mail:
                for run in runs:
                    if run.state != 'done':
                        continue
                    sender = run.notice_email_sender()
                    for party, address, invoices in (
                            run.notice_email_recipients()):
                        if not address:
                            error = gettext(
                                'property_billing.msg_notice_email_none',
                                party=party.rec_name)
                        else:
                            msg = run.notice_email_message(
                                party, address, sender, invoices)
                            error = mail.send(msg, sender, address)
                            if error is None:
                                logged.append(IrEmail.from_message(
                                        msg, resource=invoices[0]))
                        Invoice.write(invoices, {
                                'notice_emailed_at': (
                                    None if error else clock()),
                                'notice_email_error': error,
                                })
                        results.update({i.id: error for i in invoices})
            IrEmail.save(logged)
        return results

