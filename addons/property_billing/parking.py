# This file is part of the property-management suite.
"""Parking (车位) and vehicles (车辆)

- parking spaces of a site, sold to an owner or let;
- monthly rent contracts on let spaces, billed by the billing run of the
  month as a fee line per contract (Run.get_fees), prorated by days as
  the run prorates every periodic fee (fee.price_of); a contract ended
  after a run billed days past its end credits them on a credit note
  (Contract.credit_unused);
- vehicles registered to the residents, by plate;
- temporary parking recorded at the gate, priced by the tariff of the
  billing policy and posted daily, one move per site and day, every stay
  of the day with it (the free ones at 0), so that the day is closed;
- the plates without a registration seen at the gate again and again.

Seed 001 sets the collection target of the parking fees (车位费或车辆看管费
不低于98%): the fee type of the rents is of the kind "parking", whose
target the fee types give. The tariff of the gate and the threshold of
the repeat offenders are defaults of ours, set in the billing policy."""
import datetime as dt
import math
import re
from decimal import Decimal

from sql import Literal, Null
from sql.aggregate import Count, Max, Min

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from trytond.modules.property_base.audit import StateAuditMixin
from trytond.modules.property_base.common import (
    CheckValuesMixin, NaturalCodeMixin, clock, multivalue_default, now,
    office_date, office_today, rec_name_domain)
from trytond.modules.property_base.site import site_from
from trytond.modules.property_base.workflow import (
    WorkflowGuardMixin, check_first)

from .fee import month_end, price_of

SPACE_KINDS = [
    ('let', "Let"),
    ('sold', "Sold"),
    ]
CONTRACT_STATES = [
    ('draft', "Draft"),
    ('running', "Running"),
    ('ended', "Ended"),
    ]
POSTING_STATES = [
    ('draft', "Draft"),
    ('posted', "Posted"),
    ]
# What the repeat offenders are counted over
OFFENDER_DAYS = 30
# Separators written in plates ("沪A·12345", "沪A 12345", "沪A-12345")
_PLATE_SEPARATORS = re.compile(r'[\s·•\-]+')


def normalise_plate(plate):
    "The plate as stored: upper case, without spaces nor separators"
    if plate is None:
        return None
    return _PLATE_SEPARATORS.sub('', plate).upper()


def parking_fee(minutes, hour_rate, day_cap, free_minutes=0):
    """The fee of a stay of the minutes: nothing within the free minutes,
    else the rate of each started hour, at most the cap for each started
    24 hours"""
    if minutes <= free_minutes:
        return Decimal(0)
    days, rest = divmod(minutes, 24 * 60)
    fee = days * day_cap
    if rest:
        fee += min(day_cap, math.ceil(rest / 60) * hour_rate)
    return Decimal(fee)


# -- the billing policy: tariff of the gate, accounts of its takings ---------

parking_hour_rate = fields.Numeric("Parking Rate per Hour", digits=(16, 2),
    required=True,
    help="What temporary parking costs for each started hour (a default "
    "of ours: 5).")
parking_day_cap = fields.Numeric("Parking Cap per Day", digits=(16, 2),
    required=True,
    help="The most temporary parking costs for each started 24 hours (a "
    "default of ours: 30).")
parking_free_minutes = fields.Integer("Free Parking Minutes", required=True,
    help="A stay this short is free (a default of ours: 15).")
parking_offender_visits = fields.Integer("Repeat Offender Visits",
    required=True,
    help="A plate without a registration seen at the gate more than this "
    "many times in 30 days is listed as a repeat offender (a default of "
    "ours: 5).")
PARKING_FIELDS = ('parking_hour_rate', 'parking_day_cap',
    'parking_free_minutes', 'parking_offender_visits',
    'parking_payment_method', 'parking_revenue_account')


class Configuration(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration'
    parking_hour_rate = fields.MultiValue(parking_hour_rate)
    parking_day_cap = fields.MultiValue(parking_day_cap)
    parking_free_minutes = fields.MultiValue(parking_free_minutes)
    parking_offender_visits = fields.MultiValue(parking_offender_visits)
    parking_payment_method = fields.MultiValue(fields.Many2One(
            'account.invoice.payment.method', "Parking Takings Method",
            domain=[
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The journal and the account (cash) of the takings of "
            "temporary parking."))
    parking_revenue_account = fields.MultiValue(fields.Many2One(
            'account.account', "Parking Revenue Account",
            domain=[
                ('type.revenue', '=', True),
                ('closed', '!=', True),
                ('company', '=', Eval('context', {}).get('company', -1)),
                ],
            help="The revenue account credited with the takings of "
            "temporary parking."))

    @classmethod
    def multivalue_model(cls, field):
        if field in PARKING_FIELDS:
            return Pool().get('property.billing.configuration.policy')
        return super().multivalue_model(field)

    default_parking_hour_rate = multivalue_default('parking_hour_rate')
    default_parking_day_cap = multivalue_default('parking_day_cap')
    default_parking_free_minutes = multivalue_default('parking_free_minutes')
    default_parking_offender_visits = multivalue_default(
        'parking_offender_visits')


class ConfigurationPolicy(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration.policy'
    parking_hour_rate = parking_hour_rate
    parking_day_cap = parking_day_cap
    parking_free_minutes = parking_free_minutes
    parking_offender_visits = parking_offender_visits
    parking_payment_method = fields.Many2One(
        'account.invoice.payment.method', "Parking Takings Method",
        ondelete='RESTRICT')
    parking_revenue_account = fields.Many2One('account.account',
        "Parking Revenue Account", ondelete='RESTRICT')

    @staticmethod
    def default_parking_hour_rate():
        return Decimal(5)

    @staticmethod
    def default_parking_day_cap():
        return Decimal(30)

    @staticmethod
    def default_parking_free_minutes():
        return 15

    @staticmethod
    def default_parking_offender_visits():
        return 5

    @classmethod
    def validate_fields(cls, values, field_names):
        super().validate_fields(values, field_names)
        for value in values:
            if ((value.parking_hour_rate or 0) < 0
                    or (value.parking_day_cap or 0) < 0
                    or (value.parking_free_minutes or 0) < 0
                    or (value.parking_offender_visits or 0) < 0):
                raise ValidationError(gettext(
                        'property_billing.msg_parking_tariff_negative'))


# -- spaces -------------------------------------------------------------------

class Space(NaturalCodeMixin, CheckValuesMixin, DeactivableMixin, ModelSQL,
        ModelView):
    __name__ = 'property.parking.space'
    __string__ = "Parking Space"
    _rec_name = 'code'
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT')
    code = fields.Char("Code", required=True, strip=True,
        help="Unique within the site, e.g. \"B1-023\".")
    level = fields.Char("Area / Level",
        help="Where the space is, e.g. \"B1 North\".")
    kind = fields.Selection(SPACE_KINDS, "Kind", required=True,
        help="Sold: the space belongs to an owner.\n"
        "Let: the office lets it with monthly rent contracts.")
    owner = fields.Many2One('party.party', "Owner", ondelete='RESTRICT',
        states={
            'required': Eval('kind') == 'sold',
            'invisible': Eval('kind') != 'sold',
            })
    contracts = fields.One2Many('property.parking.contract', 'space',
        "Rent Contracts", readonly=True)
    vehicles = fields.One2Many('property.parking.vehicle', 'space',
        "Vehicles", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_code_unique', Unique(t, t.site, t.code),
                'property_billing.msg_parking_space_code_unique'),
            ]
        cls._order = [('site', 'ASC'), ('sort_code', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_kind():
        return 'let'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'level'])

    @classmethod
    def validate_fields(cls, spaces, field_names):
        super().validate_fields(spaces, field_names)
        for space in spaces:
            if space.kind == 'sold' and not space.owner:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_space_owner',
                        space=space.rec_name))


# -- rent contracts -----------------------------------------------------------

class Contract(CheckValuesMixin, site_from('space'), WorkflowGuardMixin,
        StateAuditMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'property.parking.contract'
    __string__ = "Parking Rent Contract"
    _maintained_fields = ('credit_note',)
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    space = fields.Many2One('property.parking.space', "Space", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('site.company', '=', Eval('company', -1))],
        help="A let space (a sold one is refused with its reason).")
    tenant = fields.Many2One('party.party', "Tenant", required=True,
        ondelete='RESTRICT', states=_states,
        context={'company': Eval('company', -1)}, depends={'company'})
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[If(Bool(Eval('site')), ('site', '=', Eval('site', -1)), ())],
        help="The home whose fee invoice the rent is billed on.")
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='RESTRICT', states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('kind', '=', 'parking'),
            ('method', '!=', 'one_off'),
            ],
        help="The parking fee the rent is invoiced as (its product and "
        "collection target).")
    rent = fields.Numeric("Monthly Rent", digits=(16, 2), required=True,
        states=_states)
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date("End Date",
        states={'readonly': Eval('state') == 'ended'},
        help="Leave empty while the contract runs on; ending the contract "
        "without one ends it today.")
    state = fields.Selection(CONTRACT_STATES, "State", readonly=True,
        required=True, sort=False)
    credit_note = fields.Many2One('account.invoice', "Credit Note",
        readonly=True, ondelete='RESTRICT',
        states={'invisible': ~Eval('credit_note')},
        help="The rent of the days after the end date that a run had "
        "already billed, credited to the tenant when the contract ended.")
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.space, Index.Range()),
                (t.state, Index.Equality())))
        cls._sql_indexes.add(Index(t, (t.unit, Index.Range())))
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'ended'),
            }
        cls._buttons.update({
                'run': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'end': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_start_date():
        return office_today()

    @classmethod
    def default_fee_type(cls):
        FeeType = Pool().get('property.fee.type')
        company = Transaction().context.get('company')
        fee_types = FeeType.search([
                ('company', '=', company),
                ('kind', '=', 'parking'),
                ('method', '!=', 'one_off'),
                ], limit=2)
        if len(fee_types) == 1:
            return fee_types[0].id

    def get_rec_name(self, name):
        return f'{self.space.rec_name} {self.tenant.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['space.code', 'tenant.name'])

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        for contract in contracts:
            if contract.space.kind != 'let':
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_sold_space',
                        space=contract.space.rec_name))
            if contract.rent <= 0:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_rent',
                        contract=contract.rec_name))
            if contract.end_date and contract.end_date < contract.start_date:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_dates',
                        contract=contract.rec_name))
            if contract.unit.site != contract.space.site:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_unit_site',
                        contract=contract.rec_name))

    @classmethod
    def validate(cls, contracts):
        super().validate(contracts)
        cls.check_overlap([c for c in contracts if c.state == 'running'])

    @classmethod
    def check_overlap(cls, contracts):
        "A let space has one running contract at a time"
        for contract in contracts:
            others = cls.search([
                    ('id', '!=', contract.id),
                    ('space', '=', contract.space.id),
                    ('state', '=', 'running'),
                    ['OR',
                        ('end_date', '=', None),
                        ('end_date', '>=', contract.start_date)],
                    ('start_date', '<=',
                        contract.end_date or dt.date.max),
                    ], limit=1)
            if others:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_running',
                        space=contract.space.rec_name,
                        other=others[0].rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, contracts):
        "The contract runs: the run of each month bills its rent"
        # refused before the state changes
        cls.check_overlap(contracts)

    def get_end_date(self):
        "The date the contract ends on if ended now: its end date, else today"
        today = office_today(self.company)
        if not self.end_date or self.end_date > today:
            return max(today, self.start_date)
        return self.end_date

    @classmethod
    def _check_end(cls, contracts):
        """Only a running contract ends (once: two clerks ending it at once,
        the second waits, then finds it ended), and not while the run of a
        month it was billed for is still drafting its invoices"""
        Line = Pool().get('property.billing.line')
        cls.lock(contracts)
        contracts = cls.browse([c.id for c in contracts])
        for contract in contracts:
            if contract.state != 'running':
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_end_state',
                        contract=contract.rec_name,
                        state=cls._state_string(contract.state)))
            with without_check_access():
                drafts = Line.search([
                        ('parking_contract', '=', contract.id),
                        ('service_end', '>', contract.get_end_date()),
                        ['OR',
                            ('invoice', '=', None),
                            ('invoice.state', '=', 'draft')],
                        ], limit=1)
            if drafts:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_contract_end_billing',
                        contract=contract.rec_name,
                        run=drafts[0].run.rec_name))

    @classmethod
    @ModelView.button
    @check_first('_check_end')
    @Workflow.transition('ended')
    def end(cls, contracts):
        """The contract ends on its end date, else today; the rent a run
        already billed for the days after it is credited (credit_unused)"""
        # (read as _check_end left them)
        contracts = cls.browse([c.id for c in contracts])
        for contract in contracts:
            contract.end_date = contract.get_end_date()
        cls.save(contracts)
        cls.credit_unused(contracts)

    @classmethod
    def credit_unused(cls, contracts):
        """Credit the tenant of each contract with the rent billed for days
        after its end date: one posted credit note per contract, a line
        per billed month, of the billed rent less the rent of the days
        the contract had in that month (get_fee, the run's proration), so
        that the tenant pays exactly what a run after the end would have
        billed.

        A credit note now rather than a negative line on the next run (as
        Tryton's sale_subscription would only stop invoicing): the tenant
        leaves, so there may be no next invoice of his for that unit, and
        the invoice of the month is corrected the day it is known. The
        credit note is Tryton's (account.invoice with the credited
        invoice line's _credit(): its product, account, taxes and origin),
        built as the suite's invoices are (property_invoice_values). While
        the credited invoice is still to pay, the credit is added to its
        payments (Tryton's payment lines), so that the tenant owes only
        the rest; else it stays the tenant's credit on his account."""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Line = pool.get('property.billing.line')
        MoveLine = pool.get('account.move.line')
        Run = pool.get('property.billing.run')
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        with without_check_access():
            for contract in contracts:
                lines = Line.search([
                        ('parking_contract', '=', contract.id),
                        ('service_end', '>', contract.end_date),
                        ('invoice.state', 'in', ['posted', 'paid']),
                        ], order=[('month', 'ASC'), ('id', 'ASC')])
                if not lines:
                    continue
                origins = {l.origin: l for l in InvoiceLine.search([
                            ('origin', 'in', [str(l) for l in lines]),
                            ])}
                credit_lines, credited = [], []
                for line in lines:
                    start, end = line.month, month_end(line.month)
                    kept = Decimal(0)
                    if contract.end_date >= max(start, contract.start_date):
                        kept = contract.get_fee(start, end)['unit_price']
                    unit_price = line.unit_price - kept
                    if unit_price <= 0:
                        continue
                    first = max(line.service_start,
                        contract.end_date + dt.timedelta(days=1))
                    credit = origins[line]._credit()
                    credit.unit_price = unit_price
                    credit.description = gettext(
                        'property_billing.msg_parking_credit_line',
                        fee=contract.fee_type.name,
                        space=contract.space.code,
                        start=lang.strftime(first),
                        end=lang.strftime(line.service_end),
                        days=(line.service_end - first).days + 1,
                        service_days=line.service_days)
                    credit_lines.append(credit)
                    credited.append(line.invoice)
                if not credit_lines:
                    continue
                company = contract.company
                tenant = contract.tenant
                tenant = Invoice.property_invoice_parties(
                    {tenant.id: contract.unit.id})[tenant.id]
                # dated today, never before the last numbered invoice
                date = Run(company=company).next_invoice_date()
                defaults = Invoice.property_invoice_defaults(company, date)
                credit_note = Invoice(**Invoice.property_invoice_values(
                        defaults, tenant, contract.unit,
                        description=gettext(
                            'property_billing.msg_parking_credit_note',
                            contract=contract.rec_name,
                            date=lang.strftime(contract.end_date)),
                        account=credited[0].account.id))
                credit_note.lines = credit_lines
                credit_note.save()
                Invoice.post([credit_note])
                contract.credit_note = credit_note
                cls.save([contract])
                # the credit pays the credited invoice while it is to pay
                invoice = Invoice(credited[0].id)
                if (len(set(credited)) == 1 and invoice.state == 'posted'
                        and invoice.account == credit_note.account
                        and invoice.amount_to_pay
                        >= -credit_note.total_amount):
                    Invoice.add_payment_lines(
                        {invoice: list(credit_note.lines_to_pay)})
                    invoice = Invoice(invoice.id)
                    if not invoice.amount_to_pay:
                        MoveLine.reconcile(list(invoice.lines_to_pay)
                            + list(invoice.payment_lines))
                        Invoice.process([invoice, credit_note])

    @classmethod
    def get_fees(cls, run, units):
        """The rents the run bills on the units (values of billed lines,
        readings): of each contract running on days of the run's month and
        not billed for it, the monthly rent prorated by its days"""
        pool = Pool()
        Line = pool.get('property.billing.line')
        start, end = run.month, month_end(run.month)
        units = {u.id: u for u in units}
        contracts = cls.search([
                ('company', '=', run.company.id),
                ('unit', 'in', list(units)),
                ('state', 'in', ['running', 'ended']),
                ('start_date', '<=', end),
                ['OR', ('end_date', '=', None), ('end_date', '>=', start)],
                ], order=[('id', 'ASC')])
        if not contracts:
            return []
        billed = {l.parking_contract.id for l in Line.search([
                    ('parking_contract', 'in', [c.id for c in contracts]),
                    ('month', '=', run.month),
                    ])}
        fees = []
        for contract in contracts:
            if contract.id in billed:
                continue
            base = run.get_fee_base(units[contract.unit.id])
            fees.append((dict(base, **contract.get_fee(start, end)), []))
        return fees

    def get_fee(self, start, end):
        """The values of the billed line of the rent over the month
        [start, end]: prorated by the contract's days in it"""
        currency = self.company.currency
        service_days = (end - start).days + 1
        first = max(start, self.start_date)
        last = min(end, self.end_date or end)
        days = (last - first).days + 1
        unit_price = price_of(self.rent, 1,
            Decimal(days) / Decimal(service_days))
        description = (f'{self.fee_type.name} {self.space.code} '
            f'{start:%Y-%m}')
        if days != service_days:
            description += f' ({days}/{service_days})'
        return {
            'fee_type': self.fee_type.id,
            'party': self.tenant.id,
            'service_start': first,
            'service_end': last,
            # the contract and the month key the rent (a tenant may rent
            # two spaces for one home)
            'service_key': None,
            'parking_contract': self.id,
            'description': description,
            'quantity': Decimal(1),
            'unit_price': unit_price,
            'days': days,
            'service_days': service_days,
            'discount': Decimal(0),
            'amount': currency.round(unit_price),
            }


class BillingLine(metaclass=PoolMeta):
    __name__ = 'property.billing.line'
    parking_contract = fields.Many2One('property.parking.contract',
        "Parking Contract", ondelete='RESTRICT', readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints.append(
            ('parking_contract_month_unique',
                Unique(t, t.parking_contract, t.month),
                'property_billing.msg_parking_line_unique'))


class Run(metaclass=PoolMeta):
    __name__ = 'property.billing.run'

    def get_fees(self, units):
        "The fees of the units and the rents of their parking contracts"
        Contract = Pool().get('property.parking.contract')
        fees, held = super().get_fees(units)
        fees.extend(Contract.get_fees(self, units))
        return fees, held


# -- vehicles -----------------------------------------------------------------

class Vehicle(CheckValuesMixin, site_from('unit'), DeactivableMixin,
        ModelSQL, ModelView):
    __name__ = 'property.parking.vehicle'
    __string__ = "Vehicle"
    _rec_name = 'plate'
    plate = fields.Char("Plate", required=True,
        help="Kept in upper case without spaces nor separators.")
    party = fields.Many2One('party.party', "Resident", required=True,
        ondelete='RESTRICT')
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT')
    space = fields.Many2One('property.parking.space', "Space",
        ondelete='RESTRICT',
        domain=[If(Bool(Eval('site')), ('site', '=', Eval('site', -1)), ())])
    description = fields.Char("Description",
        help="Make, model and colour.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.plate, Index.Equality())))
        cls._order = [('plate', 'ASC'), ('id', 'ASC')]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('plate'):
            values['plate'] = normalise_plate(values['plate'])
        return values

    @fields.depends('plate')
    def on_change_plate(self):
        self.plate = normalise_plate(self.plate)

    @classmethod
    def validate_fields(cls, vehicles, field_names):
        super().validate_fields(vehicles, field_names)
        for vehicle in vehicles:
            if not vehicle.plate:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_plate_empty'))

    @classmethod
    def validate(cls, vehicles):
        super().validate(vehicles)
        cls.check_plate(vehicles)

    @classmethod
    def check_plate(cls, vehicles):
        "A plate is registered once (to one resident) at a time"
        with without_check_access():
            for vehicle in vehicles:
                if not vehicle.active:
                    continue
                others = cls.search([
                        ('id', '!=', vehicle.id),
                        ('plate', '=', vehicle.plate),
                        ], limit=1)
                if others:
                    raise ValidationError(gettext(
                            'property_billing.msg_parking_plate_registered',
                            plate=vehicle.plate,
                            unit=others[0].unit.rec_name))

    @classmethod
    def registered(cls, plates):
        "The active vehicles of the plates, by plate"
        with without_check_access():
            return {v.plate: v for v in cls.search([
                        ('plate', 'in', list(set(plates))),
                        ])}


# -- the gate -----------------------------------------------------------------

class Entry(CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.parking.entry'
    __string__ = "Gate Entry"
    _states = {'readonly': Bool(Eval('posting'))}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))])
    plate = fields.Char("Plate", required=True, states=_states,
        help="Kept in upper case without spaces nor separators.")
    entered_at = fields.DateTime("In", required=True, states=_states)
    left_at = fields.DateTime("Out", states=_states,
        help="Empty while the vehicle is in.")
    vehicle = fields.Many2One('property.parking.vehicle', "Registered Vehicle",
        readonly=True, ondelete='SET NULL',
        help="The vehicle registered with the plate when it came in: it "
        "parks free; the others pay the tariff.")
    fee = fields.Numeric("Fee", digits=(16, 2), readonly=True,
        help="Computed from the tariff of the billing policy when the "
        "vehicle leaves.")
    date = fields.Date("Takings Date", readonly=True,
        help="The office's day the vehicle left: the takings of that day.")
    posting = fields.Many2One('property.parking.posting', "Posting",
        readonly=True, ondelete='RESTRICT')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.site, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.plate, Index.Equality()),
                    (t.entered_at, Index.Range())),
                })
        cls._order = [('entered_at', 'DESC'), ('id', 'DESC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_entered_at():
        return now()

    def get_rec_name(self, name):
        return f'{self.plate} {office_date(self.entered_at, self.company)}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('plate',) + tuple(clause[1:])]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('plate'):
            values['plate'] = normalise_plate(values['plate'])
        return values

    @fields.depends('plate')
    def on_change_plate(self):
        self.plate = normalise_plate(self.plate)

    def compute_fields(self, field_names=None):
        """The registered vehicle of the plate, the fee and the takings
        date, from the plate and the times"""
        values = super().compute_fields(field_names=field_names)
        # (also when the computed fields are written: they stay computed)
        if field_names is not None and not (set(field_names) & {
                    'plate', 'entered_at', 'left_at', 'site', 'company',
                    'vehicle', 'fee', 'date'}):
            return values
        if getattr(self, 'posting', None):
            return values
        Vehicle = Pool().get('property.parking.vehicle')
        vehicle = Vehicle.registered([self.plate]).get(self.plate)
        fee, date = None, None
        if (self.left_at and self.entered_at
                and self.left_at >= self.entered_at):
            date = office_date(self.left_at, self.company)
            if vehicle:
                fee = Decimal(0)
            else:
                fee = self.tariff_fee()
        if vehicle != getattr(self, 'vehicle', None):
            values['vehicle'] = vehicle.id if vehicle else None
        if fee != getattr(self, 'fee', None):
            values['fee'] = fee
        if date != getattr(self, 'date', None):
            values['date'] = date
        return values

    def tariff_fee(self):
        "The fee of the stay by the tariff of the company's billing policy"
        Configuration = Pool().get('property.billing.configuration')
        company = self.company

        def get(name):
            return Configuration.get_value(name, company)
        minutes = math.ceil(
            (self.left_at - self.entered_at).total_seconds() / 60)
        return parking_fee(minutes, get('parking_hour_rate'),
            get('parking_day_cap'), get('parking_free_minutes'))

    @classmethod
    def validate_fields(cls, entries, field_names):
        super().validate_fields(entries, field_names)
        for entry in entries:
            if entry.left_at and entry.left_at < entry.entered_at:
                raise ValidationError(gettext(
                        'property_billing.msg_parking_entry_out_before_in',
                        plate=entry.plate))

    @classmethod
    def check_modification(cls, mode, entries, values=None, external=False):
        super().check_modification(
            mode, entries, values=values, external=external)
        if mode in {'write', 'delete'}:
            for entry in entries:
                if entry.posting:
                    raise ValidationError(gettext(
                            'property_billing.msg_parking_entry_posted',
                            entry=entry.rec_name))


class Posting(CheckValuesMixin, WorkflowGuardMixin, StateAuditMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'property.parking.posting'
    __string__ = "Parking Takings Posting"
    _maintained_fields = ('amount', 'entry_count', 'move')
    _states = {'readonly': Eval('state') != 'draft'}
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', states=_states)
    site = fields.Many2One('property.site', "Site", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('company', '=', Eval('company', -1))])
    date = fields.Date("Date", required=True, states=_states,
        help="The office's day whose takings are posted.")
    entries = fields.One2Many('property.parking.entry', 'posting', "Entries",
        readonly=True)
    entry_count = fields.Integer("Vehicles", readonly=True)
    amount = fields.Numeric("Amount", digits=(16, 2), readonly=True)
    move = fields.Many2One('account.move', "Move", readonly=True,
        ondelete='RESTRICT')
    state = fields.Selection(POSTING_STATES, "State", readonly=True,
        required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('site_date_unique', Unique(t, t.site, t.date),
                'property_billing.msg_parking_posting_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'posted')}
        cls._buttons.update({
                'post': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_date():
        return office_today() - dt.timedelta(days=1)

    def get_rec_name(self, name):
        return f'{self.site.rec_name} {self.date}'

    @classmethod
    def check_modification(cls, mode, postings, values=None, external=False):
        super().check_modification(
            mode, postings, values=values, external=external)
        if mode == 'delete':
            for posting in postings:
                if posting.state != 'draft':
                    raise ValidationError(gettext(
                            'property_billing.msg_parking_posting_delete',
                            posting=posting.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, postings):
        """Post the takings of the day of each posting: one move of the
        site's day debiting the takings method's account and crediting the
        parking revenue account. Every stay of the site that ended that day
        is taken, the free ones too (their fee is 0), so that the day is
        closed; a day of free stays only is posted without a move."""
        pool = Pool()
        Configuration = pool.get('property.billing.configuration')
        Entry = pool.get('property.parking.entry')
        Move = pool.get('account.move')
        Line = pool.get('account.move.line')
        Period = pool.get('account.period')
        moves, to_write = [], []
        for posting in postings:
            company = posting.company
            if posting.date >= office_today(company):
                raise UserError(gettext(
                        'property_billing.msg_parking_posting_day_open',
                        posting=posting.rec_name))
            entries = Entry.search([
                    ('site', '=', posting.site.id),
                    ('date', '=', posting.date),
                    ('posting', '=', None),
                    ('left_at', '!=', None),
                    ])
            if not entries:
                raise UserError(gettext(
                        'property_billing.msg_parking_posting_nothing',
                        posting=posting.rec_name))
            amount = sum((e.fee or 0 for e in entries), Decimal(0))
            posting.amount = amount
            posting.entry_count = len(entries)
            to_write.append((entries, posting))
            if not amount:
                continue
            method = Configuration.get_value(
                'parking_payment_method', company)
            revenue = Configuration.get_value(
                'parking_revenue_account', company)
            if not method or not revenue:
                raise UserError(gettext(
                        'property_billing.msg_parking_posting_accounts'))
            date = posting.date
            move = Move(company=company, journal=method.journal,
                period=Period.find(company, date=date), date=date,
                origin=posting, description=gettext(
                    'property_billing.msg_parking_move_description',
                    site=posting.site.rec_name, date=date),
                lines=[
                    Line(account=method.debit_account.current(date=date),
                        debit=amount, credit=0),
                    Line(account=revenue.current(date=date),
                        debit=0, credit=amount),
                    ])
            moves.append(move)
            posting.move = move
        with without_check_access():
            Move.save(moves)
            Move.post(moves)
            cls.save(postings)
            for entries, posting in to_write:
                Entry.write(entries, {'posting': posting.id})

    @classmethod
    def post_daily(cls, date=None):
        """Scheduled action: post the takings of every site for each day
        before today (the office's) with stays not posted yet, also a day
        of free stays only"""
        pool = Pool()
        Entry = pool.get('property.parking.entry')
        Company = pool.get('company.company')
        postings = []
        for company in Company.search([]):
            today = date or office_today(company)
            days = set()
            for entry in Entry.search([
                        ('company', '=', company.id),
                        ('posting', '=', None),
                        ('date', '<', today),
                        ]):
                days.add((entry.site, entry.date))
            for site, day in sorted(days, key=lambda d: (d[1], d[0].id)):
                if not cls.search([
                            ('site', '=', site.id), ('date', '=', day)]):
                    postings.append(cls(company=company, site=site,
                            date=day))
        if postings:
            cls.save(postings)
            cls.post(postings)
        return postings


class Offender(ModelSQL, ModelView):
    __name__ = 'property.parking.offender'
    __string__ = "Parking Repeat Offender"
    _rec_name = 'plate'
    company = fields.Many2One('company.company', "Company")
    site = fields.Many2One('property.site', "Site")
    plate = fields.Char("Plate")
    visits = fields.Integer("Visits",
        help="Times seen at the gate without a registration in the last "
        "30 days.")
    first_seen = fields.DateTime("First Seen")
    last_seen = fields.DateTime("Last Seen")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('visits', 'DESC'), ('plate', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        """The plates without a registration seen at a site's gate more
        than the policy's number of times in the last 30 days"""
        pool = Pool()
        Entry = pool.get('property.parking.entry')
        Configuration = pool.get('property.billing.configuration')
        entry = Entry.__table__()
        company = Transaction().context.get('company')
        visits = Configuration.get_value('parking_offender_visits', company)
        since = clock() - dt.timedelta(days=OFFENDER_DAYS)
        return entry.select(
            Min(entry.id).as_('id'),
            Literal(0).as_('create_uid'),
            Min(entry.create_date).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            entry.company.as_('company'),
            entry.site.as_('site'),
            entry.plate.as_('plate'),
            Count(entry.id).as_('visits'),
            Min(entry.entered_at).as_('first_seen'),
            Max(entry.entered_at).as_('last_seen'),
            where=(entry.vehicle == Null) & (entry.entered_at >= since),
            group_by=[entry.company, entry.site, entry.plate],
            having=Count(entry.id) > (visits or 0))



class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    @classmethod
    def get_amount_to_pay(cls, invoices, name):
        """A credit note whose credit pays another invoice (its line among
        that invoice's payment lines, as Contract.credit_unused adds it)
        has nothing left to pay back: its credit is counted once, by the
        invoice it pays, in every sum of the amounts to pay (the unit's
        amount due, the notice's arrears, the collectors' debts). The
        suite bills in the company's currency."""
        amounts = super().get_amount_to_pay(invoices, name)
        for invoice in invoices:
            if invoice.state != 'posted' or invoice.type != 'out':
                continue
            for line in invoice.lines_to_pay:
                # (a credit: the invoices' own debits are not read further)
                if (line.credit and not line.reconciliation
                        and line.invoice_payment
                        and line.invoice_payment != invoice
                        and line.currency == invoice.currency):
                    amounts[invoice.id] -= line.debit - line.credit
        return amounts


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.parking.posting']


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('property.parking.posting|post_daily',
                "Post the Parking Takings"))
