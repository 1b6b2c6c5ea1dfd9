# This file is part of the property-management suite.
"""Notice templates and the e-mail of published notices

The front desk starts a notice from a template of its kind (a water or power
cut, works, fees, safety, an event, a general notice): its title and text,
with the placeholders ``${company}``, ``${site}``, ``${date}``,
``${expiry}`` and ``${phone}`` filled in from the notice when it is created
(the office then completes the times and places).

Once the manager publishes a notice, the owners of the homes it is for who
agreed to receive notices by e-mail (the party's "Notices by E-mail") are
e-mailed, one message each, through Tryton's mail sending, after the
publication is committed (a task of Tryton's queue). An address the mail
server refuses does not stop the others: each owner's e-mail is recorded on
the notice, sent or with the server's answer (and each e-mail sent in
Tryton's e-mail log), and a retry sends only to those not reached yet."""
from email.message import EmailMessage
from email.utils import formataddr
from string import Template

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.property_base.common import (
    CheckValuesMixin, clock, rec_name_domain)
from trytond.modules.property_base.mail import SendOneByOne, company_sender
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .notice import NOTICE_KINDS

PLACEHOLDERS = ('company', 'site', 'date', 'expiry', 'phone')


class NoticeTemplate(CheckValuesMixin, ModelSQL, ModelView):
    "Notice template"
    __name__ = 'property.community.notice.template'
    __string__ = "Notice Template"
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(NOTICE_KINDS, "Kind", required=True)
    kind_string = kind.translated('kind')
    title = fields.Char("Title", required=True, translate=True,
        help="Placeholders: ${company}, ${site}, ${date}, ${expiry}, "
        "${phone}.")
    body = fields.Text("Text", required=True, translate=True,
        help="Placeholders: ${company}, ${site}, ${date} (publication), "
        "${expiry}, ${phone} (the site's service phone).")
    active = fields.Boolean("Active")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('kind', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_active():
        return True

    @staticmethod
    def default_kind():
        return 'general'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'title'))

    def fill(self, notice):
        "(title, body) of the template with the notice's values"
        values = notice.placeholder_values()
        return (Template(self.title).safe_substitute(values),
            Template(self.body).safe_substitute(values))


class Notice(metaclass=PoolMeta):
    __name__ = 'property.community.notice'
    template = fields.Many2One('property.community.notice.template',
        "Template", ondelete='SET NULL',
        states={'readonly': Eval('state') != 'draft'},
        help="The title, text and kind of the template, its placeholders "
        "filled in from the notice.")
    emails = fields.One2Many('property.community.notice.email', 'notice',
        "E-mails", readonly=True,
        help="The owners e-mailed the notice, one line each: sent, or "
        "the mail server's answer.")

    def placeholder_values(self):
        "The values of the templates' placeholders for the notice"
        pool = Pool()
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        site = None
        if self.scope == 'sites' and self.sites:
            site = self.sites[0]
        elif self.scope == 'buildings' and self.buildings:
            site = self.buildings[0].site
        elif self.scope == 'units' and self.units:
            site = self.units[0].site
        publish_date = self.publish_date or Date.today()
        return {
            'company': self.company.rec_name if self.company else '',
            'site': site.rec_name if site else '',
            'date': lang.strftime(publish_date),
            'expiry': (lang.strftime(self.expiry_date)
                if self.expiry_date else ''),
            'phone': (getattr(site, 'service_phone', None) or '')
            if site else '',
            }

    @fields.depends('template', 'title', 'body', 'kind', 'company',
        'scope', 'sites', 'buildings', 'units', 'publish_date',
        'expiry_date')
    def on_change_template(self):
        if self.template:
            self.kind = self.template.kind
            self.title, self.body = self.template.fill(self)

    @classmethod
    def create(cls, vlist):
        """A notice created from a template takes the template's kind,
        title and text where not given, its placeholders filled in"""
        pool = Pool()
        Template_ = pool.get('property.community.notice.template')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('template') and not (
                    values.get('title') and values.get('body')):
                template = Template_(values['template'])
                values.setdefault('kind', template.kind)
                draft = cls()
                for name in ['company', 'publish_date', 'expiry_date',
                        'scope']:
                    setattr(draft, name, values.get(name))
                # the sites, buildings or homes chosen ('add' ids)
                for name in ['sites', 'buildings', 'units']:
                    ids = [i for action in values.get(name) or []
                        if action[0] == 'add' for i in action[1]]
                    Target = cls._fields[name].get_target()
                    setattr(draft, name, Target.browse(ids))
                if draft.company is None:
                    draft.company = cls.default_company()
                title, body = template.fill(draft)
                if not values.get('title'):
                    values['title'] = title
                if not values.get('body'):
                    values['body'] = body
        return super().create(vlist)

    @classmethod
    def copy(cls, notices, default=None):
        default = dict(default or {})
        default.setdefault('emails', None)
        return super().copy(notices, default=default)

    @classmethod
    @ModelView.button
    def publish(cls, notices):
        super().publish(notices)
        # e-mailed once the publication is committed
        cls.__queue__.send_emails(notices)

    def email_recipients(self):
        """[(party, address)]: the owners of the homes of the notice on
        its publication date who agreed to notices by e-mail"""
        pool = Pool()
        Ownership = pool.get('property.unit.ownership')
        date = self.publish_date
        domain = [
            ['OR', ('from_date', '=', None), ('from_date', '<=', date)],
            ['OR', ('to_date', '=', None), ('to_date', '>=', date)],
            ('party.notices_by_email', '=', True),
            ('unit.active', '=', True),
            ]
        if self.scope == 'company':
            domain.append(('unit.site.company', '=', self.company.id))
        elif self.scope == 'sites':
            domain.append(('unit.site', 'in', [s.id for s in self.sites]))
        elif self.scope == 'buildings':
            domain.append(('unit.building', 'in',
                    [b.id for b in self.buildings]))
        elif self.scope == 'units':
            domain.append(('unit', 'in', [u.id for u in self.units]))
        else:
            return []
        result, seen = [], set()
        for ownership in Ownership.search(domain,
                order=[('unit', 'ASC'), ('id', 'ASC')]):
            party = ownership.party
            if party in seen or not party.email:
                continue
            seen.add(party)
            result.append((party, party.email))
        return result

    def email_message(self, party, address, sender):
        "The e-mail of the notice to an owner"
        msg = EmailMessage()
        msg['From'] = sender
        msg['To'] = formataddr((party.rec_name, address))
        msg['Subject'] = self.title
        msg.set_content(f'{self.body}\n\n{self.company.rec_name}\n')
        return msg

    def email_sender(self):
        "The company's e-mail address, else the server's"
        return company_sender(self.company)

    @classmethod
    def send_emails(cls, notices):
        """E-mail the published notices to their consenting owners not
        e-mailed yet, one message each; a refused address or a failing
        server for one owner is recorded and the next one tried"""
        pool = Pool()
        Email = pool.get('property.community.notice.email')
        IrEmail = pool.get('ir.email')
        with without_check_access():
            notices = cls.browse([n.id for n in notices])
            lines, logged = [], []
            with SendOneByOne() as mail:
                for notice in notices:
                    if notice.state != 'published':
                        continue
                    done = {e.party for e in notice.emails if e.sent}
                    sender = notice.email_sender()
                    for party, address in notice.email_recipients():
                        if party in done:
                            continue
                        msg = notice.email_message(party, address, sender)
                        error = mail.send(msg, sender, address)
                        if error is None:
                            # logged as Tryton logs the e-mails it sends
                            logged.append(
                                IrEmail.from_message(msg, resource=notice))
                        lines.append({'notice': notice.id,
                                'party': party.id, 'address': address,
                                'sent': error is None, 'error': error,
                                'date': clock()})
            if lines:
                Email.create(lines)
            IrEmail.save(logged)
        return lines



class NoticeEmail(CheckValuesMixin, ModelSQL, ModelView):
    "The e-mail of a notice to an owner"
    __name__ = 'property.community.notice.email'
    __string__ = "Notice E-mail"
    notice = fields.Many2One('property.community.notice', "Notice",
        required=True, ondelete='CASCADE', readonly=True)
    party = fields.Many2One('party.party', "Owner", required=True,
        ondelete='RESTRICT', readonly=True)
    address = fields.Char("E-mail Address", readonly=True)
    sent = fields.Boolean("Sent", readonly=True)
    error = fields.Char("Server Answer", readonly=True,
        help="Why the mail server did not take the e-mail.")
    date = fields.DateTime("Date", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.notice.rec_name}: {self.party.rec_name}'


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    notices_by_email = fields.Boolean("Notices by E-mail",
        help="The party agreed to receive the notices to owners by "
        "e-mail (at the party's e-mail address).")

    @classmethod
    def default_notices_by_email(cls):
        return False

