# This file is part of the property-management suite.
"""Shared meters (公摊): a building's master meter and its sub-meters

A building's master meter (总表, e.g. the electricity of its corridors,
lifts and pumps) counts what its homes' own meters count plus the common
consumption. For each billing month the run apportions the common
consumption (master consumption less the sum of the sub-meters') to the
homes of the sub-meters by area, by home count or by their own
consumption, as chosen on the master meter; each home's share is a billed
line of the run priced by the share fee's rate (a metered fee: the rate
per unit of consumption), its description showing the basis.

A month whose loss (the common share of the master consumption) is above
the billing policy's limit (a default of ours: 15 %; the seed manuals
give none) is flagged: the run holds its shares until a building manager
or finance reviews it, then resuming the run bills them."""
from decimal import Decimal

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


def apportion(common, bases):
    """The shares of the common quantity in proportion to the bases, to
    the hundredth: the last takes the rounding remainder, so that the
    shares sum exactly to the common quantity"""
    total = sum(bases)
    shares = []
    left = common
    for i, basis in enumerate(bases):
        if i == len(bases) - 1:
            share = left
        else:
            share = (common * basis / total).quantize(QUANTUM)
        shares.append(share)
        left -= share
    return shares


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
        help="The metered fee of the homes' own meters in the building: "
        "they are the sub-meters.")
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
    sub_meters = fields.Function(fields.Many2Many('property.meter', None,
            None, "Sub-meters"), 'get_sub_meters')
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

    def get_sub_meters(self, name=None):
        "The homes' meters of the sub-meters' fee in the building"
        Meter = Pool().get('property.meter')
        return [m.id for m in Meter.search([
                    ('unit.building', '=', self.building.id),
                    ('fee_type', '=', self.fee_type.id),
                    ], order=[('unit', 'ASC'), ('id', 'ASC')])]

    @classmethod
    def validate_fields(cls, meters, field_names):
        super().validate_fields(meters, field_names)
        for meter in meters:
            if meter.fee_type == meter.share_fee_type:
                raise ValidationError(gettext(
                        'property_billing.msg_shared_meter_fee_types',
                        meter=meter.rec_name))

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
        uom = self.share_fee_type.product.default_uom.symbol
        figure = ((lambda v: f'{int(v):,}') if self.method == 'count'
            else _number)
        lines = []
        for unit, basis, share in zip(units, bases,
                apportion(common, bases)):
            lines.append({
                    'unit': unit.id,
                    'basis': basis,
                    'quantity': share,
                    'description': gettext(
                        f'property_billing.msg_shared_basis_{self.method}',
                        common=_number(common), uom=uom,
                        basis=figure(basis), total=figure(total)),
                    })
        values['lines'] = [('create', lines)]
        return values


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
        'loss', 'reviewed_by')
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
        no readings) priced by the share fee's rate; and how many are held
        for the review of their month"""
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
            unit_price = assignment.get_unit_price()
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
                        amount=currency.round(share.quantity * unit_price)),
                    []))
        return fees, held
