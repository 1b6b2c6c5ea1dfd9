# This file is part of the property-management suite.
"""Fee types (收费项目), their rates per site, building or unit (收费标准)
and one-off charges"""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from trytond.modules.property_base.common import (
    CheckValuesMixin, rec_name_domain)
from trytond.modules.property_base.site import site_from

METHODS = [
    ('area', "Area × Rate"),
    ('fixed', "Fixed per Unit"),
    ('metered', "Metered"),
    ('one_off', "One-off"),
    ]
FREQUENCIES = [
    ('monthly', "Monthly"),
    ('quarterly', "Quarterly"),
    ('yearly', "Yearly"),
    ]
MONTHS = {'monthly': 1, 'quarterly': 3, 'yearly': 12}
KINDS = [
    ('property', "Property Fee"),
    ('parking', "Parking"),
    ('utility', "Utility"),
    ('service', "Service"),
    ('other', "Other"),
    ]
# Collection targets of the seed manuals: property fee ≥ 95 %, parking
# ≥ 98 %, what is collected on behalf of a utility 100 %.
TARGETS = {'property': 95, 'parking': 98, 'utility': 100}
PAYERS = [
    ('owner', "Owner"),
    ('tenant', "Tenant"),
    ]
# Units handed over to an owner but not lived in (空置房) pay the fee with
# the vacant-unit discount.
VACANT_STATES = {'vacant', 'handed_over'}


def month_end(day):
    return day + relativedelta(day=31)


def service_period(frequency, timing, month):
    """The service period (start, end) a run for the month bills for a fee
    of the frequency and timing, or None when the fee is not due that month

    In advance, the run of the first month of a period bills that period;
    in arrears, the run of the month after a period bills it."""
    months = MONTHS[frequency]
    month = month.replace(day=1)
    if timing == 'arrears':
        start = month - relativedelta(months=months)
    else:
        start = month
    if (start.month - 1) % months:
        return None
    return start, month_end(start + relativedelta(months=months - 1))


def price_of(rate, months=1, fraction=1, discount=0):
    """The unit price of a periodic fee: the monthly rate over the months
    of the period, prorated and discounted, kept to the 4 digits of an
    invoice line's price"""
    price = (Decimal(rate) * months * Decimal(fraction)
        * (1 - Decimal(discount) / 100))
    return price.quantize(Decimal('0.0001'))


def _segments(periods, start, end):
    """Split [start, end] by the periods (from_date, to_date, key, rank),
    giving (from, to, key) with the best ranked key covering each day"""
    days = {start, end + dt.timedelta(days=1)}
    for from_date, to_date, _, _ in periods:
        if from_date and start < from_date <= end:
            days.add(from_date)
        if to_date and start <= to_date < end:
            days.add(to_date + dt.timedelta(days=1))
    days = sorted(days)
    result = []
    for begin, after in zip(days, days[1:]):
        finish = after - dt.timedelta(days=1)
        covering = [(rank, key) for f, t, key, rank in periods
            if (f or dt.date.min) <= begin and (t is None or finish <= t)]
        key = max(covering)[1] if covering else None
        if result and result[-1][2] == key and key is not None:
            result[-1] = (result[-1][0], finish, key)
        elif key is not None:
            result.append((begin, finish, key))
    return result


def payer_segments(unit, payer, start, end):
    """The parties paying a unit's fee over [start, end] with their days:
    the main owner (largest share), or for a tenant-paid fee the tenant
    while the lease runs and the owner otherwise"""
    owners = [(o.from_date, o.to_date, o.party.id,
            (o.share, -o.id)) for o in unit.ownerships]
    segments = _segments(owners, start, end)
    if payer == 'tenant':
        tenants = [(r.from_date, r.to_date, r.party.id, (1, -r.id))
            for r in unit.residents if r.role == 'tenant']
        leased = _segments(tenants, start, end)
        if leased:
            result = []
            for begin, finish, owner in segments:
                cursor = begin
                for t_begin, t_finish, tenant in leased:
                    if t_finish < begin or t_begin > finish:
                        continue
                    t_begin, t_finish = max(t_begin, begin), min(
                        t_finish, finish)
                    if cursor < t_begin:
                        result.append(
                            (cursor, t_begin - dt.timedelta(days=1), owner))
                    result.append((t_begin, t_finish, tenant))
                    cursor = t_finish + dt.timedelta(days=1)
                if cursor <= finish:
                    result.append((cursor, finish, owner))
            # tenants' days on units without an owner are billed too
            covered = {d for b, f, _ in result
                for d in range((b - start).days, (f - start).days + 1)}
            for t_begin, t_finish, tenant in leased:
                if (t_begin - start).days not in covered:
                    result.append((t_begin, t_finish, tenant))
            segments = sorted(result)
    days = defaultdict(int)
    for begin, finish, party in segments:
        days[party] += (finish - begin).days + 1
    return sorted(days.items(), key=lambda x: -x[1])


class FeeType(CheckValuesMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'property.fee.type'
    __string__ = "Fee Type"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    product = fields.Many2One('product.product', "Product", required=True,
        ondelete='RESTRICT',
        domain=[('type', '=', 'service')],
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The service product invoiced; its accounting category gives "
        "the revenue account (a payable account for fees collected on "
        "behalf of a utility).")
    method = fields.Selection(METHODS, "Method", required=True,
        help="Area × rate: gross floor area times the monthly rate.\n"
        "Fixed: the monthly rate per unit.\n"
        "Metered: consumption between readings times the price.\n"
        "One-off: charges such as paid services, billed once.")
    frequency = fields.Selection(FREQUENCIES, "Frequency", required=True,
        states={'invisible': Eval('method') == 'one_off'})
    timing = fields.Selection([
            ('advance', "In Advance"),
            ('arrears', "In Arrears"),
            ], "Billed", required=True,
        states={'invisible': Eval('method') == 'one_off'})
    kind = fields.Selection(KINDS, "Kind", required=True,
        help="Groups the fee in the collection reports.")
    on_behalf = fields.Boolean("Collected on Behalf",
        help="Collected for a utility company (代收代缴).")
    vacant_discount = fields.Numeric("Vacant Discount (%)", digits=(5, 2),
        states={'invisible': ~Eval('method').in_(['area', 'fixed'])},
        help="Discount for units handed over but not lived in.")
    target_rate = fields.Numeric("Collection Target (%)", digits=(5, 2),
        required=True)
    assignments = fields.One2Many('property.fee.assignment', 'fee_type',
        "Rates")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.company, t.code),
                'property_billing.msg_fee_type_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_method():
        return 'area'

    @staticmethod
    def default_frequency():
        return 'monthly'

    @staticmethod
    def default_timing():
        return 'advance'

    @staticmethod
    def default_kind():
        return 'property'

    @staticmethod
    def default_on_behalf():
        return False

    @staticmethod
    def default_vacant_discount():
        return Decimal(0)

    @classmethod
    def default_target_rate(cls):
        return Decimal(TARGETS['property'])

    @fields.depends('kind', 'on_behalf')
    def on_change_kind(self):
        if self.on_behalf:
            self.target_rate = Decimal(100)
        else:
            self.target_rate = Decimal(TARGETS.get(self.kind, 95))

    @fields.depends(methods=['on_change_kind'])
    def on_change_on_behalf(self):
        self.on_change_kind()

    @fields.depends('method', 'frequency', 'timing')
    def on_change_method(self):
        if self.method == 'metered':
            self.timing = 'arrears'

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'name'])

    @classmethod
    def validate_fields(cls, fee_types, field_names):
        super().validate_fields(fee_types, field_names)
        # Numeric checks are done here: SQLite compares numerics as text
        for fee_type in fee_types:
            if not (0 <= (fee_type.vacant_discount or 0) <= 100):
                raise ValidationError(gettext(
                        'property_billing.msg_fee_type_discount',
                        fee_type=fee_type.rec_name))
            if not (0 <= fee_type.target_rate <= 100):
                raise ValidationError(gettext(
                        'property_billing.msg_fee_type_target',
                        fee_type=fee_type.rec_name))

    def service_period(self, month):
        if self.method == 'one_off':
            return None
        return service_period(self.frequency, self.timing, month)

    def get_fee_description(self, start, end):
        "The description of the fee billed for the service period"
        description = f'{self.name} {start:%Y-%m}'
        if end.month != start.month or end.year != start.year:
            description += f'~{end:%Y-%m}'
        return description

    def get_fee_quantity(self, unit):
        "The quantity billed on the unit: its area, else one"
        if self.method == 'area':
            return unit.area or Decimal(0)
        return Decimal(1)

    def get_fee_discount(self, unit):
        "The discount (%) of the unit: the vacant-unit discount (空置房)"
        if unit.state in VACANT_STATES:
            return self.vacant_discount or Decimal(0)
        return Decimal(0)

    def get_fee_readings(self, readings, start, end):
        """The meter readings (of the unit, by date) the metered fee bills
        for the service period: counted from the last base reading (taken
        when the owner received the home), not what the meter counted
        before"""
        readings = [r for r in readings if start <= r.date <= end]
        bases = [i for i, r in enumerate(readings) if r.base]
        if bases:
            readings = readings[bases[-1]:]
        return readings

    def get_invoice_product(self):
        """The values of the fee's invoice lines that come from its
        product: product, unit, revenue account and customer taxes"""
        product = self.product
        return {
            'product': product.id,
            'unit': product.default_uom.id,
            'account': product.account_revenue_used.id,
            'taxes': [t.id for t in product.customer_taxes_used],
            }


class FeeAssignment(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.fee.assignment'
    __string__ = "Fee Rate"
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='CASCADE',
        domain=[('method', '!=', 'one_off')])
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='CASCADE')
    building = fields.Many2One('property.building', "Building",
        ondelete='CASCADE',
        domain=[('site', '=', Eval('site', -1))],
        help="Leave empty to apply to the whole site.")
    unit = fields.Many2One('property.unit', "Unit", ondelete='CASCADE',
        domain=[
            ('site', '=', Eval('site', -1)),
            If(Bool(Eval('building')),
                ('building', '=', Eval('building', -1)), ()),
            ],
        help="Leave empty to apply to the building or site.")
    scope = fields.Function(fields.Selection([
                ('site', "Site"),
                ('building', "Building"),
                ('unit', "Unit"),
                ], "Scope"), 'on_change_with_scope')
    rate = fields.Numeric("Rate", digits=(16, 4), required=True,
        help="Per m² and month (area), per unit and month (fixed) or per "
        "unit of consumption (metered).")
    start_date = fields.Date("Start Date", required=True,
        domain=[If(Bool(Eval('end_date')),
                ('start_date', '<=', Eval('end_date')), ())])
    end_date = fields.Date("End Date")
    payer = fields.Selection(PAYERS, "Payer", required=True,
        help="Tenant: a unit let to a tenant bills the tenant for the days "
        "of the lease, the owner for the rest.")
    company = fields.Function(fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.fee_type, Index.Range()),
                (t.site, Index.Range())))
        cls._order = [('fee_type', 'ASC'), ('start_date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_payer():
        return 'owner'

    @staticmethod
    def default_start_date():
        return Pool().get('ir.date').today().replace(day=1)

    @fields.depends('building', 'unit')
    def on_change_with_scope(self, name=None):
        if self.unit:
            return 'unit'
        if self.building:
            return 'building'
        return 'site'

    @fields.depends('site')
    def on_change_with_company(self, name=None):
        return self.site.company if self.site else None

    @classmethod
    def search_company(cls, name, clause):
        return [('site.company' + clause[0][len(name):],
                *clause[1:])]

    @fields.depends('unit', 'building', 'site')
    def on_change_unit(self):
        if self.unit:
            self.building = self.unit.building
            self.site = self.unit.site

    def get_rec_name(self, name):
        target = (self.unit or self.building or self.site).rec_name
        return f'{self.fee_type.rec_name} @ {target}'

    @classmethod
    def validate_fields(cls, assignments, field_names):
        super().validate_fields(assignments, field_names)
        for assignment in assignments:
            if assignment.rate < 0:
                raise ValidationError(gettext(
                        'property_billing.msg_assignment_rate_negative',
                        assignment=assignment.rec_name))

    @classmethod
    def validate(cls, assignments):
        super().validate(assignments)
        cls.check_overlap(assignments)

    @classmethod
    def check_overlap(cls, assignments):
        "One fee has one rate at a time on one site, building or unit"
        for assignment in assignments:
            others = cls.search([
                    ('id', '!=', assignment.id),
                    ('fee_type', '=', assignment.fee_type.id),
                    ('site', '=', assignment.site.id),
                    ('building', '=',
                        assignment.building.id
                        if assignment.building else None),
                    ('unit', '=',
                        assignment.unit.id if assignment.unit else None),
                    ['OR',
                        ('end_date', '=', None),
                        ('end_date', '>=', assignment.start_date)],
                    ('start_date', '<=',
                        assignment.end_date or dt.date.max),
                    ], limit=1)
            if others:
                raise ValidationError(gettext(
                        'property_billing.msg_assignment_overlap',
                        assignment=assignment.rec_name,
                        other=others[0].rec_name))

    def get_payers(self, unit, start, end):
        """The parties paying the fee on the unit over [start, end] with
        their days, most days first (payer_segments)"""
        return payer_segments(unit, self.payer, start, end)

    def get_unit_price(self, fraction=1, discount=0):
        """The unit price of the fee: a metered fee's rate; a periodic
        fee's monthly rate over the months of its period, prorated by the
        fraction of its days and discounted (price_of)"""
        if self.fee_type.method == 'metered':
            return self.rate.quantize(Decimal('0.0001'))
        return price_of(self.rate, MONTHS[self.fee_type.frequency],
            fraction, discount)

    def get_fees(self, unit, start, end, readings=()):
        """The fees the rate bills on the unit for the service period
        [start, end] as (values of a billed line, the meter readings it
        bills): a metered fee's consumption to the payer on the period's
        last day; a periodic fee's price to each payer prorated by their
        days. None when a metered fee is held: a reading awaits review"""
        fee_type = self.fee_type
        currency = fee_type.company.currency
        service_days = (end - start).days + 1
        description = fee_type.get_fee_description(start, end)
        values = {
            'fee_type': fee_type.id,
            'service_start': start,
            'service_end': end,
            'service_key': start,
            'service_days': service_days,
            }
        if fee_type.method == 'metered':
            readings = fee_type.get_fee_readings(readings, start, end)
            if not readings:
                return []
            if any(r.state == 'flagged' for r in readings):
                return None
            quantity = sum(r.consumption for r in readings)
            payers = self.get_payers(unit, end, end)
            if not payers or quantity <= 0:
                return []
            party, _ = payers[0]
            unit_price = self.get_unit_price()
            return [(dict(values, party=party, description=description,
                        quantity=quantity, unit_price=unit_price,
                        days=service_days, discount=Decimal(0),
                        amount=currency.round(quantity * unit_price)),
                    readings)]
        quantity = fee_type.get_fee_quantity(unit)
        discount = fee_type.get_fee_discount(unit)
        fees = []
        for party, days in self.get_payers(unit, start, end):
            fraction = Decimal(days) / Decimal(service_days)
            unit_price = self.get_unit_price(fraction, discount)
            amount = currency.round(quantity * unit_price)
            if not amount:
                continue
            party_description = description
            if days != service_days:
                party_description += f' ({days}/{service_days})'
            fees.append((dict(values, party=party,
                        description=party_description, quantity=quantity,
                        unit_price=unit_price, days=days, discount=discount,
                        amount=amount), []))
        return fees

    @classmethod
    def most_specific(cls, assignments, unit, start, end):
        """The assignments that apply to the unit over the period, one per
        fee type: a unit's rate wins over its building's, which wins over
        its site's; within a level the rate in force on the period's first
        day (else the last one starting in it)"""
        best = {}
        for a in assignments:
            if a.start_date > end or (a.end_date and a.end_date < start):
                continue
            if a.unit:
                if a.unit.id != unit.id:
                    continue
                level = 3
            elif a.building:
                if a.building.id != unit.building.id:
                    continue
                level = 2
            elif a.site.id == unit.site.id:
                level = 1
            else:
                continue
            in_force = a.start_date <= start
            key = (level, in_force, a.start_date)
            fee_id = a.fee_type.id
            if fee_id not in best or key > best[fee_id][0]:
                best[fee_id] = (key, a)
        return [a for _, a in best.values()]


class Charge(site_from('unit'), CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.fee.charge'
    __string__ = "One-off Charge"
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT',
        states={'readonly': Bool(Eval('billed'))})
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='RESTRICT',
        domain=[('method', '=', 'one_off')],
        states={'readonly': Bool(Eval('billed'))})
    party = fields.Many2One('party.party', "Payer", required=True,
        ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        states={'readonly': Bool(Eval('billed'))})
    date = fields.Date("Date", required=True,
        states={'readonly': Bool(Eval('billed'))})
    description = fields.Char("Description", required=True,
        states={'readonly': Bool(Eval('billed'))})
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        states={'readonly': Bool(Eval('billed'))})
    origin = fields.Reference("Origin", selection='get_origin',
        readonly=True)
    billing_lines = fields.One2Many('property.billing.line', 'charge',
        "Billed", readonly=True)
    billed = fields.Function(fields.Boolean("Billed"), 'get_billed',
        searcher='search_billed')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            # a work order, a renovation... is charged once per fee type
            ('origin_fee_type_unique', Unique(t, t.origin, t.fee_type),
                'property_billing.msg_charge_origin_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # replaced by origin_fee_type_unique
        cls.__table_handler__(module).drop_constraint('origin_unique')

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @classmethod
    def _get_origin(cls):
        return []

    @classmethod
    def get_origin(cls):
        IrModel = Pool().get('ir.model')
        models = cls._get_origin()
        names = IrModel.get_names()
        return [(None, '')] + [(m, names.get(m, m)) for m in models]

    @fields.depends('unit', 'party')
    def on_change_unit(self):
        if self.unit and not self.party:
            owners = self.unit.current_ownerships()
            if owners:
                self.party = owners[0].party

    def get_billed(self, name):
        return bool(self.billing_lines)

    @classmethod
    def search_billed(cls, name, clause):
        _, operator, value = clause[:3]
        billed = (operator == '=') == bool(value)
        return [('billing_lines', '!=' if billed else '=', None)]

    @classmethod
    def validate_fields(cls, charges, field_names):
        super().validate_fields(charges, field_names)
        for charge in charges:
            if charge.amount <= 0:
                raise ValidationError(gettext(
                        'property_billing.msg_charge_amount_positive',
                        charge=charge.description))

    def get_fee(self):
        "The values of the billed line of the charge"
        return {
            'fee_type': self.fee_type.id,
            'party': self.party.id,
            'service_start': self.date,
            'service_end': self.date,
            'service_key': None,
            'charge': self.id,
            'description': self.description,
            'quantity': Decimal(1),
            'unit_price': self.amount,
            'days': None,
            'service_days': None,
            'discount': Decimal(0),
            'amount': self.amount,
            }

    @classmethod
    def check_modification(cls, mode, charges, values=None, external=False):
        super().check_modification(
            mode, charges, values=values, external=external)
        if mode in {'write', 'delete'}:
            for charge in charges:
                if charge.billed:
                    raise ValidationError(gettext(
                            'property_billing.msg_charge_billed',
                            charge=charge.description))
