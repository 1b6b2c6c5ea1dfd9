# This file is part of the property-management suite.
"""Opening balances (期初欠费): the arrears of the homes from before the
suite, imported by finance from a CSV file into posted opening invoices

Each line of the file (unit code, payer, fee type, month, amount) becomes
an opening balance record, the origin of its invoice line; the lines of a
payer and unit go on one invoice built as every fee invoice is
(Invoice.property_invoice_values), its lines on the opening-balance
account of the billing policy. Every line is checked first and nothing is
imported while one is wrong; a unit, payer, fee type and month is
imported once (a unique key)."""
import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from itertools import groupby

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import SQLConstraintError
from trytond.modules.property_base.common import CheckValuesMixin
from trytond.modules.property_base.site import site_from
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .prepayment import apply_prepayments

# The columns of the file, by the header's names (English or Chinese)
COLUMNS = ('unit_code', 'payer', 'fee_type', 'month', 'amount')
HEADERS = {
    'unit_code': {'unit_code', 'unit code', 'unit', '单元编号', '房号'},
    'payer': {'payer', '缴费人', '业主'},
    'fee_type': {'fee_type', 'fee type', '收费项目'},
    'month': {'month', '月份'},
    'amount': {'amount', '金额'},
    }
TEMPLATE_HEADERS = {
    'zh_CN': ('单元编号', '缴费人', '收费项目', '月份', '金额'),
    }
MONTH_RE = re.compile(r'^(\d{4})-(\d{2})$')
CONTEXT_ACCOUNT = 'property_opening_account'

opening_account = fields.Many2One('account.account',
    "Opening Balance Account",
    domain=[
        ('company', '=', Eval('context', {}).get('company', -1)),
        ('type', '!=', None),
        ('closed', '!=', True),
        ('type.statement', '=', 'balance'),
        ('type.receivable', '=', False),
        ('type.payable', '=', False),
        ],
    help="The equity or clearing account the imported opening balances "
    "(期初欠费) are credited to, against the payers' receivables.")


class Configuration(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration'
    opening_account = fields.MultiValue(opening_account)

    @classmethod
    def multivalue_model(cls, field):
        if field == 'opening_account':
            return Pool().get('property.billing.configuration.policy')
        return super().multivalue_model(field)


class ConfigurationPolicy(metaclass=PoolMeta):
    __name__ = 'property.billing.configuration.policy'
    opening_account = fields.Many2One('account.account',
        "Opening Balance Account", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))])


class Opening(site_from('unit'), CheckValuesMixin, ModelSQL, ModelView):
    __name__ = 'property.billing.opening'
    __string__ = "Opening Balance"
    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='RESTRICT', readonly=True)
    unit = fields.Many2One('property.unit', "Unit", required=True,
        ondelete='RESTRICT', readonly=True)
    party = fields.Many2One('party.party', "Payer", required=True,
        ondelete='RESTRICT', readonly=True,
        context={'company': Eval('company', -1)}, depends={'company'})
    fee_type = fields.Many2One('property.fee.type', "Fee Type",
        required=True, ondelete='RESTRICT', readonly=True)
    month = fields.Date("Month", required=True, readonly=True,
        help="The month the fee was owed for (its first day).")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        readonly=True)
    invoice = fields.Many2One('account.invoice', "Invoice",
        ondelete='RESTRICT', readonly=True)
    line = fields.Integer("File Line", readonly=True,
        help="The line of the imported file.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            # a month's fee of a payer and unit is imported once
            ('unit_party_fee_month_unique',
                Unique(t, t.unit, t.party, t.fee_type, t.month),
                'property_billing.msg_opening_unique'),
            ]
        cls._order = [('unit', 'ASC'), ('party', 'ASC'),
            ('fee_type', 'ASC'), ('month', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return (f'{self.unit.rec_name} {self.fee_type.rec_name} '
            f'{self.month:%Y-%m}')

    @classmethod
    def import_csv(cls, company, data, account):
        """Check the CSV file (bytes) of opening balances and, when every
        line is right, post its invoices against the account: the invoices
        created, or raise a UserError listing every wrong line"""
        values, errors = cls.read_csv(company, data)
        if errors:
            raise UserError('\n'.join(errors))
        return cls.post_openings(company, values, account)

    @classmethod
    def read_csv(cls, company, data):
        """The values of the opening balances of the CSV file and the
        errors of its wrong lines by their number, each line checked; a
        UserError for a file that cannot be read"""
        try:
            text = data.decode('utf-8-sig')
        except UnicodeDecodeError:
            raise UserError(gettext('property_billing.msg_opening_not_utf8'))
        rows = [(n, r) for n, r in enumerate(
                csv.reader(io.StringIO(text, newline='')), 1)
            if any(c.strip() for c in r)]
        if not rows:
            raise UserError(gettext('property_billing.msg_opening_empty'))
        _, header = rows.pop(0)
        header = [h.strip().lower() for h in header]
        positions = {}
        for column in COLUMNS:
            found = [i for i, h in enumerate(header)
                if h in HEADERS[column]]
            if not found:
                raise UserError(gettext(
                        'property_billing.msg_opening_header',
                        header=','.join(COLUMNS)))
            positions[column] = found[0]
        if not rows:
            raise UserError(gettext('property_billing.msg_opening_empty'))
        errors, values = [], []
        finder = _Finder(company)
        seen = {}
        for number, row in rows:
            if len(row) < len(header):
                errors.append((number, gettext(
                            'property_billing.msg_opening_line_columns',
                            line=number, count=len(row),
                            expected=len(header))))
                continue
            cells = {c: row[i].strip() for c, i in positions.items()}
            line_errors = []
            unit = finder.unit(cells['unit_code'], number, line_errors)
            party = finder.party(cells['payer'], unit, number, line_errors)
            fee_type = finder.fee_type(cells['fee_type'], number,
                line_errors)
            month = finder.month(cells['month'], number, line_errors)
            amount = _amount(cells['amount'], number, line_errors)
            if not line_errors:
                key = (unit.id, party.id, fee_type.id, month)
                if key in seen:
                    line_errors.append(gettext(
                            'property_billing.msg_opening_line_twice',
                            line=number, other=seen[key]))
                else:
                    seen[key] = number
            if line_errors:
                errors.extend((number, e) for e in line_errors)
                continue
            values.append({
                    'company': company.id, 'unit': unit.id,
                    'party': party.id, 'fee_type': fee_type.id,
                    'month': month, 'amount': amount, 'line': number,
                    })
        errors.extend(cls._already_imported(values))
        errors.sort(key=lambda e: e[0])
        return values, [e for _, e in errors]

    @classmethod
    def _already_imported(cls, values):
        "The errors (line, message) of the lines already imported"
        errors = []
        with without_check_access():
            for unit_id, group in groupby(
                    sorted(values, key=lambda v: v['unit']),
                    key=lambda v: v['unit']):
                group = list(group)
                existing = {(o.party.id, o.fee_type.id, o.month): o
                    for o in cls.search([('unit', '=', unit_id)])}
                for value in group:
                    other = existing.get((value['party'],
                            value['fee_type'], value['month']))
                    if other:
                        errors.append((value['line'], gettext(
                                'property_billing.msg_opening_line_imported',
                                line=value['line'],
                                record=other.rec_name,
                                payer=other.party.rec_name,
                                invoice=other.invoice.rec_name
                                if other.invoice else '')))
        return errors

    @classmethod
    def post_openings(cls, company, values, account):
        """Post an opening invoice per payer and unit of the values, a line
        per fee type and month on the account; the invoices"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Unit = pool.get('property.unit')
        FeeType = pool.get('property.fee.type')
        Date = pool.get('ir.date')
        if not values:
            return []
        with Transaction().set_context(company=company.id):
            today = Date.today()
        try:
            with without_check_access():
                openings = cls.create(values)
        except SQLConstraintError as exception:
            # imported by someone else since the file was checked
            raise UserError(gettext(
                    'property_billing.msg_opening_unique')) from exception
        fee_types = {f.id: f for f in FeeType.browse(
                list({v['fee_type'] for v in values}))}
        units = {u.id: u for u in Unit.browse(
                list({v['unit'] for v in values}))}

        def key(opening):
            return (opening.unit.id, opening.party.id)

        def order(opening):
            return key(opening) + (fee_types[opening.fee_type.id].code,
                opening.month)
        openings = sorted(openings, key=order)
        first_unit = {}
        for opening in openings:
            first_unit.setdefault(opening.party.id, opening.unit.id)
        parties = Invoice.property_invoice_parties(first_unit)
        defaults = Invoice.property_invoice_defaults(company, today)
        # the opening invoices are overdue by nature: no warning about a
        # payment term date in the past
        context = {CONTEXT_ACCOUNT: account.id, '_skip_warnings': True}
        invoices, groups = [], []
        for (unit_id, party_id), group in groupby(openings, key=key):
            group = list(group)
            unit = units[unit_id]
            months = [o.month for o in group]
            first, last = min(months), max(months)
            span = (f'{first:%Y-%m}' if first == last
                else f'{first:%Y-%m}/{last:%Y-%m}')
            values = Invoice.property_invoice_values(defaults,
                parties[party_id], unit,
                description=gettext(
                    'property_billing.msg_opening_invoice_description',
                    unit=unit.rec_name, months=span),
                month=first)
            # the arrears are due from the first month owed on, as a
            # fee invoice of that month would have been
            values['payment_term_date'] = first
            # records keep the context they are made in, to be saved in
            with Transaction().set_context(context):
                invoice = Invoice(**values)
            invoice.lines = [{
                    'type': 'line',
                    'account': account.id,
                    'description': (
                        f'{fee_types[o.fee_type.id].name} {o.month:%Y-%m}'),
                    'quantity': 1,
                    'unit_price': o.amount,
                    'origin': str(o),
                    } for o in group]
            invoices.append(invoice)
            groups.append(group)
        with Transaction().set_context(context):
            Invoice.save(invoices)
            Invoice.post(invoices)
        to_write = []
        for invoice, group in zip(invoices, groups):
            to_write.extend((group, {'invoice': invoice.id}))
        with without_check_access():
            cls.write(*to_write)
        apply_prepayments(Invoice.browse([i.id for i in invoices]))
        return invoices


def _amount(text, number, errors):
    "The amount of the text: above 0 with at most 2 decimals"
    try:
        amount = Decimal(text.replace(',', '')) if text else None
    except InvalidOperation:
        amount = None
    if (amount is None or not amount.is_finite() or amount <= 0
            or amount != amount.quantize(Decimal('0.01'))):
        errors.append(gettext('property_billing.msg_opening_line_amount',
                line=number, amount=text))
        return None
    return amount.quantize(Decimal('0.01'))


class _Finder:
    "Finds the records of the file's cells, each looked up once"

    def __init__(self, company):
        pool = Pool()
        self.company = company
        with Transaction().set_context(company=company.id):
            self.today = pool.get('ir.date').today()
        self._units = {}
        self._parties = {}
        self._fee_types = {}
        self._payers = {}

    def unit(self, code, number, errors):
        """The unit of the code ("SITE/CODE", or a code found in one site
        only) in the company's sites the user may see"""
        Unit = Pool().get('property.unit')
        if code not in self._units:
            site_code, _, unit_code = code.rpartition('/')
            domain = [('site.company', '=', self.company.id),
                ('code', '=', unit_code)]
            if site_code:
                domain.append(('site.code', '=', site_code))
            self._units[code] = Unit.search(domain) if unit_code else []
        units = self._units[code]
        if not units:
            errors.append(gettext('property_billing.msg_opening_line_unit',
                    line=number, unit=code))
        elif len(units) > 1:
            errors.append(gettext(
                    'property_billing.msg_opening_line_unit_sites',
                    line=number, unit=code))
        else:
            return units[0]

    def payers(self, unit):
        "The ids of the owners and tenants the unit ever had"
        if unit.id not in self._payers:
            self._payers[unit.id] = (
                {o.party.id for o in unit.ownerships}
                | {r.party.id for r in unit.residents if r.role == 'tenant'})
        return self._payers[unit.id]

    def party(self, name, unit, number, errors):
        """The party of the name or code, an owner or tenant of the unit"""
        Party = Pool().get('party.party')
        if name not in self._parties:
            self._parties[name] = Party.search(['OR',
                    ('name', '=', name), ('code', '=', name)]) if name else []
        parties = self._parties[name]
        if not parties:
            errors.append(gettext('property_billing.msg_opening_line_payer',
                    line=number, payer=name))
            return None
        if unit is None:
            return None
        payers = [p for p in parties if p.id in self.payers(unit)]
        if len(payers) != 1:
            errors.append(gettext(
                    'property_billing.msg_opening_line_not_payer',
                    line=number, payer=name, unit=unit.rec_name))
            return None
        return payers[0]

    def fee_type(self, code, number, errors):
        "The company's fee type of the code or name"
        FeeType = Pool().get('property.fee.type')
        if code not in self._fee_types:
            fee_types = FeeType.search([
                    ('company', '=', self.company.id),
                    ('code', '=', code)]) if code else []
            if not fee_types and code:
                fee_types = FeeType.search([
                        ('company', '=', self.company.id),
                        ('name', '=', code)])
            self._fee_types[code] = fee_types
        fee_types = self._fee_types[code]
        if len(fee_types) != 1:
            errors.append(gettext(
                    'property_billing.msg_opening_line_fee_type',
                    line=number, fee_type=code))
            return None
        return fee_types[0]

    def month(self, text, number, errors):
        "The first day of the month written YYYY-MM, not in the future"
        match = MONTH_RE.match(text)
        month = None
        if match and 1 <= int(match[2]) <= 12:
            month = dt.date(int(match[1]), int(match[2]), 1)
        if month is None:
            errors.append(gettext('property_billing.msg_opening_line_month',
                    line=number, month=text))
        elif month > self.today:
            errors.append(gettext(
                    'property_billing.msg_opening_line_future',
                    line=number, month=text))
            month = None
        return month


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'
    property_openings = fields.One2Many('property.billing.opening',
        'invoice', "Opening Balances", readonly=True)

    @classmethod
    def get_property_fees(cls, invoices, name):
        "With the fees of the opening balances an invoice posts"
        Opening = Pool().get('property.billing.opening')
        result = super().get_property_fees(invoices, name)
        missing = [i.id for i in invoices if not result.get(i.id)]
        if missing:
            fees = defaultdict(list)
            with without_check_access():
                openings = Opening.search([('invoice', 'in', missing)])
                for opening in sorted(openings,
                        key=lambda o: (o.fee_type.code, o.month)):
                    fee = opening.fee_type.name
                    if fee not in fees[opening.invoice.id]:
                        fees[opening.invoice.id].append(fee)
            for invoice_id, names in fees.items():
                result[invoice_id] = ', '.join(names)
        return result

    @classmethod
    def copy(cls, invoices, default=None):
        default = dict(default or {})
        default.setdefault('property_openings', None)
        return super().copy(invoices, default=default)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['property.billing.opening']

    @classmethod
    def _account_domain(cls, type_):
        domain = super()._account_domain(type_)
        if type_ == 'out':
            # the opening balances' lines, on the account of the billing
            # policy, only while they are imported
            domain = domain + [('id', '=',
                    Eval('context', {}).get(CONTEXT_ACCOUNT, -1))]
        return domain


class ImportStart(ModelView):
    __name__ = 'property.billing.opening.import.start'
    __string__ = "Import Opening Balances"
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    account = fields.Many2One('account.account', "Opening Balance Account",
        readonly=True,
        help="Set in the billing policy.")
    file = fields.Binary("CSV File", filename='file_name',
        help="UTF-8 text (with or without BOM); the first line the header "
        "unit_code,payer,fee_type,month,amount; a line per fee and month "
        "owed: the unit's code (SITE/CODE when several sites use it), the "
        "payer's name or code, the fee type's code, the month as YYYY-MM, "
        "the amount with at most 2 decimals.")
    file_name = fields.Char("File Name")
    template = fields.Binary("Template", filename='template_name',
        readonly=True, help="An empty file with the header, to fill in.")
    template_name = fields.Char("Template Name", readonly=True)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_account(cls):
        Configuration = Pool().get('property.billing.configuration')
        company = Transaction().context.get('company')
        if company is None:
            return None
        account = Configuration(1).get_multivalue('opening_account',
            company=company)
        return account.id if account else None

    @classmethod
    def default_template(cls):
        language = Transaction().language or ''
        header = TEMPLATE_HEADERS.get(language, COLUMNS)
        return ('\ufeff' + ','.join(header) + '\r\n').encode('utf-8')

    @classmethod
    def default_template_name(cls):
        return 'opening_balances.csv'


class ImportErrors(ModelView):
    __name__ = 'property.billing.opening.import.errors'
    __string__ = "Opening Balance Import Errors"
    errors = fields.Text("Errors", readonly=True,
        help="Nothing was imported: correct these lines and import the "
        "file again.")


class Import(Wizard):
    "Import Opening Balances"
    __name__ = 'property.billing.opening.import'
    start = StateView('property.billing.opening.import.start',
        'property_billing.opening_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateTransition()
    errors = StateView('property.billing.opening.import.errors',
        'property_billing.opening_import_errors_view_form', [
            Button("Close", 'end', 'tryton-cancel'),
            Button("Back", 'start', 'tryton-back', default=True),
            ])
    open_ = StateAction('property_billing.act_invoice_fee_form')

    def transition_import_(self):
        Opening = Pool().get('property.billing.opening')
        company = self.start.company
        account = self.start.account
        if not account:
            raise UserError(gettext(
                    'property_billing.msg_opening_no_account'))
        if not self.start.file:
            raise UserError(gettext('property_billing.msg_opening_no_file'))
        values, errors = Opening.read_csv(company, bytes(self.start.file))
        if errors:
            # listed in the wizard, nothing imported
            self._errors = '\n'.join(errors)
            return 'errors'
        invoices = Opening.post_openings(company, values, account)
        self._invoice_ids = [i.id for i in invoices]
        return 'open_'

    def default_errors(self, fields):
        return {'errors': getattr(self, '_errors', None)}

    def do_open_(self, action):
        ids = getattr(self, '_invoice_ids', [])
        action['pyson_domain'] = json.dumps([('id', 'in', ids)])
        action['domains'] = []
        return action, {}
