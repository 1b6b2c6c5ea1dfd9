# This file is part of the property-management suite.
"The equipment register (设备台账) and its statutory certificates"
import datetime as dt

from sql import Literal, Null
from sql.aggregate import Max
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.workflow import WorkflowGuardMixin
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

KINDS = [
    ('lift', "Lift"),
    ('water_pump', "Water Pump"),
    ('generator', "Generator"),
    ('fire_extinguisher', "Fire Extinguisher"),
    ('fire_hydrant', "Fire Hydrant"),
    ('fire_alarm', "Fire Alarm Panel"),
    ('cctv', "CCTV"),
    ('access_control', "Access Control"),
    ('hvac', "HVAC"),
    ('lighting', "Lighting"),
    ('other', "Other"),
    ]
FIRE_KINDS = {'fire_extinguisher', 'fire_hydrant', 'fire_alarm'}

# The suite's default: certificates are reminded this many days before
# their expiry
REMIND_DAYS = 30


class Category(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.equipment.category'
    __string__ = "Equipment Category"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False)
    certified = fields.Boolean("Statutory Certificate",
        help="The equipment of this category runs only with a valid "
        "statutory certificate (e.g. a lift's periodic inspection "
        "certificate 定期检验合格证): past its expiry it shows out of "
        "service until renewed.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'property_maintenance.msg_category_code_unique'),
            ]
        cls._order = [('code', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'other'

    @staticmethod
    def default_certified():
        return False

    @fields.depends('kind', 'certified')
    def on_change_kind(self):
        if self.kind == 'lift':
            self.certified = True

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'name'])


class Equipment(WorkflowGuardMixin, CheckValuesMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.equipment'
    __string__ = "Equipment"
    _states = {'readonly': Eval('state') == 'retired'}

    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states)
    building = fields.Many2One('property.building', "Building",
        ondelete='RESTRICT', states=_states,
        domain=[('site', '=', Eval('site', -1))],
        help="Empty for the site's common areas.")
    location = fields.Char("Location", states=_states,
        help="Where it stands, e.g. \"B1 pump room\" or \"lobby, floor 1\".")
    code = fields.Char("Code", required=True, states=_states)
    name = fields.Char("Name", required=True, states=_states)
    category = fields.Many2One('property.equipment.category', "Category",
        required=True, ondelete='RESTRICT', states=_states)
    kind = fields.Function(fields.Selection(KINDS, "Kind"),
        'on_change_with_kind', searcher='search_kind')
    make = fields.Char("Make", states=_states)
    model = fields.Char("Model", states=_states)
    serial_number = fields.Char("Serial Number", states=_states)
    contractor = fields.Many2One('party.party', "Contractor",
        ondelete='RESTRICT', states=_states,
        help="The supplier or maintenance contractor.")
    install_date = fields.Date("Installed on", states=_states)
    warranty_end = fields.Date("Warranty End", states=_states)
    criticality = fields.Selection([
            ('low', "Low"),
            ('medium', "Medium"),
            ('high', "High"),
            ('critical', "Critical"),
            ], "Criticality", required=True, sort=False, states=_states)
    certificates = fields.One2Many('property.equipment.certificate',
        'equipment', "Certificates", states=_states)
    certificate_expiry = fields.Function(fields.Date("Certificate Expiry",
            help="The expiry of the latest statutory certificate."),
        'get_certificate_expiry')
    availability = fields.Function(fields.Selection([
                ('in_service', "In Service"),
                ('out_of_service', "Out of Service"),
                ('retired', "Retired"),
                ], "Availability",
            help="In service only when its state is and, for a category "
            "that needs a statutory certificate, its certificate has not "
            "expired."),
        'get_availability', searcher='search_availability')
    work_orders = fields.One2Many('property.work_order', 'equipment',
        "Work Orders", readonly=True)
    state = fields.Selection([
            ('in_service', "In Service"),
            ('out_of_service', "Out of Service"),
            ('retired', "Retired"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.site, t.code),
                'property_maintenance.msg_equipment_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.site, Index.Range()), (t.category, Index.Range())),
                })
        cls._order = [('site', 'ASC'), ('code', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('in_service', 'out_of_service'),
            ('out_of_service', 'in_service'),
            ('in_service', 'retired'),
            ('out_of_service', 'retired'),
            }
        cls._buttons.update({
                'stop': {
                    'invisible': Eval('state') != 'in_service',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'restore': {
                    'invisible': Eval('state') != 'out_of_service',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'retire': {
                    'invisible': Eval('state') == 'retired',
                    'icon': 'tryton-delete',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'in_service'

    @staticmethod
    def default_criticality():
        return 'medium'

    def get_rec_name(self, name):
        return f'{self.code} {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'name', 'serial_number'])

    @fields.depends('category')
    def on_change_with_kind(self, name=None):
        return self.category.kind if self.category else None

    @classmethod
    def search_kind(cls, name, clause):
        return [('category.kind', *clause[1:])]

    @classmethod
    def get_certificate_expiry(cls, equipments, name):
        pool = Pool()
        Certificate = pool.get('property.equipment.certificate')
        table = Certificate.__table__()
        cursor = Transaction().connection.cursor()
        result = {e.id: None for e in equipments}
        for sub in _slices([e.id for e in equipments]):
            cursor.execute(*table.select(
                    table.equipment, Max(table.expiry_date),
                    where=table.equipment.in_(sub),
                    group_by=[table.equipment]))
            for equipment, expiry in cursor:
                if isinstance(expiry, str):  # SQLite
                    expiry = dt.date.fromisoformat(expiry)
                result[equipment] = expiry
        return result

    @classmethod
    def get_availability(cls, equipments, name):
        today = Pool().get('ir.date').today()
        expiries = cls.get_certificate_expiry(equipments, name)
        result = {}
        for equipment in equipments:
            availability = equipment.state
            if (availability == 'in_service'
                    and equipment.category.certified
                    and (expiries[equipment.id] is None
                        or expiries[equipment.id] < today)):
                availability = 'out_of_service'
            result[equipment.id] = availability
        return result

    @classmethod
    def expired_query(cls, date):
        """The ids of the in-service equipment of a certified category
        whose latest certificate expired before date (or which has none)"""
        pool = Pool()
        Certificate = pool.get('property.equipment.certificate')
        Category = pool.get('property.equipment.category')
        table = cls.__table__()
        category = Category.__table__()
        certificate = Certificate.__table__()
        latest = certificate.select(certificate.equipment,
            Max(certificate.expiry_date).as_('expiry'),
            group_by=[certificate.equipment])
        return table.join(category,
            condition=category.id == table.category
            ).join(latest, 'LEFT',
            condition=latest.equipment == table.id
            ).select(table.id,
            where=(table.state == 'in_service')
            & (category.certified == Literal(True))
            & ((latest.expiry == Null) | (latest.expiry < date)))

    @classmethod
    def search_availability(cls, name, clause):
        _, operator, value = clause[:3]
        today = Pool().get('ir.date').today()
        expired = cls.expired_query(today)
        values = value if isinstance(value, (list, tuple)) else [value]
        if operator in ('in', '='):
            positive = True
        elif operator in ('not in', '!='):
            positive = False
        else:
            return []
        ors = ['OR']
        if 'in_service' in values:
            ors.append([('state', '=', 'in_service'),
                    ('id', 'not in', expired)])
        if 'out_of_service' in values:
            ors.append(['OR', ('state', '=', 'out_of_service'),
                    ('id', 'in', expired)])
        if 'retired' in values:
            ors.append([('state', '=', 'retired')])
        domain = ors if len(ors) > 1 else [('id', '=', None)]
        if positive:
            return domain
        return [('id', 'not in', cls.search(domain, query=True))]

    @classmethod
    def _validate(cls, equipments, field_names=None):
        super()._validate(equipments, field_names=field_names)
        for equipment in equipments:
            if (equipment.install_date and equipment.warranty_end
                    and equipment.warranty_end < equipment.install_date):
                raise ValidationError(gettext(
                        'property_maintenance.msg_equipment_warranty',
                        equipment=equipment.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('out_of_service')
    def stop(cls, equipments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('in_service')
    def restore(cls, equipments):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('retired')
    def retire(cls, equipments):
        pass


def _slices(ids, size=500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


class Certificate(site_from('equipment'),
        CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.equipment.certificate'
    __string__ = "Statutory Certificate"
    equipment = fields.Many2One('property.equipment', "Equipment",
        required=True, ondelete='CASCADE')
    name = fields.Char("Certificate", required=True,
        help="E.g. the lift's periodic inspection certificate "
        "(定期检验合格证).")
    authority = fields.Char("Authority", required=True,
        help="Who issued it, e.g. the special equipment inspection "
        "institute.")
    number = fields.Char("Number", required=True)
    issue_date = fields.Date("Issued on", required=True)
    expiry_date = fields.Date("Expires on", required=True)
    latest = fields.Function(fields.Boolean("Latest",
            help="The equipment's latest certificate (not renewed yet)."),
        'get_latest', searcher='search_latest')
    status = fields.Function(fields.Selection([
                ('valid', "Valid"),
                ('expiring', "Expiring"),
                ('expired', "Expired"),
                ('renewed', "Renewed"),
                ], "Status"), 'get_status')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.equipment, Index.Range()),
                (t.expiry_date, Index.Range())))
        cls._order = [('expiry_date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.name} {self.number}'

    @classmethod
    def latest_query(cls):
        "The ids of the latest certificate of each equipment"
        table = cls.__table__()
        other = cls.__table__()
        return table.select(table.id,
            where=~Exists(other.select(other.id,
                    where=(other.equipment == table.equipment)
                    & ((other.expiry_date > table.expiry_date)
                        | ((other.expiry_date == table.expiry_date)
                            & (other.id > table.id))))))

    @classmethod
    def get_latest(cls, certificates, name):
        latest = set(r.id for r in cls.search([
                    ('id', 'in', [c.id for c in certificates]),
                    ('id', 'in', cls.latest_query()),
                    ]))
        return {c.id: c.id in latest for c in certificates}

    @classmethod
    def search_latest(cls, name, clause):
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return [('id', 'in', cls.latest_query())]
        return [('id', 'not in', cls.latest_query())]

    @classmethod
    def get_status(cls, certificates, name):
        today = Pool().get('ir.date').today()
        expiries = Pool().get('property.equipment').get_certificate_expiry(
            list({c.equipment for c in certificates}), name)
        result = {}
        for certificate in certificates:
            if certificate.expiry_date < expiries[certificate.equipment.id]:
                status = 'renewed'
            elif certificate.expiry_date < today:
                status = 'expired'
            elif certificate.expiry_date <= today + dt.timedelta(
                    days=REMIND_DAYS):
                status = 'expiring'
            else:
                status = 'valid'
            result[certificate.id] = status
        return result

    @classmethod
    def validate(cls, certificates):
        super().validate(certificates)
        for certificate in certificates:
            if certificate.expiry_date <= certificate.issue_date:
                raise ValidationError(gettext(
                        'property_maintenance.msg_certificate_expiry',
                        certificate=certificate.rec_name,
                        expiry=certificate.expiry_date,
                        issue=certificate.issue_date))

    @classmethod
    def expiring(cls, date):
        """The latest certificates of the in-service equipment that expire
        within REMIND_DAYS of date or have expired (not yet renewed)"""
        return cls.search([
                ('latest', '=', True),
                ('expiry_date', '<=', date + dt.timedelta(days=REMIND_DAYS)),
                ('equipment.state', '=', 'in_service'),
                ], order=[('expiry_date', 'ASC'), ('id', 'ASC')])

    @classmethod
    def remind_expiring(cls, date=None):
        """Scheduled action: remind the subscribers of the certificates
        that expire within 30 days (the suite's default) or have expired
        without being renewed, per site"""
        pool = Pool()
        Cron = pool.get('ir.cron')
        if date is None:
            date = pool.get('ir.date').today()
        certificates = cls.expiring(date)
        Cron.notify_sites('tryton-warning',
            'property_maintenance.act_certificate_expiring',
            'property_maintenance.msg_certificate_reminder', certificates,
            variables=lambda certificates: {
                'certificates': ', '.join(
                    f'{c.equipment.rec_name} ({c.expiry_date})'
                    for c in certificates[:5])},
            site=lambda c: c.equipment.site)
        return certificates
