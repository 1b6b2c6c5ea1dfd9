# This file is part of the property-management suite.
"""Shared meters (公摊): a building's master meter and its sub-meters

A building's master meter (总表, e.g. the electricity of its corridors,
lifts and pumps) counts what its homes' own meters count plus the common
consumption. Its sub-meters are the homes' meters the building manager
chose on it (a master meter of one stairwell, 单元, or of homes of several
buildings), or without a choice all the homes' meters of the sub-meters'
fee in its building; a meter is the sub-meter of one active master meter
of a fee only. For each billing month the run apportions the common
consumption (master consumption less the sum of the sub-meters') to the
homes of the sub-meters by area, by home count or by their own
consumption, as chosen on the master meter; each home's share is a billed
line of the run priced by the share fee's rate (a metered fee: the rate
per unit of consumption), its description showing the basis.

The money is split to the cent: the common amount (the common
consumption at the rate) is divided among the homes as their quantities
are, each within a cent of its exact part, so that the homes' amounts add
up exactly to it (split_money).

A month whose loss (the common share of the master consumption) is above
the billing policy's limit (a default of ours: 15 %; the seed manuals
give none) is flagged: the run holds its shares until a building manager
or finance reviews it, then resuming the run bills them."""
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, multivalue_default, rec_name_domain)
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import WorkflowGuardMixin

METHODS = [
    ('area', "By Area"),
    ('count', "By Home Count"),
    ('consumption', "By Consumption"),
    ]
QUANTUM = Decimal('0.01')
PRICE = Decimal('0.0001')
# the cents an amount may move to be shown as quantity × unit price (a
# share of q units moves by q / 100 cents a step of its price: up to 1,800)
_NUDGES = [Decimal(n) * QUANTUM
    for n in sorted(range(-9, 10), key=lambda n: (abs(n), -n))]


def _cent(amount):
    "An amount rounded to the cent as a currency of 0.01 does"
    return amount.quantize(QUANTUM, rounding=ROUND_HALF_EVEN)


def apportion(total, weights, quantum=QUANTUM):
    """The parts of the total in proportion to the weights, to the quantum,
    by largest remainder: each part is its exact share rounded down, then
    the quanta this leaves go one each to the parts with the largest
    remainders (the first of equal ones). The parts sum exactly to the
    total and each is within one quantum of its exact share."""
    weight = sum(weights, Decimal(0))
    if not weight:
        return [Decimal(0) for _ in weights]
    exact = [total * w / weight for w in weights]
    parts = [e.quantize(quantum, rounding=ROUND_DOWN) for e in exact]
    left = int((total - sum(parts, Decimal(0))) / quantum)
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[:left]:
        parts[i] += quantum
    return parts


def line_price(quantity, amount, rate, round_=_cent):
    """A unit price to the 4 digits of an invoice line whose product with
    the quantity rounds to the amount, as Tryton's invoice line computes
    its amount: the rate when it does, else the nearest to amount /
    quantity; None when no price does (a quantity above 100 moves its
    amount by more than a cent for each step of the price)"""
    if rate is not None and round_(quantity * rate) == amount:
        return rate
    if quantity <= 0:
        return None
    nearest = (amount / quantity).quantize(PRICE)
    for step in [0, 1, -1]:
        price = nearest + step * PRICE
        if price >= 0 and round_(quantity * price) == amount:
            return price
    return None


def at_rates(quantities, rates, round_=_cent):
    """The shares billed at their rates, as a meter of their own is: (what
    they add up to, [(quantity × rate rounded, rate)] of each share,
    (None, None) for a share without a rate)"""
    money = [(round_(q * r), r) if r is not None else (None, None)
        for q, r in zip(quantities, rates)]
    return sum((a for a, _ in money if a is not None), Decimal(0)), money


def split_money(value, quantities, weights, rates, round_=_cent):
    """The money of the shares: (the common amount, [(amount, unit price)]
    of each share, (None, None) for a share without a rate), or None when
    it cannot be shown to the cent.

    value is the exact money of the common consumption (at the shares'
    rates, unrounded), weights the shares' parts of it (their basis × their
    rate; None without a rate). The common amount, the value rounded to the
    cent, is split in proportion to the weights of the shares with a
    quantity by largest remainder (apportion), so that the amounts add up
    exactly to it and each is within a cent of its exact part.

    Where the shares billed at their rates (quantity × rate, rounded as
    Tryton's invoice line rounds) add up to the common amount, as they
    mostly do, that is the split: each home pays its share of the
    consumption at the fee's rate (0.84 m³ × 4.00 = 3.36 and twice 0.83 m³
    × 4.00 = 3.32 make 10.00). Only where the lines' rounding would not add
    up is the common amount split by largest remainder as above.

    A share is billed as Tryton's invoice line bills: quantity × unit
    price, rounded. The quantity stays the share of the consumption shown
    on the apportionment; the unit price is the rate where quantity × rate
    already gives the amount, else the 4-digit price that gives it (0.84
    m³ at 3.9762 gives 3.34): the line shows the consumption the home is
    charged for and the amount it pays, and the lines add up to the common
    amount. A share above 100 units may have no
    4-digit price for its amount: it then takes an amount a few cents off
    that one gives, and another share the cents of the difference, the
    fewest cents moved in all (the largest shares are settled first)."""
    total = round_(value)
    # billed at their rates, the shares mostly add up to it already: then
    # each home pays its share of the consumption at the fee's rate
    plain = at_rates(quantities, rates, round_)
    if plain[0] == total:
        return plain
    shown = [w if w is not None and q > 0 else Decimal(0)
        for q, w in zip(quantities, weights)]
    if total and not any(shown):
        return None
    amounts = apportion(total, shown)
    result = [(None, None)] * len(weights)
    order = sorted((i for i, w in enumerate(weights) if w is not None),
        key=lambda i: (-quantities[i], i))
    # the cents carried to the next share -> (cents moved so far, choice)
    best = {Decimal(0): 0}
    steps = []
    for i in order:
        prices = {}
        step = {}
        for carry, moved in best.items():
            target = amounts[i] + carry
            for nudge in _NUDGES:
                amount = target + nudge
                if amount < 0:
                    continue
                if amount not in prices:
                    prices[amount] = line_price(
                        quantities[i], amount, rates[i], round_)
                if prices[amount] is None:
                    continue
                cost = moved + abs(nudge)
                if -nudge not in step or cost < step[-nudge][0]:
                    step[-nudge] = (cost, (carry, amount, prices[amount]))
        if not step:
            return None
        steps.append((i, {c: choice for c, (_, choice) in step.items()}))
        best = {c: cost for c, (cost, _) in step.items()}
    if order and Decimal(0) not in best:
        return None
    carry = Decimal(0)
    for i, choices in reversed(steps):
        carry, amount, price = choices[carry]
        result[i] = (amount, price)
    return total, result


def _number(value):
    "A figure of a description: thousands separated, to the hundredth"
    return f'{Decimal(value).quantize(QUANTUM):,}'


shared_loss_limit = fields.Numeric("Shared Meter Loss Limit (%)",
    digits=(5, 2), required=True,
    help="A shared meter's month whose common consumption is above this "
    "share of the master meter's consumption is held out of billing until "
    "reviewed (the suite's default: 15 %).")


class Configuration(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration'
    shared_loss_limit = fields.MultiValue(shared_loss_limit)

    @classmethod
    def multivalue_model(cls, field):
        if field == 'shared_loss_limit':
            return Pool().get('property.billing.configuration.policy')
        return super().multivalue_model(field)

    default_shared_loss_limit = multivalue_default('shared_loss_limit')


class ConfigurationPolicy(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration.policy'
    shared_loss_limit = shared_loss_limit

    @staticmethod
    def default_shared_loss_limit():
        return Decimal(15)

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        for value in values:
            if (value.shared_loss_limit is not None
                    and not (0 <= value.shared_loss_limit <= 100)):
                raise ValidationError(gettext(
                        'property_billing.msg_configuration_shared_loss'))


class SharedMeter(site_from('building'), CheckValuesMixin, DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'property.meter.shared'
    __string__ = "Shared Meter"
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    building = fields.Many2One('property.building', "Building",
        required=True, ondelete='CASCADE',
        domain=[('site.company', '=', Eval('company', -1))])
    number = fields.Char("Number", required=True,
        help="The number printed on the master meter.")
    name = fields.Char("Name", translate=True,
        help="What the meter counts, e.g. the common areas' electricity.")
    fee_type = fields.Many2One('property.fee.type', "Sub-meters' Fee",
        required=True, ondelete='RESTRICT',
        domain=[
            ('method', '=', 'metered'),
            ('company', '=', Eval('company', -1)),
            ],
        help="The metered fee of the homes' own meters: the sub-meters.")
    share_fee_type = fields.Many2One('property.fee.type', "Share Fee",
        required=True, ondelete='RESTRICT',
        domain=[
            ('method', '=', 'metered'),
            ('company', '=', Eval('company', -1)),
            ('id', '!=', Eval('fee_type', -1)),
            ],
        help="The metered fee the homes' shares are billed with, at its "
        "rate per unit of consumption.")
    method = fields.Selection(METHODS, "Apportioned", required=True,
        help="By area: in proportion to the homes' gross floor area.\n"
        "By home count: the same share for each home.\n"
        "By consumption: in proportion to the homes' own consumption.")
    sub_meters = fields.Many2Many('property.meter.shared-property.meter',
        'shared_meter', 'meter', "Sub-meters",
        domain=[
            ('fee_type', '=', Eval('fee_type', -1)),
            ('site', '=', Eval('site', -1)),
            ],
        help="The homes' meters whose consumption the master meter also "
        "counts, e.g. those of its stairwell (单元).\n"
        "Leave empty for all the homes' meters of the sub-meters' fee in "
        "the building.")
    apportioned_meters = fields.Function(fields.Many2Many('property.meter',
            None, None, "Meters Apportioned",
            help="The sub-meters the months are apportioned over: those "
            "chosen, else all the homes' meters of the sub-meters' fee in "
            "the building."),
        'get_apportioned_meters')
    readings = fields.One2Many('property.meter.shared.reading', 'meter',
        "Readings", readonly=True)
    months = fields.One2Many('property.meter.shared.month', 'meter',
        "Apportionments", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('building_number_unique', Unique(t, t.building, t.number),
                'property_billing.msg_shared_meter_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.building, Index.Range())))

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @staticmethod
    def default_method():
        return 'area'

    def get_rec_name(self, name):
        return f'{self.number} @ {self.building.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'name', 'building.rec_name'])

    def get_apportioned_meters(self, name):
        return self.get_sub_meters()

    def get_sub_meters(self):
        """The ids of the sub-meters apportioned: those chosen, else all
        the homes' meters of the sub-meters' fee in the building"""
        pool = Pool()
        Meter = pool.get('property.meter')
        SubMeter = pool.get('property.meter.shared-property.meter')
        with without_check_access():
            chosen = [s.meter.id for s in SubMeter.search([
                        ('shared_meter', '=', self.id),
                        ])]
            if chosen:
                domain = [('id', 'in', chosen)]
            else:
                domain = [
                    ('unit.building', '=', self.building.id),
                    ('fee_type', '=', self.fee_type.id),
                    ]
            return [m.id for m in Meter.search(domain,
                    order=[('unit', 'ASC'), ('id', 'ASC')])]

    @classmethod
    def validate_fields(cls, meters, field_names):
        super().validate_fields(meters, field_names)
        for meter in meters:
            if meter.fee_type == meter.share_fee_type:
                raise ValidationError(gettext(
                        'property_billing.msg_shared_meter_fee_types',
                        meter=meter.rec_name))

    @classmethod
    def validate(cls, meters):
        super().validate(meters)
        cls.check_sub_meters(meters)

    @classmethod
    def check_sub_meters(cls, meters):
        """A meter is the sub-meter of one active master meter of its fee
        only: its consumption is apportioned once"""
        pool = Pool()
        Meter = pool.get('property.meter')
        with without_check_access():
            for meter in meters:
                if not meter.active:
                    continue
                mine = set(meter.get_sub_meters())
                for other in cls.search([
                            ('id', '!=', meter.id),
                            ('company', '=', meter.company.id),
                            ('fee_type', '=', meter.fee_type.id),
                            ('active', '=', True),
                            ], order=[('id', 'ASC')]):
                    both = mine & set(other.get_sub_meters())
                    if both:
                        raise ValidationError(gettext(
                                'property_billing.msg_shared_sub_meter_twice',
                                meter=Meter(min(both)).rec_name,
                                master=meter.rec_name,
                                other=other.rec_name))

    def get_consumption(self, start, end):
        "The master meter's consumption read over [start, end]"
        return sum((r.consumption for r in self.readings
                if start <= r.date <= end), Decimal(0))

    def apportion(self, start, end):
        """The values of the apportionment of the service period [start,
        end], or None without a reading of the master meter in it"""
        pool = Pool()
        Meter = pool.get('property.meter')
        Reading = pool.get('property.meter.reading')
        Configuration = pool.get('property.billing.configuration')
        if not any(start <= r.date <= end for r in self.readings):
            return None
        master = self.get_consumption(start, end).quantize(QUANTUM)
        own = {}
        with Transaction().set_context(active_test=False):
            sub_meters = self.get_sub_meters()
        for reading in Reading.search([
                    ('meter', 'in', sub_meters),
                    ('date', '>=', start),
                    ('date', '<=', end),
                    ]):
            unit = reading.meter.unit
            own[unit] = own.get(unit, Decimal(0)) + reading.consumption
        units = sorted({m.unit for m in Meter.browse(sub_meters)},
            key=lambda u: u.id)
        sub = sum(own.values(), Decimal(0)).quantize(QUANTUM)
        month = f'{start:%Y-%m}'
        if sub > master:
            raise UserError(gettext(
                    'property_billing.msg_shared_sub_above_master',
                    meter=self.rec_name, month=month, sub=_number(sub),
                    master=_number(master)))
        common = master - sub
        loss = (common / master * 100).quantize(QUANTUM) if master else (
            Decimal(0))
        limit = Configuration.get_value('shared_loss_limit', self.company)
        values = {
            'meter': self.id,
            'service_start': start,
            'service_end': end,
            'master_consumption': master,
            'sub_consumption': sub,
            'common_consumption': common,
            'common_amount': Decimal(0),
            'loss': loss,
            'state': 'flagged' if loss > limit else 'valid',
            'lines': [],
            }
        if not common or not units:
            return values
        if self.method == 'area':
            bases = [u.area or Decimal(0) for u in units]
        elif self.method == 'count':
            bases = [Decimal(1) for _ in units]
        else:
            bases = [own.get(u, Decimal(0)) for u in units]
        total = sum(bases)
        if not total:
            raise UserError(gettext(
                    'property_billing.msg_shared_no_basis',
                    meter=self.rec_name, month=month,
                    method=dict(self.__class__.fields_get(['method'])[
                            'method']['selection'])[self.method]))
        quantities = apportion(common, bases)
        rates = self.get_share_rates(units, start, end)
        weights = [b * r if r is not None else None
            for b, r in zip(bases, rates)]
        money = split_money(
            common * sum(w for w in weights if w is not None) / total,
            quantities, weights, rates, self.company.currency.round)
        if money is None:
            # no 4-digit prices give the split (shares above 100 units):
            # each share is billed at its rate, as a meter of its own is,
            # and the common amount is what the shares add up to (within
            # a cent per share of the split); the month is billed all
            # the same, never stopped by a cent
            money = at_rates(quantities, rates, self.company.currency.round)
        values['common_amount'], money = money
        uom = self.share_fee_type.product.default_uom.symbol
        figure = ((lambda v: f'{int(v):,}') if self.method == 'count'
            else _number)
        lines = []
        for unit, basis, share, (amount, unit_price) in zip(units, bases,
                quantities, money):
            lines.append({
                    'unit': unit.id,
                    'basis': basis,
                    'quantity': share,
                    'unit_price': unit_price,
                    'amount': amount,
                    'description': gettext(
                        f'property_billing.msg_shared_basis_{self.method}',
                        common=_number(common), uom=uom,
                        basis=figure(basis), total=figure(total)),
                    })
        values['lines'] = [('create', lines)]
        return values

    def get_share_rates(self, units, start, end):
        """The share fee's unit price on each unit for the service period
        [start, end] (its most specific rate), None without one"""
        Assignment = Pool().get('property.fee.assignment')
        assignments = Assignment.search([
                ('fee_type', '=', self.share_fee_type.id),
                ('site', 'in', list({u.site.id for u in units})),
                ])
        rates = []
        for unit in units:
            chosen = Assignment.most_specific(assignments, unit, start, end)
            rates.append(chosen[0].get_unit_price() if chosen else None)
        return rates


class SharedReading(site_from('meter.building'), CheckValuesMixin,
        ModelSQL, ModelView):
    __name__ = 'property.meter.shared.reading'
    __string__ = "Shared Meter Reading"
    _states = {'readonly': Eval('id', -1) >= 0}
    meter = fields.Many2One('property.meter.shared', "Meter", required=True,
        ondelete='CASCADE', states=_states)
    date = fields.Date("Date", required=True, states=_states)
    value = fields.Numeric("Reading", digits=(16, 2), required=True,
        states=_states)
    previous_value = fields.Numeric("Previous Reading", digits=(16, 2),
        readonly=True)
    consumption = fields.Numeric("Consumption", digits=(16, 2),
        readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.meter, Index.Range()),
                (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.meter.rec_name} {self.date}: {self.value}'

    @classmethod
    def create(cls, vlist):
        # each reading counts from the one before it, also in one call
        records = []
        for values in vlist:
            records.extend(super().create([values]))
        return records

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.update(cls.compute_consumption(values))
        return values

    @classmethod
    def compute_consumption(cls, values):
        "The previous reading and the consumption since it"
        Meter = Pool().get('property.meter.shared')
        if any(values.get(n) is None for n in ['meter', 'date', 'value']):
            return {}   # refused as required by the validation
        meter = Meter(values['meter'])
        previous = cls.search([('meter', '=', meter.id)],
            order=[('date', 'DESC'), ('id', 'DESC')], limit=1)
        value = Decimal(values['value'])
        if not previous:
            return {'previous_value': None, 'consumption': Decimal(0)}
        last, = previous
        if values['date'] <= last.date:
            raise ValidationError(gettext(
                    'property_billing.msg_reading_date',
                    meter=meter.rec_name, date=last.date))
        if value < last.value:
            raise ValidationError(gettext(
                    'property_billing.msg_reading_decrease',
                    meter=meter.rec_name, value=value,
                    previous=last.value))
        return {
            'previous_value': last.value,
            # (PostgreSQL keeps the scale given, SQLite the one stored)
            'consumption': (value - last.value).quantize(QUANTUM),
            }

    @classmethod
    def check_modification(cls, mode, readings, values=None, external=False):
        super().check_modification(
            mode, readings, values=values, external=external)
        Month = Pool().get('property.meter.shared.month')
        if mode == 'write' and values and (
                set(values) & {'meter', 'date', 'value'}):
            raise ValidationError(gettext(
                    'property_billing.msg_reading_modify'))
        if mode == 'delete':
            for reading in readings:
                if Month.search([
                            ('meter', '=', reading.meter.id),
                            ('service_start', '<=', reading.date),
                            ('service_end', '>=', reading.date),
                            ], limit=1):
                    raise ValidationError(gettext(
                            'property_billing.msg_shared_reading_apportioned',
                            reading=reading.rec_name))
                if cls.search([
                            ('meter', '=', reading.meter.id),
                            ('date', '>', reading.date),
                            ], limit=1):
                    raise ValidationError(gettext(
                            'property_billing.msg_reading_not_last',
                            reading=reading.rec_name))


class SharedMonth(site_from('meter.building'), WorkflowGuardMixin,
        StateAuditMixin, CheckValuesMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.meter.shared.month'
    __string__ = "Shared Meter Apportionment"
    _maintained_fields = ('meter', 'service_start', 'service_end',
        'master_consumption', 'sub_consumption', 'common_consumption',
        'common_amount', 'loss', 'reviewed_by')
    meter = fields.Many2One('property.meter.shared', "Meter", required=True,
        ondelete='CASCADE', readonly=True)
    service_start = fields.Date("From", required=True, readonly=True)
    service_end = fields.Date("To", required=True, readonly=True)
    master_consumption = fields.Numeric("Master Consumption",
        digits=(16, 2), required=True, readonly=True)
    sub_consumption = fields.Numeric("Sub-meters' Consumption",
        digits=(16, 2), required=True, readonly=True)
    common_consumption = fields.Numeric("Common Consumption",
        digits=(16, 2), required=True, readonly=True,
        help="The master consumption less the sub-meters': apportioned to "
        "the homes.")
    common_amount = fields.Numeric("Common Amount", digits=(16, 2),
        readonly=True,
        help="The common consumption at the share fee's rate: the homes' "
        "shares add up to it to the cent.")
    loss = fields.Numeric("Loss (%)", digits=(5, 2), required=True,
        readonly=True,
        help="The common consumption's share of the master consumption.")
    state = fields.Selection([
            ('valid', "Valid"),
            ('flagged', "Flagged"),
            ('reviewed', "Reviewed"),
            ], "State", readonly=True, required=True,
        help="Flagged: the loss is above the billing policy's limit; the "
        "shares are held out of billing until reviewed.")
    reviewed_by = fields.Many2One('res.user', "Reviewed by", readonly=True)
    lines = fields.One2Many('property.meter.shared.month.line', 'month',
        "Shares", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('meter_start_unique', Unique(t, t.meter, t.service_start),
                'property_billing.msg_shared_month_unique'),
            ]
        cls._order = [('service_start', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('flagged', 'reviewed')}
        cls._buttons.update({
                'review': {
                    'invisible': Eval('state') != 'flagged',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'valid'

    def get_rec_name(self, name):
        return f'{self.meter.rec_name} {self.service_start:%Y-%m}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('meter.rec_name', *clause[1:])]

    @classmethod
    def check_modification(cls, mode, months, values=None, external=False):
        super().check_modification(
            mode, months, values=values, external=external)
        if mode == 'delete':
            for month in months:
                if any(l.billing_line for l in month.lines):
                    raise ValidationError(gettext(
                            'property_billing.msg_shared_month_billed',
                            month=month.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('reviewed')
    def review(cls, months):
        cls.write(months, {'reviewed_by': Transaction().user})

    @classmethod
    def compute(cls, runs):
        """Apportion the shared meters billed by the runs for their month,
        those not apportioned yet; a month is apportioned once (a wrong
        reading is put right by deleting the month before it is billed)"""
        pool = Pool()
        Meter = pool.get('property.meter.shared')
        to_create = []
        with without_check_access():
            for run in runs:
                domain = [('company', '=', run.company.id)]
                if run.site:
                    domain.append(('building.site', '=', run.site.id))
                for meter in Meter.search(domain):
                    period = meter.share_fee_type.service_period(run.month)
                    if not period:
                        continue
                    if cls.search([
                                ('meter', '=', meter.id),
                                ('service_start', '=', period[0]),
                                ], limit=1):
                        continue
                    values = meter.apportion(*period)
                    if values:
                        to_create.append(values)
            if to_create:
                cls.create(to_create)


class SharedMonthLine(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.meter.shared.month.line'
    __string__ = "Shared Meter Share"
    month = fields.Many2One('property.meter.shared.month', "Apportionment",
        required=True, ondelete='CASCADE', readonly=True)
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', readonly=True)
    basis = fields.Numeric("Basis", digits=(16, 2), readonly=True,
        help="The home's area, one home, or its own consumption.")
    quantity = fields.Numeric("Share", digits=(16, 2), required=True,
        readonly=True)
    unit_price = fields.Numeric("Unit Price", digits=(16, 4), readonly=True,
        help="The share fee's rate, or the price that makes the share × "
        "the price the amount to the cent.")
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True,
        help="The home's part of the common amount, to the cent; empty "
        "without a rate of the share fee.")
    description = fields.Char("Description", readonly=True)
    billing_line = fields.Function(fields.Many2One('property.billing.line',
            "Billed"), 'get_billing_line')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))
        cls._order = [('month', 'DESC'), ('unit', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.month.rec_name} {self.unit.rec_name}'

    def get_billing_line(self, name):
        Line = Pool().get('property.billing.line')
        lines = Line.search([
                ('unit', '=', self.unit.id),
                ('fee_type', '=', self.month.meter.share_fee_type.id),
                ('service_key', '=', self.month.service_start),
                ], limit=1)
        return lines[0].id if lines else None


class Run(metaclass=PoolMeta):
    __name__ = 'property.billing.run'

    @classmethod
    def _before_bill(cls, runs):
        super()._before_bill(runs)
        Pool().get('property.meter.shared.month').compute(runs)

    def get_fees(self, units):
        fees, held = super().get_fees(units)
        shared, shared_held = self.get_shared_fees(units)
        return fees + shared, held + shared_held

    def get_shared_fees(self, units):
        """The shares of the units in the shared meters apportioned for
        the run's month, not billed yet, as fees (values of a billed line,
        no readings) of their amount to the cent (split_money); and how
        many are held for the review of their month"""
        pool = Pool()
        Assignment = pool.get('property.fee.assignment')
        Share = pool.get('property.meter.shared.month.line')
        Line = pool.get('property.billing.line')
        periods = self.get_fee_periods()
        units = {u.id: u for u in units}
        shares = [s for s in Share.search([
                    ('unit', 'in', list(units)),
                    ('month.meter.company', '=', self.company.id),
                    ('month.service_start', 'in',
                        list({p[0] for p in periods.values()}) or [None]),
                    ])
            if periods.get(s.month.meter.share_fee_type, (None,))[0]
            == s.month.service_start]
        if not shares:
            return [], 0
        fee_types = {s.month.meter.share_fee_type for s in shares}
        billed = {(l.unit.id, l.fee_type.id, l.service_key)
            for l in Line.search([
                    ('unit', 'in', list(units)),
                    ('fee_type', 'in', [f.id for f in fee_types]),
                    ('service_key', 'in',
                        list({s.month.service_start for s in shares})),
                    ])}
        assignments = Assignment.search([
                ('fee_type', 'in', [f.id for f in fee_types]),
                ('site', 'in', list({u.site.id for u in units.values()})),
                ])
        fees, held = [], 0
        currency = self.company.currency
        for share in shares:
            month = share.month
            fee_type = month.meter.share_fee_type
            start, end = month.service_start, month.service_end
            unit = units[share.unit.id]
            if (unit.id, fee_type.id, start) in billed or share.quantity <= 0:
                continue
            if month.state == 'flagged':
                held += 1
                continue
            chosen = Assignment.most_specific(
                [a for a in assignments if a.fee_type == fee_type],
                unit, start, end)
            if not chosen:
                continue
            assignment, = chosen
            payers = assignment.get_payers(unit, end, end)
            if not payers:
                continue
            party, _ = payers[0]
            if share.amount is not None:
                unit_price, amount = share.unit_price, share.amount
            else:
                # apportioned without a rate: priced now, to the cent
                unit_price = assignment.get_unit_price()
                amount = currency.round(share.quantity * unit_price)
            service_days = (end - start).days + 1
            fees.append((dict(self.get_fee_base(unit),
                        fee_type=fee_type.id,
                        service_start=start,
                        service_end=end,
                        service_key=start,
                        service_days=service_days,
                        party=party,
                        description=(
                            f'{fee_type.get_fee_description(start, end)} '
                            f'{share.description}'),
                        quantity=share.quantity,
                        unit_price=unit_price,
                        days=service_days,
                        discount=Decimal(0),
                        amount=amount),
                    []))
        return fees, held


class SharedSubMeter(CheckValuesMixin, ModelSQL):
    __name__ = 'property.meter.shared-property.meter'
    __string__ = "Shared Meter - Sub-meter"
    shared_meter = fields.Many2One('property.meter.shared', "Master Meter",
        required=True, ondelete='CASCADE')
    meter = fields.Many2One('property.meter', "Sub-meter", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('shared_meter_meter_unique', Unique(t, t.shared_meter, t.meter),
                'property_billing.msg_shared_sub_meter_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.meter, Index.Range())))


class Meter(metaclass=PoolMeta):
    __name__ = 'property.meter'

    @classmethod
    def validate(cls, meters):
        super().validate(meters)
        # a new home meter joins the master meters of its building that
        # have no chosen sub-meters
        Shared = Pool().get('property.meter.shared')
        with without_check_access():
            Shared.check_sub_meters(Shared.search([
                        ('fee_type', 'in',
                            list({m.fee_type.id for m in meters})),
                        ('active', '=', True),
                        ]))
