# This file is part of the property-management suite.
"""Notices to the owners (通知/公告)

A notice is drafted by the front desk (a water or power cut, works, fees,
safety, an event...) for the homes it concerns: the whole company, sites,
buildings or a list of homes. A manager publishes it; it is on the board
from its publication date to its expiry date, when the scheduled action
expires it, or until the manager withdraws it. It prints as a PDF for the
notice board, and the current fee notice (or general one) of a home's site
is the notice block of the home's fee notice when billing is installed.

The staff of a site see the notices published for it; drafts are shared by
the staff of the company until published (a draft may have no scope yet)."""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, office_today, rec_name_domain)
from trytond.modules.property_base.printing import HTMLReport
from trytond.modules.property_base.workflow import (
    StampMixin, WorkflowGuardMixin)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

NOTICE_KINDS = [
    ('outage', "Water or Power Cut"),
    ('maintenance', "Maintenance Works"),
    ('fees', "Fees"),
    ('safety', "Safety"),
    ('event', "Community Event"),
    ('general', "General"),
    ]
NOTICE_SCOPES = [
    (None, ""),
    ('company', "All Sites of the Company"),
    ('sites', "Sites"),
    ('buildings', "Buildings"),
    ('units', "Homes"),
    ]
NOTICE_STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('expired', "Expired"),
    ('withdrawn', "Withdrawn"),
    ]
# The kinds of notice printed on the back of the fee notice, by preference
FEE_NOTICE_KINDS = ['fees', 'general']


class Notice(StampMixin, WorkflowGuardMixin, CheckValuesMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    "Notice to the owners"
    __name__ = 'property.community.notice'
    __string__ = "Notice to Owners"
    _maintained_fields = ('published_by', 'published_at', 'withdrawn_by',
        'withdrawn_at')
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    title = fields.Char("Title", required=True, states=_states)
    body = fields.Text("Text", required=True, states=_states)
    kind = fields.Selection(NOTICE_KINDS, "Kind", required=True,
        states=_states)
    kind_string = kind.translated('kind')
    scope = fields.Selection(NOTICE_SCOPES, "Scope", states=_states,
        help="The homes the notice is for: every site of the company, "
        "some sites, some buildings or a list of homes.")
    sites = fields.Many2Many('property.community.notice-property.site',
        'notice', 'site', "Sites",
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('scope') != 'sites',
            })
    buildings = fields.Many2Many(
        'property.community.notice-property.building', 'notice',
        'building', "Buildings",
        domain=[('site.company', '=', Eval('company', -1))],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('scope') != 'buildings',
            })
    units = fields.Many2Many('property.community.notice-property.unit',
        'notice', 'unit', "Homes",
        domain=[('site.company', '=', Eval('company', -1))],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('scope') != 'units',
            })
    covered_sites = fields.Function(fields.Many2Many('property.site', None,
            None, "Sites Covered"), 'get_covered_sites',
        searcher='search_covered_sites')
    publish_date = fields.Date("Publication Date", required=True,
        states=_states,
        help="The day the notice goes on the board.")
    expiry_date = fields.Date("Expiry Date", states=_states,
        help="The last day the notice stays on the board; the scheduled "
        "action expires it the next day.")
    published_by = fields.Many2One('res.user', "Published by",
        readonly=True, ondelete='RESTRICT')
    published_at = fields.DateTime("Published at", readonly=True)
    withdrawn_by = fields.Many2One('res.user', "Withdrawn by",
        readonly=True, ondelete='RESTRICT')
    withdrawn_at = fields.DateTime("Withdrawn at", readonly=True)
    state = fields.Selection(NOTICE_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                (t.publish_date, Index.Range())))
        cls._order = [('publish_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'expired'),
            ('published', 'withdrawn'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_kind():
        return 'general'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_publish_date(cls):
        return office_today()

    def get_rec_name(self, name):
        return self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('title',))

    def get_covered_sites(self, name):
        Site = Pool().get('property.site')
        if self.scope == 'company':
            return [s.id for s in Site.search(
                    [('company', '=', self.company.id)])]
        if self.scope == 'sites':
            return [s.id for s in self.sites]
        if self.scope == 'buildings':
            return list({b.site.id for b in self.buildings})
        if self.scope == 'units':
            return list({u.site.id for u in self.units})
        return []

    @classmethod
    def search_covered_sites(cls, name, clause):
        _, operator, value = clause[:3]
        rest = clause[0][len(name):]
        # a notice to the whole company is for every site of it (the
        # company rule keeps it to the company's staff)
        return ['OR',
            ('scope', '=', 'company'),
            ('sites' + rest, operator, value),
            ('buildings.site' + rest, operator, value),
            ('units.site' + rest, operator, value),
            ]

    @classmethod
    def check_scope(cls, notices):
        "A notice is published for the homes it concerns: say which"
        for notice in notices:
            chosen = {
                'company': True,
                'sites': notice.sites,
                'buildings': notice.buildings,
                'units': notice.units,
                }.get(notice.scope)
            if not chosen:
                raise UserError(gettext(
                        'property_community.msg_notice_no_scope',
                        notice=notice.rec_name))

    @classmethod
    def validate(cls, notices):
        super().validate(notices)
        for notice in notices:
            if (notice.expiry_date
                    and notice.expiry_date < notice.publish_date):
                raise ValidationError(gettext(
                        'property_community.msg_notice_expiry_before',
                        notice=notice.rec_name))

    def covers(self, unit):
        "Whether the notice is for the home"
        if self.scope == 'company':
            return unit.site.company == self.company
        if self.scope == 'sites':
            return unit.site in self.sites
        if self.scope == 'buildings':
            return unit.building in self.buildings
        if self.scope == 'units':
            return unit in self.units
        return False

    @classmethod
    def current(cls, company, date, kinds=None):
        "The notices on the board of the company on the date"
        domain = [
            ('company', '=', company.id),
            ('state', '=', 'published'),
            ('publish_date', '<=', date),
            ['OR', ('expiry_date', '=', None), ('expiry_date', '>=', date)],
            ]
        if kinds:
            domain.append(('kind', 'in', kinds))
        return cls.search(domain, order=[('publish_date', 'DESC'),
                ('id', 'DESC')])

    @classmethod
    @ModelView.button
    @Workflow.transition('published')
    def publish(cls, notices):
        cls.check_scope(notices)
        cls.stamp(notices, by='published_by', at='published_at')

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, notices):
        cls.stamp(notices, by='withdrawn_by', at='withdrawn_at')

    @classmethod
    @Workflow.transition('expired')
    def expire(cls, notices):
        pass

    @classmethod
    def expire_notices(cls):
        """Scheduled action: the published notices past their expiry date
        (the office's today) leave the board; return them"""
        notices = cls.search([
                ('state', '=', 'published'),
                ('expiry_date', '<', office_today()),
                ])
        cls.expire(notices)
        return notices


class NoticeSite(CheckValuesMixin, ModelSQL):
    "Notice - Site"
    __name__ = 'property.community.notice-property.site'
    __string__ = "Notice - Site"
    notice = fields.Many2One('property.community.notice', "Notice",
        required=True, ondelete='CASCADE')
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE')


class NoticeBuilding(CheckValuesMixin, ModelSQL):
    "Notice - Building"
    __name__ = 'property.community.notice-property.building'
    __string__ = "Notice - Building"
    notice = fields.Many2One('property.community.notice', "Notice",
        required=True, ondelete='CASCADE')
    building = fields.Many2One('property.building', "Building",
        required=True, ondelete='CASCADE')


class NoticeUnit(CheckValuesMixin, ModelSQL):
    "Notice - Home"
    __name__ = 'property.community.notice-property.unit'
    __string__ = "Notice - Home"
    notice = fields.Many2One('property.community.notice', "Notice",
        required=True, ondelete='CASCADE')
    unit = fields.Many2One('property.unit', "Home", required=True,
        ondelete='CASCADE')


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('property.community.notice|expire_notices',
                "Expire Notices to Owners"))


class NoticeBoard(HTMLReport):
    "Notice for the board (通知/公告)"
    __name__ = 'property.community.notice.board'

    @classmethod
    def record_company(cls, record):
        return record.company


class FeeNotice(metaclass=PoolMeta):
    """The notice block of the fee notice (seed 000: community notices on
    the back of the property fee notice): the current published fee notice
    (or general one) for the home, else the billing configuration's text"""
    __name__ = 'property.fee.notice'

    @classmethod
    def get_context(cls, records, header, data):
        Notice = Pool().get('property.community.notice')
        context = super().get_context(records, header, data)
        configured = context['notice_text']
        # the notices on the board, read once for the batch of notices
        boards = {}

        def notice_text(invoice):
            unit = getattr(invoice, 'property_unit', None)
            if unit:
                date = invoice.invoice_date or office_today()
                key = (invoice.company.id, date)
                if key not in boards:
                    boards[key] = Notice.current(
                        invoice.company, date, FEE_NOTICE_KINDS)
                for kind in FEE_NOTICE_KINDS:
                    for notice in boards[key]:
                        if notice.kind == kind and notice.covers(unit):
                            return f'{notice.title}\n{notice.body}'
            return configured(invoice)
        context['notice_text'] = notice_text
        return context
