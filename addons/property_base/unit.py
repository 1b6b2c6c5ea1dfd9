# This file is part of the property-management suite.
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow,
    fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, record_cache_size)

from .common import CheckValuesMixin, NaturalCodeMixin, rec_name_domain
from .audit import StateAuditMixin
from .workflow import WorkflowGuardMixin

UNIT_TYPES = [
    ('apartment', "Apartment"),
    ('duplex', "Duplex"),
    ('villa', "Villa"),
    ('shop', "Shop"),
    ('office', "Office"),
    ('parking', "Parking Space"),
    ('storage', "Storage Room"),
    ]
UNIT_STATES = [
    ('vacant', "Vacant"),
    ('handed_over', "Handed Over"),
    ('occupied', "Occupied"),
    ('let', "Let"),
    ]
RESIDENT_ROLES = [
    ('owner', "Owner"),
    ('family', "Family Member"),
    ('tenant', "Tenant"),
    ('other', "Other"),
    ]


def _covers(from_date, to_date, day):
    return ((from_date or dt.date.min) <= day
        and (to_date is None or day <= to_date))


def _boundaries(periods):
    "Return the dates where the set of covering periods may change"
    days = set()
    for from_date, to_date in periods:
        days.add(from_date or dt.date.min)
        if to_date is not None and to_date < dt.date.max:
            days.add(to_date + dt.timedelta(days=1))
    return sorted(days)


class Unit(NaturalCodeMixin, WorkflowGuardMixin, StateAuditMixin,
        CheckValuesMixin,
        DeactivableMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.unit'
    __string__ = "Unit"
    _maintained_fields = ('site', 'handover_date', 'sort_code')
    _rec_name = 'code'

    building = fields.Many2One(
        'property.building', "Building", required=True, ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'vacant',
            })
    site = fields.Many2One(
        'property.site', "Site", readonly=True, ondelete='RESTRICT',
        help="Taken from the building.")
    floor = fields.Integer("Floor")
    number = fields.Char("Number", required=True, strip=True,
        help="The door number within the building, e.g. \"1201\".")
    code = fields.Char("Code", required=True, strip=True,
        help="Unique within the site; defaults to building code and number.")
    type = fields.Selection(UNIT_TYPES, "Type", required=True)
    area = fields.Numeric("Gross Floor Area (m²)", digits=(16, 2),
        required=True, help="建筑面积: the area fees are billed on.")
    inner_area = fields.Numeric("Inner Area (m²)", digits=(16, 2),
        domain=[If(Bool(Eval('inner_area')),
                ('inner_area', '<=', Eval('area', 0)), ())],
        help="套内面积: usable area inside the unit.")
    state = fields.Selection(UNIT_STATES, "State", readonly=True,
        required=True, sort=False)
    state_string = state.translated('state')
    handover_date = fields.Date("Handover Date", readonly=True)
    ownerships = fields.One2Many(
        'property.unit.ownership', 'unit', "Ownerships")
    residents = fields.One2Many('property.unit.resident', 'unit', "Residents")
    owners = fields.Function(fields.Many2Many(
            'party.party', None, None, "Current Owners"),
        'get_owners', searcher='search_owners')
    owner_names = fields.Function(fields.Char("Owners"), 'get_owner_names')
    owner_phone = fields.Function(fields.Char("Owner Phone"),
        'get_owner_phone')
    current_residents = fields.Function(fields.Many2Many(
            'property.unit.resident', None, None, "Current Residents",
            help="Who lives in the unit today, with the number to call."),
        'get_current_residents')
    keys = fields.One2Many('property.key', 'unit', "Keys")
    moves = fields.One2Many('property.move', 'unit', "Moves", readonly=True)
    comment = fields.Text("Comment")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_code_unique', Unique(t, t.site, t.code),
                'property_base.msg_unit_code_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.building, Index.Range())),
                })
        cls._order = [('site', 'ASC'), ('sort_code', 'ASC'), ('code', 'ASC'),
            ('id', 'ASC')]
        cls._transitions |= {
            ('vacant', 'handed_over'),
            ('handed_over', 'occupied'),
            ('handed_over', 'let'),
            ('occupied', 'let'),
            ('let', 'occupied'),
            ('occupied', 'handed_over'),
            ('let', 'handed_over'),
            }
        cls._buttons.update({
                'occupy': {
                    'invisible': ~Eval('state').in_(['handed_over', 'let']),
                    'depends': ['state'],
                    },
                'let': {
                    'invisible': ~Eval('state').in_(
                        ['handed_over', 'occupied']),
                    'depends': ['state'],
                    },
                'empty': {
                    'invisible': ~Eval('state').in_(['occupied', 'let']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'vacant'

    @staticmethod
    def default_type():
        return 'apartment'

    @fields.depends('building', methods=['_set_default_code'])
    def on_change_building(self):
        self.site = self.building.site if self.building else None
        self._set_default_code()

    @fields.depends(methods=['_set_default_code'])
    def on_change_number(self):
        self._set_default_code()

    @fields.depends(
        'building', 'number', 'code', '_parent_building.site',
        '_parent_building.code')
    def _set_default_code(self):
        if self.building and self.number and not self.code:
            self.code = f'{self.building.code}-{self.number}'

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Building = pool.get('property.building')
        values = super().preprocess_values(mode, values)
        # The site always follows the building: record rules and the
        # per-site unique code rely on it.
        if values.get('building') is not None:
            building = Building(values['building'])
            values['site'] = building.site.id
            if mode == 'create' and not values.get('code') \
                    and values.get('number'):
                values['code'] = f"{building.code}-{values['number']}"
        return values

    def get_rec_name(self, name):
        return f'{self.site.code}/{self.code}' if self.site else self.code

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('code', 'ownerships.party.name',
                'ownerships.party.contact_mechanisms.value',
                'residents.party.name'))

    def current_ownerships(self, date=None):
        if date is None:
            date = Pool().get('ir.date').today()
        return [o for o in self.ownerships
            if _covers(o.from_date, o.to_date, date)]

    @classmethod
    def get_owners(cls, units, name):
        return {u.id: [o.party.id for o in u.current_ownerships()]
            for u in units}

    @classmethod
    def search_owners(cls, name, clause):
        """The units of their current owners, as the field shows them: "no
        owner" finds the unsold units, a former owner no more"""
        today = Pool().get('ir.date').today()
        current = [
            ['OR', ('from_date', '=', None), ('from_date', '<=', today)],
            ['OR', ('to_date', '=', None), ('to_date', '>=', today)],
            ]
        path, operator, operand, *extra = clause
        nested = path[len(name):]
        if not nested and operand is None and operator in {'=', '!='}:
            return [('ownerships', 'not where' if operator == '=' else 'where',
                    current)]
        return [('ownerships', 'where', current + [
                    ('party' + nested, operator, operand, *extra)])]

    def get_owner_names(self, name):
        return ', '.join(o.party.rec_name for o in self.current_ownerships())

    @classmethod
    def get_owner_phone(cls, units, name):
        "The number to call of the first current owner who has one"
        Party = Pool().get('party.party')
        owners = {u.id: [o.party.id for o in u.current_ownerships()]
            for u in units}
        phones = Party.call_phones({p for o in owners.values() for p in o})
        return {u: next((phones[p] for p in parties if p in phones), None)
            for u, parties in owners.items()}

    @classmethod
    def get_current_residents(cls, units, name):
        "The residents of today of all the units, in one search"
        Resident = Pool().get('property.unit.resident')
        today = Pool().get('ir.date').today()
        result = {u.id: [] for u in units}
        # (Tryton runs the getters without the user's rights: the client
        # would fail on a resident the user may not read)
        with check_access():
            if not Pool().get('ir.model.access').check(
                    Resident.__name__, 'read', raise_exception=False):
                return result
            for ids in grouped_slice([u.id for u in units],
                    record_cache_size(Transaction())):
                for resident in Resident.search([
                            ('unit', 'in', list(ids)),
                            ['OR', ('from_date', '=', None),
                                ('from_date', '<=', today)],
                            ['OR', ('to_date', '=', None),
                                ('to_date', '>=', today)],
                            ]):
                    result[resident.unit.id].append(resident.id)
        return result

    @classmethod
    def validate_fields(cls, units, field_names):
        super().validate_fields(units, field_names)
        # Checked here rather than by an SQL CHECK: SQLite compares its
        # stored decimals as text.
        if not field_names or field_names & {'area', 'inner_area'}:
            for unit in units:
                if unit.area is not None and unit.area <= 0:
                    raise ValidationError(gettext(
                            'property_base.msg_unit_area_positive'))
                if unit.inner_area is not None and unit.inner_area <= 0:
                    raise ValidationError(gettext(
                            'property_base.msg_unit_inner_area_positive'))

    @classmethod
    def create(cls, vlist):
        # ownership lines saved with their unit are checked together by
        # the unit's validation, after the whole save
        with Transaction().set_context(_ownership_shares_by_unit=True):
            return super().create(vlist)

    @classmethod
    def write(cls, *args):
        with Transaction().set_context(_ownership_shares_by_unit=True):
            super().write(*args)

    @classmethod
    def validate(cls, units):
        super().validate(units)
        cls.check_ownership_shares(units)

    @classmethod
    def check_ownership_shares(cls, units):
        "The shares of a unit's owners sum to 100 % on every owned date"
        for unit in units:
            lines = [o for o in unit.ownerships if o.share is not None]
            for day in _boundaries((o.from_date, o.to_date) for o in lines):
                total = sum((o.share for o in lines
                        if _covers(o.from_date, o.to_date, day)),
                    Decimal(0))
                if total and total != 100:
                    raise ValidationError(gettext(
                            'property_base.msg_unit_ownership_shares',
                            unit=unit.rec_name,
                            total=format(total.normalize(), 'f'),
                            date=(day if day != dt.date.min else '…')))

    @classmethod
    def copy(cls, units, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'vacant')
        default.setdefault('handover_date', None)
        default.setdefault('ownerships', None)
        default.setdefault('residents', None)
        default.setdefault('keys', None)
        default.setdefault('moves', None)
        default.setdefault('code', None)
        return super().copy(units, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('occupied')
    def occupy(cls, units):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('let')
    def let(cls, units):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('handed_over')
    def empty(cls, units):
        pass

    @classmethod
    @Workflow.transition('handed_over')
    def hand_over(cls, units, date):
        cls.write(units, {'handover_date': date})


class Ownership(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.unit.ownership'
    __string__ = "Unit Ownership"
    unit = fields.Many2One(
        'property.unit', "Unit", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Owner", required=True, ondelete='RESTRICT')
    share = fields.Numeric("Share (%)", digits=(5, 2), required=True,
        help="Part of the unit owned; the shares of a unit sum to 100 %.")
    from_date = fields.Date("From Date",
        domain=[If(Bool(Eval('from_date')) & Bool(Eval('to_date')),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date("To Date",
        domain=[If(Bool(Eval('from_date')) & Bool(Eval('to_date')),
                ('to_date', '>=', Eval('from_date')), ())])
    deed_number = fields.Char("Deed Number",
        help="Number of the property ownership certificate (房产证).")
    phone = fields.Function(fields.Char("Phone"), 'get_phone')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))
        cls._order.insert(0, ('from_date', 'DESC NULLS FIRST'))

    @staticmethod
    def default_share():
        return Decimal(100)

    def get_rec_name(self, name):
        return f'{self.party.rec_name} @ {self.unit.rec_name}'

    @classmethod
    def get_phone(cls, ownerships, name):
        Party = Pool().get('party.party')
        phones = Party.call_phones({o.party.id for o in ownerships})
        return {o.id: phones.get(o.party.id) for o in ownerships}

    @classmethod
    def validate(cls, ownerships):
        super().validate(ownerships)
        for ownership in ownerships:
            if not (0 < ownership.share <= 100):
                raise ValidationError(gettext(
                        'property_base.msg_ownership_share_range'))
        if Transaction().context.get('_ownership_shares_by_unit'):
            # (a client cannot send a context key starting with _)
            return
        Unit = Pool().get('property.unit')
        Unit.check_ownership_shares(
            Unit.browse(list({o.unit.id for o in ownerships})))


class Resident(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.unit.resident'
    __string__ = "Resident"
    unit = fields.Many2One(
        'property.unit', "Unit", required=True, ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Person", required=True, ondelete='RESTRICT')
    role = fields.Selection(RESIDENT_ROLES, "Role", required=True)
    relation = fields.Char("Relation",
        help="Relation to the owner, e.g. spouse, child, parent.")
    from_date = fields.Date("From Date",
        domain=[If(Bool(Eval('from_date')) & Bool(Eval('to_date')),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date("To Date",
        domain=[If(Bool(Eval('from_date')) & Bool(Eval('to_date')),
                ('to_date', '>=', Eval('from_date')), ())])
    emergency_contact = fields.Char("Emergency Contact")
    emergency_phone = fields.Char("Emergency Phone")
    phone = fields.Function(fields.Char("Phone"), 'get_phone')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))
        cls._order.insert(0, ('role', 'ASC'))

    @staticmethod
    def default_role():
        return 'owner'

    def get_rec_name(self, name):
        return f'{self.party.rec_name} @ {self.unit.rec_name}'

    @classmethod
    def get_phone(cls, residents, name):
        Party = Pool().get('party.party')
        phones = Party.call_phones({r.party.id for r in residents})
        return {r.id: phones.get(r.party.id) for r in residents}

    @property
    def is_current(self):
        return _covers(self.from_date, self.to_date,
            Pool().get('ir.date').today())

    @classmethod
    def validate(cls, residents):
        super().validate(residents)
        cls.check_overlap(residents)

    @classmethod
    def check_overlap(cls, residents):
        "A person lives at most once in a unit at any date"
        by_key = defaultdict(list)
        for other in cls.search([
                    ('unit', 'in', list({r.unit.id for r in residents})),
                    ('party', 'in', list({r.party.id for r in residents})),
                    ]):
            by_key[(other.unit.id, other.party.id)].append(other)
        for resident in residents:
            start = resident.from_date or dt.date.min
            end = resident.to_date or dt.date.max
            for other in by_key[(resident.unit.id, resident.party.id)]:
                if other.id == resident.id:
                    continue
                if ((other.from_date or dt.date.min) <= end
                        and start <= (other.to_date or dt.date.max)):
                    raise ValidationError(gettext(
                            'property_base.msg_resident_overlap',
                            party=resident.party.rec_name,
                            unit=resident.unit.rec_name))
